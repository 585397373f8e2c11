// The servers under load for bench/server.mjs, in a child process of their own so the load
// generator does not share their event loop. Two servers on loopback:
// - cardkeep: the reference handler (dist/server: createCardkeepHandler + toNodeListener) over a
//   MemoryStore of CUSTOMERS customers, signed in by a session cookie through `authenticate`;
// - bare: node:http answering the same JSON bodies with no routing, auth, validation or store.
// The parent asks for the store's state over IPC to check that no update was lost.
import { createServer } from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { root } from './lib.mjs';

const { createCardkeepHandler, toNodeListener, MemoryStore } = await import(
  pathToFileURL(join(root, 'dist/server/index.js')).href
);

export const CUSTOMERS = 64;
const customerId = (i) => `cus_bench_${i}`;
const sessionOf = (i) => `s${i.toString(36)}bench`;

const now = new Date();
const seeds = Array.from({ length: CUSTOMERS }, (_, i) => ({
  id: customerId(i),
  name: 'Hanako Sato',
  since: 2019,
  card: {
    id: `pm_bench_${i}`,
    brand: 'visa',
    last4: '4242',
    expMonth: now.getMonth() + 1,
    expYear: now.getFullYear() + 2,
  },
}));
const sessions = new Map(seeds.map((seed, i) => [sessionOf(i), seed.id]));

/**
 * The MemoryStore behind a read–modify–write with a wait in the middle, as a store backed by a
 * database or Stripe has: it reads how many updates the customer has had, waits a turn of the
 * event loop (the round trip), writes the card, then stores the count plus one. Two updates of
 * one customer running at once would both read the same count and one would be lost; the
 * handler's one-write-at-a-time-per-customer rule is what keeps the count right.
 */
class LedgerStore extends MemoryStore {
  updates = new Map();

  async updateExpiry(customer, input, context) {
    const before = this.updates.get(customer) ?? 0;
    await new Promise((resolve) => setImmediate(resolve));
    const result = await super.updateExpiry(customer, input, context);
    this.updates.set(customer, before + 1);
    return result;
  }
}

const store = new LedgerStore({ customers: seeds });

/**
 * The check has teeth: the same store called directly, 20 updates of one customer at once with
 * no handler in front, loses all but one of them.
 */
async function control() {
  const direct = new LedgerStore({ customers: [seeds[0]] });
  const year = new Date().getFullYear() + 1;
  const calls = Array.from({ length: 20 }, (_, i) =>
    direct.updateExpiry(seeds[0].id, { cardId: seeds[0].card.id, month: 1 + (i % 12), year }),
  );
  await Promise.all(calls);
  return { calls: calls.length, updatesCounted: direct.updates.get(seeds[0].id) };
}
const controlResult = await control();
const handler = createCardkeepHandler({
  store,
  basePath: '',
  // The merchant's session: a cookie naming the shopper (a Map lookup, as a session store is).
  authenticate: (request) => {
    const cookie = request.headers.get('cookie') ?? '';
    return sessions.get(/(?:^|;\s*)session=([^;]+)/.exec(cookie)?.[1] ?? '') ?? null;
  },
  // All load comes from one loopback address and 64 customers; the default limits (120 reads
  // and 30 writes a minute per IP, 10 writes per customer) would answer 429 to nearly all of it.
  // The limiter is off so the bench measures the handler and store, not refusals.
  rateLimit: false,
  logger: false,
});
const listener = toNodeListener(handler);

/** 200 responses to POST /card/expiry, counted as they finish. */
let postsOk = 0;
const cardkeep = createServer((req, res) => {
  if (req.method === 'POST') {
    res.on('finish', () => {
      if (res.statusCode === 200) postsOk += 1;
    });
  }
  listener(req, res);
});

// The bare server: the same JSON the handler sends for the same customer, nothing else.
const bareCard = {
  ...seeds[0].card,
  status: 'ok',
  customerName: 'Hanako Sato',
  customerSince: 2019,
};
const JSON_HEADERS = {
  'Content-Type': 'application/json; charset=utf-8',
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
};
const bare = createServer((req, res) => {
  if (req.method === 'GET') {
    res.writeHead(200, JSON_HEADERS);
    res.end(JSON.stringify({ card: bareCard }));
    return;
  }
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (chunk) => (body += chunk));
  req.on('end', () => {
    const { month, year } = JSON.parse(body);
    res.writeHead(200, JSON_HEADERS);
    res.end(JSON.stringify({ card: { ...bareCard, expMonth: month, expYear: year } }));
  });
});

const listen = (server) =>
  new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server.address().port)));
const [cardkeepPort, barePort] = await Promise.all([listen(cardkeep), listen(bare)]);

process.on('message', async (message) => {
  if (message === 'state') {
    const cards = await Promise.all(seeds.map((seed) => store.getCard(seed.id)));
    const updates = [...store.updates.values()].reduce((sum, n) => sum + n, 0);
    process.send({
      type: 'state',
      postsOk,
      updates,
      cardsPresent: cards.filter(Boolean).length,
      control: controlResult,
    });
  }
  if (message === 'exit') {
    cardkeep.close();
    bare.close();
    process.exit(0);
  }
});

process.send({
  type: 'ready',
  cardkeep: `http://127.0.0.1:${cardkeepPort}`,
  bare: `http://127.0.0.1:${barePort}`,
  customers: CUSTOMERS,
  sessions: [...sessions.keys()],
  cardIds: seeds.map((seed) => seed.card.id),
});
