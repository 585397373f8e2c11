// Demo only (Stripe mode): the demo shopper in the merchant's Stripe *test* account. Kept out of
// the production StripeStore: a library for live money has no business creating customers.
import Stripe from 'stripe';

/** The demo shopper's e-mail: `.invalid` never delivers anywhere. */
export const DEMO_EMAIL = 'demo-shopper@cardkeep.invalid';

/**
 * Finds the demo shopper by e-mail or creates them, with a Visa test card that expires this
 * month as their default, and returns the customer id. Refuses live keys and live customers.
 */
export async function ensureDemoCustomer({
  secretKey,
  apiUrl,
  apiVersion,
  now = () => new Date(),
}) {
  if (/^(sk|rk)_live_/.test(secretKey)) {
    throw new Error('ensureDemoCustomer refuses live keys: the demo seeds test data');
  }
  // The same host/port/protocol mapping StripeStore uses (tests point both at a fake Stripe).
  const { apiAddress } = await import('../dist/server/stripe-support.js');
  const stripe = new Stripe(secretKey, {
    apiVersion,
    ...(apiUrl ? { ...apiAddress(apiUrl), maxNetworkRetries: 0 } : {}),
  });
  const found = await stripe.customers.list({ email: DEMO_EMAIL, limit: 1 });
  const customer =
    found.data[0] ??
    (await stripe.customers.create({
      name: 'Hanako Yamada',
      email: DEMO_EMAIL,
      metadata: { cardkeep_demo: 'true' },
    }));
  if (customer.livemode) throw new Error('ensureDemoCustomer is for test mode');
  if (!customer.invoice_settings.default_payment_method) {
    const card = await stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id });
    const today = now();
    // Expiring this month, so the banner has something to say.
    await stripe.paymentMethods.update(card.id, {
      card: { exp_month: today.getUTCMonth() + 1, exp_year: today.getUTCFullYear() },
    });
    await stripe.customers.update(customer.id, {
      invoice_settings: { default_payment_method: card.id },
    });
  }
  return customer.id;
}
