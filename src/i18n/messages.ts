import type { ExpiryErrorReason } from '../core/expiry.js';
import type { CardkeepErrorCode } from '../core/errors.js';
import { isCard } from '../protocol/wire.js';
import type { CardSummary, GreetingName } from '../protocol/wire.js';

/**
 * Every string the elements show. `en` and `ja` are complete; a merchant overrides any entry
 * with the `messages` property or JSON attribute. Entries that interpolate are functions;
 * an override may give them as a string with `{placeholders}` (see `mergeMessages` in
 * ./merge-messages.ts).
 */
export interface Messages {
  /** BCP 47 tag used for Intl formatting (amounts). */
  locale: string;

  // Banner
  /** A greeting line when the backend knows the shopper's name. */
  greeting: (name: string) => string;
  /** The personal thank-you; the year is shown as the backend gave it. */
  customerSince: (year: number) => string;
  expiredTitle: string;
  /** A card's expiry month as the shopper reads it in prose: "March 2025", 2025年3月. */
  expiryMonth: (month: number, year: number) => string;
  expiredBody: (card: string, expiry: string) => string;
  paymentFailedTitle: string;
  /** `expired`: the card's expiry month has passed, so it is never described as "expires …". */
  paymentFailedBody: (card: string, expiry: string, expired: boolean) => string;
  expiringTitle: string;
  expiringBody: (card: string, expiry: string) => string;
  /** The primary action; its accessible name must contain this text. */
  updateExpiry: string;
  useDifferentCard: string;
  remindLater: string;
  updatedTitle: string;
  updatedBody: (card: string, expiry: string) => string;
  /** `description` is what the backend says the payment was for ("your monthly beans"). */
  paymentSucceeded: (amount: string, description?: string) => string;
  paymentStillFailed: string;

  // Expiry form
  formTitle: (card: string) => string;
  formHint: string;
  /** The field's label; must contain "Expiry date" / 有効期限. */
  expiryLabel: string;
  expiryPlaceholder: string;
  save: string;
  saving: string;
  cancel: string;
  tryAgain: string;
  /** What to do about an entry `parseExpiry` rejected. */
  invalid: Record<ExpiryErrorReason, string>;
  /** Shown after the field was cleared because the shopper typed or pasted a card number. */
  cardNumberNotNeeded: string;
  /** What to do about a failed call, by error code. */
  errors: Record<CardkeepErrorCode, string>;
  /** `rate_limited` when the server said how long to wait (Retry-After), in seconds. */
  rateLimitedFor: (seconds: number) => string;

  // Replacement and authentication
  replaceTitle: string;
  replaceIntro: string;
  replaceLoading: string;
  replaceLoadFailed: string;
  replaceFallback: string;
  saveCard: string;
  replaced: (card: string) => string;
  authenticating: string;
  authFailed: string;

  // Added for the banner and the expiry form
  /** Closes the banner's confirmation; the banner then goes quiet. */
  close: string;
  /** A retried payment succeeded but the backend gave no amount to show. */
  paymentWentThrough: string;

  // Stripe's later steps: 3-D Secure on the retried renewal, a return from the bank's page
  // (they load with Stripe.js's helpers, see LateKey)
  /** The date is saved and the bank's window is about to open to confirm the payment. */
  paymentConfirming: string;
  /** The shopper confirmed and the payment went through; `amount` when the backend gave one. */
  paymentConfirmed: (amount?: string) => string;
  /** The shopper confirmed and the payment is still being processed. */
  paymentProcessing: string;
  /** The bank's window was closed or failed: the date is saved, the payment still due. */
  paymentNotConfirmed: (amount?: string) => string;
  /** Back from the bank's page (a redirect), the new card was not confirmed. */
  replaceReturnFailed: string;
  /** Back from the bank's page, the new card is still being confirmed. */
  replaceReturnProcessing: string;
  /** Stripe refused the method the shopper chose (Link, a bank…): this form takes cards only. */
  replaceCardsOnly: string;
  /** The replacement put a method other than a card on file (`method`: "Link"). */
  replacedMethod: (method: string) => string;
}

/** The strings only the replacement form shows (in English they load with that form). */
export type ReplaceKey =
  | 'replaceTitle'
  | 'replaceIntro'
  | 'replaceLoading'
  | 'replaceLoadFailed'
  | 'replaceFallback'
  | 'saveCard';

/** Keys only the expiry form shows: src/i18n/en-form.ts, which travels with that form. */
export type FormKey =
  | 'formTitle'
  | 'formHint'
  | 'expiryLabel'
  | 'expiryPlaceholder'
  | 'save'
  | 'invalid'
  | 'cardNumberNotNeeded';

/**
 * Keys both forms show and the notice does not: src/i18n/en-forms.ts, which travels with the
 * forms (in the script tag, in the expiry form's chunk, which the replacement form imports from).
 */
export type FormsKey =
  'saving' | 'cancel' | 'tryAgain' | 'rateLimitedFor' | 'authenticating' | 'authFailed';

/** Keys only the thank-you after a save shows: src/i18n/en-thanks.ts, which travels with it. */
export type ThanksKey =
  | 'updatedTitle'
  | 'updatedBody'
  | 'paymentSucceeded'
  | 'paymentStillFailed'
  | 'replaced'
  | 'close'
  | 'paymentWentThrough';

/**
 * Strings of Stripe's later steps (a payment to confirm, a return from the bank's page): in
 * every language they load with Stripe.js's helpers (./late-messages.ts).
 */
export type LateKey =
  | 'paymentConfirming'
  | 'paymentConfirmed'
  | 'paymentProcessing'
  | 'paymentNotConfirmed'
  | 'replaceReturnFailed'
  | 'replaceReturnProcessing'
  | 'replaceCardsOnly'
  | 'replacedMethod';

/**
 * Some of the messages, a nested record (`errors`) perhaps in part: what a part of a language
 * brings (English comes in parts: ./en-core.ts, the forms' own).
 */
export type SomeMessages = {
  [K in keyof Messages]?: Messages[K] extends (...args: never[]) => string
    ? Messages[K]
    : Messages[K] extends Record<string, string>
      ? Partial<Messages[K]>
      : Messages[K];
};

/** A partial override: strings anywhere, template strings for function entries. */
export type MessageOverrides = {
  [K in keyof Messages]?: Messages[K] extends (...args: never[]) => string
    ? Messages[K] | string
    : Messages[K] extends Record<string, string>
      ? Partial<Messages[K]>
      : Messages[K];
};

const BRANDS: Record<string, string> = {
  visa: 'Visa',
  mastercard: 'Mastercard',
  amex: 'American Express',
  jcb: 'JCB',
  diners: 'Diners Club',
  discover: 'Discover',
  unionpay: 'UnionPay',
};

/** "Visa •••• 4242": the card as the shopper knows it. Brand names are the same in every language. */
export function cardLabel(brand: string, last4: string): string {
  const name = BRANDS[brand.toLowerCase()] ?? brand;
  return `${name} •••• ${last4}`;
}

/**
 * A payment method other than a card by name ("Link"), never with a number: its maker's
 * spelling, the same in every language; another type by its id in words (`sepa_debit` →
 * "sepa debit").
 */
export const methodName = (kind: string): string =>
  kind === 'link' ? 'Link' : kind === 'paypal' ? 'PayPal' : kind.replace(/_/g, ' ');

/** The method on file as the shopper knows it: "Visa •••• 4242", or "Link". */
export const methodLabel = (method: CardSummary): string =>
  isCard(method) ? cardLabel(method.brand, method.last4) : methodName(method.kind);

/** `ja` for any Japanese tag, `en` otherwise. */
export type Locale = 'en' | 'ja';

/**
 * The name to greet with in `locale`: a string greets in every language; a record is looked up
 * by the language's primary subtag (`ja` for `ja-JP`). Undefined (so no greeting at all) when
 * the backend gave none for this language: no name beats the wrong form of one.
 */
export function greetingNameFor(
  name: GreetingName | undefined,
  locale: string,
): string | undefined {
  if (typeof name === 'string') return name || undefined;
  if (!name) return undefined;
  const language = locale.toLowerCase().split('-')[0] ?? '';
  return name[locale] || name[language] || undefined;
}

/**
 * English month names, written out rather than asked of `Intl.DateTimeFormat`: a page's first
 * Intl formatter starts ICU (170–290 ms of main thread in Chromium at 4× CPU throttling, measured
 * with bench/waterfall.mjs), and the notice is usually the first to ask — right on its critical
 * path, for twelve fixed words.
 */
const MONTHS =
  'January February March April May June July August September October November December'.split(
    ' ',
  );

/** A card's expiry month in prose: "March 2025" in English, 2025年3月 in Japanese. */
export function proseMonth(locale: string, month: number, year: number): string {
  return locale === 'ja' ? `${year}年${month}月` : `${MONTHS[month - 1] ?? month} ${year}`;
}

/** Whole minutes once a wait reaches one: nobody wants to read "90 seconds". */
export function waitIn(seconds: number): { unit: 'second' | 'minute'; value: number } {
  return seconds < 60
    ? { unit: 'second', value: Math.max(1, Math.ceil(seconds)) }
    : { unit: 'minute', value: Math.ceil(seconds / 60) };
}
