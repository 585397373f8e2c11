// The reference backend as a web-standard handler: Request in, Response out, no framework.
// Every request goes through the same steps: route → client rate limit → identify the shopper →
// read and validate the body → idempotency → customer rate limit → the store, one write at a
// time per customer. docs/protocol.md describes the wire format this implements.
import { CardkeepError } from '../core/errors.js';
import type { ErrorBody, ExpiryUpdate, VerifyInput } from '../adapter/types.js';
import { IdempotencyCache, type StoredResponse } from './idempotency.js';
import { ProtocolError } from './protocol-error.js';
import { SlidingWindowLimiter, type RateLimitOptions } from './rate-limit.js';
import { assertLinkSecret, verifyLinkToken } from './signed-link.js';
import type { CardStore } from './store.js';
import { expiryProblem, isId } from './validate.js';

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

/** Options of {@link createCardkeepHandler}. */
export interface CardkeepHandlerOptions {
  /** Where cards live: `MemoryStore`, `StripeStore` or your own. */
  store: CardStore;
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
  /** Idempotency keys remembered at most (24 hours each; oldest go first). Default 100 000. */
  maxIdempotencyKeys?: number;
  /** The client's address for per-IP limits. Default: what the host adapter reports. */
  clientIp?: (request: Request, client: ClientInfo) => string | null | undefined;
  /** Log sink; default logs only unexpected failures to `console.error`. `false`: silent. */
  logger?: CardkeepLogger | false;
  /** The clock; defaults to the real one. */
  now?: () => Date;
}

/** The handler, with the facts host adapters need. */
export interface CardkeepHandler {
  (request: Request, client?: ClientInfo): Promise<Response>;
  /** The normalised mount prefix ('' or `/something`). */
  readonly basePath: string;
  /** Largest accepted body, so host adapters can refuse early. */
  readonly maxBodyBytes: number;
}

type SetupInput = { setupIntentId: string };
type Route = 'card' | 'expiry' | 'setup' | 'replace' | 'verify';

const ROUTES: Record<string, { route: Route; method: 'GET' | 'POST' }> = {
  '/card': { route: 'card', method: 'GET' },
  '/card/expiry': { route: 'expiry', method: 'POST' },
  '/setup-session': { route: 'setup', method: 'POST' },
  '/card/replace': { route: 'replace', method: 'POST' },
  '/card/verify': { route: 'verify', method: 'POST' },
};

const STATUS_OF: Record<string, number> = {
  unauthorized: 401,
  invalid_expiry: 422,
  card_declined: 422,
  rate_limited: 429,
  network: 502,
  timeout: 504,
  server: 500,
};

/** A response that ends the request early, thrown from any step. */
class Reply {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {}
}

const fail = (
  status: number,
  code: string,
  message: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Reply => new Reply(status, { error: { code, message, ...extra } } satisfies ErrorBody, headers);

const unauthorized = (reason: string, message: string): Reply =>
  fail(401, 'unauthorized', message, { reason }, { 'WWW-Authenticate': 'Bearer' });

/** An answer before it becomes a Response. */
export interface RawReply {
  status: number;
  headers: Record<string, string>;
  text: string;
}

/**
 * The Node adapter's way in to a handler made here: the same answer without building a
 * Response it would only take apart again, and given the body the adapter has already read
 * (as text), so the request's body does not make a round trip through a web stream either.
 * In Node 20 those round trips were a large share of the server's time.
 */
export const rawAnswers = new WeakMap<
  CardkeepHandler,
  (request: Request, client?: ClientInfo, body?: string) => Promise<RawReply>
>();

function json(status: number, body: unknown, headers: Record<string, string> = {}): RawReply {
  return {
    status,
    headers: {
      'Content-Type': 'application/json; charset=utf-8',
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      ...headers,
    },
    text: JSON.stringify(body),
  };
}

/**
 * Reads at most `limit` bytes of the body (or takes the `known` text a host adapter already
 * read); a larger body is a 413, however it is sent.
 */
async function readBody(request: Request, limit: number, known?: string): Promise<string> {
  const declared = Number(request.headers.get('content-length'));
  if (declared > limit)
    throw fail(413, 'payload_too_large', `Bodies are limited to ${limit} bytes.`);
  if (known !== undefined) {
    if (Buffer.byteLength(known) > limit) {
      throw fail(413, 'payload_too_large', `Bodies are limited to ${limit} bytes.`);
    }
    return known;
  }
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw fail(413, 'payload_too_large', `Bodies are limited to ${limit} bytes.`);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw fail(400, 'bad_request', 'The body is not valid UTF-8.');
  }
}

/** Parses and checks the body of a write; returns the input the store receives. */
async function readInput(
  route: Route,
  request: Request,
  limit: number,
  now: Date,
  known?: string,
): Promise<Record<string, unknown>> {
  const type = request.headers.get('content-type');
  const isJson = type?.split(';')[0]!.trim().toLowerCase() === 'application/json';
  // Only JSON, so a cross-site HTML form (which can send cookies but never this type without a
  // CORS preflight, which we do not answer) cannot write. setup-session takes no input: no
  // body and no Content-Type is fine too, but a form's type is not.
  if (!isJson && (route !== 'setup' || type !== null)) {
    throw fail(415, 'unsupported_media_type', 'Send the body as application/json.');
  }
  const text = await readBody(request, limit, known);
  if (route === 'setup' && text === '') return {};
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw fail(400, 'bad_request', 'The body is not valid JSON.');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw fail(400, 'bad_request', 'The body must be a JSON object.');
  }
  const input = body as Record<string, unknown>;
  if (route === 'setup') return {};
  if (route === 'expiry') {
    const { cardId, month, year } = input;
    if (!isId(cardId)) throw fail(400, 'bad_request', 'cardId must be a non-empty id string.');
    if (typeof month !== 'number' || typeof year !== 'number') {
      throw fail(400, 'bad_request', 'month and year must be numbers.');
    }
    const problem = expiryProblem(month, year, now);
    if (problem) {
      throw fail(422, 'invalid_expiry', `The expiry date is not acceptable (${problem}).`, {
        reason: problem,
      });
    }
    return { cardId, month, year };
  }
  // `verify` names the intent of the authentication the shopper finished: a SetupIntent (the
  // card check) or the renewal's PaymentIntent (3-D Secure on the retried payment).
  if (route === 'verify' && input.setupIntentId === undefined) {
    if (!isId(input.paymentIntentId)) {
      throw fail(400, 'bad_request', 'setupIntentId or paymentIntentId must be an id string.');
    }
    return { paymentIntentId: input.paymentIntentId };
  }
  if (!isId(input.setupIntentId)) {
    throw fail(400, 'bad_request', 'setupIntentId must be a non-empty id string.');
  }
  return { setupIntentId: input.setupIntentId };
}

/** Serialises async work per key (one write at a time per customer: no lost updates). */
function serialize<T>(locks: Map<string, Promise<unknown>>, key: string, work: () => Promise<T>) {
  const result = (locks.get(key) ?? Promise.resolve()).then(work);
  const tail = result.then(
    () => {},
    () => {},
  );
  locks.set(key, tail);
  void tail.then(() => {
    if (locks.get(key) === tail) locks.delete(key);
  });
  return result;
}

/** The store's failure as a protocol response. Unexpected errors become an opaque 500. */
function storeFailure(error: unknown, logger: CardkeepLogger | undefined): Reply {
  if (error instanceof ProtocolError) {
    return fail(error.status ?? 400, error.wireCode, error.message, { ...error.details });
  }
  if (error instanceof CardkeepError && error.code !== 'server') {
    const status = STATUS_OF[error.code]!;
    const headers: Record<string, string> =
      error.retryAfter === undefined ? {} : { 'Retry-After': String(error.retryAfter) };
    return fail(status, error.code, error.message, {}, headers);
  }
  const { name, message } = error instanceof Error ? error : { name: 'Error', message: '' };
  logger?.error?.('cardkeep: request failed', { error: name, message });
  return fail(500, 'server', 'Something went wrong on our side. Please try again.');
}

/**
 * Creates the Cardkeep protocol handler: `(request) => Promise<Response>`. Mount it with
 * `toNodeListener` for Node's http/Express/Connect, or call it directly from any fetch-style
 * framework (Hono, Next.js route handlers, Deno, Bun, workers).
 */
export function createCardkeepHandler(options: CardkeepHandlerOptions): CardkeepHandler {
  const { store, authenticate, linkSecret } = options;
  const secrets =
    linkSecret === undefined ? [] : typeof linkSecret === 'string' ? [linkSecret] : [...linkSecret];
  for (const secret of secrets) assertLinkSecret(secret);
  const basePath = (options.basePath ?? '').replace(/\/+$/, '');
  if (basePath && !basePath.startsWith('/')) {
    throw new TypeError('cardkeep: basePath must start with "/".');
  }
  const maxBodyBytes = options.maxBodyBytes ?? 8192;
  const clock = options.now ?? (() => new Date());
  const logger: CardkeepLogger | undefined =
    options.logger === false
      ? undefined
      : (options.logger ?? { error: (message, fields) => console.error(message, fields) });
  const limits = options.rateLimit === false ? {} : (options.rateLimit ?? {});
  const windowMs = limits.windowMs ?? 60_000;
  const limiter = (value: number | false | undefined, fallback: number) =>
    options.rateLimit === false || value === false
      ? null
      : new SlidingWindowLimiter(value ?? fallback, windowMs);
  const customerWrites = limiter(limits.customerWrites, 10);
  const ipWrites = limiter(limits.ipWrites, 30);
  const ipReads = limiter(limits.ipReads, 120);
  const idempotency = new IdempotencyCache(undefined, options.maxIdempotencyKeys);
  const locks = new Map<string, Promise<unknown>>();
  /** Spent link-token nonces → the idempotency scope of the write that spent them. */
  const spent = new Map<string, { expires: number; scope: string | undefined }>();
  let lastSpentSweep = 0;

  const limit = (counter: SlidingWindowLimiter | null, key: string, now: number) => {
    const wait = counter?.hit(key, now) ?? 0;
    if (wait) {
      throw fail(
        429,
        'rate_limited',
        'Too many requests. Please wait a moment.',
        { retryAfter: wait },
        { 'Retry-After': String(wait) },
      );
    }
  };

  /** Who the shopper is: a signed link token if one is sent, else the merchant's session. */
  async function identify(request: Request, now: number) {
    const authorization = request.headers.get('authorization');
    if (authorization === null) {
      const customerId = authenticate ? await authenticate(request) : null;
      if (!isId(customerId)) throw unauthorized('no_session', 'Please sign in again.');
      return { customerId, link: undefined };
    }
    const token = /^Bearer +(\S+)\s*$/i.exec(authorization)?.[1];
    if (!token) throw unauthorized('malformed', 'The Authorization header is not a Bearer token.');
    if (!secrets.length) throw unauthorized('links_disabled', 'This server does not accept links.');
    // Each secret in turn (a rotation); only a signature no secret made is a bad signature.
    let result!: ReturnType<typeof verifyLinkToken>;
    for (const secret of secrets) {
      result = verifyLinkToken(token, { secret, now: () => new Date(now) });
      if (result.ok || result.problem !== 'bad_signature') break;
    }
    if (!result.ok) {
      const messages = {
        malformed: 'The link is incomplete. Please open it again from your e-mail.',
        bad_signature: 'The link is not valid. Please open it again from your e-mail.',
        expired: 'The link has expired. Please ask for a new one.',
      };
      throw unauthorized(result.problem, messages[result.problem]);
    }
    if (!isId(result.claims.customerId)) throw unauthorized('malformed', 'The link is not valid.');
    return { customerId: result.claims.customerId, link: result.claims };
  }

  const used = () => unauthorized('used', 'This link has already been used. Ask for a new one.');

  async function respond(request: Request, client: ClientInfo, body?: string): Promise<Reply> {
    const url = new URL(request.url);
    const path = url.pathname;
    const found = path.startsWith(basePath) ? ROUTES[path.slice(basePath.length)] : undefined;
    if (!found) return fail(404, 'not_found', 'No such Cardkeep route.');
    if (request.method !== found.method) {
      return fail(405, 'method_not_allowed', `Use ${found.method}.`, {}, { Allow: found.method });
    }
    const { route } = found;
    const write = found.method === 'POST';
    const nowDate = clock();
    const now = nowDate.getTime();
    const ip = (options.clientIp ? options.clientIp(request, client) : client.ip) ?? 'unknown';
    limit(write ? ipWrites : ipReads, ip, now);
    const { customerId, link } = await identify(request, now);

    if (!write) return new Reply(200, { card: await store.getCard(customerId) });

    const key = request.headers.get('idempotency-key') ?? undefined;
    if (key !== undefined && !/^[\x21-\x7e]{1,255}$/.test(key)) {
      throw fail(400, 'bad_request', 'Idempotency-Key must be 1–255 printable ASCII characters.');
    }
    const scope = key === undefined ? undefined : `${customerId}\n${route}\n${key}`;
    if (now - lastSpentSweep > 60_000) {
      lastSpentSweep = now;
      for (const [nonce, entry] of spent) if (entry.expires * 1000 <= now) spent.delete(nonce);
    }
    // A spent link may only replay the very request that spent it (a retry after a lost reply).
    if (link && spent.has(link.nonce) && spent.get(link.nonce)!.scope !== scope) throw used();
    const input = await readInput(route, request, maxBodyBytes, nowDate, body);

    const run = async (): Promise<{ response: StoredResponse; store: boolean }> => {
      try {
        limit(customerWrites, customerId, now);
        const body = await serialize(locks, customerId, async () => {
          if (link && spent.has(link.nonce)) throw used();
          const context = key === undefined ? {} : { idempotencyKey: key };
          const result = await call(route, customerId, input, context);
          // A finished change spends the link; a started one (setup, 3-D Secure) does not.
          if (link && route !== 'setup' && !result.action) {
            spent.set(link.nonce, { expires: link.expires, scope });
          }
          return result;
        });
        return { response: { status: 200, body }, store: true };
      } catch (error) {
        const reply = error instanceof Reply ? error : storeFailure(error, logger);
        // Limits, auth and server errors are worth a retry with the same key; the rest replay.
        const store = reply.status < 500 && reply.status !== 429 && reply.status !== 401;
        return { response: { status: reply.status, body: reply.body }, store };
      }
    };
    if (scope === undefined) {
      const { response } = await run();
      return replyOf(response);
    }
    const result = await idempotency.run(scope, JSON.stringify(input), now, run);
    if (result.kind === 'conflict') {
      return fail(
        422,
        'idempotency_key_reused',
        'This Idempotency-Key was used for another request.',
      );
    }
    return replyOf(
      result.response,
      result.kind === 'replayed' ? { 'Idempotent-Replayed': 'true' } : {},
    );
  }

  function replyOf(response: StoredResponse, headers: Record<string, string> = {}): Reply {
    const error = (response.body as Partial<ErrorBody>).error;
    const retryAfter =
      response.status === 429 && error
        ? { 'Retry-After': String((error as { retryAfter?: number }).retryAfter ?? 60) }
        : {};
    const auth = response.status === 401 ? { 'WWW-Authenticate': 'Bearer' } : {};
    return new Reply(response.status, response.body, { ...retryAfter, ...auth, ...headers });
  }

  /** Runs the store call and returns the wire body. */
  async function call(
    route: Route,
    customerId: string,
    input: Record<string, unknown>,
    context: { idempotencyKey?: string },
  ): Promise<Record<string, unknown>> {
    if (route === 'setup') {
      const { clientSecret, publishableKey } = await store.createSetupSession(customerId, context);
      return { clientSecret, publishableKey };
    }
    const result =
      route === 'expiry'
        ? await store.updateExpiry(customerId, input as unknown as ExpiryUpdate, context)
        : route === 'replace'
          ? await store.completeReplacement(customerId, input as SetupInput, context)
          : await store.verify(customerId, input as unknown as VerifyInput, context);
    const { action, payment, ...card } = result;
    return { card, ...(action ? { action } : {}), ...(payment ? { payment } : {}) };
  }

  const answer = async (
    request: Request,
    client: ClientInfo = {},
    body?: string,
  ): Promise<RawReply> => {
    const started = Date.now();
    let reply: Reply;
    try {
      reply = await respond(request, client, body);
    } catch (error) {
      reply = error instanceof Reply ? error : storeFailure(error, logger);
    }
    const error = (reply.body as Partial<ErrorBody>).error;
    logger?.info?.('cardkeep', {
      method: request.method,
      path: safePath(request.url),
      status: reply.status,
      ...(error ? { code: error.code } : {}),
      ms: Date.now() - started,
    });
    return json(reply.status, reply.body, reply.headers);
  };
  const handler = async (request: Request, client: ClientInfo = {}): Promise<Response> => {
    const { status, headers, text } = await answer(request, client);
    return new Response(text, { status, headers });
  };
  const result: CardkeepHandler = Object.assign(handler, { basePath, maxBodyBytes });
  rawAnswers.set(result, answer);
  return result;
}

/** The path without the query string, which might carry a token. */
function safePath(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return '?';
  }
}
