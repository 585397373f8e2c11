// The wire format of the protocol (docs/protocol.md): what the widget and any backend send
// each other. Shared by the browser side (adapters) and the Node reference server, so it
// lives below both and imports nothing but the error codes.
import type { CardkeepErrorCode } from '../core/errors.js';

/** The card on file, as the merchant's backend describes it. Never contains the card number. */
export interface CardSummary {
  /** The backend's id for this card (e.g. a Stripe PaymentMethod id). */
  id: string;
  /** Card brand as the shopper knows it: `visa`, `mastercard`, `amex`, `jcb`, … */
  brand: string;
  /** The last four digits, shown as •••• 4242. */
  last4: string;
  /** Expiry month, 1–12. */
  expMonth: number;
  /** Expiry year, four digits. */
  expYear: number;
  /** `payment_failed` when the latest renewal charge on this card was declined. */
  status: 'ok' | 'payment_failed';
  /** How to greet the shopper, when the backend knows. */
  customerName?: string;
  /** The year the shopper became a customer, shown as is ("with us since 2019"). */
  customerSince?: number;
}

/** Input of an expiry update (`POST {base}/card/expiry`). */
export interface ExpiryUpdate {
  cardId: string;
  month: number;
  year: number;
}

/** What the backend needs to show Stripe's Payment Element for a new card. */
export interface SetupSession {
  clientSecret: string;
  publishableKey: string;
}

/** The issuer wants the shopper to authenticate (3-D Secure) before the card is usable. */
export interface AuthenticateAction {
  type: 'authenticate';
  clientSecret: string;
  publishableKey: string;
}

/** Outcome of retrying a failed renewal right after the card was fixed. */
export interface PaymentOutcome {
  status: 'succeeded' | 'failed' | 'none';
  /** Amount in the currency's smallest unit (yen, cents). */
  amount?: number;
  /** ISO 4217 code, lower case as Stripe sends it. */
  currency?: string;
}

/**
 * The result of an update or replacement. The summary fields are the card as it is now;
 * `action` and `payment` are present when the backend has more to say.
 */
export interface UpdateResult extends CardSummary {
  /** Present when the shopper must authenticate with the issuer to finish. */
  action?: AuthenticateAction;
  /** Present when a failed renewal was retried at once. */
  payment?: PaymentOutcome;
}

/** The JSON error body of the protocol: `{ error: { code, message } }`. */
export interface ErrorBody {
  error: { code: CardkeepErrorCode | string; message: string };
}
