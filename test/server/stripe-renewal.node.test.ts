// The instant renewal retry through the real `stripe` library against the fake: paid with the
// shopper present, 3-D Secure handed to the browser and finished by verify, and every outcome
// of the pay call that is not a card error told to the shopper for what it is.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type Stripe from 'stripe';
import { CardkeepError } from '../../src/core/errors.js';
import { ProtocolError } from '../../src/protocol/protocol-error.js';
import { StripeStore } from '../../src/server/stripe-store.js';
import type { FakeStripe, TestCardName } from '../support/fake-stripe.js';
import { fakeStripePerTest } from '../support/fake-stripe-fixture.js';

const NOW = new Date('2026-11-25T12:00:00Z');
const PK = 'pk_test_cardkeep';

let fake: FakeStripe;
let stripe: Stripe;

fakeStripePerTest({ now: () => NOW, publishableKey: PK }, (started, client) => {
  fake = started;
  stripe = client;
});

const store = () => new StripeStore({ stripe, publishableKey: PK, now: () => NOW });

/** A customer whose ¥1,480 renewal failed once, paying with `card`. */
function failing(card: TestCardName = 'pm_card_visa', wallet?: 'apple_pay' | 'google_pay') {
  const customer = fake.addCustomer({ name: 'Hanako Yamada' });
  const pm = fake.addPaymentMethod(card, {
    customer: customer.id,
    default: true,
    exp_month: 11,
    exp_year: 2026,
    ...(wallet ? { wallet } : {}),
  });
  const { invoice } = fake.addSubscription({
    customer: customer.id,
    status: 'past_due',
    latestInvoice: { amount: 1480, currency: 'jpy', attempt_count: 1 },
  });
  return { customerId: customer.id, cardId: pm.id, invoiceId: invoice!.id };
}

async function rejection(promise: Promise<unknown>): Promise<CardkeepError> {
  const error = await promise.then(
    () => assert.fail('expected a rejection'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof CardkeepError, String(error));
  return error;
}

describe('the renewal retry with the shopper present', () => {
  it('asks for 3-D Secure on the payment instead of calling it failed, then finishes on verify', async () => {
    const { customerId, cardId, invoiceId } = failing('pm_card_authenticationRequired');
    const cardkeep = store();

    const saved = await cardkeep.updateExpiry(
      customerId,
      { cardId, month: 4, year: 2030 },
      { idempotencyKey: 'k1' },
    );

    assert.deepEqual([saved.expMonth, saved.expYear], [4, 2030], 'the date is saved');
    assert.deepEqual(saved.payment, { status: 'requires_action', amount: 1480, currency: 'jpy' });
    assert.equal(saved.action?.type, 'authenticate');
    assert.equal(saved.action?.intent, 'payment');
    assert.equal(saved.action?.publishableKey, PK);
    const intent = fake.invoicePaymentIntent(invoiceId);
    assert.equal(saved.action?.clientSecret, intent.client_secret);
    const pay = fake.requests.find((r) => r.path.endsWith('/pay'))!;
    assert.equal(pay.params.off_session, 'false', 'paid on-session');

    // Stripe.js handleNextAction in the browser; the shopper approves in the bank app.
    fake.completePaymentAuthentication(intent.id, 'succeed');
    const done = await cardkeep.verify(customerId, { paymentIntentId: intent.id }, {});
    assert.deepEqual(done.payment, { status: 'succeeded', amount: 1480, currency: 'jpy' });
    assert.equal(done.status, 'ok');
    assert.equal(done.action, undefined);
    assert.equal(fake.object(invoiceId)!.status, 'paid');
  });

  it('says failed when the shopper fails the challenge, without paying again', async () => {
    const { customerId, cardId, invoiceId } = failing('pm_card_authenticationRequired');
    const cardkeep = store();
    await cardkeep.updateExpiry(customerId, { cardId, month: 4, year: 2030 }, {});
    const intent = fake.invoicePaymentIntent(invoiceId);
    fake.completePaymentAuthentication(intent.id, 'fail');
    fake.clearRequests();

    const done = await cardkeep.verify(customerId, { paymentIntentId: intent.id }, {});

    assert.equal(done.payment?.status, 'failed');
    assert.equal(done.status, 'payment_failed');
    assert.equal(fake.requests.filter((r) => r.method === 'POST').length, 0);
  });

  it("refuses another customer's PaymentIntent as if it did not exist", async () => {
    const { customerId, cardId, invoiceId } = failing('pm_card_authenticationRequired');
    await store().updateExpiry(customerId, { cardId, month: 4, year: 2030 }, {});
    const stranger = failing();
    const intent = fake.invoicePaymentIntent(invoiceId);
    for (const id of [intent.id, 'pi_unknown']) {
      const error = await rejection(
        store().verify(stranger.customerId, { paymentIntentId: id }, {}),
      );
      assert.ok(error instanceof ProtocolError);
      assert.equal(error.wireCode, 'payment_intent_mismatch');
    }
  });
});

describe('pay outcomes that are not card errors (the date is saved in each)', () => {
  it('an invoice paid meanwhile is a succeeded payment', async () => {
    const { customerId, cardId, invoiceId } = failing();
    fake.beforeNext(`/v1/invoices/${invoiceId}/pay`, () =>
      fake.setInvoiceStatus(invoiceId, 'paid'),
    );
    const result = await store().updateExpiry(customerId, { cardId, month: 4, year: 2030 }, {});
    assert.equal(result.payment?.status, 'succeeded');
    assert.equal(result.status, 'ok');
  });

  it('an invoice the merchant voided meanwhile is nothing to pay', async () => {
    const { customerId, cardId, invoiceId } = failing();
    fake.beforeNext(`/v1/invoices/${invoiceId}/pay`, () =>
      fake.setInvoiceStatus(invoiceId, 'void'),
    );
    const result = await store().updateExpiry(customerId, { cardId, month: 4, year: 2030 }, {});
    assert.deepEqual(result.payment, { status: 'none' });
    assert.equal(result.status, 'ok');
    assert.equal(result.expYear, 2030);
  });

  it('Stripe failing on the payment is pending, also when the same request is retried', async () => {
    const { customerId, cardId, invoiceId } = failing();
    fake.failNext(`/v1/invoices/${invoiceId}/pay`, {
      status: 500,
      error: { type: 'api_error', message: 'An unknown error occurred' },
    });
    const context = { idempotencyKey: 'retry-me' };
    const first = await store().updateExpiry(customerId, { cardId, month: 4, year: 2030 }, context);
    assert.equal(first.payment?.status, 'pending');
    assert.equal(first.expYear, 2030);
    // The shopper's "Try again" replays every step under the same keys: Stripe replays its 500.
    const again = await store().updateExpiry(customerId, { cardId, month: 4, year: 2030 }, context);
    assert.equal(again.payment?.status, 'pending');
    const pays = fake.requests.filter((r) => r.path.endsWith('/pay'));
    assert.deepEqual(
      pays.map((r) => r.replayed),
      [false, true],
    );
    assert.equal(fake.object(invoiceId)!.status, 'open');
  });

  it('a declined payment is failed, the card saved', async () => {
    const { customerId, cardId } = failing('pm_card_chargeCustomerFail');
    const result = await store().updateExpiry(customerId, { cardId, month: 4, year: 2030 }, {});
    assert.equal(result.payment?.status, 'failed');
    assert.equal(result.status, 'payment_failed');
    assert.equal(result.expYear, 2030);
  });
});

describe('wallet cards and idempotency keys', () => {
  it('flags a wallet card and never updates its expiry', async () => {
    const { customerId, cardId } = failing('pm_card_visa', 'apple_pay');
    const card = await store().getCard(customerId);
    assert.equal(card?.wallet, 'apple_pay');
    fake.clearRequests();
    const error = await rejection(
      store().updateExpiry(customerId, { cardId, month: 4, year: 2030 }, {}),
    );
    assert.ok(error instanceof ProtocolError);
    assert.equal(error.wireCode, 'card_declined');
    assert.equal(fake.requests.filter((r) => r.method === 'POST').length, 0);
  });

  it('keeps every Stripe key short and scoped, however long the client key', async () => {
    const { customerId, cardId } = failing();
    const other = failing();
    const clientKey = 'x'.repeat(255);
    await store().updateExpiry(
      customerId,
      { cardId, month: 4, year: 2030 },
      { idempotencyKey: clientKey },
    );
    await store().updateExpiry(
      other.customerId,
      { cardId: other.cardId, month: 4, year: 2030 },
      { idempotencyKey: clientKey },
    );
    const keys = fake.requests.filter((r) => r.method === 'POST').map((r) => r.idempotencyKey!);
    assert.equal(keys.length, 6);
    assert.ok(keys.every((k) => k.length <= 255 && k.startsWith('cardkeep:')));
    assert.equal(new Set(keys).size, 6, 'two customers with one client key never share a key');
  });
});
