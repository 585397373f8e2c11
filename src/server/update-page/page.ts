// The self-hosted update page's routes: GET/HEAD/POST {basePath}/update and
// POST {basePath}/update/resend. Everything that touches the card goes through the handler's
// own JSON routes (`api`), so the page has exactly the validation, idempotency, single-use,
// locking and rate-limit rules of the widget's calls — it only turns their answers into pages.
//
// Mail scanners open links with HEAD and repeated GETs and no cookies: nothing here spends a
// link but a successful save. Tokens never reach a log line: only paths are logged, and
// failures of `sendLink` are logged by name and message.
//
// Over 300 lines on purpose: one factory whose routes share the handler's dependencies, the
// form reader and the link rules; the HTML is in render.ts, the words in i18n/.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { CardOnFile, CardSummary, PaymentOutcome } from '../../adapter/types.js';
import { isCard } from '../../protocol/wire.js';
import { isExpired } from '../../core/calendar.js';
import { cardStatus } from '../../core/card-status.js';
import { parseExpiry } from '../../core/expiry.js';
import type { ExpiryErrorReason } from '../../core/expiry.js';
import type { Locale } from '../../i18n/messages.js';
import type { ClientInfo } from '../handler.js';
import { createLinkToken, verifyLinkToken } from '../signed-link.js';
import {
  pageCsp,
  pageHeaders,
  pageStyles,
  renderPage,
  styleHash,
  type PageSetup,
  type PageView,
  type ShopBranding,
} from './render.js';
import { pickLocale, wordsFor } from './words.js';

/** The handler options that shape the update page. */
export interface UpdatePageOptions {
  /** The shop's name, logo, colour and support address. Default name: "Our shop". */
  shop?: ShopBranding | undefined;
  /** Your sign-in page: offered on every page about a link that no longer works. */
  loginUrl?: string | undefined;
  /**
   * Mails a fresh link to the customer's address on file: "Send me a new link" is offered for
   * a genuine link that expired or was used. `url` is the page with a new token; `lang` is the
   * page's language. Needs `publicOrigin`.
   */
  sendLink?: ((customerId: string, link: { url: string; lang: Locale }) => unknown) | undefined;
  /**
   * The origin links are built for (`https://shop.example`), or a function of the request.
   * Never taken from the request's Host header unless you say so: a forged Host would send
   * the shopper a link to someone else's site.
   */
  publicOrigin?: string | ((request: Request) => string) | undefined;
  /** The customer's stored language (`ja`, `en-GB`), used when the URL has no `?lang=`. */
  customerLanguage?:
    | ((customerId: string) => string | null | undefined | Promise<string | null | undefined>)
    | undefined;
  /** "Send me a new link" per customer: at most `max` mails per `windowMs`. Default 3 an hour. */
  resendLimit?: { max?: number; windowMs?: number } | undefined;
  /** Lifetime of a resent link (seconds or `72h`). Default 72 hours. */
  resendTtl?: number | string | undefined;
  /** Load the script tag so the widget enhances the form. Default true. */
  script?: boolean | undefined;
}

/** What the page needs from the handler that mounts it. */
export interface UpdatePageDeps {
  basePath: string;
  /** Link secrets, newest first. Without any the page answers that links are not valid. */
  secrets: readonly string[];
  now: () => Date;
  /** Runs one of the handler's JSON routes as the link's bearer (not logged separately). */
  api(
    method: 'GET' | 'POST',
    path: string,
    token: string,
    init?: { body?: Record<string, unknown>; idempotencyKey?: string },
    client?: ClientInfo,
  ): Promise<{ status: number; body: unknown }>;
  /** A rate-limit hit (the handler's shared state): 0 when allowed, else seconds to wait. */
  hit(bucket: string, key: string, limit: number, windowMs: number): Promise<number>;
  /** Unexpected failures, without tokens. */
  logError?: ((message: string, fields: Record<string, unknown>) => void) | undefined;
}

/** The handler's JSON routes, for one request. */
type Api = (
  method: 'GET' | 'POST',
  path: string,
  token: string,
  init?: { body?: Record<string, unknown>; idempotencyKey?: string },
) => Promise<{ status: number; body: unknown }>;

/** An answer of the page, as the handler's raw replies are. */
export interface PageReply {
  status: number;
  headers: Record<string, string>;
  text: string;
}

/**
 * The page's routes (`url` is the request's, parsed once by the handler): null, at once, when
 * the request is not for them, so the JSON routes do not wait a turn of the event loop for it.
 */
export type UpdatePageRoutes = (
  request: Request,
  url: URL,
  body?: string,
  client?: ClientInfo,
) => Promise<PageReply> | null;

/** What a token turned out to be. */
type TokenInfo =
  | { kind: 'valid'; customerId: string; nonce: string }
  | { kind: 'expired'; customerId: string }
  | { kind: 'invalid' };

/** The largest form body the page reads: a token, a date and a key fit many times over. */
const MAX_FORM_BYTES = 4096;

/** The banner's reasoning: a shopper following a link came to fix a card due within two months. */
const LINK_WARN_DAYS = 62;

const ATTEMPT = /^[A-Za-z0-9_-]{16,64}$/;

/** Reads a form body of at most {@link MAX_FORM_BYTES} bytes; null when larger. */
async function readForm(request: Request, known?: string): Promise<URLSearchParams | null> {
  if (Number(request.headers.get('content-length')) > MAX_FORM_BYTES) return null;
  let text = known;
  if (text === undefined) {
    if (!request.body) return new URLSearchParams();
    const reader = request.body.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > MAX_FORM_BYTES) {
        await reader.cancel().catch(() => {});
        return null;
      }
      chunks.push(value);
    }
    text = Buffer.concat(chunks).toString('utf8');
  }
  if (Buffer.byteLength(text) > MAX_FORM_BYTES) return null;
  return new URLSearchParams(text);
}

/** Creates the page's routes for a handler. */
export function createUpdatePage(
  options: UpdatePageOptions,
  deps: UpdatePageDeps,
): UpdatePageRoutes {
  const { basePath, secrets, now } = deps;
  const given = options.shop?.name;
  const names = typeof given === 'string' ? { en: given } : { ...given };
  for (const locale of ['en', 'ja'] as const) {
    const trimmed = names[locale]?.trim();
    if (trimmed) names[locale] = trimmed;
    else delete names[locale];
  }
  if (!names.en && !names.ja) names.en = 'Our shop';
  const shop: ShopBranding = { ...options.shop, name: names };
  if (shop.logoUrl !== undefined && !/^(\/(?!\/)|data:image\/)/.test(shop.logoUrl)) {
    throw new TypeError(
      'cardkeep: shop.logoUrl must be a path on your own origin ("/logo.svg") or a data:image URL.',
    );
  }
  if (options.loginUrl !== undefined && !/^(https?:\/\/|\/(?!\/))/.test(options.loginUrl)) {
    throw new TypeError('cardkeep: loginUrl must be an http(s) URL or a path.');
  }
  if (options.sendLink && !options.publicOrigin) {
    throw new TypeError(
      'cardkeep: sendLink needs publicOrigin (the origin the mailed links are built for).',
    );
  }
  const css = pageStyles(shop);
  const headers = pageHeaders(pageCsp(styleHash(css)));
  const setup: PageSetup = {
    shop,
    basePath,
    loginUrl: options.loginUrl,
    scriptUrl: options.script === false ? false : `${basePath}/cardkeep.min.js`,
  };
  const resendMax = options.resendLimit?.max ?? 3;
  const resendWindow = options.resendLimit?.windowMs ?? 60 * 60 * 1000;
  // Signs the outcome carried by the redirect after a save, so the thank-you page can say how
  // the payment went without keeping it anywhere: nobody without the secret can fake it.
  const outcomeKey = createHmac('sha256', secrets[0] ?? randomBytes(32))
    .update('cardkeep update-page outcome')
    .digest();

  const page = (status: number, view: PageView, locale: Locale, head = false): PageReply => ({
    status,
    headers: { ...headers, 'Content-Type': 'text/html; charset=utf-8' },
    text: head ? '' : renderPage(view, setup, locale, css),
  });
  const redirect = (location: string): PageReply => ({
    status: 303,
    headers: { ...headers, Location: location },
    text: '',
  });
  const pageUrl = (params: Record<string, string>) =>
    `${basePath}/update?${new URLSearchParams(params).toString()}`;

  function inspect(token: string | null): TokenInfo {
    if (!token) return { kind: 'invalid' };
    for (const secret of secrets) {
      const result = verifyLinkToken(token, { secret, now });
      if (result.ok) return { kind: 'valid', ...result.claims };
      // `expired` is only said after the signature checked out: the link is genuine.
      if (result.problem === 'expired') {
        const customer = token.split('.')[1]!;
        return { kind: 'expired', customerId: Buffer.from(customer, 'base64url').toString('utf8') };
      }
      if (result.problem === 'malformed') break;
    }
    return { kind: 'invalid' };
  }

  async function localeFor(request: Request, url: URL, info: TokenInfo, form?: URLSearchParams) {
    let stored: string | null | undefined;
    const query = url.searchParams.get('lang') ?? form?.get('lang') ?? null;
    if (!query && info.kind !== 'invalid' && options.customerLanguage) {
      try {
        stored = await options.customerLanguage(info.customerId);
      } catch (error) {
        deps.logError?.('cardkeep: customerLanguage failed', errorFields(error));
      }
    }
    return pickLocale(query, stored, request.headers.get('accept-language'));
  }

  const outcomeMac = (nonce: string, fields: string) =>
    createHmac('sha256', outcomeKey).update(`${nonce}\n${fields}`).digest().subarray(0, 16);

  /** `saved=<status>.<amount>.<currency>.<mac>` for the redirect after a save. */
  function signOutcome(nonce: string, payment: PaymentOutcome | undefined): string {
    const fields = [
      payment?.status ?? 'none',
      payment?.amount === undefined ? '' : String(payment.amount),
      payment?.currency ?? '',
    ].join('.');
    return `${fields}.${outcomeMac(nonce, fields).toString('base64url')}`;
  }

  function readOutcome(nonce: string, saved: string | null): PaymentOutcome | null {
    const match = saved
      ? /^(succeeded|failed|none)\.(\d{0,15})\.([a-z]{0,3})\.([\w-]+)$/.exec(saved)
      : null;
    if (!match) return null;
    const [, status, amount, currency, mac] = match;
    const fields = `${status}.${amount}.${currency}`;
    const given = Buffer.from(mac!, 'base64url');
    const expected = outcomeMac(nonce, fields);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    return {
      status: status as PaymentOutcome['status'],
      ...(amount ? { amount: Number(amount) } : {}),
      ...(currency ? { currency } : {}),
    };
  }

  /** The page for a token that does not open the form, or null when it does. */
  function deadPage(info: TokenInfo, reason: 'expired' | 'used' | 'invalid', token: string) {
    const genuine = info.kind !== 'invalid' && reason !== 'invalid';
    const view: PageView = {
      kind: 'dead',
      reason,
      ...(genuine && options.sendLink ? { resendToken: token } : {}),
    };
    return { status: reason === 'invalid' ? 403 : 410, view };
  }

  /** The card and the link's state as the JSON route reads them, or the page to show instead. */
  async function read(
    api: Api,
    token: string,
    info: TokenInfo,
    locale: Locale,
  ): Promise<
    | { ok: true; card: CardSummary | null; used: boolean }
    | { ok: false; status: number; view: PageView }
  > {
    const { messages } = wordsFor(locale);
    const reply = await api('GET', '/card', token);
    const body = (reply.body ?? {}) as {
      card?: CardSummary | null;
      link?: { state?: string };
      error?: { code?: string; reason?: string };
    };
    if (reply.status === 200) {
      return { ok: true, card: body.card ?? null, used: body.link?.state === 'used' };
    }
    if (reply.status === 401) {
      const reason =
        body.error?.reason === 'expired'
          ? 'expired'
          : body.error?.reason === 'used'
            ? 'used'
            : 'invalid';
      return { ok: false, ...deadPage(info, reason, token) };
    }
    const message = reply.status === 429 ? messages.errors.rate_limited : messages.errors.server;
    return {
      ok: false,
      status: reply.status >= 400 ? reply.status : 500,
      view: { kind: 'trouble', message },
    };
  }

  const needsFixing = (card: CardOnFile) =>
    cardStatus(card, now(), { warnDays: LINK_WARN_DAYS }) !== 'ok';

  const formView = (
    card: CardOnFile,
    extra: Partial<Extract<PageView, { kind: 'form' }>> = {},
  ): PageView => {
    const status = cardStatus(card, now(), { warnDays: LINK_WARN_DAYS });
    return {
      kind: 'form',
      card,
      notice: status === 'ok' ? 'expiring' : status,
      expired: isExpired(card.expMonth, card.expYear, now()),
      attempt: randomBytes(18).toString('base64url'),
      ...extra,
    };
  };

  async function show(request: Request, url: URL, api: Api): Promise<PageReply> {
    const head = request.method === 'HEAD';
    const token = url.searchParams.get('cardkeep_token');
    const info = inspect(token);
    const locale = await localeFor(request, url, info);
    if (url.searchParams.has('sent') && !token) return page(200, { kind: 'sent' }, locale, head);
    if (info.kind !== 'valid') {
      const dead = deadPage(info, info.kind === 'expired' ? 'expired' : 'invalid', token ?? '');
      return page(dead.status, dead.view, locale, head);
    }
    const found = await read(api, token!, info, locale);
    if (!found.ok) return page(found.status, found.view, locale, head);
    const { card, used } = found;
    if (!card) return page(403, deadPage(info, 'invalid', token!).view, locale, head);
    // Link or another method: no expiry to type, so no form (the banner offers a card).
    if (!isCard(card)) return page(200, { kind: 'method', method: card.kind }, locale, head);
    const outcome = used ? readOutcome(info.nonce, url.searchParams.get('saved')) : null;
    if (outcome) return page(200, { kind: 'done', card, payment: outcome }, locale, head);
    if (!needsFixing(card)) return page(200, { kind: 'up-to-date', card }, locale, head);
    if (used) {
      const dead = deadPage(info, 'used', token!);
      return page(dead.status, dead.view, locale, head);
    }
    return page(200, formView(card), locale, head);
  }

  async function save(request: Request, url: URL, api: Api, body?: string): Promise<PageReply> {
    const token = url.searchParams.get('cardkeep_token');
    const info = inspect(token);
    const form = await readForm(request, body);
    const locale = await localeFor(request, url, info, form ?? undefined);
    const { messages } = wordsFor(locale);
    if (info.kind !== 'valid') {
      const dead = deadPage(info, info.kind === 'expired' ? 'expired' : 'invalid', token ?? '');
      return page(dead.status, dead.view, locale);
    }
    const found = await read(api, token!, info, locale);
    if (!found.ok) return page(found.status, found.view, locale);
    const { card } = found;
    if (!card) return page(403, deadPage(info, 'invalid', token!).view, locale);
    if (!isCard(card)) return page(409, { kind: 'method', method: card.kind }, locale);
    if (!form) {
      return page(413, formView(card, { formError: messages.errors.server }), locale);
    }
    const typed = (form.get('expiry') ?? '').slice(0, 64);
    const parsed = parseExpiry(typed, now());
    if (!parsed.ok) {
      return page(
        422,
        formView(card, { typed, fieldError: messages.invalid[parsed.reason] }),
        locale,
      );
    }
    const attempt = form.get('attempt') ?? '';
    const reply = await api('POST', '/card/expiry', token!, {
      body: { cardId: card.id, month: parsed.month, year: parsed.year },
      // The attempt's key makes a double submit (or a resubmit after a lost answer) land once.
      ...(ATTEMPT.test(attempt) ? { idempotencyKey: attempt } : {}),
    });
    const answer = (reply.body ?? {}) as {
      payment?: PaymentOutcome;
      error?: { code?: string; reason?: string };
    };
    if (reply.status === 200) {
      const params: Record<string, string> = {
        cardkeep_token: token!,
        saved: signOutcome(info.nonce, answer.payment),
      };
      const lang = url.searchParams.get('lang');
      if (lang) params.lang = locale;
      return redirect(pageUrl(params));
    }
    const code = answer.error?.code;
    if (reply.status === 401) {
      // Spent by another save meanwhile: the card may well be fine now.
      const again = await read(api, token!, info, locale);
      if (again.ok && again.card && isCard(again.card) && !needsFixing(again.card)) {
        return page(200, { kind: 'up-to-date', card: again.card }, locale);
      }
      const reason = answer.error?.reason === 'expired' ? 'expired' : 'used';
      const dead = deadPage(info, reason, token!);
      return page(dead.status, dead.view, locale);
    }
    if (code === 'invalid_expiry') {
      const reason = answer.error?.reason as ExpiryErrorReason | undefined;
      const fieldError =
        reason && reason in messages.invalid
          ? messages.invalid[reason]
          : messages.errors.invalid_expiry;
      return page(422, formView(card, { typed, fieldError }), locale);
    }
    const known = ['card_declined', 'rate_limited', 'timeout', 'network'] as const;
    const formError = known.includes(code as (typeof known)[number])
      ? messages.errors[code as (typeof known)[number]]
      : messages.errors.server;
    return page(
      reply.status >= 400 ? reply.status : 500,
      formView(card, { typed, formError }),
      locale,
    );
  }

  async function resend(request: Request, url: URL, body?: string): Promise<PageReply> {
    const form = await readForm(request, body);
    const token = form?.get('cardkeep_token') ?? null;
    const info = inspect(token);
    const locale = await localeFor(request, url, info, form ?? undefined);
    if (info.kind !== 'invalid' && options.sendLink) {
      // A state that cannot count (down) sends nothing: the answer stays the same.
      const wait = await deps
        .hit('resend', info.customerId, resendMax, resendWindow)
        .catch(() => 1);
      if (!wait) {
        const origin =
          typeof options.publicOrigin === 'function'
            ? options.publicOrigin(request)
            : options.publicOrigin!;
        const fresh = createLinkToken(info.customerId, {
          secret: secrets[0]!,
          ttl: options.resendTtl ?? '72h',
          now,
        });
        const link = `${new URL(origin).origin}${pageUrl({ cardkeep_token: fresh, lang: locale })}`;
        const send = options.sendLink;
        // Not awaited: the answer (and how long it takes) must not tell whether a mail left.
        void Promise.resolve()
          .then(() => send(info.customerId, { url: link, lang: locale }))
          .catch((error: unknown) =>
            deps.logError?.('cardkeep: sendLink failed', errorFields(error)),
          );
      }
    }
    return redirect(pageUrl({ sent: '1', lang: locale }));
  }

  return (request, url, body, client) => {
    const path = url.pathname.slice(basePath.length);
    if (!url.pathname.startsWith(basePath) || (path !== '/update' && path !== '/update/resend')) {
      return null;
    }
    return route(request, url, path, body, client);
  };

  async function route(
    request: Request,
    url: URL,
    path: string,
    body: string | undefined,
    client: ClientInfo | undefined,
  ): Promise<PageReply> {
    const api: Api = (method, path, token, init) => deps.api(method, path, token, init, client);
    const allowed = path === '/update' ? ['GET', 'HEAD', 'POST'] : ['POST'];
    if (!allowed.includes(request.method)) {
      const reply = page(
        405,
        { kind: 'trouble', message: wordsFor('en').messages.errors.server },
        'en',
      );
      return { ...reply, headers: { ...reply.headers, Allow: allowed.join(', ') } };
    }
    try {
      if (request.method === 'POST') {
        return await (path === '/update'
          ? save(request, url, api, body)
          : resend(request, url, body));
      }
      return await show(request, url, api);
    } catch (error) {
      // Still a page, with the page's headers: never a bare error or a stack trace.
      deps.logError?.('cardkeep: update page failed', errorFields(error));
      const locale = pickLocale(url.searchParams.get('lang'), null, null);
      return page(
        500,
        { kind: 'trouble', message: wordsFor(locale).messages.errors.server },
        locale,
      );
    }
  }
}

function errorFields(error: unknown): Record<string, unknown> {
  const { name, message } = error instanceof Error ? error : { name: 'Error', message: '' };
  // A mailer's message could quote the URL it was given: never let a token through.
  return { error: name, message: message.replace(/ck1\.[\w.-]+/g, '[token]') };
}
