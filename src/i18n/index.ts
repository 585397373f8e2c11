// Messages for both languages, and how an element picks and customises them.
import { en } from './en.js';
import { ja } from './ja.js';
import { cardLabel, localeOf, mergeMessages } from './messages.js';
import type { Locale, MessageOverrides, Messages } from './messages.js';

export { en, ja, cardLabel, localeOf, mergeMessages };
export type { Locale, MessageOverrides, Messages };

const LOCALES: Record<Locale, Messages> = { en, ja };

/** The messages for `element`'s language with the merchant's overrides laid over them. */
export function messagesFor(element: Element, overrides?: MessageOverrides | null): Messages {
  return mergeMessages(LOCALES[localeOf(element)], overrides);
}
