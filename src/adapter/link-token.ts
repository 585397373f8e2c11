// The signed-link token from a dunning e-mail (`?cardkeep_token=…`). Read once, then taken out
// of the address bar so it does not leak through Referer headers, bookmarks or shared URLs.

const PARAM = 'cardkeep_token';
let remembered: string | null = null;

/**
 * The page's link token, or null. The first call that finds it removes it from the URL with
 * `history.replaceState` (other parameters and the hash stay) and keeps it in memory, so every
 * element, and every later call, gets the same token. Returns null outside a browser.
 */
export function takeLinkToken(): string | null {
  if (remembered !== null || typeof location === 'undefined') return remembered;
  let url: URL;
  try {
    url = new URL(location.href);
  } catch {
    return null;
  }
  const token = url.searchParams.get(PARAM);
  if (!token) return null;
  remembered = token;
  url.searchParams.delete(PARAM);
  try {
    history.replaceState(history.state, '', url.href);
  } catch {
    // A sandboxed or opaque-origin page may refuse; the token still works.
  }
  return remembered;
}

/** Whether the page was opened from a signed link (the banner then opens its form at once). */
export function hasLinkToken(): boolean {
  return takeLinkToken() !== null;
}

/** Forgets the remembered token (tests; or after sign-out in a single-page app). */
export function forgetLinkToken(): void {
  remembered = null;
}
