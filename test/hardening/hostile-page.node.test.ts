// The script-tag bundle (dist/cardkeep.min.js) on pages that make life hard: a strict
// Content-Security-Policy, two copies of the bundle, another copy of Lit, elements written
// before the script and created after it, a stylesheet that resets everything, right-to-left
// text, and a backend whose strings carry markup, scripts and bidi controls. Real Chromium
// (puppeteer-core, loopback only) and the real reference server behind the same origin.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { build } from 'esbuild';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { chromiumArgs, findChromium } from '../../scripts/chromium.mjs';
import { TODAY, YEAR, clock, pageClockScript } from '../support/clock.js';
import { en } from '../../src/i18n/en.js';
import {
  createCardkeepHandler,
  demoCustomer,
  MemoryStore,
  toNodeListener,
  type MemoryCustomer,
} from '../../src/server/index.js';

const root = join(import.meta.dirname, '..', '..');
const dist = join(root, 'dist');

/** The policy docs/security.md gives merchants (the demo shop runs under it too). */
const MERCHANT_CSP = [
  "default-src 'self'",
  "script-src 'self' https://js.stripe.com",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self' https://api.stripe.com",
  'frame-src https://js.stripe.com https://hooks.stripe.com',
  "base-uri 'none'",
  "object-src 'none'",
].join('; ');
/** Nothing but the page's own origin: Stripe cannot load at all. */
const SELF_ONLY_CSP = "default-src 'self'";

const HOSTILE_NAME =
  '<img src=x onerror="window.__pwned=1">Hanako<script>window.__pwned=2</script>\u202Eevil\u2066';
const HOSTILE_BRAND = '<b onclick="__pwned=3">Visa</b>\u202E';

/** Listens for CSP violations and page errors; loaded first on every page (from 'self'). */
const PROBE = `
window.__violations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__violations.push({ directive: e.violatedDirective, blocked: e.blockedURI });
});
window.__errors = [];
window.addEventListener('error', (e) => window.__errors.push(String(e.message)));
window.addEventListener('unhandledrejection', (e) => window.__errors.push(String(e.reason)));
`;

/** Elements created by script after the bundle loaded. */
const AFTER = `
for (const tag of ['cardkeep-expiry-form', 'cardkeep-replace-card']) {
  const el = document.createElement(tag);
  el.id = 'after-' + tag.split('-')[1];
  el.setAttribute('endpoint', '/cardkeep');
  document.body.append(el);
}
`;

/** A page's own stylesheet, as aggressive as real ones get. */
const HOSTILE_CSS = `
*, *::before, *::after { box-sizing: content-box !important; margin: 0 !important; }
html { direction: rtl; }
body { font-size: 0 !important; line-height: 0 !important; color: transparent; }
input, button, select, textarea { all: unset !important; width: 0 !important; height: 0 !important; }
body * { all: unset !important; }
cardkeep-banner > *, cardkeep-expiry-form > *, cardkeep-replace-card > * { all: unset !important; }
h2, p { display: none !important; }
`;

function page(csp: string, body: string, { css = false, dir = 'ltr' } = {}) {
  return {
    csp,
    html: `<!doctype html><html lang="en" dir="${dir}"><head><meta charset="utf-8">
<title>Shop</title>${css ? '<link rel="stylesheet" href="/hostile.css">' : ''}
<script src="/probe.js"></script></head><body>${body}</body></html>`,
  };
}

// The first copy pinned with Subresource Integrity, as docs/security.md asks (filled in when
// served, from the file itself; a wrong hash makes this test fail).
const BUNDLE_TWICE = `<script src="/dist/cardkeep.min.js" integrity="__SRI__" crossorigin="anonymous"></script>
<script src="/dist/cardkeep.min.js?copy=2"></script>`;

const PAGES: Record<string, { csp: string; html: string }> = {
  '/strict.html': page(
    MERCHANT_CSP,
    `<cardkeep-banner id="before" endpoint="/cardkeep"></cardkeep-banner>
${BUNDLE_TWICE}
<script src="/other-lit.js"></script><other-lit-widget></other-lit-widget>
<script src="/after.js"></script>`,
  ),
  '/strict-stripe.html': page(
    MERCHANT_CSP,
    `<script src="/fake-stripe.js"></script>
<cardkeep-banner id="before" endpoint="/cardkeep"></cardkeep-banner>
<script src="/dist/cardkeep.min.js"></script>`,
  ),
  '/self-only.html': page(
    SELF_ONLY_CSP,
    `<cardkeep-banner id="before" endpoint="/cardkeep"></cardkeep-banner>${BUNDLE_TWICE}`,
  ),
  '/hostile.html': page(
    MERCHANT_CSP,
    `<main><cardkeep-banner id="before" endpoint="/cardkeep"></cardkeep-banner></main>
<script src="/dist/cardkeep.min.js"></script>`,
    { css: true, dir: 'rtl' },
  ),
};

let server: Server;
let origin: string;
let browser: Browser;
let store: MemoryStore;
let listener: ReturnType<typeof toNodeListener>;
let otherLit: string;
let fakeStripe: string;

/** A fresh backend for the next page: the demo customer, or one with hostile strings. */
function resetBackend(customer: MemoryCustomer = demoCustomer('expired', TODAY)) {
  store = new MemoryStore({ customers: [customer], now: clock });
  listener = toNodeListener(
    createCardkeepHandler({
      store,
      now: clock,
      authenticate: () => customer.id,
      basePath: '/cardkeep',
      rateLimit: false,
      logger: false,
    }),
  );
}

function serveFile(path: string): { type: string; body: string | Buffer } | undefined {
  if (path === '/probe.js') return { type: 'text/javascript', body: PROBE };
  if (path === '/after.js') return { type: 'text/javascript', body: AFTER };
  if (path === '/other-lit.js') return { type: 'text/javascript', body: otherLit };
  if (path === '/fake-stripe.js') return { type: 'text/javascript', body: fakeStripe };
  if (path === '/hostile.css') return { type: 'text/css', body: HOSTILE_CSS };
  const name = /^\/dist\/([\w.-]+\.js)$/.exec(path)?.[1];
  if (name && existsSync(join(dist, name))) {
    return { type: 'text/javascript', body: readFileSync(join(dist, name)) };
  }
  return undefined;
}

before(async () => {
  if (!existsSync(join(dist, 'cardkeep.min.js'))) {
    const result = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: root });
    assert.equal(result.status, 0, `build failed: ${result.stderr}`);
  }
  // A second, independent copy of Lit, as another widget on the page would bring.
  const bundled = await build({
    stdin: {
      contents: `import { LitElement, html, css } from 'lit';
        class OtherLitWidget extends LitElement {
          static styles = css\`p { color: rgb(1, 2, 3) }\`;
          render() { return html\`<p>other widget</p>\`; }
        }
        customElements.define('other-lit-widget', OtherLitWidget);`,
      resolveDir: root,
    },
    bundle: true,
    write: false,
    format: 'iife',
    minify: true,
    conditions: ['production'],
  });
  otherLit = bundled.outputFiles[0]!.text;
  // Stripe's servers are out of reach: the suite's Stripe.js stand-in, served from 'self' and
  // found as window.Stripe, like the real script. It mounts an iframe, as Stripe's does.
  const stripe = await build({
    stdin: {
      contents: `import { FakeStripe } from './test/support/fake-stripe-js.ts';
        const fake = new FakeStripe();
        window.Stripe = Object.assign((key) => { fake.loads.push(key); return fake.stripe; },
          { version: 3 });
        window.__fakeStripe = fake;`,
      resolveDir: root,
      loader: 'ts',
    },
    bundle: true,
    write: false,
    format: 'iife',
  });
  fakeStripe = stripe.outputFiles[0]!.text;
  resetBackend();
  server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path.startsWith('/cardkeep/')) return listener(req, res);
    const pageDef = PAGES[path];
    if (pageDef) {
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': pageDef.csp,
        'cache-control': 'no-store',
      });
      const sri = `sha384-${createHash('sha384')
        .update(readFileSync(join(dist, 'cardkeep.min.js')))
        .digest('base64')}`;
      return res.end(pageDef.html.replace('__SRI__', sri));
    }
    if (path === '/favicon.ico') {
      res.writeHead(204);
      return res.end();
    }
    const file = serveFile(path);
    if (!file) {
      res.writeHead(404);
      return res.end();
    }
    res.writeHead(200, { 'content-type': `${file.type}; charset=utf-8` });
    res.end(file.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await puppeteer.launch({
    executablePath: findChromium(),
    headless: true,
    args: chromiumArgs({ allowHosts: ['127.0.0.1'] }),
  });
});

after(async () => {
  await browser?.close();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
});

/** Opens `path` and collects what the console says. */
async function open(path: string) {
  const tab = await browser.newPage();
  // The page's elements read "today" from the test calendar, as the backend does.
  await tab.evaluateOnNewDocument(pageClockScript());
  const console: string[] = [];
  tab.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warn') console.push(message.text());
  });
  tab.on('pageerror', (error) => console.push(String(error)));
  tab.on('response', (response) => {
    if (response.status() >= 400) console.push(`${response.status()} ${response.url()}`);
  });
  await tab.goto(`${origin}${path}`, { waitUntil: 'load' });
  return { tab, console };
}

const violations = (tab: Page) =>
  tab.evaluate(() => (window as unknown as { __violations: unknown[] }).__violations);
const pageErrors = (tab: Page) =>
  tab.evaluate(() => (window as unknown as { __errors: unknown[] }).__errors);

/**
 * The text of a node, through shadow roots. A string, not a function: tsx compiles functions
 * with esbuild's keepNames, and the `__name` helper it adds does not exist in the page.
 */
const DEEP_TEXT = `(function deep(node) {
  const own = node.shadowRoot ? deep(node.shadowRoot) : '';
  return own + Array.from(node.childNodes, (c) => (c.nodeType === 3 ? c.data : deep(c))).join(' ');
})`;

/** Waits for text inside an element's shadow root (through nested shadow roots). */
async function waitForText(tab: Page, selector: string, text: string) {
  const el = `document.querySelector(${JSON.stringify(selector)})`;
  await tab
    .waitForFunction(
      `!!${el} && ${DEEP_TEXT}(${el}).replace(/\\s+/g, ' ').includes(${JSON.stringify(text)})`,
      { timeout: 5000, polling: 50 },
    )
    .catch(async (error: unknown) => {
      const seen = await tab.evaluate(`${el} ? ${DEEP_TEXT}(${el}) : 'missing'`);
      throw new Error(
        `${String(error)}: waiting for "${text}" in ${selector}, which says: ${String(seen)}`,
      );
    });
}

/** Clicks what a shopper would click: checks nothing covers it, then a real mouse click. */
async function click(tab: Page, deepSelector: string) {
  const handle = await tab.waitForSelector(deepSelector, { timeout: 5000 });
  assert.ok(handle, `${deepSelector} exists`);
  const hit = await handle.evaluate((el) => {
    const box = el.getBoundingClientRect();
    const root = el.getRootNode() as ShadowRoot | Document;
    const atCentre = root.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
    return {
      width: box.width,
      height: box.height,
      onTop: atCentre === el || el.contains(atCentre),
    };
  });
  assert.ok(hit.width >= 24 && hit.height >= 24, `${deepSelector} is ${hit.width}×${hit.height}`);
  assert.ok(hit.onTop, `${deepSelector} is not covered`);
  await handle.click();
}

/** Banner → "Update expiry date" → type a date → Enter → the confirmation. */
async function fixCard(tab: Page) {
  const year = YEAR + 2;
  await click(tab, '#before >>> button.primary');
  // The form's chunk arrives after the click and renders inside two shadow roots, where
  // waitForSelector's document-level MutationObserver sees no change: poll for it instead.
  await tab.waitForFunction(
    () =>
      !!document
        .querySelector('#before')
        ?.shadowRoot?.querySelector('cardkeep-expiry-form')
        ?.shadowRoot?.querySelector('input'),
    { polling: 50 },
  );
  const input = await tab.$('#before >>> cardkeep-expiry-form >>> input');
  const box = await input!.evaluate((el) => {
    const r = el.getBoundingClientRect();
    const css = getComputedStyle(el);
    return { w: r.width, h: r.height, font: parseFloat(css.fontSize), dir: css.direction };
  });
  assert.ok(box.w >= 60 && box.h >= 20, `the field is ${box.w}×${box.h}`);
  assert.ok(box.font >= 12, `the field's text is ${box.font}px`);
  assert.equal(box.dir, 'ltr', 'a date reads left to right, even on a right-to-left page');
  await input!.focus();
  await tab.keyboard.type(`11${String(year).slice(2)}`);
  await tab.keyboard.press('Enter');
  await waitForText(tab, '#before', en.updatedTitle);
  const card = await store.getCard(customerId);
  assert.equal(card?.expMonth, 11);
  assert.equal(card?.expYear, year);
}

/** The customer the current backend signs everyone in as. */
let customerId = 'cus_demo';

describe('the script-tag bundle on hostile pages', () => {
  it('under the merchant CSP, with two bundles and another Lit: everything renders and works, no violation', async () => {
    customerId = 'cus_demo';
    resetBackend();
    const { tab, console } = await open('/strict.html');
    try {
      // Written before the script: upgraded once it loaded; created after: work at once.
      await waitForText(tab, '#before', en.expiredTitle);
      await waitForText(tab, '#after-expiry', en.expiryLabel);
      await waitForText(tab, 'other-lit-widget', 'other widget');
      const otherColour = await tab.$eval(
        'other-lit-widget >>> p',
        (p) => getComputedStyle(p).color,
      );
      assert.equal(otherColour, 'rgb(1, 2, 3)', "the other Lit's styles apply too");
      // Stripe's hosts are allowed but unreachable here: the replacement form says so, visibly.
      await waitForText(tab, '#after-replace', en.replaceLoadFailed);
      await fixCard(tab);
      assert.deepEqual(await violations(tab), []);
      assert.deepEqual(await pageErrors(tab), []);
      // The only console lines: Chromium's own note that Stripe's host did not resolve.
      assert.deepEqual(
        console.filter((line) => !/ERR_NAME_NOT_RESOLVED|Failed to load Stripe/.test(line)),
        [],
      );
      const defined = await tab.evaluate(() =>
        ['cardkeep-banner', 'cardkeep-expiry-form', 'cardkeep-replace-card'].map(
          (tag) => !!customElements.get(tag),
        ),
      );
      assert.deepEqual(defined, [true, true, true]);
    } finally {
      await tab.close();
    }
  });

  it('under the merchant CSP, the replacement form loads its companion file, mounts Stripe and saves the new card', async () => {
    customerId = 'cus_demo';
    resetBackend();
    const { tab, console } = await open('/strict-stripe.html');
    try {
      await waitForText(tab, '#before', en.expiredTitle);
      await click(tab, '#before >>> button:not(.primary)');
      // Stripe's frame sits in the page's light DOM, in the container the element owns.
      await tab.waitForSelector('#before > [slot=payment-element] iframe', { timeout: 5000 });
      await click(tab, '#before >>> cardkeep-replace-card >>> button.primary');
      // The banner thanks the shopper and names the new card; the backend has it on file.
      await waitForText(tab, '#before', en.updatedTitle);
      await waitForText(tab, '#before', 'Mastercard •••• 4444');
      const card = await store.getCard(customerId);
      assert.deepEqual([card?.brand, card?.last4, card?.status], ['mastercard', '4444', 'ok']);
      const calls = await tab.evaluate(
        () => (window as unknown as { __fakeStripe: { methods: string[] } }).__fakeStripe.methods,
      );
      assert.ok(calls.includes('confirmSetup'), calls.join());
      // The replacement form came as its own chunk, imported next to the script tag's file.
      const fetched = await tab.evaluate(() =>
        performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname),
      );
      assert.ok(
        fetched.some((path) => /^\/dist\/cardkeep-replace-card-[\w-]+\.min\.js$/.test(path)),
        fetched.join(),
      );
      assert.deepEqual(await violations(tab), []);
      assert.deepEqual(await pageErrors(tab), []);
      assert.deepEqual(console, []);
    } finally {
      await tab.close();
    }
  });

  it("under default-src 'self' alone: the expiry flow is untouched, a blocked Stripe is a visible, recoverable state", async () => {
    customerId = 'cus_demo';
    resetBackend();
    const { tab } = await open('/self-only.html');
    try {
      await waitForText(tab, '#before', en.expiredTitle);
      await fixCard(tab);
      assert.deepEqual(await violations(tab), [], 'the expiry flow needs nothing but self');
      // "Use a different card" from the confirmation is not offered; open it from a new banner.
      customerId = 'cus_demo';
      resetBackend();
      await tab.reload({ waitUntil: 'load' });
      await waitForText(tab, '#before', en.expiredTitle);
      await click(tab, '#before >>> button:not(.primary)');
      await waitForText(tab, '#before', en.replaceLoadFailed);
      const blocked = (await violations(tab)) as Array<{ blocked: string }>;
      assert.ok(blocked.length > 0, 'the browser blocked Stripe.js');
      assert.ok(
        blocked.every((v) => v.blocked.startsWith('https://js.stripe.com')),
        JSON.stringify(blocked),
      );
      // Recoverable: "Try again" is offered, and Cancel leads back to the expiry date.
      const buttons = await tab.$$eval('#before >>> cardkeep-replace-card >>> button', (all) =>
        all.map((b) => b.textContent!.trim()),
      );
      assert.deepEqual(buttons, [en.tryAgain, en.cancel]);
      await click(tab, '#before >>> cardkeep-replace-card >>> button:not(.primary)');
      await waitForText(tab, '#before', en.updateExpiry);
      await fixCard(tab);
      assert.deepEqual(await pageErrors(tab), []);
    } finally {
      await tab.close();
    }
  });

  it('with a stylesheet that resets everything, right to left, and hostile server strings: readable, usable, text only', async () => {
    const customer: MemoryCustomer = {
      ...demoCustomer('expired', TODAY),
      id: 'cus_hostile',
      name: HOSTILE_NAME,
      // The greeting shows greetingName (never the full name): the hostile string goes there.
      greetingName: HOSTILE_NAME,
    };
    customer.card = { ...customer.card!, brand: HOSTILE_BRAND };
    customerId = customer.id;
    resetBackend(customer);
    const { tab } = await open('/hostile.html');
    try {
      await waitForText(tab, '#before', 'Hanako');
      const seen = await tab.$eval('#before', (el) => {
        const root = el.shadowRoot!;
        const title = root.querySelector('h2')!;
        const css = getComputedStyle(title);
        return {
          text: root.textContent!,
          elements: root.querySelectorAll('img, script, b').length,
          pwned: (window as unknown as { __pwned?: number }).__pwned,
          fontSize: parseFloat(css.fontSize),
          display: css.display,
          color: css.color,
          height: title.getBoundingClientRect().height,
        };
      });
      assert.ok(seen.text.includes('<img src=x onerror="window.__pwned=1">Hanako'), seen.text);
      assert.ok(seen.text.includes('<script>window.__pwned=2</script>'));
      assert.ok(seen.text.includes('<b onclick="__pwned=3">Visa</b> •••• 4242'));
      assert.equal(seen.elements, 0, 'no element came from the server strings');
      assert.equal(seen.pwned, undefined);
      assert.ok(!/[\u202a-\u202e\u2066-\u2069]/.test(seen.text), 'bidi controls are dropped');
      assert.ok(seen.fontSize >= 12, `title at ${seen.fontSize}px`);
      assert.notEqual(seen.display, 'none');
      assert.notEqual(seen.color, 'rgba(0, 0, 0, 0)');
      assert.ok(seen.height > 0);
      await fixCard(tab);
      assert.deepEqual(await violations(tab), []);
      assert.deepEqual(await pageErrors(tab), []);
    } finally {
      await tab.close();
    }
  });
});
