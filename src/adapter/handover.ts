// Responses the script tag's first file (src/script-tag.ts) fetched before the elements were
// loaded: it asks `GET {endpoint}/card` itself to decide whether the page needs the widget at
// all, and hands what it got to the first HttpAdapter call that would send the same request,
// so the card is not fetched twice.

/**
 * Page-wide, under a registered symbol: the first file fills it before it imports any element,
 * so even an element that upgrades the moment its chunk runs finds its answer waiting.
 */
export const HANDOVER = Symbol.for('cardkeep.handover');
const page = globalThis as { [HANDOVER]?: Map<string, Promise<Response>> };
const waiting = (page[HANDOVER] ??= new Map());

/** What makes two GETs the same request: the URL, the cookie policy and the bearer token. */
export function handoverKey(url: string, credentials: string, authorization: string): string {
  return `${url}\n${credentials}\n${authorization}`;
}

/**
 * The handed-over response for this request, if there is one (and takes it: a second call, or a
 * retry, goes to the network). Rejects with an AbortError as soon as `signal` aborts, as fetch
 * would.
 */
export function takeHandedOver(
  url: string,
  init: RequestInit,
  signal: AbortSignal,
): Promise<Response> | undefined {
  if (init.method !== 'GET') return undefined;
  const headers = (init.headers ?? {}) as Record<string, string>;
  const key = handoverKey(url, init.credentials ?? 'same-origin', headers.Authorization ?? '');
  const response = waiting.get(key);
  if (!response) return undefined;
  waiting.delete(key);
  return new Promise((resolve, reject) => {
    const abort = () => reject(new DOMException('The call was aborted.', 'AbortError'));
    if (signal.aborted) abort();
    signal.addEventListener('abort', abort, { once: true });
    response.then(resolve, reject);
  });
}

/**
 * The handed-over response for this request, left in place (see takeHandedOver); `drop` takes
 * it away once its reader is done with it.
 */
export function peekHandedOver(key: string): Promise<Response> | undefined {
  return waiting.get(key);
}

/** Forgets the handed-over response for this request: the next call goes to the network. */
export function dropHandedOver(key: string): void {
  waiting.delete(key);
}
