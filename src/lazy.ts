// The replacement form and Stripe's loader are loaded on first use: the expiry-only path, which
// most shoppers take, never pays for them. `import('./lazy-parts.js')` is split into a chunk of
// its own by rollup (the script tag) and by an app's bundler (`cardkeep/define`) alike.
import { CardkeepError } from './core/errors.js';
import type * as Parts from './lazy-parts.js';

export type LazyParts = typeof Parts;

const TAG = 'cardkeep-replace-card';
let parts: Promise<LazyParts> | undefined;
let watching = false;

/**
 * Loads (once) the replacement form, which registers `<cardkeep-replace-card>`, and the
 * Stripe.js helpers. A failed load rejects with a retryable `network` CardkeepError and is
 * tried afresh on the next call.
 */
export function loadLazyParts(): Promise<LazyParts> {
  parts ??= import('./lazy-parts.js').catch((cause: unknown) => {
    parts = undefined;
    throw new CardkeepError('network', 'Could not load the replacement form', { cause });
  });
  return parts;
}

/**
 * Registers `<cardkeep-replace-card>` as soon as one is in the document (now or later), by
 * loading the replacement form then; the banner and the expiry form load it themselves when a
 * shopper asks for it. Only added nodes are looked at (this runs on every change to the DOM);
 * the whole document only after a failed load, to try again. Idempotent.
 */
export function defineReplaceCardOnDemand(): void {
  if (watching || customElements.get(TAG)) return;
  watching = true;
  let loading = false;
  let failed = false;
  const holds = (node: Node) =>
    node instanceof Element && (node.localName === TAG || node.querySelector(TAG) !== null);
  const load = () => {
    loading = true;
    loadLazyParts().then(
      () => watch.disconnect(),
      () => {
        loading = false;
        failed = true;
      },
    );
  };
  const watch = new MutationObserver((records) => {
    if (loading) return;
    const added = records.some((record) => Array.prototype.some.call(record.addedNodes, holds));
    if (added || (failed && document.querySelector(TAG))) load();
  });
  watch.observe(document, { childList: true, subtree: true });
  if (document.querySelector(TAG)) load();
}
