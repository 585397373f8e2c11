// Load: the reference server under concurrent expiry updates on loopback for a bounded time.
// Correctness first: zero errors, zero lost updates (every acknowledged write is in the store,
// and each customer ends with the last write the store applied), zero doubled updates (a
// request and its retry racing with the same Idempotency-Key apply once), each failed renewal
// charged once. Then memory: heap after a full GC, sampled while the load runs, with the
// idempotency cache held to a small cap so the plateau shows within seconds.
//
//   node --expose-gc bench/load.mjs [--seconds 60] [--workers 64] [--customers 200]
//                                   [--max-keys 5000]
//
// `npm run build` first (it loads dist/server). test/hardening/load.node.test.ts runs a short
// version against src/ in CI, asserting correctness only.
import { once } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';

const MB = 1024 * 1024;

/** Heap in use after a full collection, in MB (null when node runs without --expose-gc). */
function heapAfterGc() {
  if (typeof globalThis.gc !== 'function') return null;
  globalThis.gc();
  globalThis.gc();
  return Math.round((process.memoryUsage().heapUsed / MB) * 10) / 10;
}

const randomKey = () => crypto.randomUUID().replaceAll('-', '');
const cardIdOf = (customer) => `pm_load_${customer.slice('cus_load_'.length)}`;

/**
 * A MemoryStore with `customers` customers whose renewal failed, recording what it applied:
 * `verify()` returns that record and every card. Shared by one server and by a cluster
 * (bench/cluster.mjs), whose instances all write to this one store.
 */
export function seedLoadStore(
  server,
  { customers = 200, onApplied = undefined, now = () => new Date() } = {},
) {
  const year = now().getFullYear();
  const ids = Array.from({ length: customers }, (_, i) => `cus_load_${i}`);
  const store = new server.MemoryStore({
    now,
    customers: ids.map((id) => ({
      id,
      card: { id: cardIdOf(id), brand: 'visa', last4: '4242', expMonth: 1, expYear: year - 1 },
      failedInvoice: { amount: 1980, currency: 'jpy' },
    })),
  });
  // What the store really did, in the order it did it (the handler serialises per customer).
  const appliedByKey = new Map();
  const lastApplied = new Map();
  const update = store.updateExpiry.bind(store);
  store.updateExpiry = async (customerId, input, context) => {
    const result = await update(customerId, input, context);
    const key = context?.idempotencyKey ?? '(none)';
    if (onApplied) onApplied(key);
    else appliedByKey.set(key, (appliedByKey.get(key) ?? 0) + 1);
    lastApplied.set(customerId, { month: input.month, year: input.year });
    return result;
  };
  return {
    store,
    ids,
    verify: async () => {
      const cards = {};
      for (const id of ids) cards[id] = await store.getCard(id);
      return {
        applied: Object.fromEntries(appliedByKey),
        last: Object.fromEntries(lastApplied),
        cards,
      };
    },
  };
}

/**
 * Starts the reference server with `customers` customers whose renewal failed, and a store
 * that records what it applied. `verify()` returns that record; `heap()` the heap after GC.
 */
export async function startLoadServer(
  server,
  {
    customers = 200,
    maxIdempotencyKeys = 20_000,
    // Called with each applied write's key instead of keeping them here (see the child).
    onApplied = undefined,
    // The store's and the handler's clock (tests put them on their calendar).
    now = () => new Date(),
  } = {},
) {
  const { createCardkeepHandler, createNodeServer } = server;
  const { store, ids, verify } = seedLoadStore(server, { customers, onApplied, now });
  const handler = createCardkeepHandler({
    store,
    now,
    authenticate: (request) => request.headers.get('x-customer'),
    rateLimit: false,
    logger: false,
    maxIdempotencyKeys,
  });
  const http = createNodeServer(handler);
  http.listen(0, '127.0.0.1');
  await once(http, 'listening');
  return {
    url: `http://127.0.0.1:${http.address().port}/card/expiry`,
    ids,
    heap: async () => heapAfterGc(),
    verify,
    close: async () => {
      http.closeAllConnections();
      http.close();
    },
  };
}

/**
 * The server in a child process (`node --expose-gc bench/load.mjs --serve`), so the heap it
 * reports is the server's alone, not the load generator's bookkeeping.
 */
async function startChildServer(options) {
  const { spawn } = await import('node:child_process');
  const child = spawn(
    process.execPath,
    [
      '--expose-gc',
      import.meta.filename,
      '--serve',
      '--customers',
      String(options.customers),
      '--max-keys',
      String(options.maxIdempotencyKeys),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  // Line one: where the child listens. Then one line per applied write (its key), and `DONE`
  // when asked to verify: the pipe keeps order, so by then every key has arrived.
  const applied = new Map();
  let hello;
  let done;
  const lines = createInterface({ input: child.stdout });
  lines.on('line', (line) => {
    if (!hello) hello = JSON.parse(line);
    else if (line === 'DONE') done?.();
    else applied.set(line, (applied.get(line) ?? 0) + 1);
  });
  while (!hello) await new Promise((resolve) => setTimeout(resolve, 20));
  const { base, url, ids } = hello;
  const get = async (path) => (await fetch(`${base}${path}`)).json();
  return {
    url,
    ids,
    heap: async () => (await get('/__heap')).mb,
    verify: async () => {
      const flushed = new Promise((resolve) => (done = resolve));
      const state = await get('/__verify');
      await flushed;
      return { ...state, applied: Object.fromEntries(applied) };
    },
    close: async () => {
      child.kill();
      await once(child, 'exit');
    },
  };
}

/**
 * Runs the load against `target` (from startLoadServer, or a child process). Resolves to a
 * report; `report.problems` lists every correctness failure (empty when all is well).
 */
export async function runLoad(
  target,
  {
    durationMs = 10_000,
    workers = 64,
    /** Share of writes sent twice at once with one key: a retry racing the original. */
    duplicateRatio = 0.2,
    sampleEveryMs = 2000,
    /**
     * Keep going past `durationMs` until this many writes were acknowledged (at most a minute
     * more): on a busy machine a fixed time may not reach every customer.
     */
    minWrites = 0,
    /** The calendar the target runs on: the expiry dates sent are ahead of its today. */
    now = () => new Date(),
  } = {},
) {
  const { ids } = target;
  // Several instances (bench/cluster.mjs): each request, a retry included, goes to any of them.
  const urls = target.urls ?? [target.url];
  const year = now().getFullYear();
  const acked = new Set();
  const payments = new Map(); // customer → succeeded charges seen
  const problems = [];
  let requests = 0;
  let errors = 0;
  let replayed = 0;

  const send = async (customer, key, body) => {
    requests++;
    try {
      const response = await fetch(urls[Math.floor(Math.random() * urls.length)], {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'idempotency-key': key,
          'x-customer': customer,
        },
        body,
      });
      const text = await response.text();
      if (response.status !== 200) {
        errors++;
        if (problems.length < 20) problems.push(`HTTP ${response.status}: ${text.slice(0, 200)}`);
        return undefined;
      }
      if (response.headers.get('idempotent-replayed') === 'true') replayed++;
      return text;
    } catch (error) {
      errors++;
      if (problems.length < 20) problems.push(`fetch failed: ${String(error)}`);
      return undefined;
    }
  };

  const heap = [];
  const heapBefore = await target.heap();
  const started = Date.now();
  const deadline = started + durationMs;
  let sampling = Promise.resolve();
  const sampler = setInterval(() => {
    sampling = sampling.then(async () => {
      const mb = await target.heap();
      if (mb !== null) heap.push({ atMs: Date.now() - started, mb });
    });
  }, sampleEveryMs);

  const hardStop = deadline + 60_000;
  const going = () => Date.now() < deadline || (acked.size < minWrites && Date.now() < hardStop);
  // Every customer is written at least once (the first picks go round), however few writes a
  // slow machine manages; after that, customers are picked at random.
  let picks = 0;
  const worker = async () => {
    while (going()) {
      const pick = picks++;
      const customer = pick < ids.length ? ids[pick] : ids[Math.floor(Math.random() * ids.length)];
      const month = 1 + Math.floor(Math.random() * 12);
      const expYear = year + 1 + Math.floor(Math.random() * 5);
      const body = JSON.stringify({ cardId: cardIdOf(customer), month, year: expYear });
      const key = randomKey();
      const twice = Math.random() < duplicateRatio;
      const answers = await Promise.all(
        twice
          ? [send(customer, key, body), send(customer, key, body)]
          : [send(customer, key, body)],
      );
      if (answers.some((a) => a === undefined)) continue;
      if (twice && answers[0] !== answers[1]) {
        problems.push(`retry answered differently for ${key}`);
      }
      acked.add(key);
      const { payment } = JSON.parse(answers[0]);
      if (payment?.status === 'succeeded')
        payments.set(customer, (payments.get(customer) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: workers }, worker));
  const elapsed = Date.now() - started;
  clearInterval(sampler);
  await sampling;
  const heapAfter = await target.heap();

  // Correctness, from the store's own record.
  const { applied, last, cards } = await target.verify();
  let lost = 0;
  for (const key of acked) if (!(key in applied)) lost++;
  const doubled = Object.values(applied).filter((n) => n > 1).length;
  const unacknowledged = Object.keys(applied).filter((key) => !acked.has(key)).length;
  let wrongFinal = 0;
  for (const [id, want] of Object.entries(last)) {
    const card = cards[id];
    if (card.expMonth !== want.month || card.expYear !== want.year || card.status !== 'ok') {
      wrongFinal++;
    }
  }
  const charged = [...payments.values()];
  const chargedTwice = charged.filter((n) => n > 1).length;
  const touched = Object.keys(last).length;
  if (errors) problems.push(`${errors} requests failed`);
  if (lost) problems.push(`${lost} acknowledged updates are not in the store`);
  if (doubled) problems.push(`${doubled} updates were applied more than once`);
  if (wrongFinal) problems.push(`${wrongFinal} customers do not hold their last applied update`);
  if (chargedTwice) problems.push(`${chargedTwice} customers were charged more than once`);
  if (charged.length !== touched) {
    problems.push(`${touched} customers updated but ${charged.length} renewals charged`);
  }

  return {
    durationMs: elapsed,
    workers,
    customers: ids.length,
    requests,
    writes: acked.size,
    replayed,
    requestsPerSecond: Math.round((requests / elapsed) * 1000),
    errors,
    lost,
    doubled,
    unacknowledged,
    customersUpdated: touched,
    renewalsCharged: charged.reduce((a, b) => a + b, 0),
    heapMB: { before: heapBefore, after: heapAfter, samples: heap },
    problems,
  };
}

function argument(name, fallback) {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? Number(process.argv[index + 1]) : fallback;
}

async function loadDistServer(root) {
  try {
    return await import(pathToFileURL(join(root, 'dist', 'server', 'index.js')).href);
  } catch {
    console.error('bench/load: dist/server is missing; run `npm run build` first.');
    process.exit(1);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const root = join(import.meta.dirname, '..');
  const server = await loadDistServer(root);
  if (process.argv.includes('--serve')) {
    // The child: serve, and answer the parent's questions about heap and what was applied.
    // Applied keys go to the parent rather than into this heap, which is what is measured.
    const target = await startLoadServer(server, {
      customers: argument('customers', 200),
      maxIdempotencyKeys: argument('max-keys', 5000),
      onApplied: (key) => process.stdout.write(`${key}\n`),
    });
    const { createServer } = await import('node:http');
    const control = createServer(async (req, res) => {
      if (req.url === '/__heap') return res.end(JSON.stringify({ mb: await target.heap() }));
      if (req.url === '/__verify') {
        const state = await target.verify();
        process.stdout.write('DONE\n');
        return res.end(JSON.stringify(state));
      }
      res.writeHead(404);
      res.end();
    });
    control.listen(0, '127.0.0.1');
    await once(control, 'listening');
    // Both on loopback: questions go to this port, writes straight to the handler's own.
    const base = `http://127.0.0.1:${control.address().port}`;
    process.stdout.write(`${JSON.stringify({ base, url: target.url, ids: target.ids })}\n`);
  } else {
    const options = {
      customers: argument('customers', 200),
      maxIdempotencyKeys: argument('max-keys', 5000),
      durationMs: argument('seconds', 60) * 1000,
      workers: argument('workers', 64),
    };
    const target = await startChildServer(options);
    const report = await runLoad(target, { ...options, sampleEveryMs: 5000 });
    await target.close();
    mkdirSync(join(root, 'bench', 'results'), { recursive: true });
    writeFileSync(
      join(root, 'bench', 'results', 'load.json'),
      `${JSON.stringify(report, null, 2)}\n`,
    );
    console.log(JSON.stringify(report, null, 2));
    process.exit(report.problems.length ? 1 : 0);
  }
}
