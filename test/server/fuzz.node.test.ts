// Whatever a client sends, the handler answers with a protocol response, never a 500.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { createCardkeepHandler, createLinkToken, MemoryStore } from '../../src/server/index.js';
import { YEAR as year, clock } from '../support/clock.js';
import { SECRET } from './harness.js';

const handler = createCardkeepHandler({
  store: MemoryStore.demo('payment_failed', { now: clock }),
  now: clock,
  authenticate: (request) => (request.headers.get('x-session') === 'yes' ? 'cus_demo' : null),
  basePath: '/cardkeep',
  linkSecret: SECRET,
  rateLimit: false,
  logger: false,
});

const token = createLinkToken('cus_demo', { secret: SECRET, now: clock });
const paths = [
  '/cardkeep/card',
  '/cardkeep/card/expiry',
  '/cardkeep/setup-session',
  '/cardkeep/card/replace',
  '/cardkeep/card/verify',
];

const header = fc.oneof(
  fc.string(),
  fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', ''),
);
const bodyValue = fc.oneof(
  fc.json(),
  fc.string(),
  fc
    .record(
      {
        cardId: fc.oneof(fc.constant('pm_demo_visa4242'), fc.string(), fc.integer()),
        month: fc.oneof(fc.integer({ min: -5, max: 20 }), fc.double(), fc.string()),
        year: fc.oneof(fc.integer({ min: year - 3, max: year + 25 }), fc.constant(null)),
        setupIntentId: fc.oneof(fc.string(), fc.constant('seti_x')),
      },
      { requiredKeys: [] },
    )
    .map((o) => JSON.stringify(o)),
  fc.uint8Array({ maxLength: 64 }),
);

const request = fc.record({
  method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'),
  path: fc.oneof(
    fc.constantFrom(...paths),
    fc.string().map((s) => `/cardkeep/${encodeURIComponent(s)}`),
  ),
  contentType: header,
  authorization: fc.oneof(
    fc.constant(undefined),
    fc.constant(`Bearer ${token}`),
    fc.string().map((s) => `Bearer ${s}`),
    fc.string(),
  ),
  session: fc.boolean(),
  idempotencyKey: fc.option(fc.string(), { nil: undefined }),
  body: bodyValue,
});

/** Header values fetch accepts (no control characters or non-Latin-1). */
const headerSafe = (value: string) => value.replace(/[^\x20-\x7e]/g, '');

describe('fuzzing the handler', () => {
  it('answers every request with JSON and a status below 500', async () => {
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const headers = new Headers();
        headers.set('content-type', headerSafe(r.contentType));
        if (r.authorization !== undefined)
          headers.set('authorization', headerSafe(r.authorization));
        if (r.session) headers.set('x-session', 'yes');
        if (r.idempotencyKey !== undefined)
          headers.set('idempotency-key', headerSafe(r.idempotencyKey));
        const hasBody = r.method !== 'GET' && r.method !== 'HEAD';
        const response = await handler(
          new Request(`http://127.0.0.1${r.path}`, {
            method: r.method,
            headers,
            ...(hasBody ? { body: r.body } : {}),
          }),
          { ip: '127.0.0.1' },
        );
        assert.ok(response.status < 500, `status ${response.status}`);
        const body = (await response.json()) as Record<string, unknown>;
        if (response.status >= 400) {
          const error = body.error as { code: unknown; message: unknown };
          assert.equal(typeof error.code, 'string');
          assert.equal(typeof error.message, 'string');
        }
      }),
      { numRuns: 400 },
    );
  });
});
