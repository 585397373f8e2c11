// The reference server driven by the real HttpAdapter over real HTTP on loopback.
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { HttpAdapter } from '../../src/adapter/http-adapter.js';
import { CardkeepError } from '../../src/core/errors.js';
import {
  createLinkToken,
  demoCustomer,
  MemoryStore,
  type CardkeepHandlerOptions,
} from '../../src/server/index.js';
import { TODAY, YEAR, clock } from '../support/clock.js';
import { errorOf, post, SECRET, startServer } from './harness.js';

const CARD = 'pm_demo_visa4242';
const nextYear = YEAR + 1;

async function serve(t: TestContext, options: Partial<CardkeepHandlerOptions> = {}) {
  const server = await startServer(options);
  t.after(() => server.close());
  return server;
}

async function adapterFor(
  t: TestContext,
  options: Partial<CardkeepHandlerOptions> = {},
  adapterOptions: Partial<ConstructorParameters<typeof HttpAdapter>[0]> = {},
) {
  const server = await serve(t, options);
  const adapter = new HttpAdapter({ endpoint: server.endpoint, retryDelay: 1, ...adapterOptions });
  return { server, adapter };
}

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<CardkeepError> {
  const error = await promise.then(
    () => assert.fail(`expected ${code}, but the call succeeded`),
    (e: unknown) => e,
  );
  assert.ok(error instanceof CardkeepError, `expected a CardkeepError, got ${String(error)}`);
  assert.equal(error.code, code, error.message);
  return error;
}

/** A MemoryStore that counts the writes that reached it. */
class CountingStore extends MemoryStore {
  updates = 0;
  override async updateExpiry(...args: Parameters<MemoryStore['updateExpiry']>) {
    this.updates += 1;
    return super.updateExpiry(...args);
  }
}

describe('reference server with HttpAdapter', () => {
  describe('happy path', () => {
    it('shows the demo card, fixes its expiry and retries the failed renewal', async (t) => {
      const { adapter } = await adapterFor(t);
      const before = await adapter.getCard();
      assert.equal(before?.status, 'payment_failed');
      assert.equal(before?.last4, '4242');
      assert.equal(before?.customerName, 'Hanako Sato');
      assert.equal(before?.customerSince, 2019);

      const result = await adapter.updateExpiry({ cardId: CARD, month: 8, year: nextYear });
      assert.equal(result.expMonth, 8);
      assert.equal(result.expYear, nextYear);
      assert.equal(result.status, 'ok');
      assert.deepEqual(result.payment, { status: 'succeeded', amount: 1980, currency: 'jpy' });

      const after = await adapter.getCard();
      assert.equal(after?.status, 'ok');
      assert.equal(after?.expMonth, 8);
    });

    it('keeps the date but reports a declined renewal', async (t) => {
      const store = MemoryStore.demo('payment_failed', { now: clock, declineRenewal: true });
      const { adapter } = await adapterFor(t, { store });
      const result = await adapter.updateExpiry({ cardId: CARD, month: 8, year: nextYear });
      assert.equal(result.status, 'payment_failed');
      assert.equal(result.payment?.status, 'failed');
      assert.equal((await adapter.getCard())?.expYear, nextYear);
    });

    it('replaces the card through a setup session', async (t) => {
      const { adapter } = await adapterFor(t);
      const session = await adapter.createSetupSession();
      assert.match(session.publishableKey, /^pk_/);
      const setupIntentId = session.clientSecret.split('_secret_')[0]!;
      const result = await adapter.completeReplacement({ setupIntentId });
      assert.notEqual(result.id, CARD);
      assert.equal(result.status, 'ok');
      assert.equal(result.payment?.status, 'succeeded');
    });

    it('asks for authentication and finishes after verify', async (t) => {
      const store = MemoryStore.demo('payment_failed', { now: clock, requireAuthentication: true });
      const { adapter } = await adapterFor(t, { store });
      const started = await adapter.updateExpiry({ cardId: CARD, month: 8, year: nextYear });
      assert.equal(started.action?.type, 'authenticate');
      assert.equal(started.status, 'payment_failed');
      const setupIntentId = started.action.clientSecret.split('_secret_')[0]!;
      const done = await adapter.verify({ setupIntentId });
      assert.equal(done.expMonth, 8);
      assert.equal(done.status, 'ok');
      assert.equal(done.payment?.status, 'succeeded');
    });

    it('answers null when the customer has no card', async (t) => {
      const { adapter } = await adapterFor(t, {
        store: MemoryStore.demo('none', { now: clock }),
      });
      assert.equal(await adapter.getCard(), null);
    });
  });

  describe('every error code', () => {
    it('unauthorized: no session', async (t) => {
      const { adapter } = await adapterFor(t, { authenticate: () => null });
      const error = await rejectsWith(adapter.getCard(), 'unauthorized');
      assert.equal(error.status, 401);
      assert.equal(error.retryable, false);
    });

    it('invalid_expiry: the server re-checks what the client sends', async (t) => {
      const { adapter } = await adapterFor(t);
      const year = YEAR;
      for (const input of [
        { month: 1, year: year - 1 },
        { month: 13, year: year + 1 },
        { month: 1, year: year + 21 },
        { month: 1, year: 30 },
      ]) {
        const error = await rejectsWith(
          adapter.updateExpiry({ cardId: CARD, ...input }),
          'invalid_expiry',
        );
        assert.equal(error.status, 422);
      }
      assert.equal((await adapter.getCard())?.status, 'payment_failed');
    });

    it('names the reason an expiry was refused', async (t) => {
      const { endpoint } = await serve(t);
      const response = await post(`${endpoint}/card/expiry`, {
        cardId: CARD,
        month: 1,
        year: 2001,
      });
      assert.equal(response.status, 422);
      assert.deepEqual(await errorOf(response), {
        code: 'invalid_expiry',
        message: 'The expiry date is not acceptable (past).',
        reason: 'past',
      });
    });

    it('card_declined: the issuer refuses the new date', async (t) => {
      const store = MemoryStore.demo('payment_failed', { now: clock, declineUpdate: true });
      const { adapter } = await adapterFor(t, { store });
      const error = await rejectsWith(
        adapter.updateExpiry({ cardId: CARD, month: 8, year: nextYear }),
        'card_declined',
      );
      assert.equal(error.retryable, false);
    });

    it('server: an unexpected store failure is an opaque 500, logged without details', async (t) => {
      const logged: unknown[] = [];
      const store = MemoryStore.demo('payment_failed', { now: clock });
      store.getCard = async () => {
        throw new Error('database is down at db.internal:5432');
      };
      const { server, adapter } = await adapterFor(t, {
        store,
        logger: { error: (...args) => logged.push(args) },
      });
      const error = await rejectsWith(adapter.getCard(), 'server');
      assert.equal(error.status, 500);
      const body = await (await fetch(`${server.endpoint}/card`)).text();
      assert.doesNotMatch(body, /database|db\.internal|at .*\.ts/);
      assert.match(JSON.stringify(logged), /database is down/);
    });

    it('timeout: a stalled backend gives up after the timeout (and one retry)', async (t) => {
      let calls = 0;
      const store = MemoryStore.demo('payment_failed', { now: clock });
      store.getCard = () => {
        calls += 1;
        return new Promise(() => {});
      };
      const { adapter } = await adapterFor(t, { store }, { timeout: 100 });
      const error = await rejectsWith(adapter.getCard(), 'timeout');
      assert.equal(error.retryable, true);
      assert.equal(calls, 2);
    });

    it('network: nothing listens at the endpoint', async (t) => {
      const { endpoint, close } = await startServer();
      await close();
      void t;
      const adapter = new HttpAdapter({ endpoint, retryDelay: 1 });
      const error = await rejectsWith(adapter.getCard(), 'network');
      assert.equal(error.retryable, true);
    });

    it('rate_limited: the customer exceeded the write limit, with Retry-After', async (t) => {
      const { adapter, server } = await adapterFor(t, { rateLimit: { customerWrites: 3 } });
      for (let month = 1; month <= 3; month++) {
        await adapter.updateExpiry({ cardId: CARD, month, year: nextYear });
      }
      const error = await rejectsWith(
        adapter.updateExpiry({ cardId: CARD, month: 4, year: nextYear }),
        'rate_limited',
      );
      assert.ok(error.retryAfter! > 0 && error.retryAfter! <= 60);
      const raw = await post(`${server.endpoint}/card/expiry`, {
        cardId: CARD,
        month: 5,
        year: nextYear,
      });
      assert.equal(raw.status, 429);
      assert.ok(Number(raw.headers.get('retry-after')) > 0);
      assert.equal((await adapter.getCard())?.expMonth, 3);
    });

    it('rate_limited: per client IP, before authentication', async (t) => {
      const { adapter } = await adapterFor(t, {
        rateLimit: { ipReads: 2 },
        authenticate: () => null,
      });
      await rejectsWith(adapter.getCard(), 'unauthorized');
      await rejectsWith(adapter.getCard(), 'unauthorized');
      await rejectsWith(adapter.getCard(), 'rate_limited');
    });

    it('card ids of someone else are refused (409 card_mismatch)', async (t) => {
      const { adapter, server } = await adapterFor(t);
      const error = await rejectsWith(
        adapter.updateExpiry({ cardId: 'pm_someone_else', month: 8, year: nextYear }),
        'server',
      );
      assert.equal(error.status, 409);
      assert.equal(error.retryable, false);
      const raw = await post(`${server.endpoint}/card/expiry`, {
        cardId: 'pm_x',
        month: 8,
        year: nextYear,
      });
      assert.equal((await errorOf(raw)).code, 'card_mismatch');
    });
  });

  describe('protocol hygiene', () => {
    it('404 for unknown routes and 405 with Allow for the wrong method', async (t) => {
      const { endpoint } = await serve(t);
      const missing = await fetch(`${endpoint}/cards`);
      assert.equal(missing.status, 404);
      assert.equal((await errorOf(missing)).code, 'not_found');
      const wrong = await fetch(`${endpoint}/card`, { method: 'DELETE' });
      assert.equal(wrong.status, 405);
      assert.equal(wrong.headers.get('allow'), 'GET');
      const get = await fetch(`${endpoint}/card/expiry`);
      assert.equal(get.status, 405);
      assert.equal(get.headers.get('allow'), 'POST');
    });

    it('415 for a body that is not JSON', async (t) => {
      const { endpoint } = await serve(t);
      const response = await post(`${endpoint}/card/expiry`, `cardId=${CARD}&month=8`, {
        'Content-Type': 'application/x-www-form-urlencoded',
      });
      assert.equal(response.status, 415);
      assert.equal((await errorOf(response)).code, 'unsupported_media_type');
    });

    it('415 for what a cross-site HTML form can send, on every write route', async (t) => {
      const { endpoint } = await serve(t);
      for (const route of ['/setup-session', '/card/expiry', '/card/replace', '/card/verify']) {
        for (const type of [
          'application/x-www-form-urlencoded',
          'multipart/form-data; boundary=x',
          'text/plain',
        ]) {
          const response = await post(`${endpoint}${route}`, '', { 'Content-Type': type });
          assert.equal(response.status, 415, `${route} ${type}`);
        }
      }
      // The widget's own call, and a bare POST without a body, still open a session.
      assert.equal((await post(`${endpoint}/setup-session`, {})).status, 200);
      assert.equal((await fetch(`${endpoint}/setup-session`, { method: 'POST' })).status, 200);
    });

    it('413 for a body over 8 KB, declared or streamed', async (t) => {
      const { endpoint } = await serve(t);
      const big = JSON.stringify({ cardId: CARD, month: 8, year: nextYear, pad: 'x'.repeat(9000) });
      const declared = await post(`${endpoint}/card/expiry`, big);
      assert.equal(declared.status, 413);
      const chunks = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode(big));
          controller.close();
        },
      });
      const streamed = await fetch(`${endpoint}/card/expiry`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: chunks,
        duplex: 'half',
      } as RequestInit);
      assert.equal(streamed.status, 413);
      assert.equal((await errorOf(streamed)).code, 'payload_too_large');
    });

    it('400 for malformed JSON, non-objects and missing fields', async (t) => {
      const { endpoint, close } = await serve(t);
      void close;
      for (const body of ['{"cardId":', '[1,2]', '"text"', 'null', '{}', '{"cardId":"pm_x"}']) {
        const response = await post(`${endpoint}/card/expiry`, body);
        assert.equal(response.status, 400, body);
        assert.equal((await errorOf(response)).code, 'bad_request');
      }
      const invalidUtf8 = await fetch(`${endpoint}/card/expiry`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]),
      });
      assert.equal(invalidUtf8.status, 400);
    });

    it('never answers with a stack trace or HTML', async (t) => {
      const { endpoint } = await serve(t);
      const response = await post(`${endpoint}/card/expiry`, '{"cardId": [}');
      const text = await response.text();
      assert.match(response.headers.get('content-type')!, /^application\/json/);
      assert.equal(response.headers.get('cache-control'), 'no-store');
      assert.doesNotMatch(text, /at |\.ts:|SyntaxError|</);
    });
  });

  describe('idempotency', () => {
    /** A fetch that loses the first POST's response after the server has answered it. */
    function lossyFetch() {
      const keys: string[] = [];
      let lose = true;
      const lossy: typeof fetch = async (input, init) => {
        const response = await fetch(input, init);
        if (init?.method === 'POST') {
          keys.push(new Headers(init.headers).get('idempotency-key') ?? '');
          if (lose) {
            lose = false;
            await response.arrayBuffer();
            throw new TypeError('fetch failed');
          }
        }
        return response;
      };
      return { lossy, keys };
    }

    it('a retry after a lost response is applied once and answered the same', async (t) => {
      const store = new CountingStore({
        now: clock,
        customers: [demoCustomer('payment_failed', TODAY)],
      });
      const { endpoint } = await serve(t, { store });
      const { lossy, keys } = lossyFetch();
      const adapter = new HttpAdapter({ endpoint, fetch: lossy, retryDelay: 1 });
      const result = await adapter.updateExpiry({ cardId: CARD, month: 8, year: nextYear });
      assert.equal(store.updates, 1);
      assert.equal(keys.length, 2);
      assert.equal(keys[0], keys[1]);
      assert.match(keys[0]!, /^[a-z]{26}$/);
      // The replayed first answer still says the renewal went through.
      assert.equal(result.payment?.status, 'succeeded');
    });

    it('simultaneous requests with one key run the update once', async (t) => {
      const store = new CountingStore({
        now: clock,
        customers: [demoCustomer('payment_failed', TODAY)],
      });
      const { endpoint } = await serve(t, { store, rateLimit: false });
      const body = { cardId: CARD, month: 8, year: nextYear };
      const responses = await Promise.all(
        Array.from({ length: 5 }, () =>
          post(`${endpoint}/card/expiry`, body, { 'Idempotency-Key': 'same-key' }),
        ),
      );
      assert.equal(store.updates, 1);
      const texts = await Promise.all(responses.map((r) => r.text()));
      assert.ok(responses.every((r) => r.status === 200));
      assert.equal(new Set(texts).size, 1);
      const replayed = responses.filter((r) => r.headers.get('idempotent-replayed') === 'true');
      assert.equal(replayed.length, 4);
    });

    it('a key reused for a different body is refused with 422', async (t) => {
      const { endpoint } = await serve(t);
      const headers = { 'Idempotency-Key': 'k-1' };
      await post(`${endpoint}/card/expiry`, { cardId: CARD, month: 8, year: nextYear }, headers);
      const reused = await post(
        `${endpoint}/card/expiry`,
        { cardId: CARD, month: 9, year: nextYear },
        headers,
      );
      assert.equal(reused.status, 422);
      assert.equal((await errorOf(reused)).code, 'idempotency_key_reused');
    });

    it('keys are scoped per customer', async (t) => {
      const store = new CountingStore({
        now: clock,
        customers: [demoCustomer('ok', TODAY, 'cus_a'), demoCustomer('ok', TODAY, 'cus_b')],
      });
      const { endpoint } = await serve(t, {
        store,
        authenticate: (request) => request.headers.get('x-customer'),
      });
      for (const customer of ['cus_a', 'cus_b']) {
        const response = await post(
          `${endpoint}/card/expiry`,
          { cardId: CARD, month: 8, year: nextYear },
          { 'Idempotency-Key': 'k', 'X-Customer': customer },
        );
        assert.equal(response.status, 200);
      }
      assert.equal(store.updates, 2);
    });

    it('a server error is not remembered: the retry with the same key runs again', async (t) => {
      const store = new CountingStore({
        now: clock,
        customers: [demoCustomer('payment_failed', TODAY)],
      });
      const update = store.updateExpiry.bind(store);
      let failOnce = true;
      store.updateExpiry = async (...args) => {
        if (failOnce) {
          failOnce = false;
          throw new Error('transient');
        }
        return update(...args);
      };
      const { adapter } = await adapterFor(t, { store });
      const result = await adapter.updateExpiry({ cardId: CARD, month: 8, year: nextYear });
      assert.equal(result.expMonth, 8);
      assert.equal(result.payment?.status, 'succeeded');
    });

    it('refuses a malformed Idempotency-Key', async (t) => {
      const { endpoint } = await serve(t);
      const response = await post(
        `${endpoint}/card/expiry`,
        { cardId: CARD, month: 8, year: nextYear },
        { 'Idempotency-Key': 'x'.repeat(300) },
      );
      assert.equal(response.status, 400);
    });
  });

  describe('concurrency', () => {
    it('parallel updates all land, one at a time, and the renewal is charged once', async (t) => {
      const { adapter } = await adapterFor(t, { rateLimit: false });
      const months = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
      const results = await Promise.all(
        months.map((month) => adapter.updateExpiry({ cardId: CARD, month, year: nextYear })),
      );
      assert.deepEqual(
        results.map((r) => r.expMonth),
        months,
      );
      const charged = results.filter((r) => r.payment?.status === 'succeeded');
      assert.equal(charged.length, 1);
      const final = await adapter.getCard();
      assert.ok(months.includes(final!.expMonth!));
      assert.equal(final!.status, 'ok');
    });
  });

  describe('signed links', () => {
    const token = (customer = 'cus_demo', ttl: number | string = '72h', now?: () => Date) =>
      createLinkToken(customer, { secret: SECRET, ttl, now: now ?? clock });
    const noSession = { authenticate: () => null };

    it('a link token works without a session and is spent by the update', async (t) => {
      const { adapter } = await adapterFor(t, noSession, { token: token() });
      assert.equal((await adapter.getCard())?.last4, '4242');
      await adapter.updateExpiry({ cardId: CARD, month: 8, year: nextYear });
      const replay = await rejectsWith(
        adapter.updateExpiry({ cardId: CARD, month: 9, year: nextYear }),
        'unauthorized',
      );
      assert.match(replay.message, /already been used/);
      // Reading is still fine: the shopper sees the result after a reload.
      assert.equal((await adapter.getCard())?.expMonth, 8);
    });

    it('a refused expiry or a setup session does not spend the link', async (t) => {
      const { adapter } = await adapterFor(t, noSession, { token: token() });
      await rejectsWith(
        adapter.updateExpiry({ cardId: CARD, month: 1, year: 2001 }),
        'invalid_expiry',
      );
      const session = await adapter.createSetupSession();
      const setupIntentId = session.clientSecret.split('_secret_')[0]!;
      await adapter.completeReplacement({ setupIntentId });
      await rejectsWith(adapter.createSetupSession(), 'unauthorized');
    });

    it('the retry of the spending request is replayed, not refused', async (t) => {
      const { endpoint } = await serve(t, noSession);
      let lose = true;
      const lossy: typeof fetch = async (input, init) => {
        const response = await fetch(input, init);
        if (init?.method === 'POST' && lose) {
          lose = false;
          throw new TypeError('fetch failed');
        }
        return response;
      };
      const adapter = new HttpAdapter({ endpoint, token: token(), fetch: lossy, retryDelay: 1 });
      const result = await adapter.updateExpiry({ cardId: CARD, month: 8, year: nextYear });
      assert.equal(result.expMonth, 8);
    });

    it('parallel writes with one link: exactly one wins', async (t) => {
      const { endpoint } = await serve(t, { ...noSession, rateLimit: false });
      const link = token();
      const responses = await Promise.all(
        [1, 2, 3, 4, 5].map((month) =>
          post(
            `${endpoint}/card/expiry`,
            { cardId: CARD, month, year: nextYear },
            { Authorization: `Bearer ${link}`, 'Idempotency-Key': `k${month}` },
          ),
        ),
      );
      assert.deepEqual(responses.map((r) => r.status).sort(), [200, 401, 401, 401, 401]);
    });

    it('a rotated secret: links signed with the old one still work, others do not', async (t) => {
      const fresh = 'n'.repeat(40);
      const { endpoint } = await serve(t, { ...noSession, linkSecret: [fresh, SECRET] });
      const card = (link: string) =>
        fetch(`${endpoint}/card`, { headers: { Authorization: `Bearer ${link}` } });
      assert.equal((await card(token())).status, 200, 'signed with the old secret');
      assert.equal(
        (await card(createLinkToken('cus_demo', { secret: fresh, now: clock }))).status,
        200,
      );
      const foreign = await card(
        createLinkToken('cus_demo', { secret: 'y'.repeat(40), now: clock }),
      );
      assert.equal(foreign.status, 401);
      assert.equal(
        ((await foreign.json()) as { error: { reason: string } }).error.reason,
        'bad_signature',
      );
    });

    const reasons: Array<[string, () => string, string]> = [
      [
        'a tampered signature',
        () => token().slice(0, -2) + (token().endsWith('AA') ? 'BB' : 'AA'),
        'bad_signature',
      ],
      [
        'another customer spliced in',
        () => {
          const parts = token().split('.');
          parts[1] = Buffer.from('cus_other').toString('base64url');
          return parts.join('.');
        },
        'bad_signature',
      ],
      [
        'a later expiry spliced in',
        () => token().replace(/\.(\d+)\./, (_, s) => `.${Number(s) + 3600}.`),
        'bad_signature',
      ],
      ['garbage', () => 'not-a-token', 'malformed'],
      [
        'an expired link',
        () => token('cus_demo', 60, () => new Date(clock().getTime() - 3_600_000)),
        'expired',
      ],
      [
        'a link signed with another secret',
        () => createLinkToken('cus_demo', { secret: 'y'.repeat(40), now: clock }),
        'bad_signature',
      ],
    ];
    for (const [name, make, reason] of reasons) {
      it(`401 ${reason} for ${name}`, async (t) => {
        const { endpoint } = await serve(t, noSession);
        const response = await fetch(`${endpoint}/card`, {
          headers: { Authorization: `Bearer ${make()}` },
        });
        assert.equal(response.status, 401);
        assert.equal(response.headers.get('www-authenticate'), 'Bearer');
        const error = await errorOf(response);
        assert.equal(error.code, 'unauthorized');
        assert.equal(error.reason, reason);
      });
    }

    it('a dead link names the ways forward: a new link only for a genuine one', async (t) => {
      const { endpoint } = await serve(t, {
        ...noSession,
        loginUrl: '/account/login',
        publicOrigin: 'https://shop.example',
        sendLink: () => undefined,
      });
      const ways = async (link: string) => {
        const response = await fetch(`${endpoint}/card`, {
          headers: { Authorization: `Bearer ${link}` },
        });
        const { reason, resend, loginUrl } = (await errorOf(response)) as Record<string, unknown>;
        return { status: response.status, reason, resend, loginUrl };
      };
      const expired = token('cus_demo', 60, () => new Date(clock().getTime() - 3_600_000));
      assert.deepEqual(await ways(expired), {
        status: 401,
        reason: 'expired',
        resend: '/cardkeep/update/resend',
        loginUrl: '/account/login',
      });
      const forged = token().slice(0, -2) + (token().endsWith('AA') ? 'BB' : 'AA');
      assert.deepEqual(await ways(forged), {
        status: 401,
        reason: 'bad_signature',
        resend: undefined,
        loginUrl: '/account/login',
      });
    });

    it('a dead link offers nothing the merchant did not configure', async (t) => {
      const { endpoint } = await serve(t, noSession);
      const expired = token('cus_demo', 60, () => new Date(clock().getTime() - 3_600_000));
      const error = (await errorOf(
        await fetch(`${endpoint}/card`, { headers: { Authorization: `Bearer ${expired}` } }),
      )) as Record<string, unknown>;
      assert.equal(error.reason, 'expired');
      assert.equal('resend' in error || 'loginUrl' in error, false);
    });

    it('401 links_disabled when the server has no link secret', async (t) => {
      const { endpoint } = await serve(t, { linkSecret: undefined });
      const response = await fetch(`${endpoint}/card`, {
        headers: { Authorization: `Bearer ${token()}` },
      });
      assert.equal((await errorOf(response)).reason, 'links_disabled');
    });

    it('the link decides who the shopper is, even with a session', async (t) => {
      const { adapter } = await adapterFor(t, {}, { token: token('cus_other') });
      assert.equal(await adapter.getCard(), null);
    });

    it('logs never contain the token, the card or the date', async (t) => {
      const lines: string[] = [];
      const sink = (message: string, fields: Record<string, unknown>) =>
        lines.push(`${message} ${JSON.stringify(fields)}`);
      const link = token();
      const { adapter } = await adapterFor(
        t,
        { ...noSession, logger: { info: sink, error: sink } },
        { token: link },
      );
      await adapter.getCard();
      await adapter.updateExpiry({ cardId: CARD, month: 8, year: nextYear });
      await rejectsWith(
        adapter.updateExpiry({ cardId: CARD, month: 9, year: nextYear }),
        'unauthorized',
      );
      assert.ok(lines.length >= 3);
      const all = lines.join('\n');
      for (const secret of [link, link.split('.')[3]!, '4242', CARD, String(nextYear)]) {
        assert.ok(!all.includes(secret), `log contains ${secret}`);
      }
    });
  });
});
