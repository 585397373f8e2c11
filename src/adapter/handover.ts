// Responses the script tag's first file (src/script-tag.ts) fetched before the elements were
// loaded: it asks `GET {endpoint}/card` itself to decide whether the page needs the widget at
// all, and hands what it got to the first HttpAdapter call that would send the same request,
// so the card is not fetched twice.

/**
 * An answer as the first file read it: status, headers and the body's text. Handed over read, not
 * as a Response: reading a Response's body takes a task of its own, and the banner would then
 * render a frame later.
 */
export interface HandedOver {
  status: number;
  headers: Headers;
  text: string;
}

/**
 * Page-wide, under a registered symbol: the first file fills it before it imports any element,
 * so even an element that upgrades the moment its chunk runs finds its answer waiting.
 */
export const HANDOVER = Symbol.for('cardkeep.handover');
const page = globalThis as { [HANDOVER]?: Map<string, Promise<HandedOver>> };
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
): Promise<HandedOver> | undefined {
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
