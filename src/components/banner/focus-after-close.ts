// Where focus goes when the banner hides: after Close on the thank-you (./banner-forms.ts) and
// after "Remind me later" on the notice. The notice carries it (in the script tag, the UI chunk)
// so that a keyboard user who dismisses it lands somewhere at once, offline too, never on
// <body> while a chunk loads.

/** What a keyboard reaches with Tab (disabled and hidden controls are filtered out later). */
const FOCUSABLE =
  'a[href], button, input:not([type=hidden]), select, textarea, [tabindex]:not([tabindex="-1"])';

/**
 * Where focus goes when the banner closes and its focused control disappears: the element the
 * merchant named (`focus-after-close`), else the first focusable element after the banner in
 * its document (or shadow root), else the last one before it; never `<body>`, so that a
 * keyboard user goes on from where the banner was.
 */
export function focusAfterClose(host: HTMLElement, named: string | HTMLElement | undefined): void {
  const root = host.getRootNode() as Document | ShadowRoot;
  const target = typeof named === 'string' ? root.getElementById(named.replace(/^#/, '')) : named;
  if (target?.isConnected && (target.checkVisibility?.() ?? true)) {
    // A heading or a region is a fine place to land: focusable by script, not by Tab.
    if (!target.matches(FOCUSABLE) && !target.hasAttribute('tabindex')) target.tabIndex = -1;
    target.focus();
    if (target.matches(':focus, :focus-within')) return;
  }
  focusAround(host, root);
}

/** The first focusable element after `host` in `root`, else the last one before it. */
function focusAround(host: HTMLElement, root: Document | ShadowRoot): void {
  const candidates = [...root.querySelectorAll<HTMLElement>(FOCUSABLE)].filter(
    (el) =>
      !host.contains(el) &&
      !(el as HTMLButtonElement).disabled &&
      (el.checkVisibility?.() ?? el.offsetParent !== null),
  );
  const after = candidates.find(
    (el) => host.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING,
  );
  (
    after ??
    candidates.findLast((el) => host.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_PRECEDING)
  )?.focus();
}
