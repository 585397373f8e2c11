// What the two Stripe-mode demo tests share: the demo server started against a fake Stripe,
// and the customer's default card as the fake holds it.
import { startDemoServer } from '../../demo/server.mjs';
import type { DemoServer } from '../../demo/server.mjs';
import { clock } from '../support/clock.js';
import type { FakeStripe } from '../support/fake-stripe.js';

/**
 * The demo in Stripe mode against `fake`, on the test calendar (start the fake with
 * `now: clock` too); `customerId` skips the demo shopper.
 */
export function startStripeDemo(fake: FakeStripe, customerId?: string): Promise<DemoServer> {
  return startDemoServer({
    port: 0,
    log: () => {},
    now: clock,
    stripe: {
      secretKey: fake.secretKey,
      publishableKey: fake.publishableKey,
      apiUrl: fake.url,
      ...(customerId ? { customerId } : {}),
    },
  });
}

/** The customer's default PaymentMethod in the fake. */
export function defaultCard(fake: FakeStripe, customerId: string) {
  const customer = fake.object(customerId)!;
  const { default_payment_method: id } = customer.invoice_settings as {
    default_payment_method: string;
  };
  return fake.object(id) as unknown as {
    id: string;
    customer: string;
    card: { brand: string; last4: string; exp_month: number; exp_year: number };
  };
}
