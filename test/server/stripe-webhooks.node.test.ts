// The Stripe webhook endpoint: signatures checked on the raw body by the real `stripe` library,
// events signed the way Stripe signs them (the fake's signer, not Stripe's own test helper).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type Stripe from 'stripe';
import { createUpdateLink, verifyLinkToken } from '../../src/server/signed-link.js';
import {
  createStripeWebhookHandler,
  type CardAutoUpdatedContext,
  type PaymentFailedContext,
  type StripeWebhookOptions,
} from '../../src/server/stripe-webhooks.js';
import type { FakeStripe } from '../support/fake-stripe.js';
import { fakeStripePerTest } from '../support/fake-stripe-fixture.js';

const WHSEC = 'whsec_test_cardkeep_0123456789';
const LINK_SECRET = 'a-link-secret-of-at-least-32-characters!';

let fake: FakeStripe;
let stripe: Stripe;

// On the machine's clock: the `stripe` library checks a signature's age against it.
fakeStripePerTest({}, (started, client) => {
  fake = started;
  stripe = client;
});

function post(payload: string, signature: string | null): Request {
  return new Request('https://shop.example/stripe/webhooks', {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json; charset=utf-8',
      ...(signature === null ? {} : { 'Stripe-Signature': signature }),
    },
    body: payload,
  });
}

function failedInvoiceEvent() {
  const customer = fake.addCustomer({ name: 'Hanako Yamada', email: 'hanako@example.jp' });
  const { invoice } = fake.addSubscription({
    customer: customer.id,
    status: 'past_due',
    latestInvoice: { amount: 1480, currency: 'jpy', attempt_count: 1 },
  });
  return { customerId: customer.id, event: fake.event('invoice.payment_failed', invoice!) };
}

function handler(overrides: Partial<StripeWebhookOptions> = {}) {
  const failed: PaymentFailedContext[] = [];
  const renewed: CardAutoUpdatedContext[] = [];
  const handle = createStripeWebhookHandler({
    stripe,
    webhookSecret: WHSEC,
    onPaymentFailed: (_event, context) => void failed.push(context),
    onCardAutoUpdated: (_event, context) => void renewed.push(context),
    ...overrides,
  });
  return { handle, failed, renewed };
}

describe('createStripeWebhookHandler', () => {
  it('hands the merchant a signed update link for a declined renewal', async () => {
    const { customerId, event } = failedInvoiceEvent();
    const { handle, failed } = handler({
      createLink: (id) =>
        createUpdateLink(id, { secret: LINK_SECRET, baseUrl: 'https://shop.example/account' }),
    });
    const payload = JSON.stringify(event);

    const response = await handle(post(payload, fake.signWebhook(payload, WHSEC)));

    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { received: true });
    assert.equal(failed.length, 1);
    const [context] = failed;
    assert.equal(context!.customerId, customerId);
    assert.equal(context!.invoice.amount_due, 1480);
    const link = new URL(context!.link!);
    assert.equal(link.origin + link.pathname, 'https://shop.example/account');
    const verified = verifyLinkToken(link.searchParams.get('cardkeep_token')!, {
      secret: LINK_SECRET,
    });
    assert.ok(verified.ok);
    assert.equal(verified.claims.customerId, customerId);
  });

  it('tells the merchant when the network renewed a card', async () => {
    const customer = fake.addCustomer();
    const pm = fake.addPaymentMethod('pm_card_visa', { customer: customer.id });
    const payload = JSON.stringify(fake.event('payment_method.automatically_updated', pm));
    const { handle, renewed, failed } = handler();

    const response = await handle(post(payload, fake.signWebhook(payload, WHSEC)));

    assert.equal(response.status, 200);
    assert.equal(renewed.length, 1);
    assert.equal(renewed[0]!.customerId, customer.id);
    assert.equal(renewed[0]!.paymentMethod.id, pm.id);
    assert.equal(failed.length, 0);
  });

  it('refuses a bad, stale, foreign or missing signature with 400 and calls nothing', async () => {
    const { event } = failedInvoiceEvent();
    const payload = JSON.stringify(event);
    const { handle, failed } = handler();
    const stale = Math.floor(Date.now() / 1000) - 3600;
    const attempts: [string, string | null][] = [
      [payload, fake.signWebhook(payload, 'whsec_someone_else')],
      [payload, fake.signWebhook(payload, WHSEC, stale)],
      [payload.replace('1480', '1'), fake.signWebhook(payload, WHSEC)],
      [payload, 't=1,v1=nonsense'],
      [payload, null],
    ];
    for (const [body, signature] of attempts) {
      const response = await handle(post(body, signature));
      assert.equal(response.status, 400);
    }
    assert.equal(failed.length, 0);
  });

  it('verifies the exact bytes, whitespace and non-ASCII included', async () => {
    const { event } = failedInvoiceEvent();
    (event.data as { object: Record<string, unknown> }).object.customer_name = '山田 花子';
    const payload = JSON.stringify(event, null, 2);
    const { handle, failed } = handler();

    const response = await handle(post(payload, fake.signWebhook(payload, WHSEC)));

    assert.equal(response.status, 200);
    assert.equal(failed[0]!.invoice.customer_name, '山田 花子');
  });

  it('acknowledges events it does not handle', async () => {
    const payload = JSON.stringify(fake.event('customer.created', fake.addCustomer()));
    const { handle, failed, renewed } = handler();
    const response = await handle(post(payload, fake.signWebhook(payload, WHSEC)));
    assert.equal(response.status, 200);
    assert.equal(failed.length + renewed.length, 0);
  });

  it('answers 500 when the merchant callback fails, so Stripe delivers again', async () => {
    const { event } = failedInvoiceEvent();
    const payload = JSON.stringify(event);
    const errors: string[] = [];
    const { handle } = handler({
      onPaymentFailed: () => {
        throw new Error('SMTP down');
      },
      onError: (_error, e) => void errors.push(e.id),
    });

    const response = await handle(post(payload, fake.signWebhook(payload, WHSEC)));

    assert.equal(response.status, 500);
    assert.deepEqual(errors, [event.id]);
  });

  it('only accepts POST', async () => {
    const { handle } = handler();
    const response = await handle(new Request('https://shop.example/stripe/webhooks'));
    assert.equal(response.status, 405);
    assert.equal(response.headers.get('allow'), 'POST');
  });
});

describe('createStripeWebhookHandler: each event once', () => {
  it('runs a duplicate delivery of an event once, and says so to Stripe', async () => {
    const { event } = failedInvoiceEvent();
    const { handle, failed } = handler();
    const payload = JSON.stringify(event);
    const first = await handle(post(payload, fake.signWebhook(payload, WHSEC)));
    const again = await handle(post(payload, fake.signWebhook(payload, WHSEC)));
    assert.equal(first.status, 200);
    assert.equal(again.status, 200);
    assert.deepEqual(await again.json(), { received: true, duplicate: true });
    assert.equal(failed.length, 1, 'one dunning e-mail, not two');
  });

  it('shares what it delivered with every instance on the same state', async () => {
    const keys = new Set<string>();
    const state = {
      firstDelivery: async (key: string) => (keys.has(key) ? false : (keys.add(key), true)),
    };
    const { event } = failedInvoiceEvent();
    const one = handler({ state });
    const two = handler({ state });
    const payload = JSON.stringify(event);
    await one.handle(post(payload, fake.signWebhook(payload, WHSEC)));
    const second = await two.handle(post(payload, fake.signWebhook(payload, WHSEC)));
    assert.deepEqual(await second.json(), { received: true, duplicate: true });
    assert.equal(one.failed.length + two.failed.length, 1);
  });

  it('runs the event again when the callback failed, then never again', async () => {
    const { event } = failedInvoiceEvent();
    let calls = 0;
    const { handle } = handler({
      onPaymentFailed: () => {
        calls++;
        if (calls < 3) throw new Error('mail server down');
      },
      onError: () => {},
    });
    const payload = JSON.stringify(event);
    const deliver = () => handle(post(payload, fake.signWebhook(payload, WHSEC)));
    assert.equal((await deliver()).status, 500);
    assert.equal((await deliver()).status, 500);
    assert.equal((await deliver()).status, 200);
    assert.deepEqual(await (await deliver()).json(), { received: true, duplicate: true });
    assert.equal(calls, 3);
  });

  it('answers 409 to a duplicate that arrives while the event still runs', async () => {
    const { event } = failedInvoiceEvent();
    let release!: () => void;
    const running = new Promise<void>((resolve) => (release = resolve));
    let started!: () => void;
    const began = new Promise<void>((resolve) => (started = resolve));
    const { handle, failed } = handler({
      onPaymentFailed: async (_event, context) => {
        started();
        await running;
        failed.push(context);
      },
    });
    const payload = JSON.stringify(event);
    const first = handle(post(payload, fake.signWebhook(payload, WHSEC)));
    await began;
    const during = await handle(post(payload, fake.signWebhook(payload, WHSEC)));
    assert.equal(during.status, 409);
    release();
    assert.equal((await first).status, 200);
    assert.equal(failed.length, 1);
  });
});

describe('createStripeWebhookHandler: Cardkeep’s own in-page retry', () => {
  it('tells a failure of the in-page retry from a renewal failure', async () => {
    const customer = fake.addCustomer();
    const card = fake.addPaymentMethod('pm_card_chargeDeclined', {
      customer: customer.id,
      default: true,
    });
    const { invoice } = fake.addSubscription({
      customer: customer.id,
      status: 'past_due',
      latestInvoice: { amount: 1480, currency: 'jpy', attempt_count: 1 },
    });
    const { handle, failed } = handler();
    const deliver = async (object: Record<string, unknown>) => {
      const payload = JSON.stringify(fake.event('invoice.payment_failed', object));
      return handle(post(payload, fake.signWebhook(payload, WHSEC)));
    };
    // Stripe's own renewal attempt failed: the shopper is not on the page.
    await deliver(fake.object(invoice!.id)!);
    // The store marks the retry it is about to make, then pays with the shopper present.
    await stripe.invoices.update(invoice!.id, { metadata: { cardkeep_retry_attempt: '2' } });
    await stripe.invoices
      .pay(invoice!.id, { payment_method: card.id, off_session: false })
      .catch(() => {});
    await deliver(fake.object(invoice!.id)!);
    // Days later Stripe's smart retry fails too: that is a renewal failure again.
    await stripe.invoices.pay(invoice!.id, { payment_method: card.id }).catch(() => {});
    await deliver(fake.object(invoice!.id)!);
    assert.deepEqual(
      failed.map((c) => c.inPageRetry),
      [false, true, false],
    );
  });
});
