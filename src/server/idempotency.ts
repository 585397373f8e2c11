// Idempotency keys: the first response to (customer, route, key) is replayed for 24 hours.
// A retry that arrives while the first request is still running waits for it rather than
// running twice. In memory: one process, and bounded: past `maxEntries` the oldest finished
// entries go first, so a flood of writes cannot grow the heap without limit. The in-memory
// side of CardkeepState.idempotent (memory-state.ts).
import { OldestFirst } from './oldest-first.js';
import type { IdempotentResult, IdempotentWork, StoredResponse } from './state.js';

interface Entry {
  /** The request body as the handler understood it, to spot a key reused for another request. */
  fingerprint: string;
  expires: number;
  /** The work finished: the entry may be evicted when the cache is full. */
  done: boolean;
  /** The response to replay, once the work finished with one worth keeping. */
  response: StoredResponse | undefined;
  /**
   * Retries that arrived while the work ran, waiting for its outcome (null: redo). Made only
   * when one arrives: a promise per write, kept for a day, cost every write a share of its time.
   */
  waiting: ((stored: StoredResponse | null) => void)[] | undefined;
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
  /** Eviction goes on where it stopped (./oldest-first.ts). */
  readonly #oldest = new OldestFirst(this.#entries);
  /** Entries eviction passed while they were still running: the first to go once finished. */
  readonly #passed = new Set<string>();

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
      const stored = existing.done
        ? (existing.response ?? null)
        : await new Promise<StoredResponse | null>((resolve) =>
            (existing.waiting ??= []).push(resolve),
          );
      // null: the first attempt failed in a way worth redoing, and has been forgotten.
      if (stored) return { kind: 'replayed', response: stored };
      return this.run(scope, fingerprint, now, work, ttlMs);
    }
    const entry: Entry = {
      fingerprint,
      expires: now + ttlMs,
      done: false,
      response: undefined,
      waiting: undefined,
    };
    this.#makeRoom();
    this.#entries.set(scope, entry);
    try {
      const { response, store } = await work();
      if (!store) this.#entries.delete(scope);
      this.#settle(entry, store ? response : null);
      return { kind: 'fresh', response };
    } catch (error) {
      this.#entries.delete(scope);
      this.#settle(entry, null);
      throw error;
    }
  }

  /**
   * Only now may the entry be evicted; a response worth keeping is kept for replays (null:
   * the next attempt runs again), and retries that waited for the outcome get it.
   */
  #settle(entry: Entry, stored: StoredResponse | null): void {
    entry.done = true;
    entry.response = stored ?? undefined;
    for (const resolve of entry.waiting ?? []) resolve(stored);
    entry.waiting = undefined;
  }

  /**
   * Gets below `maxEntries` by dropping the oldest finished entries. Map order is insertion
   * order, and with one TTL that is also expiry order: expired ones go first, and the loop
   * usually stops after one step. A running entry is never dropped: it is passed over, and
   * dropped first once it has finished.
   */
  #makeRoom(): void {
    for (const scope of this.#passed) {
      if (this.#entries.size < this.maxEntries) return;
      const entry = this.#entries.get(scope);
      if (entry?.done === false) continue;
      this.#passed.delete(scope);
      if (entry) this.#entries.delete(scope);
    }
    while (this.#entries.size >= this.maxEntries) {
      const next = this.#oldest.next();
      // Every entry left is running: this one goes over the bound until they finish.
      if (!next) return;
      const [scope, entry] = next;
      if (entry.done) this.#entries.delete(scope);
      else this.#passed.add(scope);
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
