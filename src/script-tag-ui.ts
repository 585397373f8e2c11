// The script tag's second file: Lit, the banner and the HTTP adapter, in English — what it
// takes to paint a notice. The first file (src/script-tag.ts) imports it only when the page
// needs the widget, and calls `start`; rollup splits what comes later (the expiry form,
// Japanese, the replacement form with Stripe's loader) into chunks of their own behind
// dynamic import() (src/lazy.ts, src/i18n/locales.ts).
import { CardkeepBanner } from './components/banner/banner.js';
import { defineOnce } from './components/shared/define-once.js';
import { loadLocale } from './i18n/locales.js';
import type { Locale } from './i18n/messages.js';

/**
 * Registers the banner once the languages the page's elements speak are loaded, so none shows
 * a moment of English. The cards the first file fetched wait in src/adapter/handover.ts.
 */
export async function start(locales: Iterable<Locale>): Promise<void> {
  await Promise.all([...locales].map(loadLocale));
  // Forms the page holds are registered by their own chunks, which the first file imports.
  defineOnce([['cardkeep-banner', CardkeepBanner]]);
}
