// A Stripe webhook endpoint as a web-standard handler: verifies the signature on the raw body,
// then hands the merchant what they need for the two events Cardkeep cares about.
import type Stripe from 'stripe';

/** What {@link StripeWebhookOptions.onPaymentFailed} receives besides the event. */
export interface PaymentFailedContext {
  /** The Stripe customer whose renewal was declined. */
  customerId: string;
  /** The invoice whose payment failed (amount, attempt count, next retry…). */
  invoice: Stripe.Invoice;
  /** A signed update link for the e-mail, when `createLink` is configured. */
  link?: string;
}

/** What {@link StripeWebhookOptions.onCardAutoUpdated} receives besides the event. */
export interface CardAutoUpdatedContext {
  /** The customer whose card the network renewed, or null for a card saved to no customer. */
  customerId: string | null;
  /** The PaymentMethod with its new details (expiry, sometimes last4). */
  paymentMethod: Stripe.PaymentMethod;
}

/** Options of {@link createStripeWebhookHandler}. */
export interface StripeWebhookOptions {
  /** A `stripe` client; only its `webhooks` helper is used (no API calls). */
  stripe: Stripe;
  /** The endpoint's signing secret (`whsec_…`) from the Dashboard or `stripe listen`. */
  webhookSecret: string;
  /**
   * A renewal was declined (`invoice.payment_failed`): e-mail the shopper the `link`. Throwing
   * answers 500, so Stripe delivers the event again later.
   */
  onPaymentFailed: (
    event: Stripe.InvoicePaymentFailedEvent,
    context: PaymentFailedContext,
  ) => void | Promise<void>;
  /**
   * The card network renewed a card (`payment_method.automatically_updated`): usually nothing
   * to tell the shopper; useful to clear a "card expiring" flag.
   */
  onCardAutoUpdated?: (
    event: Stripe.PaymentMethodAutomaticallyUpdatedEvent,
    context: CardAutoUpdatedContext,
  ) => void | Promise<void>;
  /**
   * Makes the update link for a customer, e.g.
   * `(id) => createUpdateLink(id, { secret, baseUrl })` from `cardkeep/server`.
   */
  createLink?: (customerId: string) => string | Promise<string>;
  /** Seconds a signature stays valid (replay protection). Default 300, Stripe's default. */
  tolerance?: number;
  /** Told when a callback throws. Default: `console.error` with the event id and type. */
  onError?: (error: unknown, event: Stripe.Event) => void;
}

/** The events the handler acts on; every other verified event is acknowledged and ignored. */
export const HANDLED_STRIPE_EVENTS = [
  'invoice.payment_failed',
  'payment_method.automatically_updated',
] as const;

const reply = (status: number, body: Record<string, unknown>): Response =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' },
  });

/**
 * Creates the webhook endpoint: `(request) => Promise<Response>`. A missing or bad signature is a
 * 400 (never a 500: Stripe would keep retrying a forgery); a verified event is a 200, unless the
 * merchant's callback throws, which is a 500 so that Stripe retries the delivery.
 */
export function createStripeWebhookHandler(
  options: StripeWebhookOptions,
): (request: Request) => Promise<Response> {
  const { stripe, webhookSecret, onPaymentFailed, onCardAutoUpdated, createLink } = options;
  if (!webhookSecret) throw new TypeError('createStripeWebhookHandler needs the webhookSecret');
  const tolerance = options.tolerance ?? 300;
  const onError =
    options.onError ??
    ((error: unknown, event: Stripe.Event) =>
      console.error('cardkeep: webhook handler failed', {
        event: event.id,
        type: event.type,
        error: error instanceof Error ? error.name : typeof error,
      }));

  return async (request) => {
    if (request.method !== 'POST') {
      return new Response(null, { status: 405, headers: { Allow: 'POST' } });
    }
    const signature = request.headers.get('stripe-signature');
    if (signature === null) return reply(400, { error: 'missing Stripe-Signature header' });
    // The signature covers the exact bytes Stripe sent: never re-serialise the JSON.
    const payload = new Uint8Array(await request.arrayBuffer());
    let event: Stripe.Event;
    try {
      event = await stripe.webhooks.constructEventAsync(
        payload,
        signature,
        webhookSecret,
        tolerance,
      );
    } catch {
      return reply(400, { error: 'invalid signature' });
    }

    try {
      if (event.type === 'invoice.payment_failed') {
        const invoice = event.data.object;
        const customerId = idOf(invoice.customer);
        if (customerId !== null) {
          const link = createLink ? await createLink(customerId) : undefined;
          await onPaymentFailed(event, { customerId, invoice, ...(link ? { link } : {}) });
        }
      } else if (event.type === 'payment_method.automatically_updated') {
        const paymentMethod = event.data.object;
        await onCardAutoUpdated?.(event, {
          customerId: idOf(paymentMethod.customer),
          paymentMethod,
        });
      }
    } catch (error) {
      // The merchant's side failed (mail server down…): let Stripe deliver the event again.
      onError(error, event);
      return reply(500, { error: 'handler failed', event: event.id });
    }
    return reply(200, { received: true });
  };
}

function idOf(value: string | { id: string } | null): string | null {
  if (value === null) return null;
  return typeof value === 'string' ? value : value.id;
}
