// The script tag's second file: Lit, the banner and the HTTP adapter, in English — what it
// takes to paint a notice. The first file (src/script-tag.ts) imports it only when the page
// needs the widget, and calls `start`; rollup splits what comes later (the expiry form,
// Japanese, the replacement form with Stripe's loader) into chunks of their own behind
// dynamic import() (src/lazy.ts, src/i18n/locales.ts).
import { CardkeepBanner } from './components/banner/banner.js';
import { defineOnce } from './components/shared/define-once.js';
import { handOver } from './adapter/handover.js';
import { loadLocale } from './i18n/locales.js';
import type { Locale } from './i18n/messages.js';
import { defineOnDemand } from './lazy.js';

/** What the first file hands over. */
export interface StartOptions {
  /** The `GET {endpoint}/card` requests it made, by request (see handoverKey). */
  cards: Iterable<readonly [key: string, response: Promise<Response>]>;
  /** The languages the page's elements speak: loaded before they render, so none flashes. */
  locales: Iterable<Locale>;
}

/** Takes over what the first file fetched, then registers the elements (idempotent). */
export async function start({ cards, locales }: StartOptions): Promise<void> {
  for (const [key, response] of cards) handOver(key, response);
  await Promise.all([...locales].map(loadLocale));
  defineOnce([['cardkeep-banner', CardkeepBanner]]);
  defineOnDemand();
}
