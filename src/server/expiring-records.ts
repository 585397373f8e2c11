// Records written once and forgotten when they expire: spent link-token nonces (until the link
// itself expires) and Stripe webhook event ids. The in-memory side of CardkeepState keeps them
// here, beside IdempotencyCache and SlidingWindowLimiter; memory stays bounded by sweeping
// expired records once a minute, and by `maxEntries` where dropping the oldest is safe.
import { OldestFirst } from './oldest-first.js';

interface Entry<V> {
  value: V;
  expires: number;
}

/** Write-once records with an expiry time each. */
export class ExpiringRecords<V> {
  readonly #entries = new Map<string, Entry<V>>();
  #lastSweep = 0;
  /** Dropping the oldest goes on where it stopped (./oldest-first.ts). */
  readonly #oldest = new OldestFirst(this.#entries);

  /**
   * `maxEntries`: past it the oldest records go first. Leave it unbounded where forgetting a
   * record early would be unsafe (a spent link would work again).
   */
  constructor(readonly maxEntries = Number.POSITIVE_INFINITY) {}

  /** How many records are held now (expired ones included until the next sweep). */
  get size(): number {
    return this.#entries.size;
  }

  /** The record for `key`, or undefined when there is none or it has expired. */
  get(key: string, now: number): V | undefined {
    const entry = this.#entries.get(key);
    return entry && entry.expires > now ? entry.value : undefined;
  }

  /** Writes the record unless a live one exists: true when this call wrote it. */
  add(key: string, value: V, expiresAtMs: number, now: number): boolean {
    this.#sweep(now);
    if (this.get(key, now) !== undefined) return false;
    this.#entries.delete(key);
    while (this.#entries.size >= this.maxEntries) {
      const oldest = this.#oldest.next();
      if (!oldest) break;
      this.#entries.delete(oldest[0]);
    }
    this.#entries.set(key, { value, expires: expiresAtMs });
    return true;
  }

  #sweep(now: number): void {
    if (now - this.#lastSweep < 60_000) return;
    this.#lastSweep = now;
    for (const [key, entry] of this.#entries) if (entry.expires <= now) this.#entries.delete(key);
  }
}
