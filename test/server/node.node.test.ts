// Mounting: Node's http, Express-style middleware, and the clock-driven limits.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import { createCardkeepHandler, MemoryStore, toNodeListener } from '../../src/server/index.js';
import { YEAR, clock } from '../support/clock.js';

const CARD = 'pm_demo_visa4242';

/**
 * The demo customer's handler on Node's http at a free loopback port, closed after the test;
 * resolves to the port.
 */
async function listen(
  t: TestContext,
  authenticate: (request: Request) => string = () => 'cus_demo',
): Promise<number> {
  const handler = createCardkeepHandler({
    store: MemoryStore.demo('payment_failed', { now: clock }),
    now: clock,
    authenticate,
    logger: false,
  });
  const server = createServer(toNodeListener(handler));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => server.close());
  return (server.address() as AddressInfo).port;
}

describe('toNodeListener', () => {
  it('answers its routes and passes every other path to next()', async (t) => {
    const handler = createCardkeepHandler({
      store: MemoryStore.demo('payment_failed', { now: clock }),
      now: clock,
      authenticate: () => 'cus_demo',
      basePath: '/cardkeep/',
      logger: false,
    });
    const listener = toNodeListener(handler);
    const server = createServer((req, res) =>
      listener(req, res, () => {
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        res.end('the shop');
      }),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    t.after(() => server.close());
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    assert.equal(await (await fetch(`${origin}/account`)).text(), 'the shop');
    assert.equal(await (await fetch(`${origin}/cardkeeper/card`)).text(), 'the shop');
    const card = (await (await fetch(`${origin}/cardkeep/card?x=1`)).json()) as {
      card: { last4: string };
    };
    assert.equal(card.card.last4, '4242');
    const missing = await fetch(`${origin}/cardkeep/nope`);
    assert.equal(missing.status, 404);
  });

  it('mounts a handler the merchant wrapped (a plain Request → Response function) the same way', async (t) => {
    const inner = createCardkeepHandler({
      store: MemoryStore.demo('payment_failed', { now: clock }),
      now: clock,
      authenticate: () => 'cus_demo',
      logger: false,
    });
    const seen: string[] = [];
    const wrapped = Object.assign(
      async (request: Request) => {
        seen.push(`${request.method} ${new URL(request.url).pathname}`);
        return inner(request);
      },
      { basePath: inner.basePath, maxBodyBytes: inner.maxBodyBytes },
    );
    const server = createServer(toNodeListener(wrapped));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    t.after(() => server.close());
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const year = YEAR + 2;
    const saved = await fetch(`${origin}/card/expiry`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ cardId: CARD, month: 7, year }),
    });
    assert.equal(saved.status, 200);
    assert.equal(
      saved.headers.get('content-length'),
      String((await saved.clone().arrayBuffer()).byteLength),
    );
    assert.deepEqual(((await saved.json()) as { card: { expMonth: number } }).card.expMonth, 7);
    assert.deepEqual(seen, ['POST /card/expiry']);
  });

  it('answers a body that is not UTF-8 with 400, not a guess', async (t) => {
    const origin = `http://127.0.0.1:${await listen(t)}`;
    const bytes = Buffer.concat([
      Buffer.from('{"cardId":"'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('"}'),
    ]);
    const response = await fetch(`${origin}/card/expiry`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: bytes,
    });
    assert.equal(response.status, 400);
    const { error } = (await response.json()) as { error: { code: string; message: string } };
    assert.equal(error.code, 'bad_request');
    assert.match(error.message, /UTF-8/);
  });

  it('survives a bogus Host header', async (t) => {
    const port = await listen(t);
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port, path: '/card', headers: { Host: 'evil host/<>' } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end();
    });
    assert.equal(status, 200);
  });

  it('hands authenticate the request as sent: its URL, query and every header', async (t) => {
    const seen: { url: string; method: string; tags: string | null; cookies: string[] }[] = [];
    const port = await listen(t, (request) => {
      seen.push({
        url: request.url,
        method: request.method,
        tags: request.headers.get('x-tag'),
        cookies: request.headers.getSetCookie(),
      });
      return 'cus_demo';
    });
    const { request } = await import('node:http');
    /** A GET with the given Host and repeated headers; resolves to the status. */
    const get = (host: string, path: string) =>
      new Promise<number>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, path, setHost: false }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.setHeader('Host', host);
        req.setHeader('X-Tag', ['a', 'b']);
        req.setHeader('Set-Cookie', ['one=1', 'two=2']);
        req.on('error', reject);
        req.end();
      });

    assert.equal(await get('shop.example:8080', '/card?lang=ja'), 200);
    // A Host the adapter's pattern lets through but no URL can carry: the fallback origin.
    assert.equal(await get('a:b:c', '/card'), 200);
    const asSent = { method: 'GET', tags: 'a, b', cookies: ['one=1', 'two=2'] };
    assert.deepEqual(seen, [
      { url: 'http://shop.example:8080/card?lang=ja', ...asSent },
      { url: 'http://localhost/card', ...asSent },
    ]);
  });
});

describe('limits over time', () => {
  function clocked(options: Parameters<typeof createCardkeepHandler>[0]) {
    let now = Date.parse('2030-03-01T12:00:00Z');
    const handler = createCardkeepHandler({ ...options, now: () => new Date(now), logger: false });
    const update = (month: number, key = `k${month}-${now}`) =>
      handler(
        new Request('http://127.0.0.1/card/expiry', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'Idempotency-Key': key },
          body: JSON.stringify({ cardId: CARD, month, year: 2031 }),
        }),
        { ip: '203.0.113.9' },
      );
    return { update, advance: (ms: number) => (now += ms) };
  }

  it('the write limit frees up as the minute slides on', async () => {
    const store = MemoryStore.demo('payment_failed', {
      now: () => new Date('2030-03-01T12:00:00Z'),
    });
    const { update, advance } = clocked({ store, authenticate: () => 'cus_demo' });
    for (let i = 0; i < 10; i++) {
      assert.equal((await update((i % 12) + 1)).status, 200);
      advance(1000);
    }
    const limited = await update(1);
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get('retry-after'), '50');
    advance(50_000);
    assert.equal((await update(2)).status, 200);
  });

  it('remembers an idempotency key for 24 hours, then forgets it', async () => {
    const store = MemoryStore.demo('payment_failed', {
      now: () => new Date('2030-03-01T12:00:00Z'),
    });
    const { update, advance } = clocked({
      store,
      authenticate: () => 'cus_demo',
      rateLimit: false,
    });
    const first = await update(5, 'same');
    assert.equal(first.status, 200);
    advance(23 * 3600_000);
    const replay = await update(6, 'same');
    assert.equal(replay.status, 422); // same key, other body
    advance(2 * 3600_000);
    const later = await update(6, 'same');
    assert.equal(later.status, 200);
    assert.equal(((await later.json()) as { card: { expMonth: number } }).card.expMonth, 6);
  });
});
