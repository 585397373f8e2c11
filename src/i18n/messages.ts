import type { ExpiryErrorReason } from '../core/expiry.js';
import type { CardkeepErrorCode } from '../core/errors.js';

/**
 * Every string the elements show. `en` and `ja` are complete; a merchant overrides any entry
 * with the `messages` property or JSON attribute. Entries that interpolate are functions;
 * an override may give them as a string with `{placeholders}` (see {@link mergeMessages}).
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
  expiredBody: (card: string, expiry: string) => string;
  paymentFailedTitle: string;
  paymentFailedBody: (card: string, expiry: string) => string;
  expiringTitle: string;
  expiringBody: (card: string, expiry: string) => string;
  /** The primary action; its accessible name must contain this text. */
  updateExpiry: string;
  useDifferentCard: string;
  remindLater: string;
  updatedTitle: string;
  updatedBody: (card: string, expiry: string) => string;
  paymentSucceeded: (amount: string) => string;
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
}

/** The strings only the replacement form shows (in English they load with that form). */
export type ReplaceKey =
  | 'replaceTitle'
  | 'replaceIntro'
  | 'replaceLoading'
  | 'replaceLoadFailed'
  | 'replaceFallback'
  | 'saveCard';

/** Which keys hold nested records rather than a string or a function. */
const NESTED = ['invalid', 'errors'] as const;

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

/** The argument names of each entry that interpolates, in the order the entry takes them. */
const ARGUMENTS: Record<string, string[]> = {
  greeting: ['name'],
  customerSince: ['year'],
  expiredBody: ['card', 'expiry'],
  paymentFailedBody: ['card', 'expiry'],
  expiringBody: ['card', 'expiry'],
  updatedBody: ['card', 'expiry'],
  paymentSucceeded: ['amount'],
  formTitle: ['card'],
  replaced: ['card'],
};

/**
 * Turns "{expiry}: {card}" into a function of the entry's arguments: a placeholder names an
 * argument (`{card}`), gives its position (`{0}`), or is filled in turn (`{}`).
 */
function template(text: string, names: string[] = []): (...args: unknown[]) => string {
  return (...args) => {
    let next = 0;
    return text.replace(/\{(\w*)\}/g, (_, name: string) => {
      const at = /^\d+$/.test(name) ? Number(name) : names.indexOf(name);
      return String(args[at < 0 ? next++ : at] ?? '');
    });
  };
}

/**
 * Lays `overrides` over `base`. Unknown keys and values of the wrong kind are ignored, so a
 * typo in a merchant's JSON attribute never breaks the widget.
 */
export function mergeMessages(base: Messages, overrides?: MessageOverrides | null): Messages {
  if (!overrides || typeof overrides !== 'object') return base;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overrides)) {
    const current = merged[key];
    if (current === undefined) continue;
    if ((NESTED as readonly string[]).includes(key)) {
      if (value && typeof value === 'object') {
        const strings = Object.entries(value).filter(
          ([k, v]) => typeof v === 'string' && k in (current as object),
        );
        merged[key] = { ...(current as object), ...Object.fromEntries(strings) };
      }
    } else if (typeof current === 'function') {
      if (typeof value === 'function') merged[key] = value;
      else if (typeof value === 'string') merged[key] = template(value, ARGUMENTS[key]);
    } else if (typeof value === 'string') {
      merged[key] = value;
    }
  }
  return merged as unknown as Messages;
}

/** `ja` for any Japanese tag, `en` otherwise. */
export type Locale = 'en' | 'ja';
