// The Redis state against a real redis-server: two state objects (two connections, as two
// instances would have) agree on spent links, idempotency, locks, limits and webhook ids; every
// key is namespaced and expiring; a dead or frozen Redis is a bounded StateUnavailableError and
// the state recovers when Redis returns.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, beforeEach, describe, it } from 'node:test';
import { createClient } from 'redis';
import { createRedisState, type RedisStateOptions } from '../../src/server/redis.js';
import { StateUnavailableError, type CardkeepState } from '../../src/server/state.js';
import { startRedis, type TestRedis } from '../support/redis-server.js';

/** A promise the test resolves by hand, to step a piece of work through its states. */
function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

const ok = (body: unknown) => async () => ({ response: { status: 200, body }, store: true });

/** Retries `attempt` until it stops throwing (the signal that Redis is back), bounded. */
async function eventually<T>(attempt: () => Promise<T>, withinMs = 10_000): Promise<T> {
  const until = performance.now() + withinMs;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (performance.now() > until) throw error;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}

async function timed(promise: Promise<unknown>): Promise<{ ms: number; error: unknown }> {
  const started = performance.now();
  try {
    await promise;
    return { ms: performance.now() - started, error: undefined };
  } catch (error) {
    return { ms: performance.now() - started, error };
  }
}

describe('createRedisState', () => {
  let redis: TestRedis;
  let raw: ReturnType<typeof createClient>;
  const open: CardkeepState[] = [];
  /** A state as one instance would make it; closed after each test. */
  const state = async (options: RedisStateOptions = {}) => {
    const made = await createRedisState({ url: redis.url }, options);
    open.push(made);
    return made;
  };

  before(async () => {
    redis = await startRedis();
    raw = createClient({ url: redis.url });
    raw.on('error', () => {});
    await raw.connect();
  });
  after(async () => {
    raw.destroy();
    await redis.stop();
  });
  beforeEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
    await eventually(() => raw.flushAll());
  });
  after(() => Promise.all(open.splice(0).map((s) => s.close())));

  describe('spent links', () => {
    it('lets exactly one of many concurrent spends across instances win', async () => {
      const [a, b] = [await state(), await state()];
      const expires = Date.now() + 3_600_000;
      const spends = Array.from({ length: 20 }, (_, i) =>
        (i % 2 ? a : b).spendLink('nonce-1', { scope: `scope-${i}` }, expires),
      );
      const won = (await Promise.all(spends)).filter(Boolean);
      assert.equal(won.length, 1);
      const record = await b.spentLink('nonce-1');
      assert.match(record!.scope!, /^scope-\d+$/);
      assert.equal(await a.spentLink('nonce-2'), null);
    });

    it('remembers a link without an idempotency scope, until the link expires', async () => {
      const now = 1_900_000_000_000;
      const a = await state({ now: () => new Date(now) });
      assert.equal(await a.spendLink('n', { scope: undefined }, now + 600_000), true);
      assert.deepEqual(await a.spentLink('n'), { scope: undefined });
      const ttl = await raw.pTTL('cardkeep:link:n');
      assert.ok(ttl > 590_000 && ttl <= 600_000, `ttl ${ttl}`);
    });
  });

  describe('idempotency', () => {
    it('replays the stored answer on another instance, and refuses another body', async () => {
      const [a, b] = [await state(), await state()];
      assert.deepEqual(await a.idempotent('cus:k1', '{"m":1}', 60_000, ok('first')), {
        kind: 'fresh',
        response: { status: 200, body: 'first' },
      });
      let ran = false;
      const replay = await b.idempotent('cus:k1', '{"m":1}', 60_000, async () => {
        ran = true;
        return { response: { status: 200, body: 'second' }, store: true };
      });
      assert.deepEqual(replay, { kind: 'replayed', response: { status: 200, body: 'first' } });
      assert.equal(ran, false);
      assert.deepEqual(await b.idempotent('cus:k1', '{"m":2}', 60_000, ok('x')), {
        kind: 'conflict',
      });
      const ttl = await raw.pTTL('cardkeep:idem:cus:k1');
      assert.ok(ttl > 50_000 && ttl <= 60_000, `ttl ${ttl}`);
    });

    it('makes a concurrent duplicate on another instance wait for the first answer', async () => {
      const [a, b] = [await state(), await state()];
      const started = deferred();
      const finish = deferred();
      let runs = 0;
      const slow = async () => {
        runs++;
        started.resolve();
        await finish.promise;
        return { response: { status: 200, body: 'slow' }, store: true };
      };
      const first = a.idempotent('cus:k2', '{}', 60_000, slow);
      await started.promise;
      const second = b.idempotent('cus:k2', '{}', 60_000, slow);
      // The duplicate with another body is refused at once, even while the first runs.
      assert.deepEqual(await b.idempotent('cus:k2', '{"x":1}', 60_000, slow), {
        kind: 'conflict',
      });
      finish.resolve();
      assert.equal((await first).kind, 'fresh');
      assert.deepEqual(await second, {
        kind: 'replayed',
        response: { status: 200, body: 'slow' },
      });
      assert.equal(runs, 1);
    });

    it('forgets an outcome not worth storing, and a failed attempt, so a retry runs again', async () => {
      const [a, b] = [await state(), await state()];
      const unstored = async () => ({ response: { status: 503, body: 'later' }, store: false });
      assert.equal((await a.idempotent('cus:k3', '{}', 60_000, unstored)).kind, 'fresh');
      assert.equal((await b.idempotent('cus:k3', '{}', 60_000, ok('now'))).kind, 'fresh');

      await assert.rejects(
        a.idempotent('cus:k4', '{}', 60_000, async () => {
          throw new Error('store down');
        }),
        /store down/,
      );
      assert.deepEqual(await b.idempotent('cus:k4', '{}', 60_000, ok('retry')), {
        kind: 'fresh',
        response: { status: 200, body: 'retry' },
      });
    });

    it('lets a retry run once the marker of a dead holder expires', async () => {
      const dead = await state({ pendingTtlMs: 300 });
      const started = deferred();
      // The holder starts and never finishes; closing it stops its renewals, as a crash would.
      void dead.idempotent('cus:k5', '{}', 60_000, async () => {
        started.resolve();
        return new Promise<never>(() => {});
      });
      await started.promise;
      await dead.close();
      const alive = await state({ idempotencyWaitMs: 3_000 });
      assert.deepEqual(await alive.idempotent('cus:k5', '{}', 60_000, ok('redone')), {
        kind: 'fresh',
        response: { status: 200, body: 'redone' },
      });
    });

    it('keeps a long-running holder’s marker alive, and bounds how long a duplicate waits', async () => {
      const a = await state({ pendingTtlMs: 200 });
      const b = await state({ idempotencyWaitMs: 600 });
      const started = deferred();
      const finish = deferred();
      const first = a.idempotent('cus:k6', '{}', 60_000, async () => {
        started.resolve();
        await finish.promise;
        return { response: { status: 200, body: 'long' }, store: true };
      });
      await started.promise;
      const { ms, error } = await timed(b.idempotent('cus:k6', '{}', 60_000, ok('dup')));
      assert.ok(error instanceof StateUnavailableError, String(error));
      assert.ok(ms >= 550 && ms < 2_500, `waited ${ms} ms`);
      finish.resolve();
      assert.equal((await first).kind, 'fresh');
      assert.equal((await b.idempotent('cus:k6', '{}', 60_000, ok('dup'))).kind, 'replayed');
    });
  });

  describe('per-customer lock', () => {
    it('runs writes for one customer one at a time across instances, and others alongside', async () => {
      const [a, b] = [await state(), await state()];
      let running = 0;
      let most = 0;
      const order: string[] = [];
      const write = (name: string) => async () => {
        running++;
        most = Math.max(most, running);
        order.push(`${name}+`);
        await new Promise((resolve) => setImmediate(resolve));
        await raw.ping();
        order.push(`${name}-`);
        running--;
        return name;
      };
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) => (i % 2 ? a : b).withLock('cus_1', write(`w${i}`))),
      );
      assert.deepEqual(results, ['w0', 'w1', 'w2', 'w3', 'w4', 'w5', 'w6', 'w7']);
      assert.equal(most, 1);
      for (let i = 0; i < order.length; i += 2) {
        assert.equal(order[i]!.slice(0, -1), order[i + 1]!.slice(0, -1));
      }

      // Another customer does not wait for cus_1's holder.
      const hold = deferred();
      const holding = a.withLock('cus_1', () => hold.promise);
      assert.equal(await b.withLock('cus_2', async () => 'free'), 'free');
      hold.resolve();
      await holding;
      assert.equal(await raw.exists('cardkeep:lock:cus_1'), 0);
    });

    it('frees the lock of a holder that died when it expires', async () => {
      const dead = await state({ lockTtlMs: 300 });
      const started = deferred();
      void dead.withLock('cus_3', async () => {
        started.resolve();
        return new Promise<never>(() => {});
      });
      await started.promise;
      await dead.close();
      const alive = await state({ lockWaitMs: 3_000 });
      assert.equal(await alive.withLock('cus_3', async () => 'after'), 'after');
    });

    it('answers unavailable, not a refusal, when the wait passes its bound', async () => {
      const a = await state();
      const b = await state({ lockWaitMs: 400 });
      const hold = deferred();
      const started = deferred();
      const holding = a.withLock('cus_4', async () => {
        started.resolve();
        await hold.promise;
      });
      await started.promise;
      const { ms, error } = await timed(b.withLock('cus_4', async () => 'never'));
      assert.ok(error instanceof StateUnavailableError, String(error));
      assert.equal(error.retryAfter, 3);
      assert.ok(ms >= 350 && ms < 2_500, `waited ${ms} ms`);
      hold.resolve();
      await holding;
    });

    it('never releases a lock its holder no longer owns', async () => {
      const a = await state();
      const b = await state();
      const started = deferred();
      const finish = deferred();
      const slow = a.withLock('cus_5', async () => {
        started.resolve();
        await finish.promise;
      });
      await started.promise;
      // As if a's lock had expired: b takes the customer while a still works.
      await raw.del('cardkeep:lock:cus_5');
      const bHolds = deferred();
      const bDone = deferred();
      const second = b.withLock('cus_5', async () => {
        bHolds.resolve();
        await bDone.promise;
      });
      await bHolds.promise;
      finish.resolve();
      await slow;
      assert.equal(await raw.exists('cardkeep:lock:cus_5'), 1, "b's lock survives a's release");
      bDone.resolve();
      await second;
    });
  });

  describe('rate limits and webhook ids', () => {
    it('shares one sliding window between instances, on the injected clock', async () => {
      let now = 1_900_000_000_000;
      const [a, b] = [
        await state({ now: () => new Date(now) }),
        await state({ now: () => new Date(now) }),
      ];
      const hits = [];
      for (let i = 0; i < 4; i++)
        hits.push(await (i % 2 ? a : b).hit('writes', 'cus_1', 3, 60_000));
      assert.deepEqual(hits, [0, 0, 0, 60]);
      assert.equal(await a.hit('writes', 'cus_2', 3, 60_000), 0, 'another key has its own window');
      now += 30_000;
      assert.equal(await b.hit('writes', 'cus_1', 3, 60_000), 30);
      now += 30_001;
      assert.equal(await a.hit('writes', 'cus_1', 3, 60_000), 0);
      const ttl = await raw.pTTL('cardkeep:rate:writes:cus_1');
      assert.ok(ttl > 0 && ttl <= 60_000, `ttl ${ttl}`);
    });

    it('sees a webhook event once across instances', async () => {
      const [a, b] = [await state(), await state()];
      const seen = await Promise.all([
        a.firstDelivery('evt_1', 60_000),
        b.firstDelivery('evt_1', 60_000),
        a.firstDelivery('evt_1', 60_000),
      ]);
      assert.deepEqual(seen.filter(Boolean), [true]);
    });
  });

  it('keeps every key under its prefix and expiring', async () => {
    const s = await state({ prefix: 'shop-a:' });
    await s.spendLink('n', { scope: 's' }, Date.now() + 60_000);
    await s.idempotent('cus:k', '{}', 60_000, ok(1));
    await s.hit('ip', '127.0.0.1', 5, 60_000);
    await s.firstDelivery('evt', 60_000);
    const hold = deferred();
    const started = deferred();
    const holding = s.withLock('cus', async () => {
      started.resolve();
      await hold.promise;
    });
    await started.promise;
    const keys = (await raw.keys('*')).sort();
    assert.deepEqual(keys, [
      'shop-a:idem:cus:k',
      'shop-a:link:n',
      'shop-a:lock:cus',
      'shop-a:rate:ip:127.0.0.1',
      'shop-a:webhook:evt',
    ]);
    for (const key of keys) assert.ok((await raw.pTTL(key)) > 0, `${key} expires`);
    hold.resolve();
    await holding;
  });

  describe('when Redis fails', () => {
    it('rejects every method within the command timeout while Redis is frozen, then recovers', async () => {
      const s = await state({ commandTimeoutMs: 300 });
      redis.pause();
      try {
        const calls: Promise<unknown>[] = [
          s.spentLink('n'),
          s.spendLink('n', { scope: undefined }, Date.now() + 60_000),
          s.idempotent('cus:k', '{}', 60_000, ok(1)),
          s.withLock('cus', async () => 1),
          s.hit('ip', 'x', 5, 60_000),
          s.firstDelivery('evt', 60_000),
        ];
        for (const { ms, error } of await Promise.all(calls.map(timed))) {
          assert.ok(error instanceof StateUnavailableError, String(error));
          assert.ok(ms < 2_000, `answered after ${ms} ms`);
        }
      } finally {
        redis.resume();
      }
      assert.equal(await eventually(() => s.firstDelivery('evt-after', 60_000)), true);
    });

    it('rejects at once while Redis is down, and works again when it returns empty', async () => {
      const s = await state();
      assert.equal(await s.spendLink('n', { scope: 'a' }, Date.now() + 60_000), true);
      await s.idempotent('cus:k', '{}', 60_000, ok('before'));
      await redis.kill();
      try {
        for (const call of <Promise<unknown>[]>[
          s.spentLink('n'),
          s.idempotent('cus:k', '{}', 60_000, ok(1)),
          s.withLock('cus', async () => 1),
          s.hit('ip', 'x', 5, 60_000),
        ]) {
          const { ms, error } = await timed(call);
          assert.ok(error instanceof StateUnavailableError, String(error));
          assert.ok(ms < 2_500, `answered after ${ms} ms`);
        }
      } finally {
        await redis.restart();
      }
      // Scripts are gone from the new server's cache too: they are sent again.
      assert.equal(await eventually(() => s.hit('ip', 'x', 5, 60_000)), 0);
      assert.equal((await s.idempotent('cus:k', '{}', 60_000, ok('after'))).kind, 'fresh');
      assert.equal(await s.withLock('cus', async () => 'locked'), 'locked');
    });

    it('fails to start within the bound when Redis cannot be reached', async () => {
      const { ms, error } = await timed(
        createRedisState({ url: 'redis://127.0.0.1:1' }, { commandTimeoutMs: 500 }),
      );
      assert.ok(error instanceof StateUnavailableError, String(error));
      assert.ok(ms < 2_500, `answered after ${ms} ms`);
    });
  });

  it('uses a client the merchant made, and leaves it open on close', async () => {
    const client = createClient({ url: redis.url });
    client.on('error', () => {});
    await client.connect();
    const s = await createRedisState({ client }, { prefix: 'mine:' });
    assert.equal(await s.firstDelivery('evt', 60_000), true);
    await s.close();
    assert.equal(await client.get('mine:webhook:evt'), '1');
    await assert.rejects(s.firstDelivery('evt2', 60_000), StateUnavailableError);
    client.destroy();
  });

  it('says how to install the client library when `redis` is missing', async () => {
    // A resolve hook makes `redis` unresolvable, as in an app that never installed it.
    const hook = `export async function resolve(specifier, context, next) {
      if (specifier === 'redis') throw Object.assign(new Error('not found'), { code: 'ERR_MODULE_NOT_FOUND' });
      return next(specifier, context);
    }`;
    const program = `
      import { register } from 'node:module';
      register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hook)}));
      const { createRedisState } = await import(${JSON.stringify(new URL('../../src/server/redis.ts', import.meta.url).href)});
      try { await createRedisState({ url: 'redis://127.0.0.1:1' }); console.log('no error'); }
      catch (error) { console.log(error.message); }`;
    const child = spawn(process.execPath, [
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      program,
    ]);
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk));
    await new Promise((resolve) => child.once('close', resolve));
    assert.match(out, /createRedisState needs the `redis` package: npm install redis/);
  });
});
