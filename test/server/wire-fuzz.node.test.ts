// The reference server as a Node http server, fed raw bytes: random methods, paths, header
// names and values, bodies whose Content-Length lies, chunked bodies, clients that hang up
// half-way. The fetch-level fuzz (fuzz.node.test.ts) cannot send most of this. Whatever
// arrives: never a 500, never a stack trace or a file path in an answer, no request left
// hanging inside the server, and the server keeps serving.
import assert from 'node:assert/strict';
import { EventEmitter, once } from 'node:events';
import { connect, type AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  createCardkeepHandler,
  createLinkToken,
  createNodeServer,
  MemoryStore,
  type ClientInfo,
} from '../../src/server/index.js';
import { YEAR as year, clock } from '../support/clock.js';
import { SECRET } from './harness.js';

const token = createLinkToken('cus_demo', { secret: SECRET, now: clock });

/** Sends `bytes`, half-closes, and collects what comes back (or '' after `waitMs`). */
function raw(port: number, bytes: Buffer, waitMs = 2000): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(Buffer.concat(chunks).toString('latin1'));
    };
    const timer = setTimeout(done, waitMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', done);
    socket.on('error', done);
    socket.on('connect', () => socket.end(bytes));
  });
}

const token68 = fc.stringMatching(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,20}$/);
const headerValue = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.stringMatching(/^[\x20-\x7e]{0,40}$/),
  fc.constantFrom(
    'application/json',
    `Bearer ${token}`,
    'Bearer ',
    'chunked',
    '-1',
    '99999999999999999999',
    '0',
    '\u00ff\u00fe',
  ),
);
const validBody = JSON.stringify({ cardId: 'pm_demo_visa4242', month: 4, year: year + 3 });

const request = fc.record({
  // Mostly methods Node's parser knows (it refuses the rest itself, before our code runs).
  method: fc.oneof(
    { arbitrary: fc.constantFrom('GET', 'POST', 'POST', 'PUT', 'HEAD', 'OPTIONS'), weight: 9 },
    { arbitrary: token68, weight: 1 },
  ),
  path: fc.oneof(
    fc.constantFrom('/cardkeep/card', '/cardkeep/card/expiry', '/cardkeep/setup-session'),
    fc.string({ maxLength: 30 }).map((s) => `/cardkeep/${s.replace(/[\s]/g, '')}`),
    fc.constantFrom('*', '//', '/cardkeep/card?cardkeep_token=x', '/%00', '/cardkeep/card/..'),
  ),
  headers: fc.array(
    fc.tuple(
      fc.oneof(
        token68,
        fc.constantFrom(
          'content-type',
          'content-length',
          'authorization',
          'idempotency-key',
          'x-forwarded-for',
        ),
      ),
      headerValue,
    ),
    { maxLength: 6 },
  ),
  body: fc.oneof(
    fc.constant(validBody),
    fc.string({ maxLength: 200 }),
    fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a).toString('latin1')),
  ),
  session: fc.boolean(),
  /** How the body's length is declared: truly, too short, too long, chunked, or not at all. */
  framing: fc.constantFrom('true', 'short', 'long', 'chunked', 'none'),
});

function encode(r: RequestShape): Buffer {
  const body = Buffer.from(r.body, 'latin1');
  const lines = [`${r.method} ${r.path} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: close'];
  if (r.session) lines.push('X-Session: yes');
  for (const [name, value] of r.headers) lines.push(`${name}: ${value.replace(/[\r\n]/g, '')}`);
  let payload = body;
  if (r.framing === 'true') lines.push(`Content-Length: ${body.length}`);
  if (r.framing === 'short') lines.push(`Content-Length: ${Math.max(0, body.length - 3)}`);
  if (r.framing === 'long') lines.push(`Content-Length: ${body.length + 50}`);
  if (r.framing === 'chunked') {
    lines.push('Transfer-Encoding: chunked');
    payload = Buffer.concat([
      Buffer.from(`${body.length.toString(16)}\r\n`),
      body,
      Buffer.from('\r\n0\r\n\r\n'),
    ]);
  }
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), payload]);
}

interface RequestShape {
  method: string;
  path: string;
  headers: Array<[string, string]>;
  body: string;
  session: boolean;
  framing: string;
}

describe('fuzzing the Node server with raw HTTP', () => {
  it('never a 500 or a stack trace, nothing left hanging, and it keeps serving', async (t) => {
    let inFlight = 0;
    const requests = new EventEmitter();
    const handler = createCardkeepHandler({
      store: MemoryStore.demo('payment_failed', { now: clock }),
      now: clock,
      authenticate: (req) => (req.headers.get('x-session') === 'yes' ? 'cus_demo' : null),
      basePath: '/cardkeep',
      linkSecret: SECRET,
      rateLimit: false,
      logger: false,
    });
    // Count requests the handler has started and not yet answered.
    const counted = Object.assign(
      async (req: Request, client?: ClientInfo) => {
        inFlight++;
        try {
          return await handler(req, client);
        } finally {
          inFlight--;
          if (inFlight === 0) requests.emit('idle');
        }
      },
      { basePath: handler.basePath, maxBodyBytes: handler.maxBodyBytes },
    );
    const server = createNodeServer(counted);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    t.after(() => {
      server.closeAllConnections();
      server.close();
    });
    const { port } = server.address() as AddressInfo;

    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const answer = await raw(port, encode(r), 1500);
        const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        // 0: the client lied about the length and the server is still waiting for the rest:
        // it ends when the client goes, as here.
        assert.ok(status < 500, `status ${status} for ${JSON.stringify(r)}`);
        assert.doesNotMatch(answer, /\n\s+at |node:internal|\/src\/|\.ts:\d/, 'no stack trace');
      }),
      { numRuns: 300 },
    );

    // The runs reached our routes, not just Node's parser (which answers 400 by itself).
    const ours = [...statuses.keys()].filter((status) => status !== 400 && status !== 0);
    assert.ok(ours.length >= 3, [...statuses].join());
    // Every request that reached the handler has been answered or given up with its client.
    if (inFlight > 0) {
      const signal = AbortSignal.timeout(5000);
      await once(requests, 'idle', { signal }).catch(() => undefined);
    }
    assert.equal(inFlight, 0, 'requests left hanging in the handler');
    const after = await fetch(`http://127.0.0.1:${port}/cardkeep/card`, {
      headers: { 'x-session': 'yes' },
    });
    assert.equal(after.status, 200, 'still serving');
  });
});
