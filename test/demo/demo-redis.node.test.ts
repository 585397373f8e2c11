// `REDIS_URL=… npm start`: the demo keeps its handler's shared state on Redis. A signed link
// from the demo spends once (the spent record is in Redis), and a retry replays. Needs a build
// (dist/), like the other demo tests: `npm test` builds first.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createClient } from 'redis';
import { startRedis, type TestRedis } from '../support/redis-server.js';
import { startDemoServer, type DemoServer } from '../../demo/server.mjs';
import { YEAR, clock } from '../support/clock.js';

describe('the demo on Redis', () => {
  let redis: TestRedis;
  let demo: DemoServer;
  before(async () => {
    redis = await startRedis();
    demo = await startDemoServer({ port: 0, redisUrl: redis.url, log: () => {}, now: clock });
  });
  after(async () => {
    await demo?.close();
    await redis?.stop();
  });

  it('spends a signed link once, in Redis, and replays its retry', async () => {
    const token = new URL(demo.newLink()).searchParams.get('cardkeep_token')!;
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const read = await fetch(`${demo.url}/cardkeep/card`, { headers });
    const { card } = (await read.json()) as { card: { id: string } };
    const save = (key: string) =>
      fetch(`${demo.url}/cardkeep/card/expiry`, {
        method: 'POST',
        headers: { ...headers, 'idempotency-key': key },
        body: JSON.stringify({ cardId: card.id, month: 5, year: YEAR + 2 }),
      });
    const first = await save('demo-save-1');
    assert.equal(first.status, 200);
    const retry = await save('demo-save-1');
    assert.equal(retry.status, 200);
    assert.equal(retry.headers.get('idempotent-replayed'), 'true');
    const another = await save('demo-save-2');
    assert.equal(another.status, 401);

    const raw = createClient({ url: redis.url });
    await raw.connect();
    try {
      const keys = await raw.keys('cardkeep:link:*');
      assert.equal(keys.length, 1, 'the spent link is recorded in Redis');
    } finally {
      raw.destroy();
    }
  });
});
