// The script-tag bundle's entry (dist/cardkeep.min.js). Registers the banner and the expiry form
// at once; the replacement form and Stripe's helpers come from the companion file
// `cardkeep-replace-card.min.js`, next to this one, the first time a shopper needs them.
// The build (rollup.config.mjs) replaces the three __CARDKEEP_*__ strings.
import { CardkeepBanner } from './components/banner/banner.js';
import { CardkeepExpiryForm } from './components/expiry-form/expiry-form.js';
import { defineOnce } from './components/shared/define-once.js';
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

defineOnce([
  ['cardkeep-expiry-form', CardkeepExpiryForm],
  ['cardkeep-banner', CardkeepBanner],
]);

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

// A page that uses <cardkeep-replace-card> on its own gets it as soon as one appears. Only the
// added nodes are looked at (this runs on every change to the page's DOM); the whole document
// only after a failed load, to try again.
const TAG = 'cardkeep-replace-card';
if (!customElements.get(TAG)) {
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
