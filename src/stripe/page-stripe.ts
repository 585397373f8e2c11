// The page's Stripe.js: Stripe.js is one global per page (`window.Stripe`), so elements that were
// given no loader of their own share this one, and with it one Stripe object per publishable
// key. This is the only page-wide Stripe state; the entries hand it out (`setStripeLoader` from
// `cardkeep`, `pageStripeJs` to the lazily loaded parts). Made on first use: nothing on import.
import { StripeJs, type StripeLoader } from './loader.js';

let page: StripeJs | undefined;

/** The page-wide Stripe.js, for elements without a `stripeLoader` of their own. */
export function pageStripeJs(): StripeJs {
  return (page ??= new StripeJs());
}

/**
 * Replaces how Stripe.js is loaded, page-wide: for tests, and for pages that already load
 * Stripe themselves (`setStripeLoader(async () => myStripe)`). Without an argument, restores
 * the default. Every Stripe object loaded so far is forgotten.
 */
export function setStripeLoader(loader?: StripeLoader): void {
  page = new StripeJs(loader);
}
