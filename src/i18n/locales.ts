// Which languages' messages are in memory, and how the others arrive. English is always here
// (it is also the fallback for any other tag), but for the strings only the forms and the
// thank-you show, which they bring themselves (their `ownMessages`: en-form.ts, en-forms.ts,
// en-replace.ts, en-thanks.ts); Japanese is its own module behind a dynamic import(), so a
// page in English never downloads it. Bundlers (and the script-tag build) split
// it into a chunk of its own.
import { enCore } from './en-core.js';
import type { Locale, SomeMessages } from './messages.js';

/** A language's messages, perhaps without the forms' (see the element base). */
type Loaded = SomeMessages;

/** The languages in memory (shared with ./add-messages.ts, which adds to them). */
export const loaded: Partial<Record<Locale, Loaded>> = { en: enCore };
const pending: Partial<Record<Locale, Promise<Loaded>>> = {};

/** Strings that travel with a lazily loaded part, per language (./add-messages.ts). */
export const extras: Partial<Record<Locale, Loaded>> = {};

/**
 * The messages of `locale` if they are in memory. English stands in for a language whose
 * module could not be loaded (offline): a widget in English beats an empty box.
 */
export function messagesFor(locale: Locale): Loaded | undefined {
  return loaded[locale];
}

/**
 * Loads `locale`'s messages (once; concurrent callers share the request). A failed load
 * resolves to English for this page view, so an element waiting on it still renders.
 */
export function loadLocale(locale: Locale): Promise<Loaded> {
  const have = loaded[locale];
  if (have) return Promise.resolve(have);
  return (pending[locale] ??= import('./ja.js').then(
    ({ ja }) => (loaded[locale] = { ...ja, ...extras[locale] }),
    () => (loaded[locale] = loaded.en!),
  ));
}
