// The script-tag bundle's entry (dist/cardkeep.min.js). Registers the banner and the expiry form
// at once; the replacement form and Stripe's helpers come from the companion file
// `cardkeep-replace-card.min.js`, next to this one, the first time a shopper needs them.
// The build (rollup.config.mjs) replaces the three __CARDKEEP_*__ strings.
import { CardkeepBanner } from './components/banner/banner.js';
import { CardkeepExpiryForm } from './components/expiry-form/expiry-form.js';
import { loadLazyParts, setLazyPartsLoader } from './lazy.js';
import type { LazyParts } from './lazy.js';

/** What this build shares with its companion file, under a key unique to the build. */
interface Runtime {
  parts?: Promise<LazyParts> | undefined;
  resolve?: (parts: LazyParts) => void;
}

const KEY = '__CARDKEEP_RUNTIME__';
const CHUNK = '__CARDKEEP_CHUNK__';
const INTEGRITY = '__CARDKEEP_INTEGRITY__';

const scope = globalThis as unknown as Record<string, Runtime>;
// A second copy of the same build shares the first one's runtime (and its elements).
const runtime = (scope[KEY] ??= {});
const self = document.currentScript as HTMLScriptElement | null;

for (const [tag, element] of [
  ['cardkeep-expiry-form', CardkeepExpiryForm],
  ['cardkeep-banner', CardkeepBanner],
] as const) {
  if (!customElements.get(tag)) customElements.define(tag, element);
}

setLazyPartsLoader(
  () =>
    (runtime.parts ??= new Promise<LazyParts>((resolve, reject) => {
      runtime.resolve = resolve;
      const url = new URL(CHUNK, self?.src || document.baseURI);
      const script = document.createElement('script');
      script.src = url.href;
      // The companion file is pinned to this build: a swapped file does not run.
      script.integrity = INTEGRITY;
      if (url.origin !== location.origin) script.crossOrigin = 'anonymous';
      // Pages with a nonce-based CSP trust what the tag that loaded us was trusted with.
      if (self?.nonce) script.nonce = self.nonce;
      script.onerror = () => {
        runtime.parts = undefined;
        script.remove();
        reject(new Error(`Could not load ${url.href}`));
      };
      document.head.append(script);
    })),
);

// A page that uses <cardkeep-replace-card> on its own gets it as soon as one appears.
if (!customElements.get('cardkeep-replace-card')) {
  let loading = false;
  const watch = new MutationObserver(() => check());
  const check = () => {
    if (loading || !document.querySelector('cardkeep-replace-card')) return;
    loading = true;
    loadLazyParts().then(
      () => watch.disconnect(),
      () => (loading = false),
    );
  };
  watch.observe(document, { childList: true, subtree: true });
  check();
}
