// Answers the script tag's first file (src/script-tag.ts) fetched before the elements were
// loaded: it asks `GET {endpoint}/card` itself to decide whether the page needs the widget at
// all, and hands what it got to the first call that would send the same request (the elements'
// backend, ./deferred-http.ts, or HttpAdapter), so the card is not fetched twice.

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
 * The handed-over answer to this request, left in place: its reader (src/adapter/
 * deferred-http.ts, HttpAdapter) drops it once it has taken it.
 */
export function peekHandedOver(key: string): Promise<HandedOver> | undefined {
  return waiting.get(key);
}

/** Forgets the handed-over answer to this request: the next call goes to the network. */
export function dropHandedOver(key: string): void {
  waiting.delete(key);
}
