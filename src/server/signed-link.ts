// Signed update links for dunning e-mails: `ck1.<customer>.<expires>.<nonce>.<mac>`, where
// customer and nonce are base64url, expires is Unix seconds and mac is the base64url
// HMAC-SHA256 of everything before the last dot. See docs/protocol.md, "Signed links".
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Default lifetime of a link: 72 hours, in seconds. */
export const DEFAULT_LINK_TTL = 72 * 60 * 60;

const VERSION = 'ck1';
const B64URL = /^[A-Za-z0-9_-]+$/;

/** Options of {@link createLinkToken}. */
export interface LinkTokenOptions {
  /** The HMAC key shared with the server: at least 32 characters of randomness. */
  secret: string;
  /** Lifetime in seconds (default 72 h), or a string such as `72h`, `30m`, `7d`. */
  ttl?: number | string;
  /** The clock; defaults to the real one. */
  now?: () => Date;
}

/** What a valid token says. */
export interface LinkClaims {
  customerId: string;
  /** Unix seconds after which the token is refused. */
  expires: number;
  /** Random, unique per token: the single-use bookkeeping key. */
  nonce: string;
}

/** Why a token was refused: sent to the client as `error.reason`. */
export type LinkTokenProblem = 'malformed' | 'bad_signature' | 'expired';

/** Throws unless the secret is long enough to make forging links infeasible. */
export function assertLinkSecret(secret: unknown): asserts secret is string {
  if (typeof secret !== 'string' || secret.length < 32) {
    throw new TypeError('cardkeep: the link secret must be a string of at least 32 characters.');
  }
}

/** Parses `72h`, `30m`, `45s`, `7d` or a number of seconds. */
export function parseTtl(ttl: number | string): number {
  if (typeof ttl === 'number' && Number.isFinite(ttl) && ttl > 0) return Math.floor(ttl);
  const match = typeof ttl === 'string' ? /^(\d+)\s*([smhd]?)$/.exec(ttl.trim()) : null;
  const seconds = match
    ? Number(match[1]) * { '': 1, s: 1, m: 60, h: 3600, d: 86400 }[match[2]!]!
    : 0;
  if (!seconds) throw new TypeError(`cardkeep: invalid ttl ${JSON.stringify(ttl)} (try "72h").`);
  return seconds;
}

const mac = (secret: string, payload: string): Buffer =>
  createHmac('sha256', secret).update(payload).digest();

/** Signs a token that lets its bearer see and fix `customerId`'s card until it expires. */
export function createLinkToken(customerId: string, options: LinkTokenOptions): string {
  assertLinkSecret(options.secret);
  if (!customerId) throw new TypeError('cardkeep: createLinkToken needs a customer id.');
  const now = options.now?.() ?? new Date();
  const expires = Math.floor(now.getTime() / 1000) + parseTtl(options.ttl ?? DEFAULT_LINK_TTL);
  const payload = [
    VERSION,
    Buffer.from(customerId, 'utf8').toString('base64url'),
    String(expires),
    randomBytes(16).toString('base64url'),
  ].join('.');
  return `${payload}.${mac(options.secret, payload).toString('base64url')}`;
}

/**
 * Checks a token's signature (in constant time) and expiry. Single use is the handler's
 * business: it remembers spent nonces.
 */
export function verifyLinkToken(
  token: string,
  options: { secret: string; now?: () => Date },
): { ok: true; claims: LinkClaims } | { ok: false; problem: LinkTokenProblem } {
  const parts = token.length <= 1024 ? token.split('.') : [];
  const [version, customer, expires, nonce, signature] = parts;
  if (
    parts.length !== 5 ||
    version !== VERSION ||
    !B64URL.test(customer!) ||
    !/^\d{1,12}$/.test(expires!) ||
    !B64URL.test(nonce!) ||
    !B64URL.test(signature!)
  ) {
    return { ok: false, problem: 'malformed' };
  }
  const expected = mac(options.secret, parts.slice(0, 4).join('.'));
  const given = Buffer.from(signature!, 'base64url');
  // timingSafeEqual needs equal lengths; the length of a MAC is public anyway.
  // base64url leaves spare bits in the last character; only the canonical spelling counts,
  // so a token has exactly one valid form.
  const canonical = given.toString('base64url') === signature;
  if (!canonical || given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, problem: 'bad_signature' };
  }
  const now = Math.floor((options.now?.() ?? new Date()).getTime() / 1000);
  if (Number(expires) <= now) return { ok: false, problem: 'expired' };
  const customerId = Buffer.from(customer!, 'base64url').toString('utf8');
  return { ok: true, claims: { customerId, expires: Number(expires), nonce: nonce! } };
}

/** Options of {@link createUpdateLink}: where the link leads, `baseUrl` or `page`. */
export type UpdateLinkOptions = LinkTokenOptions & {
  /** `ja` or `en`: the language the update page opens in (`lang` query parameter). */
  lang?: string | undefined;
} & (
    | {
        /** A page of yours that shows the Cardkeep banner, e.g. `https://shop.example/account`. */
        baseUrl: string;
        page?: undefined;
      }
    | {
        /**
         * The handler's public URL, origin and basePath (`https://shop.example/cardkeep`): the
         * link opens its self-hosted update page, `{page}/update`, which works without script.
         */
        page: string;
        baseUrl?: undefined;
      }
  );

/**
 * A URL for a dunning e-mail: `baseUrl` (or the update page under `page`) with a fresh
 * `cardkeep_token` query parameter.
 */
export function createUpdateLink(customerId: string, options: UpdateLinkOptions): string {
  const url =
    options.page !== undefined
      ? new URL(`${new URL(options.page).href.replace(/\/+$/, '')}/update`)
      : new URL(options.baseUrl);
  url.searchParams.set('cardkeep_token', createLinkToken(customerId, options));
  if (options.lang) url.searchParams.set('lang', options.lang);
  return url.href;
}
