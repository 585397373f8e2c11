// What a merchant gets from the registry: the project packed with `npm pack` and installed into
// an empty folder with no dev dependencies. Every entry imports in ESM and through CommonJS
// `require` (Node's require of ES modules: the package is ESM only, see docs/frameworks.md), a
// TypeScript consumer type-checks with `skipLibCheck: false` with and without `stripe`, a
// missing `stripe` is named as such, and the script tag runs from the installed files.
// Reuses the build (dist/): `npm test` builds first; `npm pack` itself runs `prepack`, which
// builds, and is told not to here.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type { Browser } from 'puppeteer-core';
import type * as CardkeepServer from '../../src/server/index.js';
import { assertClean, launchChromium, newVisit, waitForText } from '../demo/shopper.js';
import { clock } from '../support/clock.js';

const run = promisify(execFile);
const project = resolve('.');
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
  name: string;
  version: string;
  scripts: Record<string, string>;
  exports: Record<string, unknown>;
  devDependencies: Record<string, string>;
};
const ENTRIES = ['cardkeep', 'cardkeep/define', 'cardkeep/core', 'cardkeep/server'];

let root: string;
let app: string;
let tarball: string;

/** npm, from the registry cache first (the dependencies were fetched by the project's `npm ci`). */
const npm = (cwd: string, ...args: string[]) =>
  run('npm', [...args, '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd,
    timeout: 120_000,
  });

const node = (script: string, type: 'module' | 'commonjs') =>
  run(process.execPath, ['--input-type', type, '-e', script], { cwd: app, timeout: 30_000 });

/** Type-checks `source` in the consumer with the project's TypeScript; returns the diagnostics. */
async function typecheck(source: string): Promise<string> {
  writeFileSync(join(app, 'index.ts'), source);
  writeFileSync(
    join(app, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        lib: ['ES2023', 'DOM', 'DOM.Iterable'],
        types: ['node'],
        strict: true,
        skipLibCheck: false,
        noEmit: true,
      },
      files: ['index.ts'],
    }),
  );
  try {
    await run(join(project, 'node_modules/.bin/tsc'), ['-p', app], { timeout: 60_000 });
    return '';
  } catch (error) {
    return String((error as { stdout?: string }).stdout ?? error);
  }
}

const CONSUMER = `import { createCardkeepHandler, createNodeServer, toNodeListener, MemoryStore,
  StripeStore, createStripeWebhookHandler, createUpdateLink } from 'cardkeep/server';
import { parseExpiry, cardStatus } from 'cardkeep/core';
import { CardkeepBanner, HttpAdapter } from 'cardkeep';
import 'cardkeep/define';

const handler = createCardkeepHandler({ store: MemoryStore.demo(), basePath: '/cardkeep' });
export const listener = toNodeListener(handler);
export const server = createNodeServer(handler);
export const parsed = parseExpiry('12/30');
export const status = cardStatus({ expMonth: 1, expYear: 2020, status: 'ok' });
export const banner: typeof CardkeepBanner = CardkeepBanner;
export const adapter = new HttpAdapter({ endpoint: '/cardkeep' });
export const link = (secret: string) => createUpdateLink('cus_1', { secret, baseUrl: 'https://x.example' });
export const store = () => StripeStore.fromSecretKey('sk_test_x', { publishableKey: 'pk_test_x' });
export const webhook = createStripeWebhookHandler;
`;

before(async () => {
  assert.equal(pkg.scripts.prepack, 'node scripts/build.mjs', 'npm pack builds dist/ first');
  root = mkdtempSync(join(tmpdir(), 'cardkeep-pack-'));
  const { stdout } = await npm(project, 'pack', '--ignore-scripts', '--pack-destination', root);
  tarball = join(root, stdout.trim().split('\n').pop()!);
  app = join(root, 'app');
  await run('mkdir', [app]);
  writeFileSync(
    join(app, 'package.json'),
    '{ "name": "consumer", "private": true, "type": "module" }\n',
  );
  // What `npm install cardkeep` gives, plus Node's types for the type check (a server needs them).
  await npm(
    app,
    'install',
    '--omit=dev',
    tarball,
    `@types/node@${pkg.devDependencies['@types/node']}`,
  );
});
after(() => rmSync(root, { recursive: true, force: true }));

describe('the packed package, installed from its tarball', () => {
  it('ships the build, the browser files and no sources or tests', async () => {
    const { stdout } = await run('tar', ['-tzf', tarball]);
    const files = stdout.split('\n').filter(Boolean);
    const browser = (
      JSON.parse(readFileSync('dist/browser-files.json', 'utf8')) as { files: { file: string }[] }
    ).files.map(({ file }) => file);
    for (const name of ['dist/index.js', 'dist/server/index.d.ts', 'dist/browser-files.json']) {
      assert.ok(files.includes(`package/${name}`), name);
    }
    for (const name of browser) assert.ok(files.includes(`package/dist/${name}`), name);
    assert.deepEqual(
      files.filter((f) => /^package\/(src|test|bench|demo|scripts)\//.test(f)),
      [],
    );
  });

  it('imports every entry in ESM and through CommonJS require', async () => {
    const esm = await node(
      `for (const e of ${JSON.stringify(ENTRIES)}) { const m = await import(e); console.log(e, Object.keys(m).length); }`,
      'module',
    );
    const cjs = await node(
      `for (const e of ${JSON.stringify(ENTRIES)}) { const m = require(e); console.log(e, Object.keys(m).length); }`,
      'commonjs',
    );
    for (const entry of ENTRIES) {
      assert.match(esm.stdout, new RegExp(`^${entry} \\d+$`, 'm'));
      assert.match(cjs.stdout, new RegExp(`^${entry} \\d+$`, 'm'));
    }
    assert.match(esm.stdout, /^cardkeep\/server [1-9]\d*$/m);
    // The browser files resolve through `exports`, for merchants who copy them to a CDN.
    const browser = (
      JSON.parse(readFileSync('dist/browser-files.json', 'utf8')) as { files: { file: string }[] }
    ).files.map(({ file }) => file);
    const paths = await node(
      `for (const f of ${JSON.stringify(browser)}) console.log(require.resolve('cardkeep/' + f));`,
      'commonjs',
    );
    assert.equal(paths.stdout.trim().split('\n').length, browser.length);
  });

  it('says how to get stripe when StripeStore needs it', async () => {
    const { stdout } = await node(
      `const { StripeStore } = await import('cardkeep/server');
       await StripeStore.fromSecretKey('sk_test_x', { publishableKey: 'pk_test_x' })
         .then(() => console.log('loaded'), (error) => console.log(error.message));`,
      'module',
    );
    assert.equal(stdout.trim(), 'StripeStore needs the `stripe` package: npm install stripe');
  });

  it('type-checks a consumer with skipLibCheck: false without stripe, then with it', async () => {
    assert.equal(await typecheck(CONSUMER), '');
    await npm(app, 'install', '--omit=dev', `stripe@${pkg.devDependencies.stripe}`);
    // With stripe installed the Stripe types are real: a wrong use fails.
    const typed = `${CONSUMER}
import Stripe from 'stripe';
createStripeWebhookHandler({
  stripe: new Stripe('sk_test_x'),
  webhookSecret: 'whsec_x',
  onPaymentFailed: (event, { invoice }) => {
    const id: string = event.id;
    // @ts-expect-error an invoice's amount is a number
    const amount: string = invoice.amount_due;
    void id; void amount;
  },
});
`;
    try {
      assert.equal(await typecheck(typed), '');
    } finally {
      await npm(app, 'uninstall', 'stripe');
    }
  });

  describe('the script tag from the installed files', () => {
    let browser: Browser;
    let server: Server;
    after(async () => {
      await browser?.close();
      server?.closeAllConnections();
      server?.close();
    });

    it('is served by the installed handler and lets a shopper see the banner', async () => {
      const installed = pathToFileURL(join(app, 'node_modules/cardkeep/dist/server/index.js'));
      const { createCardkeepHandler, toNodeListener, MemoryStore } = (await import(
        installed.href
      )) as typeof CardkeepServer;
      const listener = toNodeListener(
        createCardkeepHandler({
          store: MemoryStore.demo('payment_failed', { now: clock }),
          authenticate: () => 'cus_demo',
          basePath: '/cardkeep',
          logger: false,
          now: clock,
        }),
      );
      server = createServer((req, res) =>
        listener(req, res, () => {
          res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
          res.end(`<!doctype html><html lang="en"><head><title>Shop</title>
<link rel="icon" href="data:,"><script src="/cardkeep/cardkeep.min.js" defer></script></head>
<body><cardkeep-banner endpoint="/cardkeep"></cardkeep-banner></body></html>`);
        }),
      );
      await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
      const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const served = await fetch(`${origin}/cardkeep/cardkeep.min.js`);
      assert.equal(served.status, 200);
      assert.equal(
        await served.text(),
        readFileSync(join(app, 'node_modules/cardkeep/dist/cardkeep.min.js'), 'utf8'),
      );
      browser = await launchChromium();
      const visit = await newVisit(browser);
      await visit.page.goto(`${origin}/account`, { waitUntil: 'load' });
      await waitForText(visit.page, 'cardkeep-banner', 'We couldn’t take your last payment');
      await assertClean(visit);
    });
  });
});
