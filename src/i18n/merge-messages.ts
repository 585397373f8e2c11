// How a merchant's `messages` are laid over a language's: only a page that sets them needs
// this, so the elements load it on demand (src/components/shared/cardkeep-element.ts) and a
// notice without overrides paints without it.
import type { MessageOverrides, Messages } from './messages.js';

/** Which keys hold nested records rather than a string or a function. */
const NESTED = ['invalid', 'errors'] as const;

/** The argument names of each entry that interpolates, in the order the entry takes them. */
const ARGUMENTS: Record<string, string[]> = {
  greeting: ['name'],
  customerSince: ['year'],
  expiryMonth: ['month', 'year'],
  expiredBody: ['card', 'expiry'],
  paymentFailedBody: ['card', 'expiry', 'expired'],
  expiringBody: ['card', 'expiry'],
  updatedBody: ['card', 'expiry'],
  paymentSucceeded: ['amount', 'description'],
  rateLimitedFor: ['seconds'],
  formTitle: ['card'],
  replaced: ['card'],
  replacedMethod: ['method'],
  paymentConfirmed: ['amount'],
  paymentNotConfirmed: ['amount'],
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
