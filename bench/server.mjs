// 5. Reference server: requests per second and p99 latency of GET /card and POST /card/expiry
// under autocannon on loopback, the reference handler over a MemoryStore versus a bare
// node:http server answering the same JSON, in the same run, rounds interleaved. Both servers
// live in one child process (bench/server-target.mjs); autocannon runs here. After the load,
// the store must account for every successful update: no lost update.
// Then several instances (bench/cluster.mjs): two instances in two processes sharing their state
// on Redis versus one instance with the in-memory state, both over the same store process.
import { execFileSync, fork } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import autocannon from 'autocannon';
import { serveStore, startInstance } from './cluster.mjs';
import { seedLoadStore } from './load.mjs';
import { startRedis } from './redis-server.mjs';
import { root, round, roundSummary, summarize } from './lib.mjs';

/** The reference server must serve at least this share of the bare server's rate. */
export const TARGET_RATIO = 0.5;

function startTarget() {
  const child = fork(join(root, 'bench/server-target.mjs'), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = (type) =>
    new Promise((resolve, reject) => {
      const onMessage = (message) => {
        if (message?.type !== type) return;
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(message);
      };
      const onExit = (code) => reject(new Error(`bench: server target exited (${code})`));
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  return { child, next };
}

/** Requests sent so far, across every load: each update gets an Idempotency-Key of its own. */
let sent = 0;

/** The autocannon request list for one route: every request a different shopper (cookie). */
function requestsFor(route, target) {
  const { sessions, cardIds } = target;
  const year = new Date().getFullYear();
  if (route === 'GET /card') {
    return [
      {
        method: 'GET',
        path: '/card',
        setupRequest: (request) => {
          const i = sent++ % sessions.length;
          return { ...request, headers: { ...request.headers, cookie: `session=${sessions[i]}` } };
        },
      },
    ];
  }
  return [
    {
      method: 'POST',
      path: '/card/expiry',
      setupRequest: (request) => {
        const count = sent++;
        const i = count % sessions.length;
        return {
          ...request,
          headers: {
            ...request.headers,
            cookie: `session=${sessions[i]}`,
            'content-type': 'application/json',
            // A fresh key per update, as HttpAdapter sends one per attempt at a change.
            'idempotency-key': `bench-${process.pid}-${count}`,
          },
          body: JSON.stringify({
            cardId: cardIds[i],
            month: 1 + (count % 12),
            year: year + 1 + (count % 3),
          }),
        };
      },
    },
  ];
}

function load(url, route, target, { duration, connections }) {
  return new Promise((resolve, reject) => {
    autocannon(
      { url, connections, duration, requests: requestsFor(route, target) },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });
}

const ROUTES = ['GET /card', 'POST /card/expiry'];

/**
 * `rounds` rounds; in each, every route is loaded on both servers for `duration` seconds, the
 * order of the servers alternating between rounds. A warm-up of `warmup` seconds of each first
 * (the handler's code is still being optimised in the first seconds).
 */
export async function run({ rounds = 6, duration = 2, warmup = 2, connections = 10 } = {}) {
  const { child, next } = startTarget();
  try {
    const target = await next('ready');
    const servers = { cardkeep: target.cardkeep, bare: target.bare };
    for (const route of ROUTES) {
      for (const url of Object.values(servers)) {
        await load(url, route, target, { duration: warmup, connections });
      }
    }
    // Only the measured rounds count towards the lost-update check: read the state now.
    child.send('state');
    const before = await next('state');

    const results = {};
    for (const route of ROUTES) for (const name in servers) results[`${name} ${route}`] = [];
    for (let r = 0; r < rounds; r += 1) {
      const order = r % 2 === 0 ? ['cardkeep', 'bare'] : ['bare', 'cardkeep'];
      for (const route of ROUTES) {
        for (const name of order) {
          const result = await load(servers[name], route, target, { duration, connections });
          results[`${name} ${route}`].push(result);
        }
      }
    }
    // Let anything still in flight when autocannon stopped finish before counting.
    await new Promise((resolve) => setTimeout(resolve, 300));
    child.send('state');
    const after = await next('state');
    const single = report(results, before, after, { rounds, duration, warmup, connections });
    const shared = await runShared({ rounds, duration, warmup, connections });
    return {
      rows: [...single.rows, ...shared.rows],
      details: { ...single.details, sharedState: shared.details },
    };
  } finally {
    if (child.connected) child.send('exit');
  }
}

/** POST /card/expiry load on the instances at `urls` at once (connections split between them); total req/s. */
async function loadSpread(urls, { duration, connections }) {
  let sequence = 0;
  const year = new Date().getFullYear();
  const runs = await Promise.all(
    urls.map(
      (url, u) =>
        new Promise((resolve, reject) => {
          autocannon(
            {
              url,
              connections: Math.max(1, Math.round(connections / urls.length)),
              duration,
              requests: [
                {
                  method: 'POST',
                  path: '/card/expiry',
                  setupRequest: (request) => {
                    const count = sequence++;
                    const i = count % 64;
                    return {
                      ...request,
                      headers: {
                        ...request.headers,
                        'x-customer': `cus_load_${i}`,
                        'content-type': 'application/json',
                        'idempotency-key': `bench-shared-${process.pid}-${u}-${count}`,
                      },
                      body: JSON.stringify({
                        cardId: `pm_load_${i}`,
                        month: 1 + (count % 12),
                        year: year + 1 + (count % 3),
                      }),
                    };
                  },
                },
              ],
            },
            (error, result) => (error ? reject(error) : resolve(result)),
          );
        }),
    ),
  );
  return {
    rps: runs.reduce((sum, r) => sum + r.requests.total / r.duration, 0),
    errors: runs.reduce((sum, r) => sum + r.errors + r.timeouts + r.non2xx, 0),
  };
}

/**
 * Two instances on Redis vs one in memory, rounds interleaved like the single-server rows. Both
 * go through the same store, a MemoryStore served over HTTP from this process (what the
 * instances of a real deployment share is a database), so the difference is the shared state
 * and the second process. On a two-core machine the two instances, Redis, the store and the
 * load generator compete for the same cores: the figure is a floor, not a scaling factor.
 */
async function runShared({ rounds, duration, warmup, connections }) {
  const row = {
    id: 'server.redis.rps',
    name: 'Two instances, state on Redis: POST /card/expiry requests/s',
    unit: 'req/s',
    baselineLabel: 'one instance, in-memory state',
    target: 'report',
    pass: null,
  };
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
  } catch {
    return { rows: [{ ...row, value: null, note: 'redis-server is not installed' }], details: {} };
  }
  const server = await import(pathToFileURL(join(root, 'dist/server/index.js')).href);
  const redis = await startRedis();
  const seeded = seedLoadStore(server, { customers: 64 });
  const host = await serveStore(seeded.store);
  const start = (redisUrl) =>
    startInstance({ storeUrl: host.url, redisUrl, from: 'dist', handler: { rateLimit: false } });
  const [a, b, memory] = await Promise.all([start(redis.url), start(redis.url), start()]);
  try {
    const setups = { redis: [a.base, b.base], memory: [memory.base] };
    for (const urls of Object.values(setups)) {
      await loadSpread(urls, { duration: warmup, connections });
    }
    const results = { redis: [], memory: [] };
    for (let r = 0; r < rounds; r += 1) {
      const order = r % 2 === 0 ? ['redis', 'memory'] : ['memory', 'redis'];
      for (const name of order) {
        results[name].push(await loadSpread(setups[name], { duration, connections }));
      }
    }
    const rate = {
      redis: summarize(results.redis.map((x) => x.rps)),
      memory: summarize(results.memory.map((x) => x.rps)),
    };
    const paired = summarize(results.redis.map((x, i) => x.rps / results.memory[i].rps));
    const errors = results.redis.reduce((sum, x) => sum + x.errors, 0);
    return {
      rows: [
        {
          ...row,
          value: round(rate.redis.median, 0),
          spread: roundSummary(rate.redis, 0),
          baseline: round(rate.memory.median, 0),
          baselineSpread: roundSummary(rate.memory, 0),
          ratio: paired.median,
          ratioSpread: roundSummary(paired, 2),
          note: errors ? `${errors} errors` : undefined,
        },
      ],
      details: {
        requestsPerSecond: {
          twoOnRedis: roundSummary(rate.redis, 0),
          oneInMemory: roundSummary(rate.memory, 0),
        },
        errors: {
          twoOnRedis: errors,
          oneInMemory: results.memory.reduce((sum, x) => sum + x.errors, 0),
        },
      },
    };
  } finally {
    await Promise.all([a.close(), b.close(), memory.close()]);
    await host.close();
    await redis.stop();
  }
}

function report(results, before, after, settings) {
  const stat = (key, pick) => summarize(results[key].map(pick));
  // Completed requests over the run's length (autocannon's per-second mean drops partial seconds).
  const rps = (r) => r.requests.total / r.duration;
  const p99 = (r) => r.latency.p99;
  const failures = (key) =>
    results[key].reduce((sum, r) => sum + r.errors + r.timeouts + r.non2xx, 0);
  const rows = [];
  const details = { settings, routes: {} };
  for (const route of ROUTES) {
    const ours = `cardkeep ${route}`;
    const bare = `bare ${route}`;
    const rate = { cardkeep: stat(ours, rps), bare: stat(bare, rps) };
    const latency = { cardkeep: stat(ours, p99), bare: stat(bare, p99) };
    const errors = failures(ours);
    // Both servers take a route's load back to back in each round: the median of the per-round
    // ratios is least disturbed by whatever else the machine does meanwhile.
    const paired = summarize(results[ours].map((r, i) => rps(r) / rps(results[bare][i])));
    const ratio = paired.median;
    rows.push(
      {
        id: `server.${route}.rps`,
        name: `Reference server ${route}: requests/s (MemoryStore, rate limits off)`,
        value: round(rate.cardkeep.median, 0),
        unit: 'req/s',
        spread: roundSummary(rate.cardkeep, 0),
        baseline: round(rate.bare.median, 0),
        baselineSpread: roundSummary(rate.bare, 0),
        baselineLabel: 'bare node:http',
        ratio,
        ratioSpread: roundSummary(paired, 2),
        note: errors ? `${errors} errors` : undefined,
        target: `≥ ${TARGET_RATIO}×, 0 errors`,
        pass: ratio >= TARGET_RATIO && errors === 0,
      },
      {
        id: `server.${route}.p99`,
        name: `Reference server ${route}: p99 latency`,
        value: latency.cardkeep.median,
        unit: 'ms',
        spread: roundSummary(latency.cardkeep, 1),
        baseline: latency.bare.median,
        baselineSpread: roundSummary(latency.bare, 1),
        baselineLabel: 'bare node:http',
        ratio: latency.bare.median > 0 ? latency.cardkeep.median / latency.bare.median : null,
        target: 'report',
        pass: null,
      },
    );
    details.routes[route] = {
      requestsPerSecond: {
        cardkeep: roundSummary(rate.cardkeep, 0),
        bare: roundSummary(rate.bare, 0),
      },
      p99Ms: { cardkeep: roundSummary(latency.cardkeep, 1), bare: roundSummary(latency.bare, 1) },
      errors: { cardkeep: errors, bare: failures(bare) },
      completed: {
        cardkeep: results[ours].reduce((sum, r) => sum + r['2xx'], 0),
        bare: results[bare].reduce((sum, r) => sum + r['2xx'], 0),
      },
    };
  }
  // Every 200 to POST /card/expiry is one update the store must have counted, and no more.
  const postsOk = after.postsOk - before.postsOk;
  const updates = after.updates - before.updates;
  const consistent = postsOk === updates && after.cardsPresent === before.cardsPresent;
  rows.push({
    id: 'server.lostUpdates',
    name: 'Lost updates (200s to POST /card/expiry − updates the store counted)',
    value: postsOk - updates,
    unit: '',
    note: `${postsOk} successful POSTs, ${updates} updates counted`,
    target: '0',
    pass: consistent,
  });
  details.lostUpdate = {
    postsOk,
    updatesCounted: updates,
    consistent,
    // The same store without the handler: concurrent updates do get lost there.
    controlWithoutHandler: after.control,
  };
  return { rows, details };
}
