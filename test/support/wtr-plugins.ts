// Dev-server plugins for the browser suite. Runs in Node inside the test runner process.
// Mounts isolated instances of the real reference server under /__cardkeep so browser tests
// can talk to it over HTTP, inject faults and read what the backend received.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Plugin } from '@web/dev-server-core';
import { readBody } from '../../src/server/body.js';
import {
  createCardkeepHandler,
  createLinkToken,
  MemoryStore,
  type CardkeepHandler,
} from '../../src/server/index.js';
import { clock } from './clock.js';
import type { Fault, LoggedRequest, ServerOptions } from './server.js';

const BASE = '/__cardkeep';
const SECRET = 'wtr-reference-server-link-secret-0123456789';
const CUSTOMER = 'cus_demo';

interface Instance {
  id: string;
  store: MemoryStore;
  handler: CardkeepHandler;
  log: LoggedRequest[];
  faults: Array<Fault & { left: number }>;
  /** What the handler's logger wrote (JSON lines), to check it leaks nothing. */
  serverLog: string[];
  /** How many times each store method ran: a doubled update shows here. */
  writes: Record<string, number>;
}

const instances = new Map<string, Instance>();

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': typeof body === 'string' ? 'text/html' : 'application/json',
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(text);
}

/** The whole body (the server's own reader, without a limit: these are the tests' requests). */
async function readAll(req: IncomingMessage): Promise<Buffer> {
  return Buffer.from((await readBody(req))!);
}

function create(options: ServerOptions): Instance {
  const id = randomUUID();
  const store = MemoryStore.demo(options.seed ?? 'payment_failed', {
    declineRenewal: options.declineRenewal ?? false,
    declineUpdate: options.declineUpdate ?? false,
    requireAuthentication: options.requireAuthentication ?? false,
    // The test calendar, as the elements in the page read it: seeds, checks and links agree.
    now: clock,
  });
  const session = options.session ?? 'always';
  const serverLog: string[] = [];
  const writes: Record<string, number> = {};
  // Count the store's writes where they happen, behind idempotency and the per-customer lock.
  for (const method of ['updateExpiry', 'completeReplacement', 'verify'] as const) {
    const original = store[method].bind(store) as (...args: unknown[]) => Promise<unknown>;
    (store as unknown as Record<string, unknown>)[method] = async (...args: unknown[]) => {
      const result = await original(...args);
      writes[method] = (writes[method] ?? 0) + 1;
      return result;
    };
  }
  const handler = createCardkeepHandler({
    store,
    linkSecret: SECRET,
    basePath: `${BASE}/i/${id}`,
    now: clock,
    // The real logger interface, captured: tests read it back to check it leaks nothing.
    logger: {
      info: (message, fields) => serverLog.push(JSON.stringify({ message, ...fields })),
      error: (message, fields) => serverLog.push(JSON.stringify({ message, ...fields })),
    },
    ...(options.rateLimit === undefined ? {} : { rateLimit: options.rateLimit }),
    ...(options.ways?.loginUrl === undefined ? {} : { loginUrl: options.ways.loginUrl }),
    ...(options.ways?.sendLink
      ? {
          publicOrigin: 'http://127.0.0.1',
          sendLink: (customerId: string, link: { url: string }) => {
            serverLog.push(JSON.stringify({ message: 'sendLink', customerId, url: link.url }));
          },
        }
      : {}),
    authenticate: (request) => {
      if (session === 'always') return CUSTOMER;
      if (session === 'none') return null;
      const cookies = request.headers.get('cookie') ?? '';
      return cookies.split(/;\s*/).includes(`ck_session=${id}`) ? CUSTOMER : null;
    },
  });
  const faults = (options.faults ?? []).map((f) => ({ ...f, left: timesOf(f) }));
  if (options.stall) faults.push({ stall: true, left: Infinity });
  const instance: Instance = { id, store, handler, log: [], faults, serverLog, writes };
  instances.set(id, instance);
  return instance;
}

const timesOf = (fault: Fault) => (fault.times === 0 ? Infinity : (fault.times ?? 1));

function takeFault(instance: Instance, method: string, path: string) {
  const index = instance.faults.findIndex((f) => {
    if (f.left <= 0) return false;
    if (!f.route) return true;
    const [m, p] = f.route.includes(' ') ? f.route.split(' ') : [undefined, f.route];
    return p === path && (m === undefined || m === method);
  });
  if (index < 0) return undefined;
  const fault = instance.faults[index]!;
  fault.left -= 1;
  return fault;
}

async function serveInstance(
  instance: Instance,
  rest: string,
  req: IncomingMessage,
  res: ServerResponse,
) {
  const method = req.method ?? 'GET';
  const path = rest.split('?')[0]!;
  if (path === '/__log') return send(res, 200, instance.log);
  if (path === '/__state') {
    return send(res, 200, {
      card: await instance.store.getCard(CUSTOMER),
      writes: instance.writes,
      serverLog: instance.serverLog,
    });
  }
  if (path === '/__faults' && method === 'DELETE') {
    instance.faults = [];
    return send(res, 200, { faults: 0 });
  }
  if (path === '/__faults' && method === 'POST') {
    const faults = JSON.parse((await readAll(req)).toString('utf8')) as Fault[];
    for (const f of faults)
      instance.faults.push({ ...f, left: f.times === 0 ? Infinity : (f.times ?? 1) });
    return send(res, 200, { faults: instance.faults.length });
  }

  const raw = await readAll(req);
  const text = raw.toString('utf8');
  let body: unknown = null;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (name !== 'cookie' && value !== undefined) headers[name] = String(value);
  }
  const cookies = (req.headers.cookie ?? '')
    .split(/;\s*/)
    .filter(Boolean)
    .map((c) => c.split('=')[0]!);
  const entry: LoggedRequest = { method, path, headers, cookies, body, answered: false };
  instance.log.push(entry);

  const fault = takeFault(instance, method, path);
  if (fault?.stall) return; // The browser's timeout (or the page closing) ends it.
  if (fault?.drop) {
    req.socket.destroy();
    entry.answered = true;
    return;
  }
  if (fault?.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
  if (fault?.status) {
    send(
      res,
      fault.status,
      fault.body ?? { error: { code: 'server', message: 'Injected fault' } },
      fault.headers,
    );
    entry.answered = true;
    return;
  }

  const request = new Request(`http://127.0.0.1${req.url}`, {
    method,
    headers: Object.entries(req.headers).flatMap(([k, v]) =>
      v === undefined ? [] : (Array.isArray(v) ? v : [v]).map((x): [string, string] => [k, x]),
    ),
    ...(raw.length && method !== 'GET' && method !== 'HEAD' ? { body: new Uint8Array(raw) } : {}),
  });
  const response = await instance.handler(request, { ip: req.socket.remoteAddress });
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(Buffer.from(await response.arrayBuffer()));
  // Written (or, for a page that went away, dropped): whatever this request does is done.
  entry.answered = true;
}

async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = req.url ?? '/';
  if (url === `${BASE}/instances` && req.method === 'POST') {
    const options = JSON.parse((await readAll(req)).toString('utf8') || '{}') as ServerOptions;
    const instance = create(options);
    const endpoint = `${BASE}/i/${instance.id}`;
    const token = createLinkToken(CUSTOMER, { secret: SECRET, ttl: '1h', now: clock });
    const twoHoursAgo = () => new Date(clock().getTime() - 2 * 3_600_000);
    const expiredToken = createLinkToken(CUSTOMER, { secret: SECRET, ttl: '1h', now: twoHoursAgo });
    return send(res, 200, { id: instance.id, endpoint, token, expiredToken });
  }
  const match = /^\/__cardkeep\/i\/([0-9a-f-]{36})(\/.*)?$/.exec(url);
  const instance = match ? instances.get(match[1]!) : undefined;
  if (!instance)
    return send(res, 404, { error: { code: 'not_found', message: 'No such test server.' } });
  return serveInstance(instance, match![2] ?? '/', req, res);
}

/** Plugins the browser tests rely on: the reference server mount under /__cardkeep. */
export function testPlugins(): Plugin[] {
  return [
    {
      name: 'cardkeep-reference-server',
      serverStart({ server }) {
        if (!server) return;
        // Koa's middleware chain is fixed by now; put our routes in front of it.
        const [koa] = server.listeners('request') as Array<
          (req: IncomingMessage, res: ServerResponse) => void
        >;
        server.removeAllListeners('request');
        server.on('request', (req: IncomingMessage, res: ServerResponse) => {
          if (!req.url?.startsWith(`${BASE}/`)) return koa!(req, res);
          route(req, res).catch((error: unknown) => {
            if (!res.headersSent)
              send(res, 500, { error: { code: 'server', message: String(error) } });
            else res.end();
          });
        });
      },
    },
  ];
}
