// The idempotency cache stays bounded under a flood of keys without ever running a write twice
// while its first attempt is still running.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IdempotencyCache } from '../../src/server/idempotency.js';

const ok = (body: unknown) => async () => ({ response: { status: 200, body }, store: true });

describe('IdempotencyCache', () => {
  it('holds at most maxEntries keys, dropping the oldest finished ones first', async () => {
    const cache = new IdempotencyCache(60_000, 3);
    for (const key of ['a', 'b', 'c', 'd', 'e']) await cache.run(key, '{}', 0, ok(key));
    assert.equal(cache.size, 3);
    assert.deepEqual(
      ['a', 'b', 'c', 'd', 'e'].map((key) => cache.has(key, 0)),
      [false, false, true, true, true],
    );
    // A remembered key still replays.
    const replay = await cache.run('e', '{}', 0, ok('again'));
    assert.deepEqual(replay, { kind: 'replayed', response: { status: 200, body: 'e' } });
  });

  it('never evicts a running write: its retry waits for it instead of running again', async () => {
    const cache = new IdempotencyCache(60_000, 2);
    let release!: () => void;
    let runs = 0;
    const slow = async () => {
      runs++;
      await new Promise<void>((resolve) => (release = resolve));
      return { response: { status: 200, body: 'slow' }, store: true };
    };
    const first = cache.run('slow', '{}', 0, slow);
    for (const key of ['x', 'y', 'z']) await cache.run(key, '{}', 0, ok(key));
    assert.equal(cache.has('slow', 0), true);
    const retry = cache.run('slow', '{}', 0, slow);
    release();
    assert.deepEqual((await first).kind, 'fresh');
    assert.deepEqual(await retry, { kind: 'replayed', response: { status: 200, body: 'slow' } });
    assert.equal(runs, 1);
    assert.ok(cache.size <= 2);
  });

  it('at the bound, keeps the newest keys write after write; a running one goes once finished', async () => {
    const cache = new IdempotencyCache(60_000, 3);
    let release!: () => void;
    const slow = cache.run('slow', '{}', 0, async () => {
      await new Promise<void>((resolve) => (release = resolve));
      return { response: { status: 200, body: 'slow' }, store: true };
    });
    for (const key of ['a', 'b', 'c', 'd', 'e']) await cache.run(key, '{}', 0, ok(key));
    // The running write stays; the finished ones go oldest first.
    assert.deepEqual(
      ['slow', 'a', 'b', 'c', 'd', 'e'].map((key) => cache.has(key, 0)),
      [true, false, false, false, true, true],
    );
    release();
    await slow;
    await cache.run('f', '{}', 0, ok('f'));
    assert.deepEqual(
      ['slow', 'd', 'e', 'f'].map((key) => cache.has(key, 0)),
      [false, true, true, true],
    );
    // Many writes later, exactly the newest keys are remembered.
    for (let i = 0; i < 1000; i++) await cache.run(`k${i}`, '{}', 0, ok(i));
    assert.equal(cache.size, 3);
    assert.deepEqual(
      ['k996', 'k997', 'k998', 'k999'].map((key) => cache.has(key, 0)),
      [false, true, true, true],
    );
  });

  it('forgets keys after the TTL', async () => {
    const cache = new IdempotencyCache(1000);
    await cache.run('k', '{}', 0, ok(1));
    assert.equal(cache.has('k', 999), true);
    assert.equal(cache.has('k', 1000), false);
    assert.equal((await cache.run('k', '{}', 61_000, ok(2))).kind, 'fresh');
  });
});
