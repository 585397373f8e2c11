// The return from a redirect Stripe sent the shopper on (a bank's page, a wallet) while it
// confirmed a new card: Stripe appends `setup_intent`, `setup_intent_client_secret` and
// `redirect_status` to the `return_url`, and Cardkeep its own `cardkeep_pk` (the publishable
// key, which is public) so the replacement form can ask Stripe.js about the SetupIntent.

/** What the page's address says about a SetupIntent confirmed through a redirect. */
export interface RedirectReturn {
  setupIntentId: string;
  clientSecret: string;
  /** Stripe's own word on the redirect: `succeeded`, `processing` or `failed`. */
  redirectStatus: string;
  /** The key the form used; absent when the page's return_url was not ours. */
  publishableKey?: string;
}

/** The parameters Stripe adds to the return_url, and ours. */
const PARAMS = ['setup_intent', 'setup_intent_client_secret', 'redirect_status', 'cardkeep_pk'];

/** The return_url for confirming a new card: this page, with the key to read the outcome. */
export function returnUrl(publishableKey: string): string {
  const url = new URL(location.href);
  for (const name of PARAMS) url.searchParams.delete(name);
  url.searchParams.set('cardkeep_pk', publishableKey);
  return url.href;
}

/**
 * Takes a redirect return out of the page's address (history.replaceState, so a reload does
 * not run it again), or null when the page was not opened by one. A client secret that does
 * not belong to the SetupIntent named beside it is no return.
 */
export function takeRedirectReturn(): RedirectReturn | null {
  const url = new URL(location.href);
  const get = (name: string) => url.searchParams.get(name) ?? '';
  const setupIntentId = get('setup_intent');
  const clientSecret = get('setup_intent_client_secret');
  const redirectStatus = get('redirect_status');
  const publishableKey = get('cardkeep_pk');
  if (!PARAMS.some((name) => url.searchParams.has(name))) return null;
  for (const name of PARAMS) url.searchParams.delete(name);
  history.replaceState(history.state, '', url.href);
  if (!/^seti_\w+$/.test(setupIntentId) || !clientSecret.startsWith(`${setupIntentId}_secret_`)) {
    return null;
  }
  return {
    setupIntentId,
    clientSecret,
    redirectStatus,
    ...(/^pk_\w+$/.test(publishableKey) ? { publishableKey } : {}),
  };
}
