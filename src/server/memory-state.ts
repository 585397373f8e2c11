// CardkeepState in this process: the handler's default, and right for one instance (the demo,
// tests, a single server). Every part is bounded or swept, so no flood grows the heap without
// limit. Several instances behind a load balancer need the shared kind (`createRedisState`).
import { ExpiringRecords } from './expiring-records.js';
import { IDEMPOTENCY_MAX_ENTRIES, IdempotencyCache } from './idempotency.js';
import { SlidingWindowLimiter } from './rate-limit.js';
import type { CardkeepState, SpentLink } from './state.js';

/** Options of {@link createMemoryState}. */
export interface MemoryStateOptions {
  /** The clock that expiry, windows and sweeps follow; defaults to the real one. */
  now?: () => Date;
  /** Idempotency keys remembered at most (oldest finished ones go first). Default 100 000. */
  maxIdempotencyKeys?: number;
  /** Webhook event ids remembered at most (oldest go first). Default 100 000. */
  maxWebhookEvents?: number;
}

/** Runs `work` now; a synchronous throw becomes its rejection, as it would in `then`. */
function startNow<T>(work: () => Promise<T>): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (error) {
    return Promise.reject(error as Error);
  }
}

/** A {@link CardkeepState} that lives in this process's memory. */
export function createMemoryState(options: MemoryStateOptions = {}): CardkeepState {
  const clock = options.now ?? (() => new Date());
  const now = () => clock().getTime();
  const idempotency = new IdempotencyCache(
    undefined,
    options.maxIdempotencyKeys ?? IDEMPOTENCY_MAX_ENTRIES,
  );
  // Never bounded: forgetting a spent link before it expires would let it work again. A link
  // lives 72 h by default, and only a signed one (made by the merchant) can be spent.
  const spentLinks = new ExpiringRecords<SpentLink>();
  const deliveries = new ExpiringRecords<true>(options.maxWebhookEvents ?? 100_000);
  const limiters = new Map<string, SlidingWindowLimiter>();
  /** Per key, the tail of its queue of writes. */
  const locks = new Map<string, Promise<unknown>>();

  return {
    idempotent: (scope, fingerprint, ttlMs, work) =>
      idempotency.run(scope, fingerprint, now(), work, ttlMs),

    spentLink: async (nonce) => spentLinks.get(nonce, now()) ?? null,

    spendLink: async (nonce, link, expiresAtMs) => spentLinks.add(nonce, link, expiresAtMs, now()),

    withLock<T>(key: string, work: () => Promise<T>): Promise<T> {
      const previous = locks.get(key);
      // Nobody ahead: start at once, instead of a turn of the event loop later.
      const result = previous ? previous.then(work) : startNow(work);
      // The next write for the key starts once this one settled, either way; the last one out
      // removes the key.
      const release = () => {
        if (locks.get(key) === tail) locks.delete(key);
      };
      const tail: Promise<void> = result.then(release, release);
      locks.set(key, tail);
      return result;
    },

    hit: async (bucket, key, limit, windowMs) => {
      // One limiter per bucket and setting; a handler uses three, so the map stays tiny.
      const name = `${bucket}\n${limit}\n${windowMs}`;
      let limiter = limiters.get(name);
      if (!limiter) limiters.set(name, (limiter = new SlidingWindowLimiter(limit, windowMs)));
      return limiter.hit(key, now());
    },

    firstDelivery: async (eventId, ttlMs) => {
      const at = now();
      return deliveries.add(eventId, true, at + ttlMs, at);
    },

    close: async () => {},
  };
}
