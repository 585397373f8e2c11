// The demo shop in Stripe mode, end to end: the real demo server started with Stripe keys
// (StripeStore.fromSecretKey, verification on, the demo shopper found or created), the real
// `stripe` library, and the fake Stripe on loopback in place of api.stripe.com — driven in the
// system Chromium. The expiry-only path must reach Stripe only through the shop's server: the
// page never asks js.stripe.com for anything (the shared checks in ./shopper.ts), and the fake
// sees exactly the PaymentMethod update and the verifying SetupIntent (and the retried invoice).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clock } from '../support/clock.js';
import { addFailedRenewal, defaultCard, stripeDemoSession } from './stripe-demo.js';
import { bannerShown, open, settled, updateExpiry, waitForText } from './shopper.js';

// Without the Stripe.js stand-in: the expiry-only path must never ask Stripe's hosts.
const session = stripeDemoSession();
const { visit, startDemo: startStripeDemo } = session;

/** The writes the shop's server made to Stripe, with their parameters. */
function writes() {
  return session.fake.requests
    .filter((r) => r.method === 'POST')
    .map((r) => ({ path: r.path, params: r.params, auth: r.auth }));
}

describe('the demo shop on Stripe (a fake Stripe on loopback)', () => {
  it('the demo shopper fixes the card expiring this month: Stripe gets the new expiry and verifies it, no Stripe.js', async () => {
    const fake = await session.startFake();
    const { url, customerId } = await startStripeDemo();
    const card = defaultCard(fake!, customerId);
    const now = clock();
    assert.deepEqual(
      [card.card.exp_month, card.card.exp_year],
      [now.getUTCMonth() + 1, now.getUTCFullYear()],
      'the demo shopper was set up with a card expiring this month',
    );
    fake.clearRequests();

    const { page } = await visit();
    await open(page, `${url}/`);
    await waitForText(page, 'cardkeep-banner', 'Your card expires soon');
    const reset = await page.$eval('form.reset', (form) => getComputedStyle(form).display);
    assert.equal(reset, 'none', 'no "Reset demo" when there is no in-memory store to reset');
    await waitForText(page, 'cardkeep-banner', 'Visa •••• 4242');
    await updateExpiry(page, '１２３０', '12 / 30');
    await waitForText(page, 'cardkeep-banner', 'Thank you — your card is up to date');
    await waitForText(
      page,
      'cardkeep-banner',
      'Your Visa •••• 4242 is now valid through December 2030.',
    );

    assert.deepEqual(writes(), [
      {
        path: `/v1/payment_methods/${card.id}`,
        params: { card: { exp_month: '12', exp_year: '2030' } },
        auth: 'secret',
      },
      {
        path: '/v1/setup_intents',
        params: {
          customer: customerId,
          payment_method: card.id,
          confirm: 'true',
          usage: 'off_session',
          automatic_payment_methods: { enabled: 'true', allow_redirects: 'never' },
          use_stripe_sdk: 'true',
          metadata: { cardkeep: 'verify_expiry' },
        },
        auth: 'secret',
      },
    ]);
    assert.ok(
      fake.requests.every((r) => r.auth === 'secret'),
      'only the shop’s server talked to Stripe',
    );
    assert.deepEqual(
      [defaultCard(fake!, customerId).card.exp_month, defaultCard(fake!, customerId).card.exp_year],
      [12, 2030],
    );

    await page.reload({ waitUntil: 'load' });
    await settled(page);
    assert.equal(await bannerShown(page), false, 'no notice once Stripe has the new date');
  });

  it('a failed renewal: after the update Stripe retries the invoice and the page says it went through', async () => {
    const fake = await session.startFake();
    const {
      customerId,
      old: card,
      invoiceId,
    } = addFailedRenewal(fake, 'pm_card_jcb', {
      name: 'Aiko Tanaka',
      created: Date.UTC(2021, 3) / 1000,
      metadata: { greeting_name: '田中' },
    });
    const { url } = await startStripeDemo(customerId);
    fake.clearRequests();

    const { page } = await visit();
    await open(page, `${url}/?lang=ja`);
    await waitForText(page, 'cardkeep-banner', '前回のお支払いを完了できませんでした');
    await waitForText(page, 'cardkeep-banner', '田中 様');
    await updateExpiry(page, '０３／３１', '03 / 31');
    await waitForText(page, 'cardkeep-banner', 'カード情報を更新しました。ありがとうございます');
    await waitForText(page, 'cardkeep-banner', '1,980円のお支払いが完了しました。');

    assert.deepEqual(
      writes().map((w) => w.path),
      [
        `/v1/payment_methods/${card.id}`,
        '/v1/setup_intents',
        `/v1/invoices/${invoiceId}`,
        `/v1/invoices/${invoiceId}/pay`,
      ],
    );
    assert.equal(fake.object(invoiceId)!.status, 'paid');
  });
});
