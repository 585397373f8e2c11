// The demo shop in Stripe mode, replacing the card end to end: the real demo server, the real
// `stripe` library and the fake Stripe on loopback, driven in the system Chromium. The page
// loads the replacement form's companion file and Stripe.js only when the shopper asks for a
// different card; Stripe.js is a stand-in (test/support/stripe-js-standin/) served at Stripe's
// own URL, whose Payment Element is a cross-origin frame from js.stripe.com and whose
// confirmation goes from the page to api.stripe.com — both answered in this process (see
// ./stripe-hosts.ts), api.stripe.com by forwarding to the fake. So the demo's CSP, the loader of
// @stripe/stripe-js and the browser's origin rules are all the real ones.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Frame, Page } from 'puppeteer-core';
import { clock } from '../support/clock.js';
import { addFailedRenewal, defaultCard, stripeDemoSession } from './stripe-demo.js';
import { bannerShown, open, settled, textOf, waitForText } from './shopper.js';

/** The replacement form's chunk (its name ends in a content hash). */
const CHUNK = /^\/cardkeep-replace-card-[\w-]+\.min\.js$/;
const REPLACE = 'cardkeep-banner >>> cardkeep-replace-card';

const session = stripeDemoSession({ answerStripeHosts: true });
const { visit } = session;

const startStripeDemo = session.startDemo;

/** Every call that reached the fake: which key made it, and the parameters of writes. */
function calls() {
  return session.fake.requests.map((r) => `${r.method} ${r.path} ${r.auth} ${r.status}`);
}

function params(method: string, path: string) {
  return session.fake.requests
    .filter((r) => r.method === method && r.path === path)
    .map((r) => r.params);
}

/**
 * Clicks "Use a different card" and waits until the form says it is `ready` (Stripe's frame
 * loaded, Save enabled). Each wait is on state and has no clock of its own: on a busy machine
 * the frame can take longer than any fixed budget, and the test's own timeout still ends a
 * form that never gets there.
 */
async function openReplacement(page: Page): Promise<Frame> {
  await page.click('cardkeep-banner >>> button::-p-text(Use a different card)');
  const frame = await page.waitForFrame((f) => f.url().startsWith('https://js.stripe.com/'), {
    timeout: 0,
  });
  await frame.waitForSelector('input[name="cardnumber"]', { timeout: 0 });
  await page.waitForFunction(
    () =>
      (
        document
          .querySelector('cardkeep-banner')
          ?.shadowRoot?.querySelector('cardkeep-replace-card') as { status?: string } | null
      )?.status === 'ready',
    { timeout: 0 },
  );
  const save = await page.$(`${REPLACE} >>> button[type="submit"]`);
  assert.equal(await save!.evaluate((b) => (b as HTMLButtonElement).disabled), false, 'Save');
  return frame;
}

/** Types a card into Stripe's frame (replacing what is there) as the shopper does. */
async function typeCard(frame: Frame, number: string, expiry: string, cvc: string) {
  for (const [name, value] of [
    ['cardnumber', number],
    ['exp-date', expiry],
    ['cvc', cvc],
  ] as const) {
    const input = (await frame.$(`input[name="${name}"]`))!;
    await input.click({ count: 3 });
    await input.type(value);
  }
}

/**
 * The inputs a shopper could type into in the shop's own page (shadow roots included). A
 * string, so the test runner's transpiler cannot wrap it in helpers the page does not have.
 */
function visibleInputsOnPage(page: Page): Promise<string[]> {
  return page.evaluate<[], () => string[]>(`(() => {
    const found = [];
    const walk = (root) => {
      for (const el of root.querySelectorAll('*')) {
        if (el instanceof HTMLInputElement && el.type !== 'hidden') found.push(el.outerHTML);
        if (el.shadowRoot) walk(el.shadowRoot);
      }
    };
    walk(document);
    return found;
  })()`);
}

/** Asserts the companion file and Stripe.js were asked for once each, and only after `mark`. */
function assertLoadedOnDemand(requests: string[], mark: number) {
  const paths = requests.map((url) => new URL(url));
  const chunk = paths.flatMap((u, i) => (CHUNK.test(u.pathname) ? [i] : []));
  const stripeJs = paths.flatMap((u, i) => (u.hostname === 'js.stripe.com' ? [i] : []));
  const api = paths.flatMap((u, i) => (u.hostname === 'api.stripe.com' ? [i] : []));
  assert.equal(chunk.length, 1, 'the replacement form’s file was loaded exactly once');
  assert.ok(chunk[0]! >= mark, 'the replacement form’s file was loaded only after the click');
  assert.equal(
    requests.filter((url) => url === 'https://js.stripe.com/endive/stripe.js').length,
    1,
    'Stripe.js was loaded exactly once',
  );
  assert.ok(
    [...stripeJs, ...api].every((i) => i >= mark),
    'nothing was asked of Stripe’s hosts before the click',
  );
}

describe('the demo shop on Stripe: a different card (Stripe.js stand-in, fake Stripe)', () => {
  it('after a failed renewal the shopper saves a new card in Stripe’s frame; Stripe gets it as the default and the invoice is paid', async () => {
    const fake = await session.startFake();
    const now = clock();
    const lastMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
    const customer = fake.addCustomer({ name: 'Sam Carter', created: Date.UTC(2020, 5) / 1000 });
    const old = fake.addPaymentMethod('pm_card_mastercard', {
      customer: customer.id,
      default: true,
      exp_month: lastMonth.getUTCMonth() + 1,
      exp_year: lastMonth.getUTCFullYear(),
    });
    const { subscription, invoice } = fake.addSubscription({
      customer: customer.id,
      status: 'past_due',
      default_payment_method: old.id,
      latestInvoice: { amount: 1999, currency: 'usd', attempt_count: 1 },
    });
    const { url } = await startStripeDemo(customer.id);
    fake.clearRequests();

    const { page, requests } = await visit();
    await open(page, `${url}/`);
    await waitForText(page, 'cardkeep-banner', 'We couldn’t take your last payment');
    const mark = requests.length;
    fake.clearRequests();

    const frame = await openReplacement(page);
    assert.deepEqual(await visibleInputsOnPage(page), [], 'no card field in the shop’s page');
    assert.equal(
      await page.$eval('iframe', (el) => el.contentDocument),
      null,
      'the page cannot look into Stripe’s frame',
    );
    // Stripe's test tokens carry their own expiry (December, three years on), whatever is typed.
    const yy = String((now.getUTCFullYear() + 3) % 100).padStart(2, '0');
    await typeCard(frame, '4242 4242 4242 4242', `12 / ${yy}`, '123');
    await page.click(`${REPLACE} >>> button[type="submit"]`);

    await waitForText(page, 'cardkeep-banner', 'Thank you — your card is up to date');
    // Thanked as a new card, not as a new date for the old one.
    await waitForText(page, 'cardkeep-banner', 'Your new Visa •••• 4242 is saved.');
    await waitForText(page, 'cardkeep-banner', 'Your payment of $19.99 went through.');
    assert.equal(await textOf(page, '#card-on-file'), `VISA •••• 4242 — 12 / ${yy}`);

    const card = defaultCard(session.fake, customer.id);
    assert.notEqual(card.id, old.id);
    assert.deepEqual(
      [card.card.brand, card.card.last4, card.customer],
      ['visa', '4242', customer.id],
    );
    const si = params('POST', '/v1/setup_intents');
    const siId = fake.requests.find((r) => r.path.endsWith('/confirm'))!.path.split('/')[3]!;
    assert.deepEqual(calls(), [
      // The form opens: the shop's server makes a SetupIntent, Stripe's element reads it.
      'POST /v1/setup_intents secret 200',
      `GET /v1/setup_intents/${siId} publishable 200`,
      // Save: the page confirms with Stripe, then the shop's server checks and moves the card.
      `POST /v1/setup_intents/${siId}/confirm publishable 200`,
      `GET /v1/setup_intents/${siId} secret 200`,
      `GET /v1/customers/${customer.id} secret 200`,
      'GET /v1/subscriptions secret 200',
      `POST /v1/customers/${customer.id} secret 200`,
      `POST /v1/subscriptions/${subscription.id} secret 200`,
      `POST /v1/invoices/${invoice!.id} secret 200`,
      `POST /v1/invoices/${invoice!.id}/pay secret 200`,
    ]);
    assert.deepEqual(si, [
      {
        customer: customer.id,
        usage: 'off_session',
        allowed_payment_method_types: ['card'],
        metadata: { cardkeep: 'replace_card' },
      },
    ]);
    assert.deepEqual(params('POST', `/v1/setup_intents/${siId}/confirm`), [
      {
        client_secret: fake.object(siId)!.client_secret,
        payment_method: 'pm_card_visa',
        // Back to this page should the bank need its own, with the key to read the outcome.
        return_url: `${url}/?cardkeep_pk=${fake.publishableKey}`,
        use_stripe_sdk: 'true',
      },
    ]);
    assert.deepEqual(params('GET', `/v1/setup_intents/${siId}`)[1], {
      expand: ['payment_method'],
    });
    assert.deepEqual(params('POST', `/v1/customers/${customer.id}`), [
      { invoice_settings: { default_payment_method: card.id } },
    ]);
    assert.deepEqual(params('POST', `/v1/subscriptions/${subscription.id}`), [
      { default_payment_method: card.id, expand: ['latest_invoice'] },
    ]);
    // Marked as Cardkeep's in-page retry, then paid with the shopper present.
    assert.deepEqual(params('POST', `/v1/invoices/${invoice!.id}`), [
      { metadata: { cardkeep_retry_attempt: '2' } },
    ]);
    assert.deepEqual(params('POST', `/v1/invoices/${invoice!.id}/pay`), [
      { payment_method: card.id, off_session: 'false' },
    ]);
    assert.equal(fake.object(invoice!.id)!.status, 'paid');
    assert.equal(fake.object(subscription.id)!.status, 'active');
    assertLoadedOnDemand(requests, mark);

    await page.reload({ waitUntil: 'load' });
    await settled(page);
    assert.equal(await bannerShown(page), false, 'no notice once the new card is on file');
    assert.equal(await textOf(page, '#card-on-file'), `VISA •••• 4242 — 12 / ${yy}`);
  });

  it('a declined card shows Stripe’s message and keeps the form; the shopper then saves a good card', async () => {
    const fake = await session.startFake();
    const { url, customerId } = await startStripeDemo();
    const old = defaultCard(session.fake, customerId);
    fake.clearRequests();

    const { page, requests, problems } = await visit();
    await open(page, `${url}/`);
    await waitForText(page, 'cardkeep-banner', 'Your card expires soon');
    const mark = requests.length;

    const frame = await openReplacement(page);
    await typeCard(frame, '4000 0000 0000 0002', '12 / 34', '123');
    await page.click(`${REPLACE} >>> button[type="submit"]`);
    await waitForText(page, 'cardkeep-banner', 'Your card was declined.');
    const alert = await page.$eval(`${REPLACE} >>> [role="alert"]`, (el) => ({
      text: el.textContent?.trim(),
      children: el.children.length,
    }));
    assert.deepEqual(alert, { text: 'Your card was declined.', children: 0 }, 'shown as text');
    assert.equal(defaultCard(session.fake, customerId).id, old.id, 'the old card stays on file');
    // Stripe answers a decline with 402, which Chromium logs for any failed fetch (real Stripe.js
    // included): the one console error this flow has, and not the shop's.
    assert.deepEqual(problems.splice(0), [
      'console.error: Failed to load resource: the server responded with a status of 402 (Payment Required)',
    ]);

    // The same form, the same frame: the shopper types another card and saves again.
    const again = await page.waitForSelector(
      `${REPLACE} >>> button[type="submit"]:not([disabled])`,
    );
    await typeCard(frame, '4242 4242 4242 4242', '12 / 34', '123');
    await again!.click();
    await waitForText(page, 'cardkeep-banner', 'Thank you — your card is up to date');
    await waitForText(page, 'cardkeep-banner', 'Your new Visa •••• 4242 is saved.');

    const card = defaultCard(session.fake, customerId);
    assert.notEqual(card.id, old.id);
    assert.equal(card.card.last4, '4242');
    const siId = fake.requests.find((r) => r.path.endsWith('/confirm'))!.path.split('/')[3]!;
    assert.deepEqual(
      calls().filter((c) => c.startsWith('POST')),
      [
        'POST /v1/setup_intents secret 200',
        `POST /v1/setup_intents/${siId}/confirm publishable 402`,
        `POST /v1/setup_intents/${siId}/confirm publishable 200`,
        `POST /v1/customers/${customerId} secret 200`,
      ],
    );
    assert.deepEqual(
      params('POST', `/v1/setup_intents/${siId}/confirm`).map((p) => p.payment_method),
      ['pm_card_chargeDeclined', 'pm_card_visa'],
    );
    assertLoadedOnDemand(requests, mark);

    await page.reload({ waitUntil: 'load' });
    await settled(page);
    assert.equal(await bannerShown(page), false, 'no notice once the new card is on file');
  });
  it('the shopper picks Link in the cards-only form: Stripe refuses it before anything is saved, the shopper reads why, then saves a card', async () => {
    const fake = await session.startFake();
    const { url, customerId } = await startStripeDemo();
    const old = defaultCard(session.fake, customerId);
    fake.clearRequests();

    const { page, problems } = await visit();
    await open(page, `${url}/?lang=ja`);
    await waitForText(page, 'cardkeep-banner', 'カードの有効期限が近づいています');
    await page.click('cardkeep-banner >>> button::-p-text(別のカードを使う)');
    const frame = await page.waitForFrame((f) => f.url().startsWith('https://js.stripe.com/'), {
      timeout: 0,
    });
    await (await frame.waitForSelector('button[name="link"]', { timeout: 0 }))!.click();
    const save = await page.waitForSelector(`${REPLACE} >>> button[type="submit"]:not([disabled])`);
    await save!.click();
    await waitForText(
      page,
      'cardkeep-banner',
      'こちらではカードのみご登録いただけます。カード情報をご入力ください。',
    );
    assert.equal(
      await page.$eval(`${REPLACE} >>> [role="alert"]`, (el) => el.textContent?.trim()),
      'こちらではカードのみご登録いただけます。カード情報をご入力ください。',
      'said in the alert, in the shopper’s language',
    );
    // Refused by Stripe at the confirmation: the server was never asked to record anything.
    const siId = fake.requests.find((r) => r.path.endsWith('/confirm'))!.path.split('/')[3]!;
    assert.deepEqual(
      calls().filter((c) => c.startsWith('POST')),
      [
        'POST /v1/setup_intents secret 200',
        `POST /v1/setup_intents/${siId}/confirm publishable 400`,
      ],
    );
    assert.deepEqual(params('POST', '/v1/setup_intents')[0]!.allowed_payment_method_types, [
      'card',
    ]);
    assert.equal(defaultCard(session.fake, customerId).id, old.id, 'the card on file is unchanged');
    assert.equal(fake.object(old.id)!.customer, customerId);
    // Chromium logs any failed fetch, Stripe.js's own included: the one console error here.
    assert.deepEqual(problems.splice(0), [
      'console.error: Failed to load resource: the server responded with a status of 400 (Bad Request)',
    ]);

    // The same form: the shopper types a card instead, and it is saved.
    await typeCard(frame, '4242 4242 4242 4242', '12 / 34', '123');
    await (await page.waitForSelector(
      `${REPLACE} >>> button[type="submit"]:not([disabled])`,
    ))!.click();
    await waitForText(page, 'cardkeep-banner', '新しいカード（Visa •••• 4242）を登録しました。');
    assert.notEqual(defaultCard(session.fake, customerId).id, old.id);
  });
  it('a shop that widened the form to Link: the shopper picks Link, it is saved, and the shop names it without a number', async () => {
    const fake = await session.startFake();
    const { customerId, old, invoiceId } = addFailedRenewal(fake, 'pm_card_mastercard', {
      name: 'Sam Carter',
      created: Date.UTC(2020, 5) / 1000,
    });
    const { url } = await session.startDemo(customerId, { paymentMethodTypes: ['card', 'link'] });

    const { page } = await visit();
    await open(page, `${url}/`);
    await waitForText(page, 'cardkeep-banner', 'We couldn’t take your last payment');
    fake.clearRequests();
    const frame = await openReplacement(page);
    await (await frame.waitForSelector('button[name="link"]', { timeout: 0 }))!.click();
    await page.click(`${REPLACE} >>> button[type="submit"]`);
    await waitForText(page, 'cardkeep-banner', 'You now pay with Link.');
    await waitForText(page, 'cardkeep-banner', 'Your payment of ¥1,980 went through.');
    assert.ok(!/•|\d{4}/.test(await textOf(page, 'cardkeep-banner')), 'no number on screen');

    assert.deepEqual(params('POST', '/v1/setup_intents')[0]!.allowed_payment_method_types, [
      'card',
      'link',
    ]);
    const onFile = defaultCard(session.fake, customerId) as unknown as {
      id: string;
      type: string;
    };
    assert.notEqual(onFile.id, old.id);
    assert.equal(onFile.type, 'link');
    assert.equal(fake.object(invoiceId)!.status, 'paid');

    // The shop's account page names the method; with nothing due, the banner says nothing.
    await page.reload({ waitUntil: 'load' });
    await settled(page);
    assert.equal(await textOf(page, '#card-on-file'), 'Link');
    assert.equal(await bannerShown(page), false);
  });
});
