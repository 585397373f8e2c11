// The replacement form and Stripe's loader are loaded on first use: the expiry-only path, which
// most shoppers take, never pays for them. Bundlers split `import('./lazy-parts.js')` into its
// own chunk; the script-tag bundle swaps in a loader for its companion file
// (`cardkeep-replace-card.min.js`, see src/script-tag.ts).
import { CardkeepError } from './core/errors.js';
import type * as Parts from './lazy-parts.js';

export type LazyParts = typeof Parts;

let load: () => Promise<LazyParts> = () => import('./lazy-parts.js');
let parts: Promise<LazyParts> | undefined;

/**
 * Loads (once) the replacement form, which registers `<cardkeep-replace-card>`, and the
 * Stripe.js helpers. A failed load rejects with a retryable `network` CardkeepError and is
 * tried afresh on the next call.
 */
export function loadLazyParts(): Promise<LazyParts> {
  parts ??= load().catch((cause: unknown) => {
    parts = undefined;
    throw new CardkeepError('network', 'Could not load the replacement form', { cause });
  });
  return parts;
}

/** Replaces how the lazy parts are fetched (the script-tag bundle loads its companion file). */
export function setLazyPartsLoader(loader: () => Promise<LazyParts>): void {
  load = loader;
  parts = undefined;
}
