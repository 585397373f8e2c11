// Idempotency keys: the first response to (customer, route, key) is replayed for 24 hours.
// A retry that arrives while the first request is still running waits for it rather than
// running twice. In memory: one process, and bounded: past `maxEntries` the oldest finished
// entries go first, so a flood of writes cannot grow the heap without limit. The in-memory
// side of CardkeepState.idempotent (memory-state.ts).
import type { IdempotentResult, IdempotentWork, StoredResponse } from './state.js';

interface Entry {
  /** The request body as the handler understood it, to spot a key reused for another request. */
  fingerprint: string;
  expires: number;
  result: Promise<StoredResponse | null>;
  /** The work finished: the entry may be evicted when the cache is full. */
  done: boolean;
}

/** How long a key is remembered: 24 hours. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * How many keys are remembered at most. A retry comes seconds after the first attempt, so
 * only a server taking this many writes within that time would evict a key still needed.
 */
export const IDEMPOTENCY_MAX_ENTRIES = 100_000;

/** Remembers responses per scoped key. */
export class IdempotencyCache {
  readonly #entries = new Map<string, Entry>();
  #lastSweep = 0;

  constructor(
    readonly ttlMs = IDEMPOTENCY_TTL_MS,
    readonly maxEntries = IDEMPOTENCY_MAX_ENTRIES,
  ) {}

  /** How many keys are remembered now (finished or running). */
  get size(): number {
    return this.#entries.size;
  }

  /** Whether a stored (or running) response exists for the scoped key. */
  has(scope: string, now: number): boolean {
    const entry = this.#entries.get(scope);
    return !!entry && entry.expires > now;
  }

  /**
   * Runs `work` once per scoped key. `work` resolves to the response to store, or to a
   * response plus `store: false` for outcomes a retry should redo (server errors). The key is
   * remembered for `ttlMs` (default: the cache's).
   */
  async run(
    scope: string,
    fingerprint: string,
    now: number,
    work: () => Promise<IdempotentWork>,
    ttlMs = this.ttlMs,
  ): Promise<IdempotentResult> {
    this.#sweep(now);
    const existing = this.#entries.get(scope);
    if (existing && existing.expires > now) {
      if (existing.fingerprint !== fingerprint) return { kind: 'conflict' };
      const stored = await existing.result;
      // null: the first attempt failed in a way worth redoing, and has been forgotten.
      if (stored) return { kind: 'replayed', response: stored };
      return this.run(scope, fingerprint, now, work, ttlMs);
    }
    let settle!: (value: StoredResponse | null) => void;
    const entry: Entry = {
      fingerprint,
      expires: now + ttlMs,
      result: new Promise((resolve) => (settle = resolve)),
      done: false,
    };
    this.#makeRoom();
    this.#entries.set(scope, entry);
    try {
      const { response, store } = await work();
      entry.done = true;
      if (!store) this.#entries.delete(scope);
      settle(store ? response : null);
      return { kind: 'fresh', response };
    } catch (error) {
      this.#entries.delete(scope);
      settle(null);
      throw error;
    }
  }

  /**
   * Gets below `maxEntries` by dropping the oldest finished entries. Map order is insertion
   * order, and with one TTL that is also expiry order: expired ones go first, and the loop
   * usually stops after one step.
   */
  #makeRoom(): void {
    if (this.#entries.size < this.maxEntries) return;
    for (const [scope, entry] of this.#entries) {
      if (this.#entries.size < this.maxEntries) break;
      if (entry.done) this.#entries.delete(scope);
    }
  }

  #sweep(now: number): void {
    if (now - this.#lastSweep < 60_000) return;
    this.#lastSweep = now;
    for (const [scope, entry] of this.#entries) {
      if (entry.expires <= now) this.#entries.delete(scope);
    }
  }
}
