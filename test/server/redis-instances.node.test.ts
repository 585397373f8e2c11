// Two handler instances, each in its own process, over one card store and one redis-server
// (bench/cluster.mjs: the store lives in this process behind a small RPC, the stand-in for the
// database a real deployment shares). Across them the protocol answers as one instance does:
// one link spends once, one Idempotency-Key applies once, a rate limit is not doubled, and a
// Redis that dies mid-load costs 503s, never a lost, doubled or unannounced update.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { serveStore, startInstance, type Instance } from '../../bench/cluster.mjs';
import { seedLoadStore } from '../../bench/load.mjs';
import * as server from '../../src/server/index.js';
import { YEAR, clock } from '../support/clock.js';
import { startRedis, type TestRedis } from '../support/redis-server.js';

const SECRET = 'test-secret-0123456789-abcdefghijklmnop';
/** Writes per customer per window: low enough to cross in a test. */
const CUSTOMER_WRITES = 6;

interface Answer {
  status: number;
  code: string | undefined;
  /** The error's `reason` (401: `used`, `expired`, …). */
  reason: string | undefined;
  body: string;
  replayed: boolean;
  retryAfter: string | null;
  ms: number;
}

async function send(
  url: string,
  {
    customer,
    token,
    key,
    body,
    method = 'POST',
  }: {
    customer?: string;
    token?: string;
    key?: string;
    body?: unknown;
    method?: 'GET' | 'POST';
  },
): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (customer) headers['x-customer'] = customer;
  if (token) headers.authorization = `Bearer ${token}`;
  if (key) headers['idempotency-key'] = key;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const started = performance.now();
  const response = await fetch(url, {
    method,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  let error: { code?: string; reason?: string } | undefined;
  try {
    error = (JSON.parse(text) as { error?: typeof error }).error;
  } catch {
    error = undefined;
  }
  return {
    status: response.status,
    code: error?.code,
    reason: error?.reason,
    body: text,
    replayed: response.headers.get('idempotent-replayed') === 'true',
    retryAfter: response.headers.get('retry-after'),
    ms: performance.now() - started,
  };
}

const expiry = (customer: string, month = 4) => ({
  cardId: `pm_load_${customer.slice('cus_load_'.length)}`,
  month,
  year: YEAR + 2,
});

describe('two instances over one Redis', () => {
  let redis: TestRedis;
  let store: ReturnType<typeof seedLoadStore>;
  let host: Awaited<ReturnType<typeof serveStore>>;
  let a: Instance;
  let b: Instance;
  const applied = async () =>
    ((await store.verify()) as { applied: Record<string, number> }).applied;

  before(async () => {
    redis = await startRedis();
    store = seedLoadStore(server, { customers: 40, now: clock });
    host = await serveStore(store.store);
    const handler = {
      linkSecret: SECRET,
      rateLimit: { customerWrites: CUSTOMER_WRITES, ipWrites: 100_000, ipReads: 100_000 },
    };
    [a, b] = await Promise.all(
      [0, 1].map(() =>
        startInstance({
          storeUrl: host.url,
          redisUrl: redis.url,
          from: 'src',
          handler,
          now: clock,
        }),
      ),
    );
  });
  after(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await host?.close();
    await redis?.stop();
  });

  it('lets one of many concurrent saves with one link win; the others are told it was used', async () => {
    const token = server.createLinkToken('cus_load_0', { secret: SECRET, now: clock });
    const answers = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        send((i % 2 ? a : b).url, {
          token,
          key: `link-race-${i}`,
          body: expiry('cus_load_0', 1 + i),
        }),
      ),
    );
    assert.deepEqual(answers.map((x) => x.status).sort(), [200, 401, 401, 401, 401]);
    assert.deepEqual(
      answers.filter((x) => x.status === 401).map((x) => `${x.code} ${x.reason}`),
      Array<string>(4).fill('unauthorized used'),
    );
    const done = await applied();
    assert.equal(Object.keys(done).filter((k) => k.startsWith('link-race-')).length, 1);
  });

  it('applies one Idempotency-Key once across both, replays it, and refuses it for another body', async () => {
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        send((i % 2 ? a : b).url, {
          customer: 'cus_load_1',
          key: 'same-key',
          body: expiry('cus_load_1', 7),
        }),
      ),
    );
    assert.deepEqual(
      answers.map((x) => x.status),
      [200, 200, 200, 200, 200, 200],
    );
    assert.equal(new Set(answers.map((x) => x.body)).size, 1, 'the same answer everywhere');
    assert.equal(answers.filter((x) => x.replayed).length, 5);
    assert.equal((await applied())['same-key'], 1);

    const other = await send(a.url, {
      customer: 'cus_load_1',
      key: 'same-key',
      body: expiry('cus_load_1', 8),
    });
    assert.equal(other.status, 422);
    assert.equal(other.code, 'idempotency_key_reused');
  });

  it('shares the per-customer rate limit instead of granting it once per instance', async () => {
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < CUSTOMER_WRITES + 3; i++) {
      const answer = await send((i % 2 ? a : b).url, {
        customer: 'cus_load_2',
        key: `limit-${i}`,
        body: expiry('cus_load_2', 1 + (i % 12)),
      });
      statuses.push(answer.status);
      if (answer.status === 429) retryAfter = answer.retryAfter;
    }
    assert.deepEqual(statuses, [
      ...Array<number>(CUSTOMER_WRITES).fill(200),
      ...Array<number>(3).fill(429),
    ]);
    assert.ok(Number(retryAfter) > 0, `Retry-After ${retryAfter}`);
  });

  it('answers 503 while Redis is down mid-load, loses or doubles nothing, and recovers', async () => {
    // Many customers, so the per-customer limit (per minute) is never what answers.
    const customers = Array.from({ length: 30 }, (_, i) => `cus_load_${10 + i}`);
    const answers = new Map<string, Answer>();
    let ok = 0;
    let unavailable = 0;
    let phase: 'before' | 'down' | 'after' = 'before';
    let okAfter = 0;
    let count = 0;
    const downChecks: Promise<void>[] = [];
    const next = async () => {
      const key = `outage-${count++}`;
      const customer = customers[count % customers.length]!;
      const answer = await send((count % 2 ? a : b).url, {
        customer,
        key,
        body: expiry(customer, 1 + (count % 12)),
      });
      answers.set(key, answer);
      if (answer.status === 200) {
        ok++;
        if (phase === 'after') okAfter++;
      }
      if (answer.status === 503) unavailable++;
    };
    const worker = async () => {
      for (;;) {
        if (phase === 'before' && ok >= 20) {
          phase = 'down';
          await redis.kill();
          downChecks.push(whileDown());
        }
        if (phase === 'down' && unavailable >= 20) {
          phase = 'after';
          await redis.restart();
        }
        if (phase === 'after' && okAfter >= 20) return;
        await next();
      }
    };
    /** While Redis is down a session read still works: reading changes nothing. */
    const whileDown = async () => {
      const read = await send(a.url.replace('/card/expiry', '/card'), {
        customer: 'cus_load_10',
        method: 'GET',
      });
      assert.equal(read.status, 200);
    };
    await Promise.all(Array.from({ length: 6 }, worker));
    await Promise.all(downChecks);

    const strange = [...answers].filter(
      ([, x]) =>
        !(x.status === 200 || (x.status === 503 && x.code === 'unavailable' && x.retryAfter)),
    );
    assert.deepEqual(strange, [], 'only successes and 503 unavailable with a Retry-After');
    assert.ok(unavailable >= 20);
    const slowest = Math.max(...[...answers.values()].map((x) => x.ms));
    assert.ok(slowest < 5_000, `slowest answer ${Math.round(slowest)} ms`);

    // Every success is in the store once; nothing answered 503 was applied.
    const done = await applied();
    const acked = [...answers].filter(([, x]) => x.status === 200).map(([key]) => key);
    const outage = Object.keys(done).filter((key) => key.startsWith('outage-'));
    assert.deepEqual(outage.sort(), acked.sort());
    assert.deepEqual(
      outage.filter((key) => done[key] !== 1),
      [],
    );
  });
});
