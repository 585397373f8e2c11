// A sliding-window request counter per key (customer id, client IP): the in-memory side of
// CardkeepState.hit (memory-state.ts). Several processes share theirs through a shared state.

/** Limits per minute-long (by default) window; `false` turns a limit off. */
export interface RateLimitOptions {
  /** Writes (POST) per customer per window. Default 10. */
  customerWrites?: number | false;
  /** Writes per client IP per window; higher, since offices share an address. Default 30. */
  ipWrites?: number | false;
  /** Reads (GET) per client IP per window. Default 120. */
  ipReads?: number | false;
  /** Window length in milliseconds. Default 60 000. */
  windowMs?: number;
}

/** Counts hits per key in a sliding window. */
export class SlidingWindowLimiter {
  readonly #hits = new Map<string, number[]>();
  #lastSweep = 0;

  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {}

  /**
   * Records a hit for `key` at `now` unless it is over the limit. Returns 0 when allowed, else
   * the whole seconds to wait until a hit falls out of the window (for Retry-After).
   */
  hit(key: string, now: number): number {
    this.#sweep(now);
    const since = now - this.windowMs;
    const hits = (this.#hits.get(key) ?? []).filter((t) => t > since);
    if (hits.length >= this.limit) {
      this.#hits.set(key, hits);
      return Math.max(1, Math.ceil((hits[0]! + this.windowMs - now) / 1000));
    }
    hits.push(now);
    this.#hits.set(key, hits);
    return 0;
  }

  /** Drops keys with no recent hits so the map does not grow without bound. */
  #sweep(now: number): void {
    if (now - this.#lastSweep < this.windowMs) return;
    this.#lastSweep = now;
    for (const [key, hits] of this.#hits) {
      if (hits[hits.length - 1]! <= now - this.windowMs) this.#hits.delete(key);
    }
  }
}
