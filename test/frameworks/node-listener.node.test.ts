// toNodeListener behind what merchants put in front of it: body parsers that already read the
// body (or declined it), a mount path, a webhook whose raw bytes a parser ate, and uploads far
// over the limit from clients that write the whole body before reading the answer.
import assert from 'node:assert/strict';
import { createServer, type RequestListener, type Server } from 'node:http';
import { execFile } from 'node:child_process';
import { connect, type AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import express from 'express';
import {
  createCardkeepHandler,
  MemoryStore,
  toNodeListener,
  type CardkeepHandlerOptions,
} from '../../src/server/index.js';
import { YEAR, clock } from '../support/clock.js';

const servers: Server[] = [];
after(() =>
  Promise.all(
    servers.map(
      (server) =>
        new Promise<void>((done) => {
          server.closeAllConnections();
          server.close(() => done());
        }),
    ),
  ),
);

async function listen(listener: RequestListener): Promise<string> {
  const server = createServer(listener);
  servers.push(server);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const handler = (options: Partial<CardkeepHandlerOptions> = {}) =>
  createCardkeepHandler({
    store: MemoryStore.demo('ok', { now: clock }),
    authenticate: () => 'cus_demo',
    basePath: '/cardkeep',
    logger: false,
    rateLimit: false,
    now: clock,
    ...options,
  });

const expiry = (year = YEAR + 3) => JSON.stringify({ cardId: 'pm_demo_visa4242', month: 7, year });

describe('toNodeListener behind body parsers and mounts', () => {
  it('uses a body express.text() or express.raw() already read', async () => {
    for (const parser of [express.text({ type: '*/*' }), express.raw({ type: '*/*' })]) {
      const app = express();
      app.use(parser);
      app.use(toNodeListener(handler()));
      const origin = await listen(app);
      const response = await fetch(`${origin}/cardkeep/card/expiry`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: expiry(),
        signal: AbortSignal.timeout(5000),
      });
      assert.equal(response.status, 200);
      assert.equal(((await response.json()) as { card: { expMonth: number } }).card.expMonth, 7);
    }
  });

  it('serves a handler without basePath mounted under a path, and one with it', async () => {
    const app = express();
    app.use(express.json());
    app.use('/shop/cardkeep', toNodeListener(handler({ basePath: '' })));
    app.use('/cardkeep', toNodeListener(handler()));
    const origin = await listen(app);
    for (const path of ['/shop/cardkeep/card', '/cardkeep/card']) {
      const response = await fetch(origin + path);
      assert.equal(response.status, 200, path);
      assert.equal(((await response.json()) as { card: { last4: string } }).card.last4, '4242');
    }
  });

  it('says the raw bytes are gone when a parser ran before a webhook, and never hangs', async () => {
    const app = express();
    app.use(express.json());
    const seen: unknown[] = [];
    const webhook = async (request: Request) => new Response(await request.text());
    app.post('/stripe/webhook', toNodeListener(webhook));
    app.use(
      (error: Error, _req: unknown, res: express.Response, _next: express.NextFunction): void => {
        seen.push(error.message);
        res.status(500).json({ error: error.message });
      },
    );
    const origin = await listen(app);
    const response = await fetch(`${origin}/stripe/webhook`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"id": "evt_1"}',
      signal: AbortSignal.timeout(5000),
    });
    assert.equal(response.status, 500);
    assert.equal(seen.length, 1);
    assert.match(String(seen[0]), /raw bytes are gone/);
    assert.match(String(seen[0]), /before the parser/);
  });
});

/**
 * Sends a whole request (head and body) before reading anything, as many HTTP clients do, and
 * returns what came back: the status line and body, or the socket error. Before the drain, 60 of
 * 100 such uploads lost their 413 to a connection reset (EPIPE / ECONNRESET) on this machine.
 */
function uploadThenRead(origin: string, bytes: number): Promise<string> {
  const { hostname, port } = new URL(origin);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    const received: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    socket.on('error', (error: NodeJS.ErrnoException) => resolve(`error ${error.code}`));
    socket.on('close', () => resolve(Buffer.concat(received).toString('latin1')));
    socket.pause(); // reads nothing until the body is out
    socket.write(
      'POST /cardkeep/card/expiry HTTP/1.1\r\nHost: shop.example\r\n' +
        `Content-Type: application/json\r\nContent-Length: ${bytes}\r\n\r\n`,
    );
    // Chunk by chunk, each handed to the kernel before the next, as an upload over a real
    // network goes: the server meets the limit while the client is still sending.
    const chunk = Buffer.alloc(16 * 1024, 'x');
    let sent = 0;
    const pump = () => {
      if (sent >= bytes) {
        socket.resume();
        return;
      }
      const piece = chunk.subarray(0, Math.min(chunk.length, bytes - sent));
      sent += piece.length;
      // A failed write (the server hung up) ends the upload; what arrived is still read.
      socket.write(piece, (error) => (error ? socket.resume() : setImmediate(pump)));
    };
    pump();
  });
}

describe('an upload over the limit', () => {
  it('gets its 413 in 100 parallel 1 MB uploads from clients that write before reading', async () => {
    const origin = await listen(toNodeListener(handler()));
    const results = await Promise.all(
      Array.from({ length: 100 }, () => uploadThenRead(origin, 1_000_000)),
    );
    const answered = results.filter((r) => r.startsWith('HTTP/1.1 413'));
    assert.equal(
      answered.length,
      100,
      `not answered: ${results.filter((r) => !r.startsWith('HTTP/1.1 413')).slice(0, 3)}`,
    );
    for (const result of answered) {
      assert.match(result, /\r\nconnection: close\r\n/i);
      assert.match(result, /"code":"payload_too_large"/);
    }
  });

  it('is cut off past the drain bound instead of being read forever', async () => {
    const origin = await listen(toNodeListener(handler()));
    // Declared larger than the server will ever drain: answered and closed at once.
    const result = await uploadThenRead(origin, 64 * 1024 * 1024);
    assert.ok(
      result.startsWith('HTTP/1.1 413') || result.startsWith('error'),
      `the server neither read 64 MB nor hung: ${result.slice(0, 40)}`,
    );
  });
});

describe('the demo on a busy port', () => {
  it('says so in one line that names PORT', async () => {
    const blocker = createServer();
    servers.push(blocker);
    await new Promise<void>((done) => blocker.listen(0, done));
    const port = (blocker.address() as AddressInfo).port;
    const result = await new Promise<{ code: number | null; stderr: string }>((done) => {
      execFile(
        process.execPath,
        ['demo/server.mjs'],
        { env: { ...process.env, PORT: String(port) }, timeout: 30_000 },
        (error, _stdout, stderr) => done({ code: error ? (error.code as number) : 0, stderr }),
      );
    });
    assert.equal(result.code, 1);
    const lines = result.stderr.trim().split('\n');
    assert.equal(lines.length, 1, result.stderr);
    assert.match(lines[0]!, new RegExp(`port ${port} is already in use.*PORT=`));
  });
});
