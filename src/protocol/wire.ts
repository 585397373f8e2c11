// The wire format of the protocol (docs/protocol.md): what the widget and any backend send
// each other. Shared by the browser side (adapters) and the Node reference server, so it
// lives below both and imports nothing but the error codes.
import type { CardkeepErrorCode } from '../core/errors.js';

/**
 * The name to greet the shopper with, exactly as the greeting shows it: one string for every
 * language ("Hanako"), or one per language keyed by BCP 47 tag or its primary subtag
 * (`{ en: 'Hanako', ja: '佐藤' }`, since a Japanese shop greets by family name, "佐藤 様").
 * A language with no entry gets no greeting.
 */
export type GreetingName = string | Record<string, string>;

/** What every payment method on file carries, whatever its kind. */
export interface MethodOnFile {
  /** The backend's id for this method (e.g. a Stripe PaymentMethod id). */
  id: string;
  /** `payment_failed` when the latest renewal charge on this method was declined. */
  status: 'ok' | 'payment_failed';
  /** The customer's full name, for the backend's own use; the widget never shows it. */
  customerName?: string;
  /** The name the greeting uses; without one there is no greeting line. */
  greetingName?: GreetingName;
  /** The year the shopper became a customer, shown as is ("with us since 2019"). */
  customerSince?: number;
  /**
   * What the signed link this page was opened with can still do (docs/protocol.md, "Link
   * state"); set by the HTTP adapter from the read's `link`, absent without a link.
   */
  link?: LinkStatus;
}

/** The card on file, as the merchant's backend describes it. Never contains the card number. */
export interface CardOnFile extends MethodOnFile {
  /** A card; a summary without a `kind` is a card too (backends older than the field). */
  kind?: 'card';
  /** Card brand as the shopper knows it: `visa`, `mastercard`, `amex`, `jcb`, … */
  brand: string;
  /** The last four digits, shown as •••• 4242. */
  last4: string;
  /** Expiry month, 1–12. */
  expMonth: number;
  /** Expiry year, four digits. */
  expYear: number;
  /**
   * Set when the card was saved from a wallet (`apple_pay`, `google_pay`, `samsung_pay`,
   * `link`, …): its expiry is the wallet token's, not the plastic's, so typing the date on the
   * physical card cannot fix it. The widget then offers a replacement, never the expiry form.
   */
  wallet?: string;
}

/**
 * A payment method on file that is not a card (`link`, `sepa_debit`, `us_bank_account`, … as
 * the provider names its type), which a merchant who widened the replacement's methods may
 * have. It has no number and no expiry: the widget never shows an expiry notice for it, and
 * names it in words ("Link"), never with digits.
 */
export interface OtherMethodOnFile extends MethodOnFile {
  /** The method's type: lower-case letters, digits and `_`, never `card`. */
  kind: string;
  brand?: never;
  last4?: never;
  expMonth?: never;
  expYear?: never;
  wallet?: never;
}

/**
 * The payment method on file: a card (`kind` absent or `card`), or another method. Only a card
 * has a brand, last four digits and an expiry; {@link isCard} tells them apart.
 */
export type CardSummary = CardOnFile | OtherMethodOnFile;

/** Whether the method on file is a card (with brand, last four and expiry). */
export const isCard = (method: CardSummary): method is CardOnFile =>
  method.kind === undefined || method.kind === 'card';

/** A signed link's state, as `GET {base}/card` reports it next to the card. */
export interface LinkStatus {
  /** `active`: the link can save; `used`: an earlier save spent it. */
  state: 'active' | 'used';
  /** Where to POST (`cardkeep_token`, `lang`) to have a fresh link mailed, when offered. */
  resend?: string;
  /** The merchant's sign-in page, when set. */
  loginUrl?: string;
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

/**
 * The issuer wants the shopper to authenticate (3-D Secure): before the card is usable
 * (`intent: 'setup'`, a SetupIntent's secret) or before the retried renewal goes through
 * (`intent: 'payment'`, the invoice's PaymentIntent). Either way the widget runs Stripe.js
 * `handleNextAction` and then `verify` with the intent's id.
 */
export interface AuthenticateAction {
  type: 'authenticate';
  clientSecret: string;
  publishableKey: string;
  /** Which kind of intent `clientSecret` belongs to; `setup` when absent (older backends). */
  intent?: 'setup' | 'payment';
}

/** What `verify` names: the intent of the `authenticate` action the shopper finished. */
export type VerifyInput = { setupIntentId: string } | { paymentIntentId: string };

/**
 * What the shopper should hear about a failed renewal retried right after the card was fixed
 * (the card itself is saved in every case):
 * - `succeeded`: paid now (or it turned out to be paid already);
 * - `failed`: the bank declined the charge;
 * - `requires_action`: the bank wants the shopper to confirm the payment (3-D Secure); the
 *   same answer carries an `authenticate` action with `intent: 'payment'`;
 * - `pending`: not settled yet (the payment is processing, or the provider could not be asked
 *   just now): the renewal goes through on its own schedule, nothing for the shopper to do;
 * - `none`: nothing to pay after all (the merchant voided or wrote off the invoice).
 */
export type PaymentStatus = 'succeeded' | 'failed' | 'requires_action' | 'pending' | 'none';

/** Outcome of retrying a failed renewal right after the card was fixed. */
export interface PaymentOutcome {
  status: PaymentStatus;
  /** Amount in the currency's smallest unit (yen, cents). */
  amount?: number;
  /** ISO 4217 code, lower case as Stripe sends it. */
  currency?: string;
  /**
   * What the payment was for, as it reads after "payment of 1,980円 for": "your monthly
   * beans" (ja: 毎月のコーヒー豆). Shown as given, so the backend writes it in the shopper's language.
   */
  description?: string;
  /**
   * Set by the widget, never by a backend, when the bank asked the shopper to confirm this
   * payment (3-D Secure, an `authenticate` action with `intent: 'payment'`): `confirmed` when
   * they did (`status` then says how the payment went), `abandoned` when the bank's window was
   * closed or the confirmation failed (the new date is saved; the payment is still due).
   */
  challenge?: 'confirmed' | 'abandoned';
}

/**
 * The result of an update or replacement. The summary fields are the card as it is now;
 * `action` and `payment` are present when the backend has more to say.
 */
export type UpdateResult = CardSummary & UpdateOutcome;

/** What an update or replacement may add to the method's summary. */
export interface UpdateOutcome {
  /** Present when the shopper must authenticate with the issuer to finish. */
  action?: AuthenticateAction;
  /** Present when a failed renewal was retried at once. */
  payment?: PaymentOutcome;
}

/** The JSON error body of the protocol: `{ error: { code, message } }`. */
export interface ErrorBody {
  error: { code: CardkeepErrorCode | string; message: string };
}
