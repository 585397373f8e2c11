// The short CI version of bench/load.mjs: concurrent expiry updates against the reference
// server on loopback for about a second and a half. Correctness only (timings belong to the
// benchmark): no failed request, no lost or doubled update, each failed renewal charged once.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startCluster } from '../../bench/cluster.mjs';
import { runLoad, startLoadServer, type LoadReport } from '../../bench/load.mjs';
import * as server from '../../src/server/index.js';
import { clock } from '../support/clock.js';
import { startRedis } from '../support/redis-server.js';

/** What must hold after any run: every write answered, applied once, renewals charged once. */
function assertCorrect(report: LoadReport, customers: number) {
  assert.deepEqual(report.problems, []);
  assert.equal(report.errors, 0);
  assert.equal(report.lost, 0);
  assert.equal(report.doubled, 0);
  assert.equal(report.unacknowledged, 0);
  assert.ok(report.writes >= 24, `only ${report.writes} writes went through`);
  assert.ok(report.replayed > 0, 'some retries raced their original');
  assert.equal(report.customersUpdated, customers);
  assert.equal(report.renewalsCharged, customers);
}

describe('the reference server under concurrent updates', () => {
  it('loses no update, applies none twice, charges each renewal once', async () => {
    // Few customers, many workers: most writes queue behind another write of the same customer.
    const target = await startLoadServer(server, {
      customers: 8,
      maxIdempotencyKeys: 500,
      now: clock,
    });
    try {
      const report = await runLoad(target, {
        durationMs: 1500,
        workers: 24,
        duplicateRatio: 0.3,
        sampleEveryMs: 60_000,
        now: clock,
      });
      assertCorrect(report, 8);
    } finally {
      await target.close();
    }
  });

  it('two instances in two processes on one Redis: the same, with retries landing anywhere', async () => {
    // Each request, and each racing retry, goes to either instance: only the shared state keeps
    // a retry from applying twice and two writes of one customer from interleaving.
    const redis = await startRedis();
    const target = await startCluster(server, {
      redisUrl: redis.url,
      customers: 8,
      from: 'src',
      now: clock,
    });
    try {
      // Three processes and Redis share the machine with the rest of the suite: run until
      // enough writes went through to reach every customer, not for a fixed time only.
      const report = await runLoad(target, {
        durationMs: 1500,
        workers: 24,
        duplicateRatio: 0.3,
        sampleEveryMs: 60_000,
        now: clock,
        minWrites: 80,
      });
      assertCorrect(report, 8);
    } finally {
      await target.close();
      await redis.stop();
    }
  });
});
