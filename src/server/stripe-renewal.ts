// The instant renewal retry: once the shopper fixed their card, the failed renewal invoices it
// pays for are paid again at once — on-session, since the shopper is on the page, so a bank
// that wants 3-D Secure gets it in their browser instead of a silent decline. Every outcome
// of the pay call is mapped to what the shopper should hear (PaymentOutcome), because the card
// itself is saved by then whatever the payment does.
import type Stripe from 'stripe';
import type { AuthenticateAction, PaymentOutcome, PaymentStatus } from '../protocol/wire.js';
import { ProtocolError } from './protocol-error.js';
import { idOf, isMissing, isStripeError, pinned } from './stripe-support.js';

/**
 * The invoice metadata key Cardkeep sets just before its in-page retry: the attempt number that
 * retry will be. A webhook for an `invoice.payment_failed` whose `attempt_count` equals it was
 * Cardkeep's own retry with the shopper on the page (see `inPageRetry` of the webhook handler).
 */
export const RETRY_ATTEMPT_METADATA = 'cardkeep_retry_attempt';

/** What retrying the failed renewals came to. */
export interface RenewalOutcome {
  payment: PaymentOutcome;
  /** Present when the bank wants the shopper to confirm the payment (3-D Secure). */
  action?: AuthenticateAction;
  /** True while the shopper's card still has an unpaid renewal they should act on. */
  unpaid: boolean;
}

/** The most pressing status first: what the shopper must do beats what already happened. */
const PRECEDENCE: PaymentStatus[] = ['requires_action', 'failed', 'pending', 'succeeded', 'none'];

/**
 * Pays each invoice with `card`, the shopper present. `keys(step)` gives the idempotency key of
 * each write; `warn` hears about the marker that could not be set (the retry goes on).
 */
export async function retryRenewals(
  stripe: Stripe,
  invoices: Stripe.Invoice[],
  card: Stripe.PaymentMethod,
  keys: (step: string) => { idempotencyKey?: string },
  publishableKey: string,
  warn: (message: string, error: unknown) => void,
): Promise<RenewalOutcome> {
  const statuses: PaymentStatus[] = [];
  let action: AuthenticateAction | undefined;
  for (const invoice of invoices) {
    await stripe.invoices
      .update(
        invoice.id,
        { metadata: { [RETRY_ATTEMPT_METADATA]: String(invoice.attempt_count + 1) } },
        { ...pinned, ...keys(`mark:${invoice.id}`) },
      )
      .catch((error: unknown) => warn('Could not mark the in-page retry on the invoice', error));
    const outcome = await payOnSession(stripe, invoice.id, card.id, keys);
    statuses.push(outcome.status);
    if (outcome.clientSecret !== undefined && action === undefined) {
      action = {
        type: 'authenticate',
        intent: 'payment',
        clientSecret: outcome.clientSecret,
        publishableKey,
      };
    }
  }
  const status = PRECEDENCE.find((s) => statuses.includes(s)) ?? 'none';
  const payment: PaymentOutcome = { status };
  const currencies = new Set(invoices.map((i) => i.currency));
  if (currencies.size === 1 && status !== 'none') {
    payment.amount = invoices.reduce((sum, i) => sum + i.amount_remaining, 0);
    payment.currency = invoices[0]!.currency;
  }
  return {
    payment,
    ...(action ? { action } : {}),
    unpaid: status === 'failed' || status === 'requires_action',
  };
}

/** One invoice paid on-session, and what came of it. */
async function payOnSession(
  stripe: Stripe,
  invoiceId: string,
  cardId: string,
  keys: (step: string) => { idempotencyKey?: string },
): Promise<{ status: PaymentStatus; clientSecret?: string }> {
  try {
    await stripe.invoices.pay(
      invoiceId,
      { payment_method: cardId, off_session: false },
      { ...pinned, ...keys(`pay:${invoiceId}`) },
    );
    return { status: 'succeeded' };
  } catch (error) {
    if (!isStripeError(error)) throw error;
    // Stripe answers a payment that waits for 3-D Secure with this card error; the invoice's
    // PaymentIntent is then `requires_action` and Stripe.js can finish it in the browser.
    if (
      error.type === 'StripeCardError' &&
      error.code !== 'invoice_payment_intent_requires_action'
    ) {
      return { status: 'failed' };
    }
    // Anything else (already paid, voided meanwhile, an intent in an unexpected state, Stripe
    // unreachable): the invoice and its PaymentIntent say where the payment stands.
    const unreachable = error.type === 'StripeAPIError' || error.type === 'StripeConnectionError';
    const state = await invoiceState(stripe, invoiceId).catch((reading: unknown) => {
      if (unreachable && isStripeError(reading)) return null;
      throw reading;
    });
    if (state === null) return { status: 'pending' };
    if (state.status !== null) return { status: state.status };
    if (state.intent?.status === 'requires_action' && state.clientSecret !== undefined) {
      return { status: 'requires_action', clientSecret: state.clientSecret };
    }
    if (state.intent?.status === 'processing' || unreachable) return { status: 'pending' };
    if (error.type === 'StripeCardError') return { status: 'failed' };
    throw error;
  }
}

/** Where an invoice's payment stands: settled (`status`), or its open PaymentIntent. */
async function invoiceState(
  stripe: Stripe,
  invoiceId: string,
): Promise<{
  status: PaymentStatus | null;
  intent?: Stripe.PaymentIntent;
  clientSecret?: string;
}> {
  const invoice = await stripe.invoices.retrieve(
    invoiceId,
    { expand: ['confirmation_secret'] },
    pinned,
  );
  if (invoice.status === 'paid') return { status: 'succeeded' };
  if (invoice.status === 'void' || invoice.status === 'uncollectible') return { status: 'none' };
  const clientSecret = invoice.confirmation_secret?.client_secret;
  if (clientSecret === undefined) return { status: null };
  const intent = await stripe.paymentIntents.retrieve(
    clientSecret.split('_secret_')[0]!,
    {},
    pinned,
  );
  return { status: null, intent, clientSecret };
}

/**
 * The outcome of a renewal payment the shopper authenticated in the browser (`verify` with a
 * PaymentIntent id): the intent must be this customer's.
 */
export async function authenticatedPayment(
  stripe: Stripe,
  customerId: string,
  paymentIntentId: string,
  publishableKey: string,
): Promise<RenewalOutcome> {
  const intent = await stripe.paymentIntents
    .retrieve(paymentIntentId, {}, pinned)
    .catch((error: unknown) => {
      if (isMissing(error)) return null;
      throw error;
    });
  // Not found and not yours look the same from outside: ids are not an oracle.
  if (intent === null || idOf(intent.customer) !== customerId) {
    throw new ProtocolError(409, 'payment_intent_mismatch', 'Unknown PaymentIntent.');
  }
  const money = { amount: intent.amount, currency: intent.currency };
  switch (intent.status) {
    case 'succeeded':
      return { payment: { status: 'succeeded', ...money }, unpaid: false };
    case 'processing':
      return { payment: { status: 'pending', ...money }, unpaid: false };
    case 'requires_action':
      // The shopper closed the challenge without finishing it: offer it again.
      return {
        payment: { status: 'requires_action', ...money },
        action: {
          type: 'authenticate',
          intent: 'payment',
          clientSecret: intent.client_secret!,
          publishableKey,
        },
        unpaid: true,
      };
    default:
      // requires_payment_method: authentication failed or the bank declined afterwards.
      return { payment: { status: 'failed', ...money }, unpaid: true };
  }
}
