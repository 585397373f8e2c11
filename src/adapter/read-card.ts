// What the backend says about the card, checked before anything of it reaches the screen: the
// browser trusts no answer's shape. Shared by HttpAdapter and the elements' default backend
// (./deferred-http.ts), which reads a handed-over `GET /card` with it before HttpAdapter loads.
import type { CardSummary, GreetingName, LinkStatus } from './types.js';

export type Json = Record<string, unknown>;
export const obj = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
export const str = (v: unknown): v is string => typeof v === 'string';
export const int = (v: unknown): v is number => Number.isInteger(v);

/**
 * A server string made safe to show: control and format characters go (Unicode Cc and Cf: a
 * right-to-left override in a brand or name would reorder the card's digits and the date on
 * screen), and it is cut to `max` characters. Lit puts it into the page as text, never markup.
 */
export const shown = (text: string, max: number) =>
  text.replace(/[\p{Cc}\p{Cf}]/gu, '').slice(0, max);

/** A CardSummary made only of the fields we know, or undefined when the shape is wrong. */
export function readCard(v: unknown): CardSummary | undefined {
  if (!obj(v)) return undefined;
  const { id, kind, brand, last4, expMonth, expYear, status, customerName, customerSince } = v;
  const greetingName = readGreetingName(v.greetingName);
  if (!str(id) || (status !== 'ok' && status !== 'payment_failed')) return undefined;
  const common = {
    id,
    status: status as CardSummary['status'],
    ...(str(customerName) ? { customerName: shown(customerName, 100) } : {}),
    ...(int(customerSince) ? { customerSince } : {}),
    ...(greetingName === undefined ? {} : { greetingName }),
  };
  // A type name as the provider writes it (`link`, `sepa_debit`): shown only as a name.
  if (kind != null && kind !== 'card') {
    return str(kind) && /^[a-z][a-z0-9_]{0,39}$/.test(kind) ? { ...common, kind } : undefined;
  }
  if (!str(brand) || !str(last4) || !int(expMonth) || !int(expYear)) return undefined;
  // Exactly four digits (docs/protocol.md): a backend bug must never put a card number on screen.
  if (!/^[0-9]{4}$/.test(last4)) return undefined;
  return {
    ...common,
    brand: shown(brand, 40),
    last4,
    expMonth,
    expYear,
    ...(str(v.wallet) ? { wallet: shown(v.wallet, 40) } : {}),
  };
}

/** A greeting name, string or per-language record, made safe to show; undefined when unusable. */
function readGreetingName(v: unknown): GreetingName | undefined {
  if (str(v)) return shown(v, 100) || undefined;
  if (!obj(v)) return undefined;
  const names = Object.entries(v).filter(
    (entry): entry is [string, string] => /^[A-Za-z0-9-]{1,35}$/.test(entry[0]) && str(entry[1]),
  );
  return names.length === 0
    ? undefined
    : Object.fromEntries(names.map(([language, name]) => [language, shown(name, 100)]));
}

/** A read's `link` (docs/protocol.md, "Link state"); undefined when absent or malformed. */
function readLink(v: unknown): LinkStatus | undefined {
  if (!obj(v) || (v.state !== 'active' && v.state !== 'used')) return undefined;
  return { state: v.state, ...readWays(v) };
}

/** A link's ways forward, from a read's `link` or a dead link's 401 (docs/protocol.md). */
export function readWays(v: Record<string, unknown>): { resend?: string; loginUrl?: string } {
  // Only http(s) or a path goes into an href or a form's action (never `javascript:`).
  const url = (u: unknown): u is string => str(u) && /^(https?:\/\/|\/(?!\/))/.test(u);
  return {
    ...(url(v.resend) ? { resend: v.resend } : {}),
    ...(url(v.loginUrl) ? { loginUrl: v.loginUrl } : {}),
  };
}

/**
 * The card of a `GET /card` answer's body (`{card, link?}`), null for `{card: null}`, or
 * undefined when the body is not such an answer.
 */
export function readCardAnswer(data: unknown): CardSummary | null | undefined {
  if (!obj(data)) return undefined;
  if (data.card === null) return null;
  const card = readCard(data.card);
  const link = readLink(data.link);
  return card && link ? { ...card, link } : card;
}
