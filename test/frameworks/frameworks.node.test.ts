// Cardkeep in the frameworks merchants run, each a real app on loopback built by the code that
// docs/frameworks.md shows (docs/examples/*.mjs, imported here as they are; the docs test checks
// the page quotes them byte for byte): Express 5 with express.json() before and a '/cardkeep'
// mount, the same code on Express 4, Fastify 5, and Hono 4 on @hono/node-server. For each: the
// adapter contract suite through HttpAdapter, the same answers as the bare Node server for the
// requests a parser could change, the script tag's files, the Stripe webhook on raw bytes, and
// a shopper fixing their card in Chromium through `<script src="/cardkeep/cardkeep.min.js">`.
// Needs a build (dist/): `npm test` builds first.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, get, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { gunzipSync, brotliDecompressSync } from 'node:zlib';
import { serve } from '@hono/node-server';
import type { Browser } from 'puppeteer-core';
import Stripe from 'stripe';
import { defineAdapterContract, type ContractSetup } from '../../src/adapter/contract.js';
import { HttpAdapter } from '../../src/adapter/http-adapter.js';
import type * as CardkeepServer from '../../src/server/index.js';
import type { CardStore } from '../../src/server/index.js';
import {
  assertClean,
  launchChromium,
  newVisit,
  settled,
  updateExpiry,
  waitForText,
} from '../demo/shopper.js';
import { YEAR, clock } from '../support/clock.js';

const CUSTOMER = 'cus_demo';
const WEBHOOK_SECRET = 'whsec_frameworks_test_secret';
const stripe = new Stripe('sk_test_frameworks', { maxNetworkRetries: 0 });
// The stores, the bare reference server and the browser run on the test calendar. The examples'
// handlers are the docs' code as written, with no clock to set, so they read the machine's: the
// dates typed here are far enough ahead (December of YEAR + 4) to be valid for them too, on the
// test calendar and on any machine date before then.
/** The expiry year the shopper types. */
const NEW_YEAR = YEAR + 4;
/** The demo store on the test calendar. */
const demoStore = (...[card, options = {}]: Parameters<typeof CardkeepServer.MemoryStore.demo>) =>
  MemoryStore.demo(card, { ...options, now: clock });

/** What the examples' `createApp` takes. */
interface AppOptions {
  store: CardStore;
  authenticate: (request: Request) => string | null;
  stripe: Stripe;
  webhookSecret: string;
  onPaymentFailed: (event: unknown, context: { customerId: string }) => void;
}

/** A running app: its origin and how to stop it. */
interface Running {
  origin: string;
  close(): Promise<void>;
}

/** How a test drives one framework's example. */
interface Framework {
  name: string;
  /** The example file; `replace` rewrites an import (Express 4 runs the Express code). */
  example: string;
  replace?: [string, string];
  /** Starts the example's app with `page` served at GET /account. */
  start(createApp: CreateApp, options: AppOptions, page: string): Promise<Running>;
}

type CreateApp = (options: AppOptions) => unknown;

const listen = async (listener: RequestListener): Promise<Running> => {
  const server = createServer(listener);
  return listenOn(server);
};

async function listenOn(server: Server): Promise<Running> {
  if (!server.listening) {
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  }
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

interface ExpressLike {
  get(
    path: string,
    handler: (req: unknown, res: { type(t: string): { send(b: string): void } }) => void,
  ): void;
}

const expressStart: Framework['start'] = async (createApp, options, page) => {
  const app = createApp(options) as ExpressLike & RequestListener;
  app.get('/account', (_req, res) => res.type('html').send(page));
  return listen(app);
};

const FRAMEWORKS: Framework[] = [
  { name: 'Express 5', example: 'docs/examples/express.mjs', start: expressStart },
  {
    name: 'Express 4',
    example: 'docs/examples/express.mjs',
    replace: ["from 'express';", "from 'express4';"],
    start: expressStart,
  },
  {
    name: 'Fastify 5',
    example: 'docs/examples/fastify.mjs',
    async start(createApp, options, page) {
      const app = (await createApp(options)) as {
        get(
          path: string,
          handler: (req: unknown, reply: { type(t: string): { send(b: string): void } }) => void,
        ): void;
        listen(o: { port: number; host: string }): Promise<string>;
        close(): Promise<void>;
      };
      app.get('/account', (_req, reply) => reply.type('text/html').send(page));
      const address = await app.listen({ port: 0, host: '127.0.0.1' });
      return { origin: address, close: () => app.close() };
    },
  },
  {
    name: 'Hono 4 on @hono/node-server',
    example: 'docs/examples/hono.mjs',
    async start(createApp, options, page) {
      const app = createApp(options) as {
        get(path: string, handler: (c: { html(b: string): Response }) => Response): void;
        fetch: (request: Request) => Response | Promise<Response>;
      };
      app.get('/account', (c) => c.html(page));
      const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
      await new Promise<void>((done) =>
        server.listening ? done() : server.once('listening', () => done()),
      );
      return listenOn(server);
    },
  },
];

// Copies that rewrite an import live inside the package, so `cardkeep/server` still resolves
// through package.json's exports (a folder of its own: other test files clean theirs).
const GENERATED = resolve('.frameworks-tmp');
after(() => rmSync(GENERATED, { recursive: true, force: true }));

async function loadExample({ example, replace, name }: Framework): Promise<CreateApp> {
  let file = resolve(example);
  if (replace) {
    const source = readFileSync(file, 'utf8');
    assert.ok(source.includes(replace[0]), `${example} has ${replace[0]}`);
    mkdirSync(GENERATED, { recursive: true });
    file = join(GENERATED, `${name.replace(/\W+/g, '-')}-${process.pid}.mjs`);
    writeFileSync(file, source.replace(replace[0], replace[1]));
  }
  const module = (await import(pathToFileURL(file).href)) as { createApp: CreateApp };
  return module.createApp;
}

const running: Running[] = [];
after(() => Promise.all(running.map((r) => r.close())));

/** Starts a framework's example app with a demo store; records payment-failed webhooks. */
async function startApp(
  framework: Framework,
  store: CardStore,
  page = '',
): Promise<Running & { failed: string[] }> {
  const failed: string[] = [];
  const createApp = await loadExample(framework);
  const app = await framework.start(
    createApp,
    {
      store,
      authenticate: () => CUSTOMER,
      stripe,
      webhookSecret: WEBHOOK_SECRET,
      onPaymentFailed: (_event, { customerId }) => void failed.push(customerId),
    },
    page,
  );
  running.push(app);
  return { ...app, failed };
}

const confirmSetup = ({ clientSecret }: { clientSecret: string }) =>
  clientSecret.split('_secret_')[0]!;

/** The requests whose answers a body parser in front could change, and a few more. */
const PROBES: { name: string; path: string; init: RequestInit }[] = [
  { name: 'GET card', path: '/card', init: {} },
  {
    name: 'a text/plain body (415, even behind express.json())',
    path: '/card/expiry',
    init: { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: '{"a":1}' },
  },
  {
    name: 'a body over maxBodyBytes (413)',
    path: '/card/expiry',
    init: {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ cardId: 'pm_x', month: 1, year: 2099, pad: 'x'.repeat(9000) }),
    },
  },
  {
    name: 'a JSON array (400)',
    path: '/card/expiry',
    init: { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '[1]' },
  },
  {
    name: 'an impossible month (422)',
    path: '/card/expiry',
    init: {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ cardId: 'pm_demo_visa4242', month: 13, year: 2099 }),
    },
  },
  { name: 'an unknown route (404)', path: '/nope', init: {} },
  { name: 'a wrong method (405)', path: '/card', init: { method: 'DELETE' } },
];

/** Status, the headers a client acts on, and the JSON body of a response. */
async function answerOf(response: Response) {
  const pick = ['content-type', 'allow', 'idempotent-replayed', 'cache-control'];
  return {
    status: response.status,
    headers: Object.fromEntries(pick.map((h) => [h, response.headers.get(h)])),
    body: (await response.json()) as unknown,
  };
}

/** The answers of the probes, a write, and its replay under one Idempotency-Key. */
async function answers(origin: string) {
  const base = `${origin}/cardkeep`;
  const result: Record<string, unknown> = {};
  for (const probe of PROBES)
    result[probe.name] = await answerOf(await fetch(base + probe.path, probe.init));
  const write = {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Idempotency-Key': 'key-1' },
    body: JSON.stringify({ cardId: 'pm_demo_visa4242', month: 6, year: NEW_YEAR }),
  };
  result['a write'] = await answerOf(await fetch(`${base}/card/expiry`, write));
  result['its replay'] = await answerOf(await fetch(`${base}/card/expiry`, write));
  return result;
}

// The built package, as the examples see it (`cardkeep/server`): the store's error classes must
// be the ones the handler knows.
let createNodeServer: typeof CardkeepServer.createNodeServer;
let MemoryStore: typeof CardkeepServer.MemoryStore;
let reference: Record<string, unknown>;
let browser: Browser;
let files: string[];

before(async () => {
  const built = 'cardkeep/server';
  ({ createNodeServer, MemoryStore } = (await import(built)) as typeof CardkeepServer);
  files = (
    JSON.parse(readFileSync('dist/browser-files.json', 'utf8')) as { files: { file: string }[] }
  ).files.map(({ file }) => file);
  const bare = createNodeServer({
    store: demoStore('payment_failed'),
    authenticate: () => CUSTOMER,
    basePath: '/cardkeep',
    logger: false,
    now: clock,
  });
  const server = await listenOn(bare);
  reference = await answers(server.origin);
  await server.close();
  browser = await launchChromium();
});
after(() => browser?.close());

describe('docs/frameworks.md', () => {
  const page = readFileSync('docs/frameworks.md', 'utf8');
  const blocks = [...page.matchAll(/^```js\n([\s\S]*?)^```/gm)].map((m) => m[1]!);

  it('quotes each example these tests run, byte for byte', () => {
    for (const file of new Set(FRAMEWORKS.map((f) => f.example))) {
      assert.ok(blocks.includes(readFileSync(file, 'utf8')), `${file} is quoted as it is`);
    }
  });

  it('seeds a MemoryStore the way it shows', async () => {
    const code = blocks.find((block) => block.includes('new MemoryStore('));
    assert.ok(code, 'a block seeds a MemoryStore');
    mkdirSync(GENERATED, { recursive: true });
    const file = join(GENERATED, `seed-${process.pid}.mjs`);
    writeFileSync(file, `${code}\nexport { store };\n`);
    const { store } = (await import(pathToFileURL(file).href)) as { store: CardStore };
    const card = await store.getCard('cus_123');
    assert.equal(card?.last4, '4242');
    assert.equal(card?.status, 'payment_failed');
  });
});

describe("README's Integrate section", () => {
  it('works verbatim in an Express app with express.json() before it', async () => {
    const readme = readFileSync('README.md', 'utf8');
    const section = readme.slice(
      readme.indexOf('## Integrate'),
      readme.indexOf('\n## ', readme.indexOf('## Integrate') + 3),
    );
    const html = /```html\n([\s\S]*?)```/.exec(section)![1]!;
    const code = /```js\n([\s\S]*?)```/.exec(section)![1]!;
    // The one line that needs a Stripe account becomes the in-memory store; the mount is as written.
    const storeLine = /^const store = await StripeStore\.fromSecretKey\([\s\S]*?\n\}\);\n/m;
    assert.match(code, storeLine);
    assert.match(code, /^app\.use\('\/cardkeep', toNodeListener\(cardkeep\)\);/m);
    const source = [
      "import express from 'express';",
      "import { MemoryStore } from 'cardkeep/server';",
      code.replace(storeLine, "const store = MemoryStore.demo('payment_failed', { now });\n"),
    ].join('\n');
    const prelude = [
      // The store's clock: the test calendar, as every other store here.
      `const now = () => new Date(Date.now() + ${clock().getTime() - Date.now()});`,
      'const app = express();',
      'app.use(express.json());',
      "const authenticate = () => 'cus_demo';",
    ].join('\n');
    // Imports first, then what the reader's app already has, then the README's statements.
    const imports = source.split('\n').filter((line) => line.startsWith('import '));
    const body = source
      .split('\n')
      .filter((line) => !line.startsWith('import '))
      .join('\n');
    mkdirSync(GENERATED, { recursive: true });
    const file = join(GENERATED, `integrate-${process.pid}.mjs`);
    writeFileSync(file, `${imports.join('\n')}\n${prelude}\n${body}\nexport { app };\n`);
    const { app } = (await import(pathToFileURL(file).href)) as {
      app: RequestListener & ExpressLike;
    };
    app.get('/account', (_req, res) =>
      res
        .type('html')
        .send(
          `<!doctype html><html lang="en"><head><title>Shop</title><link rel="icon" href="data:,"></head><body>${html}</body></html>`,
        ),
    );
    const server = await listen(app);
    running.push(server);
    const visit = await newVisit(browser);
    await visit.page.goto(`${server.origin}/account`, { waitUntil: 'load' });
    await waitForText(visit.page, 'cardkeep-banner', 'We couldn’t take your last payment');
    const yy = String(NEW_YEAR % 100).padStart(2, '0');
    await updateExpiry(visit.page, `12${yy}`, `12 / ${yy}`);
    await waitForText(visit.page, 'cardkeep-banner', `now valid through December 20${yy}`);
    await assertClean(visit);
  });
});

for (const framework of FRAMEWORKS) {
  describe(framework.name, () => {
    defineAdapterContract(
      { describe, it },
      {
        create: async ({ card, declineRenewal = false }: ContractSetup) => {
          const app = await startApp(framework, demoStore(card, { declineRenewal }));
          return new HttpAdapter({ endpoint: `${app.origin}/cardkeep`, retryDelay: 1 });
        },
        declinesRenewal: true,
        confirmSetup,
      },
      `HttpAdapter → ${framework.name} meets the adapter contract`,
    );

    it('answers exactly as the bare Node server does: errors, 413, 415, replays', async () => {
      const app = await startApp(framework, demoStore('payment_failed'));
      const got = await answers(app.origin);
      // The rate-limit and log lines aside, nothing may depend on what runs in front.
      assert.deepEqual(got, reference);
    });

    it('serves the script tag and every file it loads later, compressed, with ETag and 304', async () => {
      const app = await startApp(framework, demoStore('ok'));
      for (const name of files) {
        const identity = readFileSync(join('dist', name));
        const url = `${app.origin}/cardkeep/${name}`;
        const plain = await fetch(url, { headers: { 'Accept-Encoding': 'identity' } });
        assert.equal(plain.status, 200, name);
        assert.match(
          plain.headers.get('content-type')!,
          name.endsWith('.map') ? /^application\/json/ : /^text\/javascript/,
        );
        assert.equal(plain.headers.get('cache-control'), 'public, no-cache');
        assert.deepEqual(Buffer.from(await plain.arrayBuffer()), identity);
        // Node's fetch decodes what it asked for; the raw bytes come through Node's http.
        const br = await rawGet(url, { 'Accept-Encoding': 'gzip, br' });
        assert.equal(br.headers['content-encoding'], 'br');
        assert.deepEqual(brotliDecompressSync(br.body), identity);
        const gz = await rawGet(url, { 'Accept-Encoding': 'gzip, br;q=0' });
        assert.equal(gz.headers['content-encoding'], 'gzip');
        assert.deepEqual(gunzipSync(gz.body), identity);
        const again = await rawGet(url, {
          'Accept-Encoding': 'gzip',
          'If-None-Match': String(gz.headers.etag),
        });
        assert.equal(again.status, 304, `${name} revalidates`);
        assert.equal(again.body.length, 0);
      }
      // Nothing else of the package is reachable, e.g. the server code next to the files.
      for (const path of [
        '/cardkeep/server/index.js',
        '/cardkeep/index.js',
        '/cardkeep/browser-files.json',
      ]) {
        assert.notEqual((await fetch(app.origin + path)).status, 200, path);
      }
    });

    it('verifies a Stripe webhook on its raw bytes', async () => {
      const app = await startApp(framework, demoStore('ok'));
      // Pretty-printed, as Stripe sends it: a parsed and re-serialised body would not verify.
      const payload = JSON.stringify(
        {
          id: 'evt_1',
          object: 'event',
          type: 'invoice.payment_failed',
          data: { object: { id: 'in_1', object: 'invoice', customer: 'cus_webhook' } },
        },
        null,
        2,
      );
      const post = (signature: string) =>
        fetch(`${app.origin}/stripe/webhook`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'Stripe-Signature': signature },
          body: payload,
        });
      const signature = stripe.webhooks.generateTestHeaderString({
        payload,
        secret: WEBHOOK_SECRET,
      });
      const ok = await post(signature);
      assert.equal(ok.status, 200, await ok.clone().text());
      assert.deepEqual(app.failed, ['cus_webhook']);
      const forged = await post(
        stripe.webhooks.generateTestHeaderString({ payload, secret: 'whsec_someone_else' }),
      );
      assert.equal(forged.status, 400);
      assert.deepEqual(app.failed, ['cus_webhook']);
    });

    it('lets a shopper fix their card through the script tag', async () => {
      const store = demoStore('payment_failed');
      const page = `<!doctype html><html lang="en"><head><title>Account</title>
<link rel="icon" href="data:,">
<script src="/cardkeep/cardkeep.min.js" defer></script></head>
<body><cardkeep-banner endpoint="/cardkeep"></cardkeep-banner></body></html>`;
      const app = await startApp(framework, store, page);
      const visit = await newVisit(browser);
      await visit.page.goto(`${app.origin}/account`, { waitUntil: 'load' });
      await settled(visit.page);
      await waitForText(visit.page, 'cardkeep-banner', 'We couldn’t take your last payment');
      const yy = String(NEW_YEAR % 100).padStart(2, '0');
      await updateExpiry(visit.page, `12${yy}`, `12 / ${yy}`);
      await waitForText(visit.page, 'cardkeep-banner', `now valid through December 20${yy}`);
      const card = await store.getCard(CUSTOMER);
      assert.equal(card?.expMonth, 12);
      assert.equal(card?.expYear % 100, Number(yy));
      assert.ok(visit.requests.includes(`${app.origin}/cardkeep/cardkeep.min.js`));
      await assertClean(visit);
    });
  });
}

/** A GET through Node's http, without decoding: the raw body and headers. */
function rawGet(url: string, headers: Record<string, string>) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }>(
    (done, fail) => {
      get(url, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          done({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }),
        );
      }).on('error', fail);
    },
  );
}
