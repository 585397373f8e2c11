// StripeStore driven through the real `stripe` library against the local fake Stripe server.
// Each flow's test asserts what the shopper gets back and the exact calls Stripe received.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import Stripe from 'stripe';
import { CardkeepError } from '../../src/core/errors.js';
import { ProtocolError } from '../../src/server/protocol-error.js';
import {
  STRIPE_API_VERSION,
  StripeStore,
  toStoreError,
  type StripeStoreCommonOptions,
} from '../../src/server/stripe-store.js';
import { ensureDemoCustomer } from '../../demo/stripe-customer.mjs';
import type { FakeStripe, RecordedRequest } from '../support/fake-stripe.js';
import { fakeStripePerTest } from '../support/fake-stripe-fixture.js';

const NOW = new Date('2026-11-25T12:00:00Z');
const PK = 'pk_test_cardkeep';

let fake: FakeStripe;
let stripe: Stripe;

fakeStripePerTest({ now: () => NOW, publishableKey: PK }, (started, client) => {
  fake = started;
  stripe = client;
});

/** The Stripe idempotency key the store derives (documented in docs/stripe.md). */
function derivedKey(customer: string, route: string, step: string, clientKey: string): string {
  const hash = createHash('sha256').update(JSON.stringify([customer, route, step, clientKey]));
  return `cardkeep:${hash.digest('base64url')}`;
}

function store(options: Partial<StripeStoreCommonOptions> = {}): StripeStore {
  return new StripeStore({ stripe, publishableKey: PK, now: () => NOW, ...options });
}

/** A customer since 2021 whose default card is a Visa expiring 11/2026. */
function shopper(card: Parameters<FakeStripe['addPaymentMethod']>[0] = 'pm_card_visa') {
  const customer = fake.addCustomer({
    name: 'Hanako Yamada',
    created: Date.UTC(2021, 3, 1) / 1000,
  });
  const pm = fake.addPaymentMethod(card, {
    customer: customer.id,
    default: true,
    exp_month: 11,
    exp_year: 2026,
  });
  return { customerId: customer.id, cardId: pm.id };
}

/** A past-due subscription whose ¥1,480 renewal was declined once. */
function failedRenewal(customerId: string, defaultPaymentMethod: string | null = null) {
  return fake.addSubscription({
    customer: customerId,
    status: 'past_due',
    default_payment_method: defaultPaymentMethod,
    latestInvoice: { amount: 1480, currency: 'jpy', attempt_count: 1 },
  });
}

async function rejection(promise: Promise<unknown>): Promise<CardkeepError> {
  const error = await promise.then(
    () => assert.fail('expected a rejection'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof CardkeepError, `not a CardkeepError: ${String(error)}`);
  return error;
}

const writes = (): RecordedRequest[] => fake.requests.filter((r) => r.method === 'POST');

describe('StripeStore.getCard', () => {
  it("describes the customer's default card, greeting and customer-since year", async () => {
    const { customerId, cardId } = shopper();
    fake.clearRequests();

    const card = await store().getCard(customerId);

    assert.deepEqual(card, {
      id: cardId,
      brand: 'visa',
      last4: '4242',
      expMonth: 11,
      expYear: 2026,
      status: 'ok',
      customerName: 'Hanako Yamada',
      customerSince: 2021,
    });
    assert.deepEqual(fake.calls(), [`GET /v1/customers/${customerId}`, 'GET /v1/subscriptions']);
    assert.deepEqual(fake.requests[0]!.params, {
      expand: ['invoice_settings.default_payment_method'],
    });
    assert.deepEqual(fake.requests[1]!.params, {
      customer: customerId,
      limit: '100',
      expand: ['data.latest_invoice', 'data.default_payment_method'],
    });
    assert.ok(fake.requests.every((r) => r.apiVersion === STRIPE_API_VERSION));
  });

  it("falls back to the subscription's card when the customer has no default", async () => {
    const customer = fake.addCustomer({ name: null });
    const pm = fake.addPaymentMethod('pm_card_jcb', { customer: customer.id });
    fake.addSubscription({ customer: customer.id, default_payment_method: pm.id });

    const card = await store().getCard(customer.id);

    assert.equal(card?.id, pm.id);
    assert.equal(card?.brand, 'jcb');
    assert.equal(card?.last4, '0505');
    assert.equal(card?.customerName, undefined);
  });

  it('has no card for a customer without one, a deleted customer or an unknown id', async () => {
    const bare = fake.addCustomer();
    const deleted = fake.addCustomer({ deleted: true });
    assert.equal(await store().getCard(bare.id), null);
    assert.equal(await store().getCard(deleted.id), null);
    assert.equal(await store().getCard('cus_nobody'), null);
  });

  it('reports payment_failed while a renewal paid by this card is open after a failed attempt', async () => {
    const { customerId } = shopper();
    failedRenewal(customerId);
    assert.equal((await store().getCard(customerId))?.status, 'payment_failed');
  });

  it('stays ok for an open invoice not attempted yet, or one another card pays for', async () => {
    const { customerId } = shopper();
    fake.addSubscription({
      customer: customerId,
      latestInvoice: { amount: 500, currency: 'usd', attempt_count: 0 },
    });
    const other = fake.addPaymentMethod('pm_card_mastercard', { customer: customerId });
    failedRenewal(customerId, other.id);
    assert.equal((await store().getCard(customerId))?.status, 'ok');
  });

  it("prefers the merchant's own customer-since year from metadata when it makes sense", async () => {
    const customer = fake.addCustomer({
      created: Date.UTC(2024, 0, 5) / 1000,
      metadata: { member_since: '2012-04-01', junk: 'soon', future: '2031' },
    });
    fake.addPaymentMethod('pm_card_visa', { customer: customer.id, default: true });
    const since = async (key: string) =>
      (await store({ customerSinceMetadataKey: key }).getCard(customer.id))?.customerSince;
    assert.equal(await since('member_since'), 2012);
    assert.equal(await since('junk'), 2024);
    assert.equal(await since('future'), 2024);
    assert.equal(await since('absent'), 2024);
  });

  it('greets with the name in customer metadata, and with nothing when there is none', async () => {
    const customer = fake.addCustomer({
      name: 'Hanako Sato',
      metadata: { greeting_name: ' 佐藤 ', blank: ' ' },
    });
    fake.addPaymentMethod('pm_card_visa', { customer: customer.id, default: true });
    const greeting = async (key?: string) =>
      (await store(key ? { greetingNameMetadataKey: key } : {}).getCard(customer.id))?.greetingName;
    assert.equal(await greeting('greeting_name'), '佐藤');
    // The full name is never a greeting: it reads awkwardly in either language.
    assert.equal(await greeting(), undefined);
    assert.equal(await greeting('blank'), undefined);
    assert.equal(await greeting('absent'), undefined);
  });
});

describe('StripeStore.updateExpiry', () => {
  it('updates only the expiry, passing a per-step idempotency key', async () => {
    const { customerId, cardId } = shopper();
    fake.clearRequests();

    const result = await store().updateExpiry(
      customerId,
      { cardId, month: 4, year: 2030 },
      { idempotencyKey: 'key-1' },
    );

    assert.equal(result.expMonth, 4);
    assert.equal(result.expYear, 2030);
    assert.equal(result.status, 'ok');
    assert.equal(result.action, undefined);
    assert.equal(result.payment, undefined);
    assert.deepEqual(fake.calls(), [
      `GET /v1/customers/${customerId}`,
      'GET /v1/subscriptions',
      `POST /v1/payment_methods/${cardId}`,
    ]);
    const update = fake.requests[2]!;
    assert.deepEqual(update.params, { card: { exp_month: '4', exp_year: '2030' } });
    assert.equal(update.idempotencyKey, derivedKey(customerId, 'expiry', 'expiry', 'key-1'));
    const card = fake.object(cardId)!.card as { exp_month: number; exp_year: number };
    assert.deepEqual([card.exp_month, card.exp_year], [4, 2030]);
  });

  it("refuses another customer's card, and a stale card id, without writing", async () => {
    const { customerId } = shopper();
    const stranger = shopper();
    const old = fake.addPaymentMethod('pm_card_visa', { customer: customerId });
    fake.clearRequests();

    for (const cardId of [stranger.cardId, old.id, 'pm_does_not_exist']) {
      const error = await rejection(
        store().updateExpiry(customerId, { cardId, month: 4, year: 2030 }, {}),
      );
      assert.ok(error instanceof ProtocolError);
      assert.equal(error.wireCode, 'card_mismatch');
    }
    assert.deepEqual(writes(), []);
  });

  it('turns Stripe refusing the date into invalid_expiry, without Stripe’s wording', async () => {
    const { customerId, cardId } = shopper();
    // The handler already refuses past dates; the store must still map Stripe's own refusal.
    const error = await rejection(
      store().updateExpiry(customerId, { cardId, month: 10, year: 2026 }, {}),
    );
    assert.equal(error.code, 'invalid_expiry');
    assert.doesNotMatch(error.message, /Your card/);
    const card = fake.object(cardId)!.card as { exp_month: number };
    assert.equal(card.exp_month, 11, 'the card keeps its old expiry');
  });

  it('maps Stripe rate limits and outages to retryable errors', async () => {
    const { customerId, cardId } = shopper();
    fake.failNext('/v1/payment_methods', {
      status: 429,
      error: {
        type: 'invalid_request_error',
        code: 'rate_limit',
        message: 'Request rate limit exceeded.',
      },
    });
    const limited = await rejection(
      store().updateExpiry(customerId, { cardId, month: 4, year: 2030 }, {}),
    );
    assert.equal(limited.code, 'rate_limited');
    assert.equal(limited.retryable, true);

    fake.failNext('/v1/customers', {
      status: 500,
      error: { type: 'api_error', message: 'An unknown error occurred (acct_123 shard 7)' },
    });
    const down = await rejection(
      store().updateExpiry(customerId, { cardId, month: 4, year: 2030 }, {}),
    );
    assert.equal(down.code, 'server');
    assert.equal(down.retryable, true);
    assert.doesNotMatch(down.message, /acct_123/);
  });

  it('retries the failed renewal with the updated card and reports the payment', async () => {
    const { customerId, cardId } = shopper();
    const { subscription, invoice } = failedRenewal(customerId);
    fake.clearRequests();

    const result = await store().updateExpiry(
      customerId,
      { cardId, month: 4, year: 2030 },
      { idempotencyKey: 'key-2' },
    );

    assert.deepEqual(result.payment, { status: 'succeeded', amount: 1480, currency: 'jpy' });
    assert.equal(result.status, 'ok');
    assert.deepEqual(fake.calls(), [
      `GET /v1/customers/${customerId}`,
      'GET /v1/subscriptions',
      `POST /v1/payment_methods/${cardId}`,
      `POST /v1/invoices/${invoice!.id}`,
      `POST /v1/invoices/${invoice!.id}/pay`,
    ]);
    // The retry is marked on the invoice (so the webhook can tell it apart), then paid with
    // the shopper present.
    assert.deepEqual(fake.requests[3]!.params, { metadata: { cardkeep_retry_attempt: '2' } });
    const pay = fake.requests[4]!;
    assert.deepEqual(pay.params, { payment_method: cardId, off_session: 'false' });
    assert.equal(
      pay.idempotencyKey,
      derivedKey(customerId, 'expiry', `pay:${invoice!.id}`, 'key-2'),
    );
    assert.equal(fake.object(invoice!.id)!.status, 'paid');
    assert.equal(fake.object(subscription.id)!.status, 'active');
  });

  it('reports a declined retry as a failed payment, not as an error', async () => {
    const { customerId, cardId } = shopper('pm_card_chargeCustomerFail');
    const { invoice } = failedRenewal(customerId);

    const result = await store().updateExpiry(customerId, { cardId, month: 4, year: 2030 }, {});

    assert.deepEqual(result.payment, { status: 'failed', amount: 1480, currency: 'jpy' });
    assert.equal(result.status, 'payment_failed');
    assert.equal(result.expYear, 2030, 'the new expiry is kept');
    assert.equal(fake.object(invoice!.id)!.attempt_count, 2);
  });

  it('never charges the renewal twice when a request is retried', async () => {
    const { customerId, cardId } = shopper();
    const { invoice } = failedRenewal(customerId);
    const input = { cardId, month: 4, year: 2030 };

    await store().updateExpiry(customerId, input, { idempotencyKey: 'same' });
    // A lost reply: the handler's cache is gone (another instance), the request comes again.
    fake.clearRequests();
    const again = await store().updateExpiry(customerId, input, { idempotencyKey: 'same' });

    assert.equal(again.status, 'ok');
    assert.equal(fake.object(invoice!.id)!.attempt_count, 2, 'one retry after the failure');
    assert.ok(!fake.calls().some((call) => call.endsWith('/pay')));
    const update = fake.requests.find((r) => r.method === 'POST')!;
    assert.equal(update.replayed, true, 'Stripe replays the same expiry update');
  });
});

describe('StripeStore verification (verifyOnUpdate)', () => {
  it('confirms a SetupIntent for the same card with the shopper present', async () => {
    const { customerId, cardId } = shopper();
    fake.clearRequests();

    const result = await store({ verifyOnUpdate: true }).updateExpiry(
      customerId,
      { cardId, month: 4, year: 2030 },
      { idempotencyKey: 'k' },
    );

    assert.equal(result.action, undefined);
    assert.deepEqual(fake.calls(), [
      `GET /v1/customers/${customerId}`,
      'GET /v1/subscriptions',
      `POST /v1/payment_methods/${cardId}`,
      'POST /v1/setup_intents',
    ]);
    const verify = fake.requests[3]!;
    assert.deepEqual(verify.params, {
      customer: customerId,
      payment_method: cardId,
      confirm: 'true',
      usage: 'off_session',
      automatic_payment_methods: { enabled: 'true', allow_redirects: 'never' },
      use_stripe_sdk: 'true',
      metadata: { cardkeep: 'verify_expiry' },
    });
    assert.equal(verify.idempotencyKey, derivedKey(customerId, 'expiry', 'verify', 'k'));
  });

  it('asks the shopper to authenticate, then finishes and retries the renewal on verify', async () => {
    const { customerId, cardId } = shopper('pm_card_authenticationRequiredOnSetup');
    const { invoice } = failedRenewal(customerId);
    const cardkeep = store({ verifyOnUpdate: true });

    const pending = await cardkeep.updateExpiry(customerId, { cardId, month: 4, year: 2030 }, {});

    assert.equal(pending.action?.type, 'authenticate');
    assert.equal(pending.action?.publishableKey, PK);
    const intentId = pending.action!.clientSecret.split('_secret_')[0]!;
    assert.equal(fake.object(intentId)!.status, 'requires_action');
    assert.equal(pending.payment, undefined, 'no retry before the shopper authenticates');
    assert.equal(pending.status, 'payment_failed');

    fake.completeAuthentication(intentId, 'succeed');
    fake.clearRequests();
    const done = await cardkeep.verify(customerId, { setupIntentId: intentId }, {});

    // The card is set up; the renewal, paid on-session, asks for 3-D Secure of its own.
    assert.deepEqual(done.payment, { status: 'requires_action', amount: 1480, currency: 'jpy' });
    assert.equal(done.status, 'payment_failed');
    assert.equal(done.action?.intent, 'payment');
    assert.deepEqual(fake.calls(), [
      `GET /v1/setup_intents/${intentId}`,
      `GET /v1/customers/${customerId}`,
      'GET /v1/subscriptions',
      `POST /v1/invoices/${invoice!.id}`,
      `POST /v1/invoices/${invoice!.id}/pay`,
      `GET /v1/invoices/${invoice!.id}`,
      `GET /v1/payment_intents/${fake.invoicePaymentIntent(invoice!.id).id}`,
    ]);
  });

  it('says card_declined when the shopper fails the authentication', async () => {
    const { customerId, cardId } = shopper('pm_card_authenticationRequiredOnSetup');
    const cardkeep = store({ verifyOnUpdate: true });
    const pending = await cardkeep.updateExpiry(customerId, { cardId, month: 4, year: 2030 }, {});
    const intentId = pending.action!.clientSecret.split('_secret_')[0]!;

    fake.completeAuthentication(intentId, 'fail');
    const error = await rejection(cardkeep.verify(customerId, { setupIntentId: intentId }, {}));

    assert.equal(error.code, 'card_declined');
  });

  it('turns an issuer decline into card_declined and an expired-card answer into invalid_expiry', async () => {
    const declined = shopper('pm_card_chargeDeclined');
    const error = await rejection(
      store({ verifyOnUpdate: true }).updateExpiry(
        declined.customerId,
        { cardId: declined.cardId, month: 4, year: 2030 },
        {},
      ),
    );
    assert.equal(error.code, 'card_declined');
    assert.doesNotMatch(error.message, /Your card/);

    const expired = shopper('pm_card_chargeDeclinedExpiredCard');
    const wrongDate = await rejection(
      store({ verifyOnUpdate: true }).updateExpiry(
        expired.customerId,
        { cardId: expired.cardId, month: 4, year: 2030 },
        {},
      ),
    );
    assert.equal(wrongDate.code, 'invalid_expiry');
  });

  it("refuses to finish another customer's SetupIntent", async () => {
    const { customerId, cardId } = shopper('pm_card_authenticationRequiredOnSetup');
    const stranger = shopper();
    const pending = await store({ verifyOnUpdate: true }).updateExpiry(
      customerId,
      { cardId, month: 4, year: 2030 },
      {},
    );
    const intentId = pending.action!.clientSecret.split('_secret_')[0]!;
    fake.completeAuthentication(intentId, 'succeed');

    const error = await rejection(
      store().verify(stranger.customerId, { setupIntentId: intentId }, {}),
    );
    assert.ok(error instanceof ProtocolError);
    assert.equal(error.wireCode, 'setup_intent_mismatch');
  });
});

describe('StripeStore replacement', () => {
  it('creates an off-session SetupIntent for the Payment Element', async () => {
    const { customerId } = shopper();
    fake.clearRequests();

    const session = await store().createSetupSession(customerId, {});

    assert.equal(session.publishableKey, PK);
    assert.match(session.clientSecret, /^seti_\w+_secret_\w+$/);
    assert.deepEqual(fake.calls(), ['POST /v1/setup_intents']);
    assert.deepEqual(fake.requests[0]!.params, {
      customer: customerId,
      usage: 'off_session',
      // Cards only by default: nothing is offered that the store would refuse afterwards.
      allowed_payment_method_types: ['card'],
      metadata: { cardkeep: 'replace_card' },
    });
  });

  it("offers the Dashboard's methods only when asked to ('automatic'), or an explicit list", async () => {
    const { customerId } = shopper();
    fake.clearRequests();
    await store({ paymentMethodTypes: 'automatic' }).createSetupSession(customerId, {});
    assert.deepEqual(fake.requests[0]!.params.automatic_payment_methods, { enabled: 'true' });
    assert.equal(fake.requests[0]!.params.allowed_payment_method_types, undefined);
    await store({ paymentMethodTypes: ['card', 'link'] }).createSetupSession(customerId, {});
    assert.deepEqual(fake.requests[1]!.params.allowed_payment_method_types, ['card', 'link']);
  });

  it('a card-only session refuses Link up front, in Stripe, before the store sees it', async () => {
    const { customerId } = shopper();
    const session = await store().createSetupSession(customerId, {});
    const refused = await fake.confirmSetupAsBrowser(session.clientSecret, 'pm_link');
    assert.equal((refused.error as { param: string }).param, 'payment_method');
    const intentId = session.clientSecret.split('_secret_')[0]!;
    const error = await rejection(
      store().completeReplacement(customerId, { setupIntentId: intentId }, {}),
    );
    assert.equal(error.code, 'card_declined');
  });

  it('a session widened to Link saves Link end to end: named by its kind, no number, no expiry', async () => {
    const { customerId, cardId: oldCard } = shopper();
    const { invoice } = failedRenewal(customerId, oldCard);
    const widened = store({ paymentMethodTypes: ['card', 'link'] });
    const session = await widened.createSetupSession(customerId, {});
    const confirmed = await fake.confirmSetupAsBrowser(session.clientSecret, 'pm_link');
    assert.equal(confirmed.status, 'succeeded');
    const link = String(confirmed.payment_method);
    assert.equal(fake.object(link)!.type, 'link');

    const result = await widened.completeReplacement(
      customerId,
      { setupIntentId: String(confirmed.id) },
      { idempotencyKey: 'link-1' },
    );
    // The renewal is retried on Link like on a card; the summary carries no card fields.
    assert.deepEqual(result, {
      id: link,
      kind: 'link',
      status: 'ok',
      customerName: 'Hanako Yamada',
      customerSince: 2021,
      payment: { status: 'succeeded', amount: 1480, currency: 'jpy' },
    });
    assert.equal(fake.object(invoice!.id)!.status, 'paid');
    const onFile = await widened.getCard(customerId);
    assert.deepEqual(onFile, {
      id: link,
      kind: 'link',
      status: 'ok',
      customerName: 'Hanako Yamada',
      customerSince: 2021,
    });

    // Nothing on Link expires: an expiry update is refused before anything is written.
    fake.clearRequests();
    const error = await rejection(
      widened.updateExpiry(customerId, { cardId: link, month: 4, year: 2030 }, {}),
    );
    assert.ok(error instanceof ProtocolError);
    assert.deepEqual([error.status, error.wireCode], [422, 'card_declined']);
    assert.deepEqual(writes(), []);
  });

  it('a cards-only store sees no card for a customer who pays by Link, as for a bank debit', async () => {
    const customer = fake.addCustomer({ name: 'Hanako Yamada' });
    const link = fake.addLinkPaymentMethod({ customer: customer.id, default: true });
    assert.equal(await store().getCard(customer.id), null);
    const error = await rejection(
      store().updateExpiry(customer.id, { cardId: link.id, month: 4, year: 2030 }, {}),
    );
    assert.ok(error instanceof ProtocolError);
    assert.equal(error.wireCode, 'card_mismatch');
    const widened = await store({ paymentMethodTypes: 'automatic' }).getCard(customer.id);
    assert.deepEqual([widened?.id, widened?.kind], [link.id, 'link']);
  });

  it('a Link method that somehow succeeded is still refused by a cards-only store', async () => {
    const { customerId } = shopper();
    const session = await store({ paymentMethodTypes: ['card', 'link'] }).createSetupSession(
      customerId,
      {},
    );
    const confirmed = await fake.confirmSetupAsBrowser(session.clientSecret, 'pm_link');
    fake.clearRequests();
    const error = await rejection(
      store().completeReplacement(customerId, { setupIntentId: String(confirmed.id) }, {}),
    );
    assert.equal(error.code, 'card_declined');
    assert.deepEqual(writes(), [], 'the card on file is left alone');
  });

  it('refuses a session for an unknown customer', async () => {
    const error = await rejection(store().createSetupSession('cus_nobody', {}));
    assert.equal(error.code, 'unauthorized');
  });

  it('makes the new card the default everywhere the old one was, then retries the renewal', async () => {
    const { customerId, cardId: oldCard } = shopper();
    const { subscription, invoice } = failedRenewal(customerId, oldCard);
    const otherCard = fake.addPaymentMethod('pm_card_jcb', { customer: customerId });
    const { subscription: separate } = fake.addSubscription({
      customer: customerId,
      default_payment_method: otherCard.id,
    });
    const session = await store().createSetupSession(customerId, {});
    const confirmed = await fake.confirmSetupAsBrowser(session.clientSecret, 'pm_card_mastercard');
    const setupIntentId = String(confirmed.id);
    const newCard = String(confirmed.payment_method);
    fake.clearRequests();

    const result = await store().completeReplacement(
      customerId,
      { setupIntentId },
      { idempotencyKey: 'r1' },
    );

    assert.equal(result.id, newCard);
    assert.equal(result.brand, 'mastercard');
    assert.equal(result.last4, '4444');
    assert.deepEqual(result.payment, { status: 'succeeded', amount: 1480, currency: 'jpy' });
    assert.deepEqual(fake.calls(), [
      `GET /v1/setup_intents/${setupIntentId}`,
      `GET /v1/customers/${customerId}`,
      'GET /v1/subscriptions',
      `POST /v1/customers/${customerId}`,
      `POST /v1/subscriptions/${subscription.id}`,
      `POST /v1/invoices/${invoice!.id}`,
      `POST /v1/invoices/${invoice!.id}/pay`,
    ]);
    assert.deepEqual(fake.requests[3]!.params, {
      invoice_settings: { default_payment_method: newCard },
    });
    assert.equal(
      fake.requests[3]!.idempotencyKey,
      derivedKey(customerId, 'replace', 'customer', 'r1'),
    );
    assert.deepEqual(fake.requests[4]!.params, {
      default_payment_method: newCard,
      expand: ['latest_invoice'],
    });
    assert.equal(fake.object(separate.id)!.default_payment_method, otherCard.id);
    assert.equal(fake.object(oldCard)!.customer, customerId, 'the old card stays by default');
  });

  it('detaches the old card when the merchant opts in', async () => {
    const { customerId, cardId: oldCard } = shopper();
    const session = await store().createSetupSession(customerId, {});
    const confirmed = await fake.confirmSetupAsBrowser(session.clientSecret, 'pm_card_visa');
    fake.clearRequests();

    await store({ detachOldCard: true }).completeReplacement(
      customerId,
      { setupIntentId: String(confirmed.id) },
      {},
    );

    assert.equal(fake.calls().at(-1), `POST /v1/payment_methods/${oldCard}/detach`);
    assert.equal(fake.object(oldCard)!.customer, null);
  });

  it('keeps the replacement when detaching the old card fails', async () => {
    const { customerId, cardId: oldCard } = shopper();
    const session = await store().createSetupSession(customerId, {});
    const confirmed = await fake.confirmSetupAsBrowser(session.clientSecret, 'pm_card_visa');
    fake.failNext(`/v1/payment_methods/${oldCard}/detach`, {
      status: 500,
      error: { type: 'api_error', message: 'boom' },
    });
    const warnings: string[] = [];

    const result = await store({
      detachOldCard: true,
      onWarning: (message) => warnings.push(message),
    }).completeReplacement(customerId, { setupIntentId: String(confirmed.id) }, {});

    assert.equal(result.id, confirmed.payment_method);
    assert.deepEqual(warnings, ['Could not detach the replaced card']);
  });

  it("refuses another customer's SetupIntent, an unknown one, and one that did not succeed", async () => {
    const { customerId } = shopper();
    const stranger = shopper();
    const theirs = await store().createSetupSession(stranger.customerId, {});
    await fake.confirmSetupAsBrowser(theirs.clientSecret, 'pm_card_visa');
    for (const setupIntentId of [theirs.clientSecret.split('_secret_')[0]!, 'seti_unknown']) {
      const error = await rejection(store().completeReplacement(customerId, { setupIntentId }, {}));
      assert.ok(error instanceof ProtocolError);
      assert.equal(error.wireCode, 'setup_intent_mismatch');
    }

    const mine = await store().createSetupSession(customerId, {});
    const declined = await fake.confirmSetupAsBrowser(mine.clientSecret, 'pm_card_chargeDeclined');
    assert.equal((declined.error as { code: string }).code, 'card_declined');
    const error = await rejection(
      store().completeReplacement(
        customerId,
        { setupIntentId: mine.clientSecret.split('_secret_')[0]! },
        {},
      ),
    );
    assert.equal(error.code, 'card_declined');
    assert.deepEqual(
      writes().filter((r) => r.auth === 'secret' && r.path !== '/v1/setup_intents'),
      [],
    );
  });
});

describe('StripeStore construction and errors', () => {
  it('loads the stripe package on demand from a secret key and pins the API version', async () => {
    const { customerId } = shopper();
    fake.clearRequests();
    const lazy = new StripeStore({
      secretKey: fake.secretKey,
      clientOptions: fake.clientConfig(),
      publishableKey: PK,
    });
    assert.equal((await lazy.getCard(customerId))?.last4, '4242');
    assert.ok(fake.requests.every((r) => r.apiVersion === STRIPE_API_VERSION));
  });

  it('builds from a secret key and an API URL, as the demo does; the demo seeds its shopper once', async () => {
    const demo = await StripeStore.fromSecretKey(fake.secretKey, {
      publishableKey: PK,
      apiUrl: fake.url,
      now: () => NOW,
    });
    const seed = {
      secretKey: fake.secretKey,
      apiUrl: fake.url,
      apiVersion: STRIPE_API_VERSION,
      now: () => NOW,
    };
    const customerId = await ensureDemoCustomer(seed);
    const card = await demo.getCard(customerId);
    assert.equal(card?.last4, '4242');
    assert.deepEqual([card?.expMonth, card?.expYear], [11, 2026], 'expires this month');
    assert.equal(await ensureDemoCustomer(seed), customerId, 'found again, not duplicated');
    assert.equal(fake.calls().filter((c) => c === 'POST /v1/customers').length, 1);
    assert.equal('ensureDemoCustomer' in demo, false, 'not part of the production store');
  });

  it('refuses to seed demo data with a live key', async () => {
    await assert.rejects(
      ensureDemoCustomer({
        secretKey: 'sk_live_not_for_demos',
        apiUrl: fake.url,
        apiVersion: STRIPE_API_VERSION,
      }),
      /live keys/,
    );
    assert.deepEqual(fake.requests, []);
  });

  it('pins the API version per call on a client built for another version', async () => {
    const { customerId } = shopper();
    fake.clearRequests();
    // @ts-expect-error -- the types only allow the latest version; merchants may still pin older.
    const older = new Stripe(fake.secretKey, { ...fake.clientConfig(), apiVersion: '2024-06-20' });
    await new StripeStore({ stripe: older, publishableKey: PK }).getCard(customerId);
    assert.ok(fake.requests.every((r) => r.apiVersion === STRIPE_API_VERSION));
  });

  it('treats a wrong secret key as a non-retryable server error that leaks nothing', async () => {
    const { customerId } = shopper();
    const wrong = new Stripe('sk_test_wrong_key_123456', fake.clientConfig());
    const error = await rejection(
      new StripeStore({ stripe: wrong, publishableKey: PK }).getCard(customerId),
    );
    assert.equal(error.code, 'server');
    assert.equal(error.retryable, false);
    assert.doesNotMatch(error.message, /sk_test|API Key/);
  });

  it('maps unknown failures to a server error and keeps CardkeepErrors as they are', () => {
    const own = new CardkeepError('card_declined');
    assert.equal(toStoreError(own), own);
    assert.equal(toStoreError(new TypeError('x')).code, 'server');
  });

  it('needs a publishable key', () => {
    assert.throws(() => new StripeStore({ stripe, publishableKey: '' }), /publishable key/);
  });
});
