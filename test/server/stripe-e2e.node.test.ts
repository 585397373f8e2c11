// End to end without Stripe's servers: the widget's HttpAdapter → the reference handler over real
// HTTP → StripeStore → the real `stripe` library → the fake Stripe on loopback. The browser's
// part (Stripe.js confirming a SetupIntent, the issuer's 3-D Secure page) is played by the fake.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import Stripe from 'stripe';
import { HttpAdapter } from '../../src/adapter/http-adapter.js';
import { CardkeepError } from '../../src/core/errors.js';
import { StripeStore } from '../../src/server/stripe-store.js';
import { createStripeWebhookHandler } from '../../src/server/stripe-webhooks.js';
import { createUpdateLink } from '../../src/server/signed-link.js';
import { FakeStripe, type TestCardName } from '../support/fake-stripe.js';
import { SECRET, startServer, type RunningServer } from './harness.js';

const NOW = new Date('2026-11-25T12:00:00Z');
const WHSEC = 'whsec_e2e_0123456789';

let fake: FakeStripe;
let server: RunningServer;
let customerId: string;
let cardId: string;

async function start(card: TestCardName, options: { verifyOnUpdate?: boolean } = {}) {
  const customer = fake.addCustomer({ name: 'Hanako Yamada', created: Date.UTC(2019, 5) / 1000 });
  customerId = customer.id;
  cardId = fake.addPaymentMethod(card, {
    customer: customer.id,
    default: true,
    exp_month: 10,
    exp_year: 2026,
  }).id;
  const store = new StripeStore({
    stripe: new Stripe(fake.secretKey, fake.clientConfig()),
    publishableKey: fake.publishableKey,
    verifyOnUpdate: options.verifyOnUpdate ?? true,
    now: () => NOW,
  });
  server = await startServer({ store, authenticate: () => customerId, now: () => NOW });
  return new HttpAdapter({ endpoint: server.endpoint, token: null, retryDelay: 1 });
}

function failedRenewal() {
  return fake.addSubscription({
    customer: customerId,
    status: 'past_due',
    latestInvoice: { amount: 1480, currency: 'jpy', attempt_count: 1 },
  });
}

beforeEach(async () => {
  fake = await FakeStripe.start({ now: () => NOW });
});

afterEach(async () => {
  await server?.close();
  await fake.close();
});

describe('Cardkeep on Stripe, end to end', () => {
  it('fixes an expired card by its expiry alone and collects the failed renewal', async () => {
    const adapter = await start('pm_card_visa');
    const { invoice } = failedRenewal();

    const before = await adapter.getCard();
    assert.equal(before?.status, 'payment_failed');
    assert.equal(before?.customerSince, 2019);

    const result = await adapter.updateExpiry({ cardId: before!.id, month: 10, year: 2030 });

    assert.equal(result.expYear, 2030);
    assert.equal(result.action, undefined);
    assert.deepEqual(result.payment, { status: 'succeeded', amount: 1480, currency: 'jpy' });
    assert.equal((await adapter.getCard())?.status, 'ok');
    assert.equal(fake.object(invoice!.id)!.status, 'paid');
    // The widget's Idempotency-Key reached Stripe as one derived key per write: the expiry, the
    // issuer's check, the retry marker and the payment; short, and none shared between steps.
    const posts = fake.requests.filter((r) => r.method === 'POST');
    assert.deepEqual(
      posts.map((r) => r.path),
      [
        `/v1/payment_methods/${before!.id}`,
        '/v1/setup_intents',
        `/v1/invoices/${invoice!.id}`,
        `/v1/invoices/${invoice!.id}/pay`,
      ],
    );
    const keys = posts.map((r) => r.idempotencyKey ?? '');
    assert.ok(
      keys.every((k) => /^cardkeep:[\w-]{43}$/.test(k)),
      keys.join(' '),
    );
    assert.equal(new Set(keys).size, keys.length);
  });

  it('runs 3-D Secure only when the issuer asks, then finishes through /card/verify', async () => {
    const adapter = await start('pm_card_authenticationRequiredOnSetup');
    const { invoice } = failedRenewal();

    const pending = await adapter.updateExpiry({ cardId, month: 10, year: 2030 });
    assert.equal(pending.action?.type, 'authenticate');
    assert.equal(pending.action?.publishableKey, fake.publishableKey);
    const setupIntentId = pending.action!.clientSecret.split('_secret_')[0]!;

    // Stripe.js handleNextAction in the shopper's browser; the shopper approves in the bank app.
    fake.completeAuthentication(setupIntentId, 'succeed');
    const checked = await adapter.verify!({ setupIntentId });

    // The card is saved; the renewal, paid with the shopper present, wants its own 3-D Secure.
    assert.equal(checked.expYear, 2030);
    assert.equal(checked.status, 'payment_failed');
    assert.deepEqual(checked.payment, { status: 'requires_action', amount: 1480, currency: 'jpy' });
    assert.equal(checked.action?.intent, 'payment');
    const paymentIntentId = checked.action!.clientSecret.split('_secret_')[0]!;
    assert.equal(fake.object(paymentIntentId)!.status, 'requires_action');

    fake.completePaymentAuthentication(paymentIntentId, 'succeed');
    const done = await adapter.verify!({ paymentIntentId });
    assert.deepEqual(done.payment, { status: 'succeeded', amount: 1480, currency: 'jpy' });
    assert.equal(done.status, 'ok');
    assert.equal(done.action, undefined);
    assert.equal(fake.object(invoice!.id)!.status, 'paid');
  });

  it('says card_declined when the issuer refuses the card, leaving the renewal open', async () => {
    const adapter = await start('pm_card_chargeDeclined');
    const { invoice } = failedRenewal();
    const error = await adapter.updateExpiry({ cardId, month: 10, year: 2030 }).then(
      () => assert.fail('expected a decline'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof CardkeepError);
    assert.equal(error.code, 'card_declined');
    assert.equal(fake.object(invoice!.id)!.status, 'open');
  });

  it('replaces the card through a SetupIntent the browser confirms', async () => {
    const adapter = await start('pm_card_chargeDeclined', { verifyOnUpdate: false });
    const { invoice } = failedRenewal();

    const session = await adapter.createSetupSession();
    assert.equal(session.publishableKey, fake.publishableKey);
    // stripe.confirmSetup(...) from the Payment Element, with the shopper's new card.
    const confirmed = await fake.confirmSetupAsBrowser(session.clientSecret, 'pm_card_jcb');
    assert.equal(confirmed.status, 'succeeded');
    const result = await adapter.completeReplacement({ setupIntentId: String(confirmed.id) });

    assert.equal(result.brand, 'jcb');
    assert.equal(result.last4, '0505');
    assert.deepEqual(result.payment, { status: 'succeeded', amount: 1480, currency: 'jpy' });
    const now = await adapter.getCard();
    assert.equal(now?.id, confirmed.payment_method);
    assert.equal(now?.status, 'ok');
    assert.equal(fake.object(invoice!.id)!.status, 'paid');
  });

  it('closes the dunning loop: webhook → e-mailed link → update by link', async () => {
    const { invoice } = await start('pm_card_visa').then(() => failedRenewal());
    const links: string[] = [];
    const webhook = createStripeWebhookHandler({
      stripe: new Stripe(fake.secretKey, fake.clientConfig()),
      webhookSecret: WHSEC,
      createLink: (id) =>
        createUpdateLink(id, { secret: SECRET, baseUrl: 'https://shop.example/account' }),
      onPaymentFailed: (_event, { link }) => void links.push(link!),
    });
    const payload = JSON.stringify(fake.event('invoice.payment_failed', invoice!));
    const delivered = await webhook(
      new Request('https://shop.example/stripe/webhooks', {
        method: 'POST',
        // Signed now by the real clock: the stripe library checks freshness against it.
        headers: {
          'Stripe-Signature': fake.signWebhook(payload, WHSEC, Math.floor(Date.now() / 1000)),
        },
        body: payload,
      }),
    );
    assert.equal(delivered.status, 200);

    // The shopper opens the e-mail on another device: no session, only the link's token.
    const token = new URL(links[0]!).searchParams.get('cardkeep_token');
    const byLink = new HttpAdapter({ endpoint: server.endpoint, token, retryDelay: 1 });
    const card = await byLink.getCard();
    const result = await byLink.updateExpiry({ cardId: card!.id, month: 10, year: 2030 });

    assert.equal(result.payment?.status, 'succeeded');
    assert.equal(fake.object(invoice!.id)!.status, 'paid');
  });
});
