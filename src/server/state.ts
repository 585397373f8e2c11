// What several instances of the handler must agree on, behind one interface: spent link
// tokens, idempotency records, the one-write-at-a-time-per-customer rule, rate-limit counters
// and Stripe webhook event ids. `createMemoryState()` keeps it in this process (the default, the
// demo); `createRedisState()` from `cardkeep/server/redis` shares it between processes.
//
// Every method may reject with `StateUnavailableError` when the shared engine cannot be reached
// in time; the handler answers that with 503 `unavailable` and a Retry-After, never a 500.

/** A response as the handler stores it for replay. */
export interface StoredResponse {
  status: number;
  body: unknown;
}

/** The outcome of {@link CardkeepState.idempotent}. */
export type IdempotentResult =
  { kind: 'fresh' | 'replayed'; response: StoredResponse } | { kind: 'conflict' };

/** What `work` hands back to {@link CardkeepState.idempotent}. */
export interface IdempotentWork {
  response: StoredResponse;
  /** false: an outcome a retry should redo (server error, rate limit): not remembered. */
  store: boolean;
}

/** What a spent link remembers: the idempotency scope of the write that spent it. */
export interface SpentLink {
  /** `undefined` when the spending request carried no Idempotency-Key. */
  scope: string | undefined;
}

/** The shared state of the handler. */
export interface CardkeepState {
  /**
   * Runs `work` once per scoped key for `ttlMs`. A later call with the same scope and the same
   * fingerprint gets the stored response (`replayed`); another fingerprint gets `conflict`. A
   * call that arrives while the first is still running waits for it (bounded) instead of
   * running twice.
   */
  idempotent(
    scope: string,
    fingerprint: string,
    ttlMs: number,
    work: () => Promise<IdempotentWork>,
  ): Promise<IdempotentResult>;

  /** The spent record of a link nonce, or null while the link is unspent. */
  spentLink(nonce: string): Promise<SpentLink | null>;

  /**
   * Marks a link nonce spent until `expiresAtMs` (the link's own expiry; after it the link is
   * refused as expired anyway). Atomic: true when this call spent it, false when it was spent.
   */
  spendLink(nonce: string, link: SpentLink, expiresAtMs: number): Promise<boolean>;

  /**
   * Runs `work` while no other write for `key` (a customer id) runs, in this or any other
   * instance sharing the state. Waiters queue; never a refusal merely for being concurrent.
   */
  withLock<T>(key: string, work: () => Promise<T>): Promise<T>;

  /**
   * Counts a hit for `key` in the sliding (or fixed) window of `bucket`. Returns 0 when
   * allowed, else the whole seconds until a hit is allowed again (for Retry-After).
   */
  hit(bucket: string, key: string, limit: number, windowMs: number): Promise<number>;

  /** Records a webhook event id; true the first time it is seen within `ttlMs`. */
  firstDelivery(eventId: string, ttlMs: number): Promise<boolean>;

  /** Releases connections and timers. */
  close(): Promise<void>;
}

/** The shared engine could not be reached, or did not answer in time. */
export class StateUnavailableError extends Error {
  override readonly name = 'StateUnavailableError';
  /** Seconds after which a retry is worth trying. */
  readonly retryAfter: number;

  constructor(message: string, options: { cause?: unknown; retryAfter?: number } = {}) {
    super(message, options.cause === undefined ? {} : { cause: options.cause });
    this.retryAfter = options.retryAfter ?? 3;
  }
}
