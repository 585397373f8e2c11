// The fake Stripe server itself, through the real `stripe` library: the store's tests are only
// worth something if the fake refuses what Stripe refuses, in Stripe's shapes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Stripe from 'stripe';
import { parseStripeForm, type FakeStripe } from '../support/fake-stripe.js';
import { fakeStripePerTest } from '../support/fake-stripe-fixture.js';

let fake: FakeStripe;
let stripe: Stripe;

fakeStripePerTest({ now: () => new Date('2026-11-25T12:00:00Z') }, (started, client) => {
  fake = started;
  stripe = client;
});

async function stripeError(
  promise: Promise<unknown>,
): Promise<InstanceType<typeof Stripe.errors.StripeError>> {
  const error = await promise.then(
    () => assert.fail('expected Stripe to refuse'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof Stripe.errors.StripeError, String(error));
  return error;
}

describe('parseStripeForm', () => {
  it('decodes bracket notation into objects and arrays', () => {
    assert.deepEqual(
      parseStripeForm(
        'card[exp_month]=4&card[exp_year]=2030&expand[0]=a&expand[1]=b.c&tags[]=x&tags[]=y&name=Hanako+Yamada&q=%E5%B1%B1',
      ),
      {
        card: { exp_month: '4', exp_year: '2030' },
        expand: ['a', 'b.c'],
        tags: ['x', 'y'],
        name: 'Hanako Yamada',
        q: '山',
      },
    );
  });
});

describe('FakeStripe', () => {
  it('refuses a card number on a PaymentMethod update, like Stripe', async () => {
    const customer = fake.addCustomer();
    const pm = fake.addPaymentMethod('pm_card_visa', { customer: customer.id });
    const error = await stripeError(
      // @ts-expect-error -- the number of a saved card cannot change; the types know it too.
      stripe.paymentMethods.update(pm.id, { card: { number: '4000056655665556' } }),
    );
    assert.equal(error.type, 'StripeInvalidRequestError');
    assert.equal(error.statusCode, 400);
    assert.equal(error.code, 'parameter_unknown');
    assert.equal(error.param, 'card[number]');
  });

  it('refuses an expiry in the past or out of range as a card error on the field', async () => {
    const customer = fake.addCustomer();
    const pm = fake.addPaymentMethod('pm_card_visa', { customer: customer.id });
    const past = await stripeError(
      stripe.paymentMethods.update(pm.id, { card: { exp_month: 12, exp_year: 2025 } }),
    );
    assert.equal(past.code, 'invalid_expiry_year');
    assert.equal(past.param, 'card[exp_year]');
    const month = await stripeError(
      stripe.paymentMethods.update(pm.id, { card: { exp_month: 13, exp_year: 2030 } }),
    );
    assert.equal(month.code, 'invalid_expiry_month');
    const lastMonth = await stripeError(
      stripe.paymentMethods.update(pm.id, { card: { exp_month: 10, exp_year: 2026 } }),
    );
    assert.equal(lastMonth.code, 'invalid_expiry_month');
    // The current month is still valid.
    const ok = await stripe.paymentMethods.update(pm.id, {
      card: { exp_month: 11, exp_year: 2026 },
    });
    assert.equal(ok.card?.exp_month, 11);
  });

  it('only updates PaymentMethods saved to a customer', async () => {
    const loose = fake.addPaymentMethod('pm_card_visa');
    const error = await stripeError(
      stripe.paymentMethods.update(loose.id, { card: { exp_month: 4, exp_year: 2030 } }),
    );
    assert.equal(error.statusCode, 400);
  });

  it('answers 404 resource_missing for unknown objects and 401 for a wrong key', async () => {
    const missing = await stripeError(stripe.customers.retrieve('cus_missing'));
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.code, 'resource_missing');
    assert.match(missing.message, /No such customer: 'cus_missing'/);

    const wrong = new Stripe('sk_test_not_the_key', fake.clientConfig());
    const denied = await stripeError(wrong.customers.retrieve('cus_missing'));
    assert.equal(denied.type, 'StripeAuthenticationError');
    assert.doesNotMatch(denied.message, /not_the_key/);
  });

  it('replays an idempotent request and refuses the key with other parameters', async () => {
    const customer = fake.addCustomer();
    const first = await stripe.setupIntents.create(
      { customer: customer.id },
      { idempotencyKey: 'k1' },
    );
    const again = await stripe.setupIntents.create(
      { customer: customer.id },
      { idempotencyKey: 'k1' },
    );
    assert.equal(again.id, first.id);
    assert.equal(fake.requests.at(-1)!.replayed, true);

    const conflict = await stripeError(
      stripe.setupIntents.create(
        { customer: customer.id, usage: 'on_session' },
        { idempotencyKey: 'k1' },
      ),
    );
    assert.equal(conflict.type, 'StripeIdempotencyError');
  });

  it('expands nested ids on objects and lists', async () => {
    const customer = fake.addCustomer();
    const pm = fake.addPaymentMethod('pm_card_visa', { customer: customer.id, default: true });
    fake.addSubscription({
      customer: customer.id,
      default_payment_method: pm.id,
      latestInvoice: { amount: 100, currency: 'usd' },
    });
    const found = await stripe.customers.retrieve(customer.id, {
      expand: ['invoice_settings.default_payment_method'],
    });
    assert.ok(!found.deleted);
    const expanded = found.invoice_settings.default_payment_method as Stripe.PaymentMethod;
    assert.equal(expanded.card?.last4, '4242');
    const list = await stripe.subscriptions.list({
      customer: customer.id,
      expand: ['data.latest_invoice'],
    });
    assert.equal((list.data[0]!.latest_invoice as Stripe.Invoice).amount_due, 100);
    await stripeError(stripe.customers.retrieve(customer.id, { expand: ['name'] }));
  });

  it('behaves like the test cards on a SetupIntent', async () => {
    const customer = fake.addCustomer();
    const confirm = (payment_method: string) =>
      stripe.setupIntents.create({
        customer: customer.id,
        payment_method,
        confirm: true,
        automatic_payment_methods: { enabled: true, allow_redirects: 'never' },
      });
    assert.equal((await confirm('pm_card_visa')).status, 'succeeded');
    assert.equal(
      (await confirm('pm_card_authenticationRequiredOnSetup')).status,
      'requires_action',
    );
    const declined = await stripeError(confirm('pm_card_chargeDeclined'));
    assert.equal(declined.type, 'StripeCardError');
    assert.equal(declined.decline_code, 'generic_decline');
    assert.equal(declined.setup_intent?.status, 'requires_payment_method');
  });

  it('needs a return_url to confirm with redirect-capable automatic payment methods', async () => {
    const customer = fake.addCustomer();
    const error = await stripeError(
      stripe.setupIntents.create({
        customer: customer.id,
        payment_method: 'pm_card_visa',
        confirm: true,
      }),
    );
    assert.equal(error.param, 'return_url');
  });

  it("refuses another customer's PaymentMethod on a SetupIntent", async () => {
    const alice = fake.addCustomer();
    const bob = fake.addCustomer();
    const pm = fake.addPaymentMethod('pm_card_visa', { customer: alice.id });
    const error = await stripeError(
      stripe.setupIntents.create({
        customer: bob.id,
        payment_method: pm.id,
        confirm: true,
        automatic_payment_methods: { enabled: true, allow_redirects: 'never' },
      }),
    );
    assert.equal(error.param, 'payment_method');
  });

  it('lets a publishable key confirm a SetupIntent only with its client secret', async () => {
    const customer = fake.addCustomer();
    const si = await stripe.setupIntents.create({ customer: customer.id });
    const forged = await fake.confirmSetupAsBrowser(`${si.id}_secret_forged`, 'pm_card_visa');
    assert.equal((forged.error as { code: string }).code, 'resource_missing');
    const confirmed = await fake.confirmSetupAsBrowser(si.client_secret!, 'pm_card_visa');
    assert.equal(confirmed.status, 'succeeded');
    const pm = fake.object(String(confirmed.payment_method))!;
    assert.equal(pm.customer, customer.id, 'a succeeded SetupIntent saves the card');
  });

  it('takes the publishable key as Stripe.js sends it (a `key` form field) and answers any origin', async () => {
    const customer = fake.addCustomer();
    const si = await stripe.setupIntents.create({ customer: customer.id });
    const post = (key: string) =>
      fetch(`${fake.url}/v1/setup_intents/${si.id}/confirm`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          client_secret: si.client_secret!,
          payment_method: 'pm_card_visa',
          return_url: 'https://shop.example/account',
          key,
        }),
      });
    const secret = await post(fake.secretKey);
    assert.equal(secret.status, 401, 'a secret key never travels in a form field');
    const response = await post(fake.publishableKey);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('access-control-allow-origin'), '*');
    assert.equal(((await response.json()) as { status: string }).status, 'succeeded');
    const recorded = fake.requests.at(-1)!;
    assert.equal(recorded.auth, 'publishable');
    assert.equal(recorded.params.key, undefined, 'the key is not a parameter of the call');
  });

  it('pays an open invoice or declines it and counts the attempt', async () => {
    const customer = fake.addCustomer();
    const good = fake.addPaymentMethod('pm_card_visa', { customer: customer.id });
    const bad = fake.addPaymentMethod('pm_card_chargeCustomerFail', { customer: customer.id });
    const { subscription, invoice } = fake.addSubscription({
      customer: customer.id,
      status: 'past_due',
      latestInvoice: { amount: 1480, currency: 'jpy', attempt_count: 1 },
    });
    const declined = await stripeError(
      stripe.invoices.pay(invoice!.id, { payment_method: bad.id }),
    );
    assert.equal(declined.type, 'StripeCardError');
    assert.equal(fake.object(invoice!.id)!.attempt_count, 2);

    const paid = await stripe.invoices.pay(invoice!.id, { payment_method: good.id });
    assert.equal(paid.status, 'paid');
    assert.equal(paid.amount_remaining, 0);
    assert.equal(fake.object(subscription.id)!.status, 'active');
    await stripeError(stripe.invoices.pay(invoice!.id, { payment_method: good.id }));
  });
});

describe('FakeStripe refuses what Stripe refuses (issue 16)', () => {
  it('automatic_payment_methods[allow_redirects] without [enabled]', async () => {
    const customer = fake.addCustomer();
    const error = await stripeError(
      stripe.setupIntents.create({
        customer: customer.id,
        // @ts-expect-error -- `enabled` is required; the types know it, so does the fake.
        automatic_payment_methods: { allow_redirects: 'never' },
      }),
    );
    assert.equal(error.statusCode, 400);
    assert.equal(error.code, 'parameter_missing');
    assert.equal(error.param, 'automatic_payment_methods[enabled]');
  });

  it('a payment method type this API version does not know', async () => {
    const error = await stripeError(
      stripe.setupIntents.create({ allowed_payment_method_types: ['card', 'cardkeep_pay'] }),
    );
    assert.equal(error.statusCode, 400);
    assert.equal(error.param, 'allowed_payment_method_types[1]');
  });

  it('card[networks][preferred]=amex (only cartes_bancaires, mastercard, visa)', async () => {
    const customer = fake.addCustomer();
    const pm = fake.addPaymentMethod('pm_card_visa', { customer: customer.id });
    const error = await stripeError(
      stripe.paymentMethods.update(pm.id, { card: { networks: { preferred: 'amex' } } }),
    );
    assert.equal(error.statusCode, 400);
    assert.equal(error.param, 'card[networks][preferred]');
  });

  it('an Idempotency-Key over 255 characters', async () => {
    const error = await stripeError(
      stripe.customers.create({ name: 'A' }, { idempotencyKey: 'k'.repeat(256) }),
    );
    assert.equal(error.statusCode, 400);
    assert.equal(fake.calls().length, 1);
    await stripe.customers.create({ name: 'A' }, { idempotencyKey: 'k'.repeat(255) });
  });

  it('a Stripe-Version other than the one its schema describes', async () => {
    const error = await stripeError(
      stripe.customers.create({ name: 'A' }, { apiVersion: '2020-08-27' }),
    );
    assert.equal(error.statusCode, 400);
    assert.equal(error.code, 'invalid_api_version');
    await stripe.customers.create({ name: 'A' }, { apiVersion: Stripe.API_VERSION });
  });

  it('stores a 500 under its key and replays it instead of running the request again', async () => {
    fake.failNext('/v1/customers', {
      status: 500,
      error: { type: 'api_error', message: 'An unknown error occurred' },
    });
    const first = await stripeError(
      stripe.customers.create({ name: 'A' }, { idempotencyKey: 'k1' }),
    );
    assert.equal(first.statusCode, 500);
    const again = await stripeError(
      stripe.customers.create({ name: 'A' }, { idempotencyKey: 'k1' }),
    );
    assert.equal(again.statusCode, 500);
    assert.equal(fake.requests.at(-1)!.replayed, true);
    // Under a new key the request runs.
    await stripe.customers.create({ name: 'A' }, { idempotencyKey: 'k2' });
  });

  it('an on-session invoice payment that needs 3-D Secure leaves its PaymentIntent in requires_action', async () => {
    const customer = fake.addCustomer();
    const pm = fake.addPaymentMethod('pm_card_authenticationRequired', {
      customer: customer.id,
      default: true,
    });
    const { invoice } = fake.addSubscription({
      customer: customer.id,
      status: 'past_due',
      latestInvoice: { amount: 1980, currency: 'jpy', attempt_count: 1 },
    });
    const error = await stripeError(
      stripe.invoices.pay(invoice!.id, { payment_method: pm.id, off_session: false }),
    );
    assert.equal(error.type, 'StripeCardError');
    assert.equal(error.code, 'invoice_payment_intent_requires_action');
    const found = await stripe.invoices.retrieve(invoice!.id, {
      expand: ['confirmation_secret'],
    });
    assert.equal(found.status, 'open');
    const secret = found.confirmation_secret!.client_secret;
    const intent = await stripe.paymentIntents.retrieve(secret.split('_secret_')[0]!);
    assert.equal(intent.status, 'requires_action');
    assert.equal(intent.next_action?.type, 'use_stripe_sdk');
    fake.completePaymentAuthentication(intent.id, 'succeed');
    assert.equal((await stripe.invoices.retrieve(invoice!.id)).status, 'paid');
  });

  it('off-session, the same card is declined with authentication_required', async () => {
    const customer = fake.addCustomer();
    const pm = fake.addPaymentMethod('pm_card_authenticationRequired', { customer: customer.id });
    const { invoice } = fake.addSubscription({
      customer: customer.id,
      latestInvoice: { amount: 500, currency: 'usd', attempt_count: 1 },
    });
    const error = await stripeError(stripe.invoices.pay(invoice!.id, { payment_method: pm.id }));
    assert.equal(error.code, 'authentication_required');
  });

  it('has wallet cards and Link methods; a card-only SetupIntent refuses Link up front', async () => {
    const customer = fake.addCustomer();
    const wallet = fake.addPaymentMethod('pm_card_visa', {
      customer: customer.id,
      wallet: 'apple_pay',
    });
    const read = await stripe.paymentMethods.retrieve(wallet.id);
    assert.equal(read.card?.wallet?.type, 'apple_pay');
    const link = fake.addLinkPaymentMethod({ customer: customer.id });
    assert.equal((await stripe.paymentMethods.retrieve(link.id)).type, 'link');

    const cardOnly = await stripe.setupIntents.create({
      customer: customer.id,
      allowed_payment_method_types: ['card'],
    });
    const refused = await fake.confirmSetupAsBrowser(cardOnly.client_secret!, 'pm_link');
    assert.match(String((refused.error as { message: string }).message), /not allowed/);
    const automatic = await stripe.setupIntents.create({
      customer: customer.id,
      automatic_payment_methods: { enabled: true },
    });
    assert.deepEqual(automatic.payment_method_types, ['card', 'link']);
    const accepted = await fake.confirmSetupAsBrowser(automatic.client_secret!, 'pm_link');
    assert.equal(accepted.status, 'succeeded');
  });
});
