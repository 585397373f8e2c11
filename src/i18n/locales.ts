// Which languages' messages are in memory, and how the others arrive. English is always here
// (it is also the fallback for any other tag); Japanese is its own module behind a dynamic
// import(), so a page in English never downloads it. Bundlers (and the script-tag build) split
// it into a chunk of its own.
import { en } from './en.js';
import type { Locale, Messages } from './messages.js';

const loaded: Partial<Record<Locale, Messages>> = { en };
const pending: Partial<Record<Locale, Promise<Messages>>> = {};

/**
 * The messages of `locale` if they are in memory. English stands in for a language whose
 * module could not be loaded (offline): a widget in English beats an empty box.
 */
export function messagesFor(locale: Locale): Messages | undefined {
  return loaded[locale];
}

/**
 * Loads `locale`'s messages (once; concurrent callers share the request). A failed load
 * resolves to English for this page view, so an element waiting on it still renders.
 */
export function loadLocale(locale: Locale): Promise<Messages> {
  const have = loaded[locale];
  if (have) return Promise.resolve(have);
  return (pending[locale] ??= import('./ja.js').then(
    ({ ja }) => (loaded[locale] = ja),
    () => (loaded[locale] = en),
  ));
}
