// The reference backend as a web-standard handler: Request in, Response out, no framework.
// The routes are a table (routes.ts); every request goes through the same steps: route →
// client rate limit → identify the shopper → (writes) read and check the body once →
// idempotency → customer rate limit → the store, one write at a time per customer. Whatever
// fails throws an HttpError (http-error.ts). Shared state (spent links, idempotency, the lock,
// limits) sits behind CardkeepState. docs/protocol.md describes the wire format.
//
// Over 300 lines on purpose: ~110 are the documented options and types merchants configure;
// the rest is the one request pipeline above, whose steps share the handler's options.
import type { ErrorBody } from '../protocol/wire.js';
import { createAssetResponder } from './assets.js';
import { readJsonBody } from './body.js';
import { HttpError, serverError, toHttpError, unauthorized, badRequest } from './http-error.js';
import { identifier } from './identify.js';
import { IDEMPOTENCY_TTL_MS } from './idempotency.js';
import { createMemoryState } from './memory-state.js';
import type { RateLimitOptions } from './rate-limit.js';
import { ROUTES, type Route } from './routes.js';
import type { LinkClaims } from './signed-link.js';
import {
  StateUnavailableError,
  type CardkeepState,
  type IdempotentWork,
  type StoredResponse,
} from './state.js';
import type { CardStore } from './store.js';
import { createUpdatePage, type UpdatePageOptions } from './update-page/page.js';
import { isId } from './validate.js';

/** Where log lines go. Lines never contain tokens, card numbers, expiry dates or bodies. */
export interface CardkeepLogger {
  /** One line per request: method, path, status, code, duration. */
  info?(message: string, fields: Record<string, unknown>): void;
  /** Unexpected failures (status 500), with the error's name and message. */
  error?(message: string, fields: Record<string, unknown>): void;
}

/** What the hosting server knows about the connection that the Request does not carry. */
export interface ClientInfo {
  /** The client's IP address, for per-IP rate limits. */
  ip?: string | undefined;
}

/**
 * Options of {@link createCardkeepHandler}. The update page's (`shop`, `loginUrl`, `sendLink`,
 * `publicOrigin`, …) shape `{basePath}/update`, the page a dunning e-mail links to.
 */
export interface CardkeepHandlerOptions extends UpdatePageOptions {
  /** Where cards live: `MemoryStore`, `StripeStore` or your own. */
  store: CardStore;
  /**
   * Spent links, idempotency keys, the per-customer write lock and rate limits. Default: in
   * this process (`createMemoryState`); give `createRedisState(…)` to share them between
   * instances.
   */
  state?: CardkeepState;
  /**
   * HMAC key for signed links (≥ 32 characters). Without it, Bearer tokens are refused. To
   * rotate, give `[newSecret, oldSecret]` for as long as links signed with the old one live
   * (72 h by default): a link verifies with any of them; sign new links with the first.
   */
  linkSecret?: string | readonly string[] | undefined;
  /** The shopper's customer id from your session (cookie), or null when not signed in. */
  authenticate?: (request: Request) => string | null | Promise<string | null>;
  /** The prefix the routes live under, e.g. `/cardkeep` for `/cardkeep/card`. Default ''. */
  basePath?: string;
  /** Request limits, or `false` for none (tests, or a limiter in front). */
  rateLimit?: RateLimitOptions | false;
  /** Largest accepted request body in bytes. Default 8192. */
  maxBodyBytes?: number;
  /**
   * Idempotency keys remembered at most by the default in-memory state (24 hours each; oldest
   * go first). Default 100 000.
   */
  maxIdempotencyKeys?: number;
  /** The client's address for per-IP limits. Default: what the host adapter reports. */
  clientIp?: (request: Request, client: ClientInfo) => string | null | undefined;
  /** Log sink; default logs only unexpected failures to `console.error`. `false`: silent. */
  logger?: CardkeepLogger | false;
  /** The clock; defaults to the real one. */
  now?: () => Date;
  /**
   * Serve the script tag's files (`{basePath}/cardkeep.min.js` and what it loads later) from
   * the installed package. Default true; `false` when they come from your CDN.
   */
  assets?: boolean;
}

/** An answer before it becomes a Response. */
export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  /** JSON text for the routes; bytes for the browser files. */
  text: string | Uint8Array<ArrayBuffer>;
}

/** The handler, with the facts host adapters need. */
export interface CardkeepHandler {
  (request: Request, client?: ClientInfo): Promise<Response>;
  /** The normalised mount prefix ('' or `/something`). */
  readonly basePath: string;
  /** Largest accepted body, so host adapters can refuse early. */
  readonly maxBodyBytes: number;
  /**
   * The host adapters' way in (`toNodeListener` uses it): the same answer as a call, without
   * building a Response the adapter would only take apart again, and given the body the
   * adapter has already read as text, so it makes no round trip through a web stream either
   * (in Node 20 those round trips were a large share of the server's time). Absent on a
   * handler a merchant wrapped; adapters then call it as a function.
   */
  readonly answer?: (request: Request, client?: ClientInfo, body?: string) => Promise<RawAnswer>;
}

const JSON_HEADERS = {
  'Content-Type': 'application/json; charset=utf-8',
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
};

/** What a route answers, before it is serialised. */
interface Reply {
  response: StoredResponse;
  headers?: Record<string, string>;
}

/** The JSON answer; an error gets the headers its status calls for (HttpError's). */
function serialise({ response, headers }: Reply): RawAnswer {
  return {
    status: response.status,
    headers: { ...JSON_HEADERS, ...HttpError.fromStored(response)?.headers, ...headers },
    text: JSON.stringify(response.body),
  };
}

/**
 * Creates the Cardkeep protocol handler: `(request) => Promise<Response>`. Mount it with
 * `toNodeListener` for Node's http/Express/Connect, or call it directly from any fetch-style
 * framework (Hono, Next.js route handlers, Deno, Bun, workers).
 */
export function createCardkeepHandler(options: CardkeepHandlerOptions): CardkeepHandler {
  const { store } = options;
  const basePath = (options.basePath ?? '').replace(/\/+$/, '');
  if (basePath && !basePath.startsWith('/')) {
    throw new TypeError('cardkeep: basePath must start with "/".');
  }
  /** The ways forward a link offers when it no longer works (docs/protocol.md, "Link state"). */
  const ways = {
    ...(options.sendLink ? { resend: `${basePath}/update/resend` } : {}),
    ...(options.loginUrl ? { loginUrl: options.loginUrl } : {}),
  };
  const identify = identifier(options, ways);
  const used = () =>
    unauthorized('used', 'This link has already been used. Ask for a new one.', ways);
  const maxBodyBytes = options.maxBodyBytes ?? 8192;
  const clock = options.now ?? (() => new Date());
  const logger: CardkeepLogger | undefined =
    options.logger === false
      ? undefined
      : (options.logger ?? { error: (message, fields) => console.error(message, fields) });
  const state =
    options.state ??
    createMemoryState({
      now: clock,
      ...(options.maxIdempotencyKeys === undefined
        ? {}
        : { maxIdempotencyKeys: options.maxIdempotencyKeys }),
    });
  const limits = options.rateLimit === false ? undefined : (options.rateLimit ?? {});
  const windowMs = limits?.windowMs ?? 60_000;
  const limitOf = (value: number | false | undefined, fallback: number): number | false =>
    !limits || value === false ? false : (value ?? fallback);
  /** Hits allowed per window in each bucket of the state's counters; false: no limit. */
  const maxima = {
    'customer-write': limitOf(limits?.customerWrites, 10),
    'ip-write': limitOf(limits?.ipWrites, 30),
    'ip-read': limitOf(limits?.ipReads, 120),
  };

  // The browser files are answered before the route table: no session, no rate limit.
  const assets = options.assets === false ? undefined : createAssetResponder(basePath);

  const spent = async (link: LinkClaims) => (await state.spentLink(link.nonce)) !== null;

  /**
   * What a link's read adds (docs/protocol.md, "Link state"): whether the link can still save,
   * and the ways forward the merchant configured, so the widget and the update page can say
   * "already used" before the shopper types, and offer a new link or signing in.
   */
  const linkInfo = (state: 'active' | 'used') => ({ state, ...ways });

  /**
   * Counts a hit in `bucket`; a 429 with Retry-After once over the limit. Undefined when the
   * bucket has no limit: a request then does not wait a turn of the event loop for nothing.
   */
  function limit(bucket: keyof typeof maxima, key: string): Promise<void> | undefined {
    const max = maxima[bucket];
    if (max === false) return undefined;
    return state.hit(bucket, key, max, windowMs).then((wait) => {
      if (wait) {
        throw new HttpError(429, 'rate_limited', 'Too many requests. Please wait a moment.', {
          retryAfter: wait,
        });
      }
    });
  }

  /** A read: the client limit (skipped while the state is down: reading changes nothing). */
  async function read(route: Route, request: Request, ip: string, now: Date): Promise<Reply> {
    const limited = limit('ip-read', ip);
    if (limited) {
      await limited.catch((error: unknown) => {
        if (!(error instanceof StateUnavailableError)) throw error;
      });
    }
    const { customerId, link } = await identify(request, now);
    const body = await route.run(store, customerId, route.parse({}, now), {});
    if (link && route.path === '/card') {
      // A session's read goes through while the state is down; a link's read cannot say whether
      // the link is spent, so it answers 503 unavailable (StateUnavailableError) rather than
      // offer a form that may fail on Save.
      body.link = linkInfo((await spent(link)) ? 'used' : 'active');
    }
    return { response: { status: 200, body } };
  }

  /** A write: checked once, applied at most once per Idempotency-Key, one at a time. */
  async function write(
    route: Route,
    request: Request,
    ip: string,
    now: Date,
    known?: string,
  ): Promise<Reply> {
    const limited = limit('ip-write', ip);
    if (limited) await limited;
    const { customerId, link } = await identify(request, now);
    const key = request.headers.get('idempotency-key') ?? undefined;
    if (key !== undefined && !isId(key)) {
      throw badRequest('Idempotency-Key must be 1–255 printable ASCII characters.');
    }
    const scope = key === undefined ? undefined : `${customerId}\n${route.path}\n${key}`;
    // A spent link may only replay the very request that spent it (a retry after a lost reply).
    if (link) {
      const record = await state.spentLink(link.nonce);
      if (record && record.scope !== scope) throw used();
    }
    const body = await readJsonBody(request, {
      limit: maxBodyBytes,
      optional: route.body === 'optional-json',
      known,
    });
    const input = route.parse(body, now);

    const work = async (): Promise<IdempotentWork> => {
      try {
        const limited = limit('customer-write', customerId);
        if (limited) await limited;
        const body = await state.withLock(customerId, async () => {
          if (link && (await spent(link))) throw used();
          const context = key === undefined ? {} : { idempotencyKey: key };
          const result = await route.run(store, customerId, input, context);
          if (link && route.spendsLink && !result.action) {
            await state.spendLink(link.nonce, { scope }, link.expires * 1000);
          }
          return result;
        });
        return { response: { status: 200, body }, store: true };
      } catch (error) {
        // Limits, auth and server errors are worth a retry with the same key; the rest replay.
        const failure = failed(error);
        return { response: { status: failure.status, body: failure.body }, store: !failure.redo };
      }
    };
    if (scope === undefined) return { response: (await work()).response };
    const result = await state.idempotent(scope, JSON.stringify(input), IDEMPOTENCY_TTL_MS, work);
    if (result.kind === 'conflict') {
      throw new HttpError(
        422,
        'idempotency_key_reused',
        'This Idempotency-Key was used for another request.',
      );
    }
    return {
      response: result.response,
      ...(result.kind === 'replayed' ? { headers: { 'Idempotent-Replayed': 'true' } } : {}),
    };
  }

  /** Any failure as an HttpError; an unexpected one is logged (name and message only). */
  function failed(error: unknown): HttpError {
    const known = toHttpError(error);
    if (known) return known;
    const { name, message } = error instanceof Error ? error : { name: 'Error', message: '' };
    logger?.error?.('cardkeep: request failed', { error: name, message });
    return serverError();
  }

  /** The JSON routes; `path` is the request URL's pathname. */
  function respond(
    request: Request,
    path: string,
    client: ClientInfo,
    known?: string,
  ): Promise<Reply> {
    const route = path.startsWith(basePath) ? ROUTES.get(path.slice(basePath.length)) : undefined;
    if (!route) throw new HttpError(404, 'not_found', 'No such Cardkeep route.');
    if (request.method !== route.method) {
      throw new HttpError(405, 'method_not_allowed', `Use ${route.method}.`, {
        allow: route.method,
      });
    }
    const now = clock();
    const ip = (options.clientIp ? options.clientIp(request, client) : client.ip) ?? 'unknown';
    return route.method === 'GET'
      ? read(route, request, ip, now)
      : write(route, request, ip, now, known);
  }

  const linkSecrets =
    options.linkSecret === undefined
      ? []
      : typeof options.linkSecret === 'string'
        ? [options.linkSecret]
        : [...options.linkSecret];
  // The self-hosted update page: HTML over the same routes, called as the link's bearer.
  const page = createUpdatePage(options, {
    basePath,
    secrets: linkSecrets,
    now: clock,
    hit: (bucket, key, max, window) => state.hit(`page-${bucket}`, key, max, window),
    logError: (message, fields) => logger?.error?.(message, fields),
    api: async (method, path, token, init = {}, client = {}) => {
      const headers: Record<string, string> = { authorization: `Bearer ${token}` };
      if (init.body) headers['content-type'] = 'application/json';
      if (init.idempotencyKey) headers['idempotency-key'] = init.idempotencyKey;
      const request = new Request(`http://cardkeep.internal${basePath}${path}`, {
        method,
        headers,
      });
      const text = init.body ? JSON.stringify(init.body) : undefined;
      try {
        return (await respond(request, `${basePath}${path}`, client, text)).response;
      } catch (error) {
        const failure = failed(error);
        return { status: failure.status, body: failure.body };
      }
    },
  });

  const answer = async (
    request: Request,
    client: ClientInfo = {},
    body?: string,
  ): Promise<RawAnswer> => {
    // Parsed once here; every step below takes the parts it needs.
    const url = new URL(request.url);
    const asset = assets?.(request, url.pathname);
    if (asset) {
      const { status, headers, body: bytes } = await asset;
      return { status, headers, text: bytes };
    }
    const started = Date.now();
    const logLine = (status: number, code?: string) =>
      logger?.info?.('cardkeep', {
        method: request.method,
        // The path without the query string, which might carry a token.
        path: url.pathname,
        status,
        ...(code === undefined ? {} : { code }),
        ms: Date.now() - started,
      });
    let shown: RawAnswer | null;
    try {
      const pageReply = page(request, url, body, client);
      shown = pageReply && (await pageReply);
    } catch (error) {
      const failure = failed(error);
      shown = serialise({
        response: { status: failure.status, body: failure.body },
        headers: failure.headers,
      });
    }
    if (shown) {
      logLine(shown.status);
      return shown;
    }
    let reply: Reply;
    try {
      reply = await respond(request, url.pathname, client, body);
    } catch (error) {
      const failure = failed(error);
      reply = {
        response: { status: failure.status, body: failure.body },
        headers: failure.headers,
      };
    }
    const code = (reply.response.body as Partial<ErrorBody> | null)?.error?.code;
    logLine(reply.response.status, code);
    return serialise(reply);
  };
  const handler = async (request: Request, client: ClientInfo = {}): Promise<Response> => {
    const { status, headers, text } = await answer(request, client);
    return new Response(status === 304 ? null : text, { status, headers });
  };
  return Object.assign(handler, { basePath, maxBodyBytes, answer });
}
