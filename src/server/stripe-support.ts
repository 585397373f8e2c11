// What StripeStore's flows share: the pinned API version, idempotency keys, reading a customer's
// billing (their card, their failed renewals), and turning Stripe's errors into the protocol's.
// Pure functions over the `stripe` library's types; no calls are made here.
import { createHash } from 'node:crypto';
import type Stripe from 'stripe';
import { CardkeepError } from '../core/errors.js';
import { ProtocolError } from './protocol-error.js';
import type { StoreContext } from './store.js';

/**
 * The Stripe API version every call of StripeStore is pinned to: the version the installed
 * `stripe` library's types describe. Calls carry it per request, so a merchant's client set to
 * another version still gets the response shapes this code reads.
 */
export const STRIPE_API_VERSION = '2026-10-28.endive' satisfies NonNullable<
  Stripe.StripeConfig['apiVersion']
>;

/** Subscription states in which a renewal is still being collected. */
export const LIVE_SUBSCRIPTION = new Set(['active', 'past_due', 'unpaid', 'trialing']);

/** Card error codes that mean "this expiry is wrong", not "this card is refused". */
const EXPIRY_CODES = new Set(['invalid_expiry_month', 'invalid_expiry_year', 'expired_card']);

/** What the flows know about a customer's billing: fetched once per request. */
export interface Billing {
  customer: Stripe.Customer;
  subscriptions: Stripe.Subscription[];
}

/** Request options that pin a call to the API version this code reads. */
export const pinned = { apiVersion: STRIPE_API_VERSION };

export async function loadClient(
  secretKey: string,
  options: Omit<Stripe.StripeConfig, 'apiVersion'>,
): Promise<Stripe> {
  let StripeClient: typeof Stripe;
  try {
    ({ default: StripeClient } = await import('stripe'));
  } catch (error) {
    // `stripe` is an optional peer dependency: say what to do, not Node's resolver message.
    const code = (error as { code?: unknown } | null)?.code;
    if (code === 'ERR_MODULE_NOT_FOUND' && /'stripe'/.test(String((error as Error).message))) {
      throw new Error('StripeStore needs the `stripe` package: npm install stripe', {
        cause: error,
      });
    }
    throw error;
  }
  return new StripeClient(secretKey, { ...options, apiVersion: STRIPE_API_VERSION });
}

/** `http://127.0.0.1:12111` → the client's host, port and protocol options. */
export function apiAddress(apiUrl: string | undefined): Partial<Stripe.StripeConfig> {
  if (apiUrl === undefined) return {};
  const url = new URL(apiUrl);
  const protocol = url.protocol === 'http:' ? 'http' : 'https';
  return {
    host: url.hostname,
    protocol,
    port: url.port === '' ? (protocol === 'http' ? 80 : 443) : Number(url.port),
  };
}

/**
 * One Stripe idempotency key per write of a flow, derived from the request's key: a retried
 * request replays each step, two steps never collide under one key, and neither do two
 * customers or two routes that happen to send the same client key. The client's key is
 * hashed with the rest, so the result is always `cardkeep:` + 43 characters, far below
 * Stripe's 255-character limit whatever the client sent.
 */
export function derivedKeys(
  customerId: string,
  route: 'expiry' | 'setup' | 'replace' | 'verify',
  context: StoreContext,
): (step: string) => { idempotencyKey?: string } {
  const base = context.idempotencyKey;
  if (base === undefined) return () => ({});
  return (step) => ({
    idempotencyKey: `cardkeep:${createHash('sha256')
      .update(JSON.stringify([customerId, route, step, base]))
      .digest('base64url')}`,
  });
}

// The same wire codes as MemoryStore, so the widget behaves alike on either store.
export const cardMismatch = () =>
  new ProtocolError(409, 'card_mismatch', 'That card is not the card on file.');
export const setupIntentMismatch = () =>
  new ProtocolError(409, 'setup_intent_mismatch', 'Unknown SetupIntent.');

export function idOf(value: string | { id: string } | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'string' ? value : value.id;
}

export function defaultId(customer: Stripe.Customer): string | null {
  return idOf(customer.invoice_settings.default_payment_method);
}

/** The id of the card the customer pays with: their default, else their main subscription's. */
export function currentCardId(billing: Billing): string | null {
  return (
    defaultId(billing.customer) ??
    billing.subscriptions.map((s) => idOf(s.default_payment_method)).find((id) => id !== null) ??
    null
  );
}

/**
 * The expanded payment method {@link currentCardId} names: a card, or another method the
 * merchant's widened replacement saved (Link…; the summary then names its kind). A card
 * PaymentMethod without its card details is no card for Cardkeep.
 */
export function currentCard(billing: Billing): Stripe.PaymentMethod | null {
  const candidates = [
    billing.customer.invoice_settings.default_payment_method,
    ...billing.subscriptions.map((s) => s.default_payment_method),
  ];
  const found = candidates.find((c) => c !== null && c !== undefined);
  if (found === undefined || typeof found === 'string') return null;
  return found.type !== 'card' || found.card ? found : null;
}

/**
 * Open invoices whose renewal attempt failed, on subscriptions that `cardId` pays for (its own
 * default, or the customer's when it has none).
 */
export function failingInvoices(billing: Billing, cardId: string): Stripe.Invoice[] {
  const customerDefault = defaultId(billing.customer);
  const invoices: Stripe.Invoice[] = [];
  for (const subscription of billing.subscriptions) {
    const paidWith = idOf(subscription.default_payment_method) ?? customerDefault;
    const invoice = subscription.latest_invoice;
    if (paidWith !== cardId || invoice === null || typeof invoice === 'string') continue;
    if (
      invoice.status === 'open' &&
      invoice.collection_method === 'charge_automatically' &&
      invoice.attempt_count > 0 &&
      invoice.amount_remaining > 0
    ) {
      invoices.push(invoice);
    }
  }
  return invoices;
}

export interface StripeErrorLike {
  type: string;
  code?: string;
  decline_code?: string;
  statusCode?: number;
  requestId?: string;
  headers?: Record<string, string>;
}

/** A `stripe` library error, recognised by shape so this module needs no runtime import. */
export function isStripeError(error: unknown): error is StripeErrorLike & Error {
  return (
    error instanceof Error &&
    typeof (error as unknown as { type?: unknown }).type === 'string' &&
    (error as unknown as { type: string }).type.startsWith('Stripe')
  );
}

export function isMissing(error: unknown): boolean {
  return (
    isStripeError(error) &&
    error.type === 'StripeInvalidRequestError' &&
    error.code === 'resource_missing'
  );
}

export function missingCustomerIsUnauthorized(error: unknown): CardkeepError | null {
  return isMissing(error)
    ? new CardkeepError('unauthorized', 'Unknown customer', { cause: error })
    : null;
}

/** Errors of the expiry update and of the issuer's check: a wrong date is `invalid_expiry`. */
export function expiryError(error: unknown): unknown {
  if (
    isStripeError(error) &&
    (EXPIRY_CODES.has(error.code ?? '') || EXPIRY_CODES.has(error.decline_code ?? ''))
  ) {
    return new CardkeepError('invalid_expiry', 'The issuer did not accept this expiry date', {
      cause: error,
    });
  }
  return error;
}

/**
 * Maps a failure to the protocol's codes. Stripe's own message stays in `cause` (for the
 * merchant's logs), never in `message`: it can name objects, parameters or account details.
 */
export function toStoreError(error: unknown): CardkeepError {
  if (error instanceof CardkeepError) return error;
  if (!isStripeError(error)) {
    return new CardkeepError('server', 'Unexpected error', { cause: error });
  }
  switch (error.type) {
    case 'StripeCardError':
      return new CardkeepError('card_declined', 'The card was declined', {
        cause: error,
        status: 402,
      });
    case 'StripeRateLimitError': {
      const retryAfter = Number(error.headers?.['retry-after']);
      return new CardkeepError('rate_limited', 'Stripe asked us to slow down', {
        cause: error,
        ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfter } : {}),
      });
    }
    case 'StripeConnectionError':
    case 'StripeAPIError':
      return new CardkeepError('server', 'Stripe is unavailable', { cause: error });
    default:
      // Authentication, permission, idempotency and invalid requests: our bug or the merchant's
      // configuration. Retrying the same call cannot help.
      return new CardkeepError('server', 'The payment provider refused the request', {
        cause: error,
        retryable: false,
      });
  }
}

export function defaultWarn(message: string, error: unknown): void {
  const detail = isStripeError(error)
    ? ` (${error.type}${error.code ? ` ${error.code}` : ''}${error.requestId ? `, ${error.requestId}` : ''})`
    : '';
  console.warn(`cardkeep: ${message}${detail}`);
}
