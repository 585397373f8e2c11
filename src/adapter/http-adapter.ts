// The default adapter: the Cardkeep HTTP protocol (docs/protocol.md) over fetch, small and
// dependency-free. The elements reach it through ./deferred-http.ts, which imports it on first
// need (the script tag paints a notice without it). What the server sent is checked here and in
// ./read-card.ts (the card), since the browser trusts no answer's shape.
import { abortError } from '../core/abort.js';
import { isCardkeepErrorCode } from '../core/error-codes.js';
import { CardkeepError } from '../core/errors.js';
import { randomId } from '../core/random-id.js';
import { abortable } from '../core/sleep.js';
import { dropHandedOver, handoverKey, peekHandedOver } from './handover.js';
import type { HandedOver } from './handover.js';
import { takeLinkToken } from './link-token.js';
import { obj, readCard, readCardAnswer, readWays, shown, str } from './read-card.js';
import type { Json } from './read-card.js';
import type {
  CallOptions,
  CardkeepAdapter,
  CardSummary,
  ExpiryUpdate,
  PaymentOutcome,
  SetupSession,
  UpdateResult,
  VerifyInput,
} from './types.js';

/** Options of {@link HttpAdapter}; the elements fill them from their attributes. */
export interface HttpAdapterOptions {
  /** Base URL of the backend routes, e.g. `/cardkeep`. */
  endpoint: string;
  /** Signed-link token; default: the page URL's `cardkeep_token` (see takeLinkToken). */
  token?: string | null | undefined;
  /** Cookie policy for fetch. Default `same-origin`. */
  credentials?: RequestCredentials | undefined;
  /** Name of a CSRF header to send with every request, e.g. `X-CSRF-Token`. */
  csrfHeader?: string | undefined;
  /** Value of the CSRF header. */
  csrfToken?: string | undefined;
  /** Milliseconds before one attempt gives up with `timeout`. Default 10 000. */
  timeout?: number | undefined;
  /** The fetch to use (tests, instrumentation). Default: the global one. */
  fetch?: typeof fetch | undefined;
  /** Base back-off before the one automatic retry, in ms (jittered ×0.5–1.5). Default 400. */
  retryDelay?: number | undefined;
}

/** The longest Retry-After the adapter waits out by itself; longer ones go to the widget. */
const MAX_AUTO_WAIT_MS = 5000;

/** The payment statuses of the protocol (PaymentStatus); a regex costs fewer bytes than a list. */
const PAYMENT_STATUS = /^(succeeded|failed|requires_action|pending|none)$/;

function readUpdate(v: unknown): UpdateResult | undefined {
  if (!obj(v)) return undefined;
  const result: UpdateResult | undefined = readCard(v.card);
  const { action: a, payment: p } = v;
  if (!result) return undefined;
  if (a != null) {
    if (!obj(a) || a.type !== 'authenticate' || !str(a.clientSecret) || !str(a.publishableKey)) {
      return undefined;
    }
    // Any other intent is a SetupIntent's (the default); the loader checks the secret's kind.
    result.action = {
      type: 'authenticate',
      clientSecret: a.clientSecret,
      publishableKey: a.publishableKey,
      ...(a.intent === 'payment' ? { intent: 'payment' } : {}),
    };
  }
  if (p != null) {
    if (!obj(p) || !PAYMENT_STATUS.test(p.status as string)) return undefined;
    result.payment = {
      status: p.status as PaymentOutcome['status'],
      ...(typeof p.amount === 'number' ? { amount: p.amount } : {}),
      ...(str(p.currency) ? { currency: p.currency } : {}),
      ...(str(p.description) ? { description: shown(p.description, 200) } : {}),
    };
  }
  return result;
}

/**
 * The handed-over answer to this request (./handover.ts), if there is one, and takes it: a
 * second call, or a retry, goes to the network. Rejects with an AbortError as soon as `signal`
 * aborts, as fetch would.
 */
function takeHandedOver(
  url: string,
  init: RequestInit,
  signal: AbortSignal,
): Promise<HandedOver> | undefined {
  if (init.method !== 'GET') return undefined;
  const headers = (init.headers ?? {}) as Record<string, string>;
  const key = handoverKey(url, init.credentials ?? 'same-origin', headers.Authorization ?? '');
  const response = peekHandedOver(key);
  if (!response) return undefined;
  dropHandedOver(key);
  return abortable(response, signal);
}

/** Seconds from a Retry-After header (delta seconds or an HTTP date). */
function retryAfterOf(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = /^\d+$/.test(header.trim())
    ? Number(header)
    : (Date.parse(header) - Date.now()) / 1000;
  return Number.isFinite(seconds) ? Math.max(0, Math.ceil(seconds)) : undefined;
}

/** The CardkeepError an HTTP error response stands for. */
function errorOf(status: number, data: unknown, retryAfterHeader: string | null): CardkeepError {
  const error = obj(data) && obj(data.error) ? data.error : {};
  const wire = str(error.code) ? error.code : '';
  const message = `${status} ${wire || 'error'}: ${str(error.message) ? error.message : 'no message'}`;
  const options = { status, ...(str(error.reason) ? { reason: error.reason.slice(0, 40) } : {}) };
  if (status === 401 || status === 403) {
    return new CardkeepError('unauthorized', message, { ...options, ...readWays(error) });
  }
  if (status === 429) {
    const retryAfter = retryAfterOf(retryAfterHeader);
    return new CardkeepError('rate_limited', message, {
      ...options,
      ...(retryAfter === undefined ? {} : { retryAfter }),
    });
  }
  if (status === 408) return new CardkeepError('timeout', message, options);
  if (status >= 500) return new CardkeepError('server', message, options);
  if (wire === 'invalid_expiry' || wire === 'card_declined') {
    return new CardkeepError(wire, message, options);
  }
  if (status === 422 && !isCardkeepErrorCode(wire) && !wire.startsWith('idempotency')) {
    return new CardkeepError('invalid_expiry', message, options);
  }
  // Other 4xx: the request itself is wrong; repeating it would not help.
  return new CardkeepError('server', message, { ...options, retryable: false });
}

/**
 * Talks to the merchant's backend over HTTP. Every call has a timeout and one automatic retry
 * for retryable failures (a POST retried with the same Idempotency-Key), and rejects only with
 * a `CardkeepError` or, when its signal aborts, an AbortError.
 */
export class HttpAdapter implements CardkeepAdapter {
  readonly #options: HttpAdapterOptions;
  readonly #base: string;
  readonly #token: string | null;

  /** An adapter for the backend at `options.endpoint`. */
  constructor(options: HttpAdapterOptions) {
    this.#options = options;
    this.#base = options.endpoint.replace(/\/+$/, '');
    this.#token = options.token ?? takeLinkToken();
  }

  getCard(options?: CallOptions): Promise<CardSummary | null> {
    return this.#call('GET', '/card', undefined, options, readCardAnswer);
  }

  updateExpiry({ cardId, month, year }: ExpiryUpdate, options?: CallOptions) {
    return this.#call('POST', '/card/expiry', { cardId, month, year }, options, readUpdate);
  }

  createSetupSession(options?: CallOptions): Promise<SetupSession> {
    return this.#call('POST', '/setup-session', {}, options, (data) =>
      obj(data) && str(data.clientSecret) && str(data.publishableKey)
        ? { clientSecret: data.clientSecret, publishableKey: data.publishableKey }
        : undefined,
    );
  }

  completeReplacement({ setupIntentId }: { setupIntentId: string }, options?: CallOptions) {
    return this.#call('POST', '/card/replace', { setupIntentId }, options, readUpdate);
  }

  verify(input: VerifyInput, options?: CallOptions) {
    return this.#call('POST', '/card/verify', input, options, readUpdate);
  }

  async #call<T>(
    method: 'GET' | 'POST',
    path: string,
    body: Json | undefined,
    { signal, idempotencyKey }: CallOptions = {},
    read: (data: unknown) => T | undefined,
  ): Promise<T> {
    const o = this.#options;
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (body) {
      headers['Content-Type'] = 'application/json';
      headers['Idempotency-Key'] = idempotencyKey ?? randomId();
    }
    if (this.#token) headers.Authorization = `Bearer ${this.#token}`;
    if (o.csrfHeader && o.csrfToken) headers[o.csrfHeader] = o.csrfToken;
    const init: RequestInit = {
      method,
      headers,
      credentials: o.credentials ?? 'same-origin',
      cache: 'no-store',
      ...(body ? { body: JSON.stringify(body) } : {}),
    };
    for (let attempt = 0; ; attempt++) {
      if (signal?.aborted) throw abortError();
      try {
        return await this.#once(this.#base + path, init, signal, read);
      } catch (error) {
        if (!(error instanceof CardkeepError) || !error.retryable || attempt > 0) throw error;
        // A long Retry-After is the widget's to show; a short one we wait out ourselves.
        if ((error.retryAfter ?? 0) * 1000 > MAX_AUTO_WAIT_MS) throw error;
        const wait =
          error.retryAfter !== undefined
            ? error.retryAfter * 1000
            : (o.retryDelay ?? 400) * (0.5 + Math.random());
        // sleep(), written out: one function less in the expiry form's chunk (~19 B gzip).
        let timer: ReturnType<typeof setTimeout> | undefined;
        await abortable(new Promise((resolve) => (timer = setTimeout(resolve, wait))), signal, () =>
          clearTimeout(timer),
        );
      }
    }
  }

  async #once<T>(
    url: string,
    init: RequestInit,
    signal: AbortSignal | undefined,
    read: (data: unknown) => T | undefined,
  ): Promise<T> {
    const controller = new AbortController();
    const forward = () => controller.abort();
    signal?.addEventListener('abort', forward);
    const timer = setTimeout(forward, this.#options.timeout ?? 10_000);
    try {
      let answer: HandedOver;
      try {
        // The script tag's first file may have asked this already (src/adapter/handover.ts); its
        // answer comes read.
        const handed = takeHandedOver(url, init, controller.signal);
        if (handed) answer = await handed;
        else {
          const response = await (this.#options.fetch ?? fetch)(url, {
            ...init,
            signal: controller.signal,
          });
          answer = {
            status: response.status,
            headers: response.headers,
            text: await response.text(),
          };
        }
      } catch (cause) {
        // fetch and body reading fail with TypeError/DOMException; name what really happened.
        if (signal?.aborted) throw abortError();
        throw controller.signal.aborted
          ? new CardkeepError('timeout', `No answer from ${url} in time.`, { cause })
          : new CardkeepError('network', `Could not reach ${url}.`, { cause });
      }
      const { status, headers, text } = answer;
      let data: unknown;
      try {
        data = text ? JSON.parse(text) : undefined;
      } catch {
        data = undefined;
      }
      if (status < 200 || status > 299) throw errorOf(status, data, headers.get('Retry-After'));
      const value = status === 200 ? read(data) : undefined;
      if (value === undefined) {
        // A proxy's page or a wrong endpoint: retrying the same URL would get the same answer.
        throw new CardkeepError('server', `Unexpected response from ${url}.`, {
          status,
          retryable: false,
        });
      }
      return value;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', forward);
    }
  }
}
