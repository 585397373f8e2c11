// A Stripe webhook endpoint as a web-standard handler: verifies the signature on the raw body,
// then hands the merchant what they need for the two events Cardkeep cares about.
import type Stripe from 'stripe';
import type { CardkeepState } from './state.js';
import { RETRY_ATTEMPT_METADATA } from './stripe-renewal.js';

/** What {@link StripeWebhookOptions.onPaymentFailed} receives besides the event. */
export interface PaymentFailedContext {
  /** The Stripe customer whose renewal was declined. */
  customerId: string;
  /** The invoice whose payment failed (amount, attempt count, next retry…). */
  invoice: Stripe.Invoice;
  /** A signed update link for the e-mail, when `createLink` is configured. */
  link?: string;
  /**
   * True when this failure is Cardkeep's own in-page retry: the shopper is on the page fixing
   * the card right now and already sees the outcome there, so send no dunning e-mail for it.
   * (The retry marks the invoice's metadata with the attempt it makes; this compares it with
   * the invoice's `attempt_count`.)
   */
  inPageRetry: boolean;
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
  /**
   * Where delivered event ids are remembered, so a duplicate delivery (Stripe sends some events
   * twice) runs the callbacks once, across every instance sharing the state: the handler's
   * `state` (e.g. `createRedisState()`). Default: this process only.
   */
  state?: Pick<CardkeepState, 'firstDelivery'>;
  /** Told when a callback throws. Default: `console.error` with the event id and type. */
  onError?: (error: unknown, event: Stripe.Event) => void;
}

/** The events the handler acts on; every other verified event is acknowledged and ignored. */
export const HANDLED_STRIPE_EVENTS = [
  'invoice.payment_failed',
  'payment_method.automatically_updated',
] as const;

const HANDLED = new Set<string>(HANDLED_STRIPE_EVENTS);

/** How long delivered event ids are remembered: Stripe retries a delivery for up to 3 days. */
const RETAIN_MS = 4 * 24 * 60 * 60 * 1000;

/** How many failed runs of one event are told apart (then its deliveries are dropped). */
const MAX_RUNS = 32;

/**
 * Once-only delivery on top of one atomic primitive, `firstDelivery(key, ttl)` (set-if-absent
 * with a lifetime). A delivery claims run 0 of its event and runs the callbacks; a run whose
 * callback threw (the 500 that makes Stripe deliver again) records `<id>#<run>:failed`. A later
 * delivery that finds run 0 taken asks whether it failed — a claim that lives 1 ms is a read:
 * true means "no failure recorded", so the event was delivered (a duplicate, answered 200) —
 * and if it failed, moves on to run 1, and so on. So a failed callback runs again on Stripe's
 * next delivery, and a delivered event never runs twice; two deliveries of one event within
 * the same millisecond, or while it runs in another instance, are the cases left open, and
 * Stripe's duplicates come apart in time. In this process a duplicate that arrives while its
 * event runs is answered 409, so Stripe delivers it again later.
 */
class Deliveries {
  readonly #state: Pick<CardkeepState, 'firstDelivery'>;
  readonly #inFlight = new Set<string>();

  constructor(state: Pick<CardkeepState, 'firstDelivery'>) {
    this.#state = state;
  }

  /**
   * The run this delivery owns; null for a duplicate of a delivered event; `running` while this
   * process is running the event for another delivery.
   */
  async claim(
    eventId: string,
  ): Promise<{ done(): void; failed(): Promise<void> } | null | 'running'> {
    if (this.#inFlight.has(eventId)) return 'running';
    for (let run = 0; run < MAX_RUNS; run++) {
      const key = `${eventId}#${run}`;
      if (await this.#state.firstDelivery(key, RETAIN_MS)) {
        this.#inFlight.add(eventId);
        return {
          done: () => void this.#inFlight.delete(eventId),
          failed: async () => {
            this.#inFlight.delete(eventId);
            await this.#state.firstDelivery(`${key}:failed`, RETAIN_MS);
          },
        };
      }
      if (await this.#state.firstDelivery(`${key}:failed`, 1)) return null;
    }
    return null;
  }
}

/** The default state for event ids: this process only, forgotten after `ttlMs`. */
function memoryDeliveries(): Pick<CardkeepState, 'firstDelivery'> {
  const seen = new Map<string, number>();
  return {
    firstDelivery: async (key, ttlMs) => {
      const now = Date.now();
      for (const [old, until] of seen) {
        if (until > now) break; // insertion order is expiry order: the rest are younger
        seen.delete(old);
      }
      if ((seen.get(key) ?? 0) > now) return false;
      seen.delete(key); // re-inserted at the end, keeping insertion order = expiry order
      seen.set(key, now + ttlMs);
      return true;
    },
  };
}

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
  const deliveries = new Deliveries(options.state ?? memoryDeliveries());
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

    if (!HANDLED.has(event.type)) return reply(200, { received: true });
    const delivery = await deliveries.claim(event.id);
    if (delivery === null) return reply(200, { received: true, duplicate: true });
    if (delivery === 'running')
      return reply(409, { error: 'delivery in progress', event: event.id });

    try {
      if (event.type === 'invoice.payment_failed') {
        const invoice = event.data.object;
        const customerId = idOf(invoice.customer);
        if (customerId !== null) {
          const link = createLink ? await createLink(customerId) : undefined;
          await onPaymentFailed(event, {
            customerId,
            invoice,
            inPageRetry:
              invoice.metadata?.[RETRY_ATTEMPT_METADATA] === String(invoice.attempt_count),
            ...(link ? { link } : {}),
          });
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
      await delivery.failed();
      return reply(500, { error: 'handler failed', event: event.id });
    }
    delivery.done();
    return reply(200, { received: true });
  };
}

function idOf(value: string | { id: string } | null): string | null {
  if (value === null) return null;
  return typeof value === 'string' ? value : value.id;
}
