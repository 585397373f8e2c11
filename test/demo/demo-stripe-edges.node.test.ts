// The demo shop in Stripe mode at Stripe's edges, end to end: the real demo server, the real
// `stripe` library, the fake Stripe on loopback and the Stripe.js stand-in (its bank challenge
// and its reading of a SetupIntent, see test/support/stripe-js-standin/), in the system
// Chromium. A 3-D Secure retry of the failed renewal (confirmed, and closed by the shopper), a
// card saved from a wallet, the return from a bank's page after a redirect, and the demo's
// Stripe webhook: a duplicate delivery, and the failure of Cardkeep's own in-page retry.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Stripe from 'stripe';
import type { Frame, Page } from 'puppeteer-core';
import type { DemoServer } from '../../demo/server.mjs';
import type { TestCardName } from '../support/fake-stripe.js';
import { addFailedRenewal, defaultCard, stripeDemoSession } from './stripe-demo.js';
import { open, textOf, updateExpiry, waitForText } from './shopper.js';

const session = stripeDemoSession({ answerStripeHosts: true });
const { visit } = session;

/**
 * A customer whose `card` expired last month and whose renewal of 1,980 yen failed on it; the
 * demo started for them.
 */
async function failedRenewal(card: TestCardName, options: { wallet?: 'apple_pay' } = {}) {
  const fake = await session.startFake();
  const renewal = addFailedRenewal(
    fake,
    card,
    { name: 'Mia Weber', created: Date.UTC(2022, 1) / 1000 },
    options,
  );
  const demo = await session.startDemo(renewal.customerId);
  return { ...renewal, url: demo.url, demo };
}

/**
 * Delivers `event` to the demo's webhook as Stripe does: the raw JSON, signed with the demo's
 * secret. Signed now by the real clock: the signature's age is a duration, checked against it.
 */
async function deliver(demo: DemoServer, event: Record<string, unknown>) {
  const payload = JSON.stringify(event);
  const signature = session.fake.signWebhook(
    payload,
    demo.webhookSecret!,
    Math.floor(Date.now() / 1000),
  );
  const response = await fetch(`${demo.url}/stripe/webhook`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Stripe-Signature': signature },
    body: payload,
  });
  return { status: response.status, body: (await response.json()) as unknown };
}

/** The e-mails the demo's outbox page lists, as the shopper's inbox would. */
async function outbox(page: Page, url: string): Promise<string[]> {
  await open(page, `${url}/outbox.html`);
  return page.$$eval('#outbox li', (items) => items.map((li) => li.textContent!.trim()));
}

/** The bank's challenge frame (the stand-in's, from js.stripe.com), once it is on the page. */
async function challenge(page: Page): Promise<Frame> {
  const frame = await page.waitForFrame(
    (f) => f.url().startsWith('https://js.stripe.com/endive/challenge.html'),
    { timeout: 0 },
  );
  await frame.waitForSelector('button[data-outcome]', { timeout: 0 });
  return frame;
}

/** Answers the bank's challenge as the shopper does, then waits until its frame is gone. */
async function answer(page: Page, outcome: 'succeed' | 'fail') {
  const frame = await challenge(page);
  await frame.click(`button[data-outcome="${outcome}"]`);
  await page.waitForFunction(() => !document.querySelector('iframe[name*="Challenge"]'), {
    timeout: 0,
  });
}

describe('the demo shop on Stripe at its edges (Stripe.js stand-in, fake Stripe)', () => {
  it('a card that needs 3-D Secure: the bank checks the card, then the shopper confirms the retried payment', async () => {
    const { invoiceId, url } = await failedRenewal('pm_card_authenticationRequired');
    const { page } = await visit();
    await open(page, `${url}/`);
    await waitForText(page, 'cardkeep-banner', 'We couldn’t take your last payment');
    await updateExpiry(page, '0331', '03 / 31');
    // The card check first (the demo verifies a new date), then the payment.
    await answer(page, 'succeed');
    await waitForText(page, 'cardkeep-banner', 'Now your bank wants you to confirm the payment');
    await answer(page, 'succeed');
    await waitForText(page, 'cardkeep-banner', 'Thank you — your card is up to date');
    await waitForText(
      page,
      'cardkeep-banner',
      'Payment confirmed: your payment of ¥1,980 went through.',
    );
    assert.equal(session.fake.object(invoiceId)!.status, 'paid');
    // The on-session pay call, once: the confirmation finished the same PaymentIntent.
    const pays = session.fake.requests.filter((r) => r.path === `/v1/invoices/${invoiceId}/pay`);
    assert.deepEqual(
      pays.map((r) => r.params.off_session),
      ['false'],
    );
  });

  it('the shopper closes the bank’s window for the payment: the date is saved, the payment still due', async () => {
    const { customerId, invoiceId, url } = await failedRenewal('pm_card_authenticationRequired');
    const { page } = await visit();
    await open(page, `${url}/?lang=ja`);
    await waitForText(page, 'cardkeep-banner', '前回のお支払いを完了できませんでした');
    await updateExpiry(page, '0331', '03 / 31');
    await answer(page, 'succeed');
    await answer(page, 'fail');
    await waitForText(page, 'cardkeep-banner', 'お支払いの確認が完了しませんでした');
    await waitForText(page, 'cardkeep-banner', '1,980円のお支払いはまだ完了していません');
    const card = defaultCard(session.fake, customerId).card;
    assert.deepEqual([card.exp_month, card.exp_year], [3, 2031], 'the new date is saved');
    assert.equal(session.fake.object(invoiceId)!.status, 'open', 'the payment is still due');
  });

  it('a card saved from Apple Pay: no expiry field, the replacement is offered', async () => {
    const { url } = await failedRenewal('pm_card_visa', { wallet: 'apple_pay' });
    const { page } = await visit();
    await open(page, `${url}/`);
    await waitForText(page, 'cardkeep-banner', 'is saved from Apple Pay');
    const buttons = await page.$$eval('cardkeep-banner', (els) =>
      [...els[0]!.shadowRoot!.querySelectorAll('button')].map((b) => b.textContent!.trim()),
    );
    assert.ok(!buttons.includes('Update expiry date'), `no expiry form: ${buttons.join(', ')}`);
    assert.ok(buttons.includes('Use a different card'), `the replacement: ${buttons.join(', ')}`);
  });

  it('back from the bank’s page after a redirect: the new card is recorded, and a reload does not run it again', async () => {
    const { customerId, old, invoiceId, url } = await failedRenewal('pm_card_mastercard');
    // What the replacement form started before Stripe sent the shopper to their bank: a
    // card-only SetupIntent, confirmed there with a new card.
    const stripe = new Stripe(session.fake.secretKey, session.fake.clientConfig());
    const intent = await stripe.setupIntents.create({
      customer: customerId,
      usage: 'off_session',
      allowed_payment_method_types: ['card'],
      metadata: { cardkeep: 'replace_card' },
    });
    const confirmed = await session.fake.confirmSetupAsBrowser(
      intent.client_secret!,
      'pm_card_visa',
    );
    assert.equal(confirmed.status, 'succeeded');
    const back = new URL(`${url}/`);
    back.searchParams.set('cardkeep_pk', session.fake.publishableKey);
    back.searchParams.set('setup_intent', intent.id);
    back.searchParams.set('setup_intent_client_secret', intent.client_secret!);
    back.searchParams.set('redirect_status', 'succeeded');

    const { page } = await visit();
    await open(page, back.href);
    await waitForText(page, 'cardkeep-banner', 'Your new Visa •••• 4242 is saved.');
    await waitForText(page, 'cardkeep-banner', 'Your payment of ¥1,980 went through.');
    assert.equal(new URL(page.url()).search, '', 'Stripe’s parameters are gone from the address');
    assert.notEqual(defaultCard(session.fake, customerId).id, old.id);
    assert.equal(session.fake.object(invoiceId)!.status, 'paid');

    const replaced = session.fake.requests.filter((r) => r.path === `/v1/customers/${customerId}`);
    await page.reload({ waitUntil: 'load' });
    await page.waitForNetworkIdle({ idleTime: 150 });
    assert.equal(
      session.fake.requests.filter((r) => r.path === `/v1/customers/${customerId}`).length >
        replaced.length,
      true,
      'the page read the card again',
    );
    assert.equal(
      session.fake.requests.filter(
        (r) => r.method === 'POST' && r.path === `/v1/customers/${customerId}`,
      ).length,
      1,
      'the replacement was recorded once',
    );
    assert.ok(!(await textOf(page, 'body')).includes('setup_intent'));
  });
  it('Stripe delivers the same failed renewal twice: the shopper gets one dunning e-mail, whose link opens the update page', async () => {
    const { invoiceId, demo } = await failedRenewal('pm_card_visa');
    // Stripe's own renewal attempt failed: the shopper is not on the page.
    const event = session.fake.event('invoice.payment_failed', session.fake.object(invoiceId)!);
    assert.deepEqual(await deliver(demo, event), { status: 200, body: { received: true } });
    assert.deepEqual(await deliver(demo, event), {
      status: 200,
      body: { received: true, duplicate: true },
    });

    const { page } = await visit();
    const mails = await outbox(page, demo.url);
    assert.equal(mails.length, 1, `one e-mail: ${mails.join(' | ')}`);
    assert.ok(mails[0]!.startsWith(demo.outbox[0]!.subject!), mails[0]);
    assert.match(demo.outbox[0]!.subject!, /¥1,980/, 'the e-mail names the declined renewal');
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('#outbox a')]);
    assert.equal(new URL(page.url()).pathname, '/cardkeep/update');
    assert.ok(await page.$('form input[name="expiry"]'), 'the update page offers the form');
  });

  it('the in-page retry is declined: the webhook’s event for that failure sends no e-mail', async () => {
    const { invoiceId, demo } = await failedRenewal('pm_card_chargeCustomerFail');
    const { page } = await visit();
    await open(page, `${demo.url}/`);
    await waitForText(page, 'cardkeep-banner', 'We couldn’t take your last payment');
    await updateExpiry(page, '0331', '03 / 31');
    await waitForText(page, 'cardkeep-banner', 'The payment still didn’t go through.');
    // Stripe reports the declined retry like any failure; the invoice carries the retry's mark.
    const invoice = session.fake.object(invoiceId)!;
    assert.equal(invoice.attempt_count, 2);
    const event = session.fake.event('invoice.payment_failed', invoice);
    assert.deepEqual(await deliver(demo, event), { status: 200, body: { received: true } });
    assert.deepEqual(demo.outbox, [], 'no dunning e-mail to a shopper who is on the page');
    assert.deepEqual(await outbox(page, demo.url), ['Nothing sent yet.']);
  });
});
