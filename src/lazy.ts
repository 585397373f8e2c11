// What most page views never need is loaded on first use: the expiry form (the script tag's
// notice is painted without it) and the replacement form with Stripe's loader (the expiry-only
// path, which most shoppers take, never pays for them). Each `import()` here is split into a
// chunk of its own by rollup (the script tag) and by an app's bundler (`cardkeep/define`) alike.
import { CardkeepError } from './core/errors.js';
import type * as Parts from './lazy-parts.js';
import type * as BannerForms from './components/banner/banner-forms.js';

export type LazyParts = typeof Parts;

const FORM = 'cardkeep-expiry-form';
const REPLACE = 'cardkeep-replace-card';
let parts: Promise<LazyParts> | undefined;
let form: Promise<unknown> | undefined;
let bannerForms: Promise<typeof BannerForms> | undefined;
/** The banner's views of an open form, once here (see loadBannerForms). */
let views: typeof BannerForms | undefined;
let watching = false;

/** A failed load is a retryable `network` error, and the next call tries afresh. */
function once<T>(load: () => Promise<T>, what: string, forget: () => void): Promise<T> {
  return load().catch((cause: unknown) => {
    forget();
    throw new CardkeepError('network', `Could not load ${what}`, { cause });
  });
}

/**
 * Loads (once) the replacement form, which registers `<cardkeep-replace-card>`, and the
 * Stripe.js helpers. A failed load rejects with a retryable `network` CardkeepError and is
 * tried afresh on the next call.
 */
export function loadLazyParts(): Promise<LazyParts> {
  return (parts ??= once(
    () => import('./lazy-parts.js'),
    'the replacement form',
    () => (parts = undefined),
  ));
}

/** Registers `<cardkeep-expiry-form>` (once), unless something already has; errors as above. */
export function loadExpiryForm(): Promise<unknown> {
  if (customElements.get(FORM)) return Promise.resolve();
  return (form ??= once(
    () => import('./lazy-form.js'),
    'the expiry form',
    () => (form = undefined),
  ));
}

/**
 * Loads (once) the banner's views of an open form and its thank-you, which come with the
 * forms' code (the script tag ships them in the expiry form's chunk); errors as above.
 */
export function loadBannerForms(): Promise<typeof BannerForms> {
  if (views) return Promise.resolve(views);
  return (bannerForms ??= once(
    () => import('./components/banner/banner-forms.js').then((forms) => (views = forms)),
    'the banner’s forms',
    () => (bannerForms = undefined),
  ));
}

/** The banner's views of an open form if they are here already: the form then opens at once. */
export function bannerFormsNow(): typeof BannerForms | undefined {
  return views;
}

/** Hands over the banner's views where they are loaded eagerly (`cardkeep/define`). */
export function provideBannerForms(forms: typeof BannerForms): void {
  views = forms;
}

/**
 * Registers the lazily loaded elements as soon as one is in the document (now or later); the
 * banner loads them itself when a shopper asks. Only added nodes are looked at (this runs on
 * every change to the DOM); the whole document only after a failed load, to try again.
 * Idempotent: one observer per page, gone once both elements are registered.
 */
export function defineOnDemand(): void {
  // Server-side rendering or a plain Node import (Lit shims customElements there, not the DOM):
  // no page to watch, and nothing to load on demand.
  if (watching || typeof MutationObserver === 'undefined' || typeof document === 'undefined') {
    return;
  }
  watching = true;
  const loaders: Record<string, () => Promise<unknown>> = {
    [FORM]: loadExpiryForm,
    [REPLACE]: loadLazyParts,
  };
  const busy = new Set<string>();
  const check = (root: ParentNode & Node) => {
    for (const tag of [FORM, REPLACE]) {
      if (busy.has(tag) || customElements.get(tag)) continue;
      if ((root as Element).localName !== tag && !root.querySelector(tag)) continue;
      busy.add(tag);
      loaders[tag]!().then(
        () => {
          if (customElements.get(FORM) && customElements.get(REPLACE)) watch.disconnect();
        },
        // Not loaded (offline): the next change to the page looks at the whole document again.
        () => {
          busy.delete(tag);
          failed = true;
        },
      );
    }
  };
  let failed = false;
  const watch = new MutationObserver((records) => {
    if (failed) {
      failed = false;
      check(document);
    }
    for (const record of records) {
      for (const node of record.addedNodes) if (node instanceof Element) check(node);
    }
  });
  watch.observe(document, { childList: true, subtree: true });
  check(document);
}
