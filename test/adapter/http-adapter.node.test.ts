// HttpAdapter against a scripted fetch: what it sends, and how every failure comes out.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { HttpAdapter, type HttpAdapterOptions } from '../../src/adapter/http-adapter.js';
import { CardkeepError } from '../../src/core/errors.js';

const CARD = {
  id: 'pm_1',
  brand: 'visa',
  last4: '4242',
  expMonth: 12,
  expYear: 2030,
  status: 'ok',
};

type Step = Response | Error | 'hang' | ((init: RequestInit) => Response);
const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  });
const error = (status: number, code: string, headers: Record<string, string> = {}) =>
  json(status, { error: { code, message: `${code} happened` } }, headers);

/** A fetch that plays `steps` in order and records every call. */
function scripted(steps: Step[]) {
  const calls: Array<{ url: string; init: RequestInit; headers: Headers }> = [];
  const fetch = (async (url: string, init: RequestInit) => {
    calls.push({ url, init, headers: new Headers(init.headers) });
    const step = steps.shift() ?? new Error('no more steps');
    if (step === 'hang') {
      return new Promise((_, reject) =>
        init.signal!.addEventListener('abort', () =>
          reject(new DOMException('This operation was aborted', 'AbortError')),
        ),
      );
    }
    if (step instanceof Error) throw step;
    return typeof step === 'function' ? step(init) : step;
  }) as unknown as typeof globalThis.fetch;
  return { fetch, calls };
}

function adapter(steps: Step[], options: Partial<HttpAdapterOptions> = {}) {
  const { fetch, calls } = scripted(steps);
  return {
    calls,
    adapter: new HttpAdapter({ endpoint: '/cardkeep/', fetch, retryDelay: 1, ...options }),
  };
}

async function failure(promise: Promise<unknown>): Promise<CardkeepError> {
  const e = await promise.then(
    () => assert.fail('expected a rejection'),
    (x: unknown) => x,
  );
  assert.ok(e instanceof CardkeepError, `expected CardkeepError, got ${String(e)}`);
  return e;
}

const update = { cardId: 'pm_1', month: 1, year: 2031 };

describe('HttpAdapter', () => {
  describe('requests', () => {
    it('GETs {endpoint}/card with same-origin cookies and no write headers', async () => {
      const { adapter: a, calls } = adapter([json(200, { card: CARD })]);
      assert.deepEqual(await a.getCard(), CARD);
      assert.equal(calls[0]!.url, '/cardkeep/card');
      assert.equal(calls[0]!.init.method, 'GET');
      assert.equal(calls[0]!.init.credentials, 'same-origin');
      assert.equal(calls[0]!.headers.get('accept'), 'application/json');
      assert.equal(calls[0]!.headers.get('idempotency-key'), null);
      assert.equal(calls[0]!.headers.get('authorization'), null);
    });

    it('POSTs the update as JSON with an Idempotency-Key, token and CSRF header', async () => {
      const { adapter: a, calls } = adapter([json(200, { card: CARD })], {
        token: 'ck1.tok',
        csrfHeader: 'X-CSRF-Token',
        csrfToken: 'csrf-123',
        credentials: 'include',
      });
      await a.updateExpiry(update);
      const { url, init, headers } = calls[0]!;
      assert.equal(url, '/cardkeep/card/expiry');
      assert.deepEqual(JSON.parse(init.body as string), update);
      assert.equal(headers.get('content-type'), 'application/json');
      assert.match(headers.get('idempotency-key')!, /^[a-z]{26}$/);
      assert.equal(headers.get('authorization'), 'Bearer ck1.tok');
      assert.equal(headers.get('x-csrf-token'), 'csrf-123');
      assert.equal(init.credentials, 'include');
    });

    it('uses the other routes of the protocol', async () => {
      const { adapter: a, calls } = adapter([
        json(200, { clientSecret: 'seti_1_secret_2', publishableKey: 'pk_test' }),
        json(200, { card: CARD }),
        json(200, { card: CARD }),
      ]);
      await a.createSetupSession();
      await a.completeReplacement({ setupIntentId: 'seti_1' });
      await a.verify({ setupIntentId: 'seti_1' });
      assert.deepEqual(
        calls.map((c) => c.url),
        ['/cardkeep/setup-session', '/cardkeep/card/replace', '/cardkeep/card/verify'],
      );
      assert.deepEqual(JSON.parse(calls[2]!.init.body as string), { setupIntentId: 'seti_1' });
    });

    it('returns action and payment, and drops fields the protocol does not know', async () => {
      const { adapter: a } = adapter([
        json(200, {
          card: { ...CARD, number: '4242424242424242' },
          action: { type: 'authenticate', clientSecret: 'seti_secret', publishableKey: 'pk' },
          payment: { status: 'succeeded', amount: 1980, currency: 'jpy' },
        }),
      ]);
      assert.deepEqual(await a.updateExpiry(update), {
        ...CARD,
        action: { type: 'authenticate', clientSecret: 'seti_secret', publishableKey: 'pk' },
        payment: { status: 'succeeded', amount: 1980, currency: 'jpy' },
      });
    });

    it('reads a wallet card, a payment action and the newer payment statuses', async () => {
      const action = {
        type: 'authenticate',
        clientSecret: 'pi_1_secret_2',
        publishableKey: 'pk',
        intent: 'payment',
      };
      const { adapter: a, calls } = adapter([
        json(200, {
          card: { ...CARD, wallet: 'apple_pay' },
          action,
          payment: { status: 'requires_action' },
        }),
        json(200, { card: CARD, payment: { status: 'pending' } }),
        json(200, { card: CARD, action: { ...action, intent: 'other' } }),
      ]);
      assert.deepEqual(await a.updateExpiry(update), {
        ...CARD,
        wallet: 'apple_pay',
        action,
        payment: { status: 'requires_action' },
      });
      assert.deepEqual(await a.verify({ paymentIntentId: 'pi_1' }), {
        ...CARD,
        payment: { status: 'pending' },
      });
      assert.deepEqual(JSON.parse(calls[1]!.init.body as string), { paymentIntentId: 'pi_1' });
      // An intent this widget does not know is a SetupIntent's, the protocol's default.
      const other = await a.updateExpiry(update);
      assert.deepEqual(other.action, {
        type: 'authenticate',
        clientSecret: 'pi_1_secret_2',
        publishableKey: 'pk',
      });
    });

    it('answers null for {card: null}', async () => {
      const { adapter: a } = adapter([json(200, { card: null })]);
      assert.equal(await a.getCard(), null);
    });
  });

  describe('failures', () => {
    it('network: retries once with the same Idempotency-Key, then gives up', async () => {
      const { adapter: a, calls } = adapter([new TypeError('fetch failed'), new TypeError('x')]);
      const e = await failure(a.updateExpiry(update));
      assert.equal(e.code, 'network');
      assert.equal(e.retryable, true);
      assert.equal(calls.length, 2);
      assert.equal(
        calls[0]!.headers.get('idempotency-key'),
        calls[1]!.headers.get('idempotency-key'),
      );
    });

    it('network once, then the retry succeeds', async () => {
      const { adapter: a } = adapter([new TypeError('fetch failed'), json(200, { card: CARD })]);
      assert.deepEqual(await a.getCard(), CARD);
    });

    it('a 502 HTML page from a proxy is a retryable server error', async () => {
      const html = () => new Response('<html>Bad Gateway</html>', { status: 502 });
      const { adapter: a, calls } = adapter([html(), html()]);
      const e = await failure(a.getCard());
      assert.deepEqual([e.code, e.retryable, e.status, calls.length], ['server', true, 502, 2]);
    });

    it('malformed JSON or a wrong shape in a 200 is a server error, not retried', async () => {
      for (const body of [
        new Response('{"card": {', { status: 200 }),
        json(200, { card: { ...CARD, last4: 4242 } }),
        json(200, { cards: [] }),
        json(200, { card: CARD, payment: { status: 'maybe' } }),
        new Response(null, { status: 204 }),
      ]) {
        const { adapter: a, calls } = adapter([body]);
        const e = await failure(a.updateExpiry(update));
        assert.deepEqual([e.code, e.retryable, calls.length], ['server', false, 1]);
      }
    });

    it('a last4 that is not four digits is a wrong shape: no card number reaches the page', async () => {
      for (const last4 of ['4242424242424242', '42', 'abcd', '４２４２']) {
        const { adapter: a } = adapter([json(200, { card: { ...CARD, last4 } })]);
        assert.equal((await failure(a.getCard())).code, 'server', last4);
      }
    });

    it('server strings lose control and bidi characters, and stay short', async () => {
      const { adapter: a } = adapter([
        json(200, {
          card: {
            ...CARD,
            brand: 'vi\u202esa\u0000\u2066<b>x</b>\u2069',
            customerName: `\u202eHanako\u200f\n${'x'.repeat(300)}`,
          },
        }),
      ]);
      const card = (await a.getCard())!;
      assert.equal(card.brand, 'visa<b>x</b>');
      assert.equal(card.customerName, `Hanako${'x'.repeat(94)}`);
    });

    it('reads the greeting name as a string or per language, and what a payment was for', async () => {
      const read = async (greetingName: unknown) => {
        const { adapter: a } = adapter([json(200, { card: { ...CARD, greetingName } })]);
        return (await a.getCard())!.greetingName;
      };
      assert.equal(await read('Hanako'), 'Hanako');
      assert.deepEqual(await read({ en: 'Hanako', ja: '\u202e佐藤', 'bad key': 'x', de: 7 }), {
        en: 'Hanako',
        ja: '佐藤',
      });
      for (const junk of ['', 42, [], { de: 7 }, null]) assert.equal(await read(junk), undefined);

      const { adapter: a } = adapter([
        json(200, {
          card: CARD,
          payment: {
            status: 'succeeded',
            amount: 1980,
            currency: 'jpy',
            description: 'beans\u202e',
          },
        }),
      ]);
      const result = await a.updateExpiry({ cardId: CARD.id, month: 12, year: 2030 });
      assert.equal(result.payment?.description, 'beans');
    });

    it('401 and 403 are unauthorized, not retried', async () => {
      for (const status of [401, 403]) {
        const { adapter: a, calls } = adapter([error(status, 'unauthorized')]);
        const e = await failure(a.getCard());
        assert.deepEqual([e.code, e.retryable, calls.length], ['unauthorized', false, 1]);
      }
    });

    it('422 is invalid_expiry or card_declined, from the body code', async () => {
      const cases: Array<[Response, string]> = [
        [error(422, 'invalid_expiry'), 'invalid_expiry'],
        [error(422, 'card_declined'), 'card_declined'],
        [new Response('nope', { status: 422 }), 'invalid_expiry'],
        [error(402, 'card_declined'), 'card_declined'],
      ];
      for (const [response, code] of cases) {
        const { adapter: a } = adapter([response]);
        const e = await failure(a.updateExpiry(update));
        assert.deepEqual([e.code, e.retryable], [code, false]);
        assert.match(e.message, /happened|no message/);
      }
    });

    it('other 4xx answers are non-retryable server errors', async () => {
      for (const response of [
        error(409, 'card_mismatch'),
        error(422, 'idempotency_key_reused'),
        error(400, 'bad_request'),
      ]) {
        const { adapter: a, calls } = adapter([response]);
        const e = await failure(a.updateExpiry(update));
        assert.deepEqual([e.code, e.retryable, calls.length], ['server', false, 1]);
      }
    });

    it('429 with a short Retry-After is waited out and retried', async () => {
      const { adapter: a, calls } = adapter([
        error(429, 'rate_limited', { 'Retry-After': '0' }),
        json(200, { card: CARD }),
      ]);
      assert.deepEqual(await a.getCard(), CARD);
      assert.equal(calls.length, 2);
    });

    it('429 with a long Retry-After goes straight to the widget with retryAfter', async () => {
      const { adapter: a, calls } = adapter([error(429, 'rate_limited', { 'Retry-After': '120' })]);
      const e = await failure(a.updateExpiry(update));
      assert.deepEqual([e.code, e.retryAfter, calls.length], ['rate_limited', 120, 1]);
    });

    it('reads Retry-After given as an HTTP date', async () => {
      const date = new Date(Date.now() + 90_000).toUTCString();
      const { adapter: a } = adapter([error(429, 'rate_limited', { 'Retry-After': date })]);
      const e = await failure(a.getCard());
      assert.ok(e.retryAfter! > 60 && e.retryAfter! <= 91, String(e.retryAfter));
    });

    it('timeout: a backend that never answers', async () => {
      const { adapter: a, calls } = adapter(['hang', 'hang'], { timeout: 20 });
      const e = await failure(a.getCard());
      assert.deepEqual([e.code, e.retryable, calls.length], ['timeout', true, 2]);
    });

    it('never rejects with anything but a CardkeepError, whatever comes back', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 200, max: 599 }),
          fc.oneof(fc.string(), fc.json(), fc.constant('{"card":null}')),
          async (status, body) => {
            const noBody = [204, 205, 304].includes(status);
            const response = new Response(noBody ? null : body, { status });
            const { adapter: a } = adapter([response, response.clone()]);
            await a.updateExpiry(update).then(
              (card) => assert.equal(typeof card.id, 'string'),
              (e: unknown) => assert.ok(e instanceof CardkeepError, String(e)),
            );
          },
        ),
        { numRuns: 200 },
      );
    });
  });

  describe('abort', () => {
    it('an already aborted signal sends nothing', async () => {
      const { adapter: a, calls } = adapter([json(200, { card: CARD })]);
      const e = await a.getCard({ signal: AbortSignal.abort() }).catch((x: unknown) => x);
      assert.equal((e as Error).name, 'AbortError');
      assert.equal(calls.length, 0);
    });

    it('aborting during the request rejects with an AbortError, not a timeout', async () => {
      const controller = new AbortController();
      const { adapter: a, calls } = adapter(['hang']);
      const pending = a.getCard({ signal: controller.signal });
      controller.abort();
      const e = await pending.catch((x: unknown) => x);
      assert.equal((e as Error).name, 'AbortError');
      assert.ok(!(e instanceof CardkeepError));
      assert.equal(calls.length, 1);
    });

    it('aborting during the back-off stops the retry', async () => {
      const controller = new AbortController();
      const { adapter: a, calls } = adapter(
        [
          (_init) => {
            setTimeout(() => controller.abort(), 0);
            return new Response('busy', { status: 503 });
          },
          json(200, { card: CARD }),
        ],
        { retryDelay: 10_000 },
      );
      const e = await a.getCard({ signal: controller.signal }).catch((x: unknown) => x);
      assert.equal((e as Error).name, 'AbortError');
      assert.equal(calls.length, 1);
    });
  });

  it('in Node there is no page URL, so no link token is sent by default', async () => {
    const { adapter: a, calls } = adapter([json(200, { card: CARD })]);
    await a.getCard();
    assert.equal(calls[0]!.headers.get('authorization'), null);
  });
});
