// The elements' default backend: HttpAdapter, imported the first time it is needed. The script
// tag's first file has usually asked `GET {endpoint}/card` already (./handover.ts); when that
// answer is a card (or none) it is read here, so a notice paints without HttpAdapter, whose
// writes, retries and error mapping come with the first chunk that needs them (in the script
// tag, the expiry form's). Anything else — no handed-over answer, an error status, an odd body,
// no answer in time — goes to HttpAdapter, just as if it had been asked first.
import { abortError } from '../core/abort.js';
import { CardkeepError } from '../core/errors.js';
import { dropHandedOver, handoverKey, peekHandedOver } from './handover.js';
import type { HandedOver } from './handover.js';
import type { HttpAdapter, HttpAdapterOptions } from './http-adapter.js';
import { takeLinkToken } from './link-token.js';
import { readCardAnswer } from './read-card.js';
import type {
  CallOptions,
  CardkeepAdapter,
  CardSummary,
  ExpiryUpdate,
  UpdateResult,
  VerifyInput,
} from './types.js';

/** The handed-over answer did not come in time: HttpAdapter asks afresh (its one retry). */
const LATE = Symbol();

/** HttpAdapter once it is here: calls then go straight to it, in the same task. */
let loaded: typeof HttpAdapter | undefined;

/** Hands over HttpAdapter where it is loaded eagerly anyway (`cardkeep/define`). */
export function provideHttpAdapter(adapter: typeof HttpAdapter): void {
  loaded = adapter;
}

/**
 * Talks to the backend at `options.endpoint` as HttpAdapter does, loading HttpAdapter only for
 * what the handed-over card does not answer. Rejects only with a `CardkeepError` (`network`
 * when HttpAdapter cannot be loaded) or an AbortError.
 */
export class DeferredHttpAdapter implements CardkeepAdapter {
  readonly #options: HttpAdapterOptions;
  #http: HttpAdapter | undefined;

  /** A backend for `options.endpoint`; nothing is loaded or asked until a call. */
  constructor(options: HttpAdapterOptions) {
    this.#options = options;
  }

  getCard(options?: CallOptions): Promise<CardSummary | null> {
    const o = this.#options;
    const token = o.token ?? takeLinkToken();
    const key = handoverKey(
      `${o.endpoint.replace(/\/+$/, '')}/card`,
      o.credentials ?? 'same-origin',
      token ? `Bearer ${token}` : '',
    );
    const waiting = peekHandedOver(key);
    if (!waiting) return this.#call((http) => http.getCard(options));
    return this.#handedOver(key, waiting, options?.signal).then((card) =>
      card === undefined ? this.#call((http) => http.getCard(options)) : card,
    );
  }

  updateExpiry(input: ExpiryUpdate, options?: CallOptions): Promise<UpdateResult> {
    return this.#call((http) => http.updateExpiry(input, options));
  }

  createSetupSession(options?: CallOptions) {
    return this.#call((http) => http.createSetupSession(options));
  }

  completeReplacement(input: { setupIntentId: string }, options?: CallOptions) {
    return this.#call((http) => http.completeReplacement(input, options));
  }

  verify(input: VerifyInput, options?: CallOptions): Promise<UpdateResult> {
    return this.#call((http) => http.verify(input, options));
  }

  /**
   * Makes `call` on HttpAdapter: at once when it is here (the request leaves in this task, as
   * it would from HttpAdapter itself), else once it is imported; a failed import is a
   * retryable `network` error, and the next call imports afresh.
   */
  #call<T>(call: (http: HttpAdapter) => Promise<T>): Promise<T> {
    if (loaded) return call((this.#http ??= new loaded(this.#options)));
    return import('./http-adapter.js').then(
      ({ HttpAdapter }) => {
        loaded = HttpAdapter;
        return this.#call(call);
      },
      (cause: unknown) => {
        throw new CardkeepError('network', 'Could not load the HTTP adapter.', { cause });
      },
    );
  }

  /**
   * The card of the handed-over `GET /card` answer when it is a 200 HttpAdapter would accept
   * (the answer is then taken); undefined when it is anything else (left in place for
   * HttpAdapter, which reads errors) or later than HttpAdapter's timeout (then dropped:
   * HttpAdapter asks again, as on its own timeout). Rejects with an AbortError when `signal`
   * aborts.
   */
  async #handedOver(
    key: string,
    waiting: Promise<HandedOver>,
    signal?: AbortSignal,
  ): Promise<CardSummary | null | undefined> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let abort = () => {};
    const gaveUp = new Promise<typeof LATE>((resolve, reject) => {
      abort = () => reject(abortError());
      if (signal?.aborted) abort();
      signal?.addEventListener('abort', abort);
      timer = setTimeout(() => resolve(LATE), this.#options.timeout ?? 10_000);
    });
    const read = waiting.then(
      ({ status, text }) => {
        if (status !== 200) return undefined;
        try {
          return readCardAnswer(JSON.parse(text));
        } catch {
          return undefined;
        }
      },
      () => undefined,
    );
    try {
      const card = await Promise.race([read, gaveUp]);
      if (card !== undefined) dropHandedOver(key);
      return card === LATE ? undefined : card;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', abort);
    }
  }
}
