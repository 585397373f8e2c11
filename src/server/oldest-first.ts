// The entries of a Map oldest first, for the in-memory stores that drop their oldest entries
// past a bound (IdempotencyCache, ExpiringRecords). A Map keeps insertion order, and its
// iterators are live: they reach entries added later and skip deleted ones. So one iterator,
// going on where it stopped, serves every write at the bound. A new one from the Map's start
// each time would step over every slot deleted since V8 last compacted the table: ~15 µs per
// write at 100 000 keys, measured in IdempotencyCache.

/** Walks `map` oldest first across calls, never over the same entry twice. */
export class OldestFirst<K, V> {
  #cursor: Iterator<[K, V]> | undefined;

  constructor(private readonly map: Map<K, V>) {}

  /**
   * The oldest entry this walk has not passed yet; undefined when it has passed them all (the
   * next call starts afresh: a finished iterator stays finished, even for entries added later).
   */
  next(): [K, V] | undefined {
    this.#cursor ??= this.map.entries();
    const step = this.#cursor.next();
    if (!step.done) return step.value;
    this.#cursor = undefined;
    return undefined;
  }
}
