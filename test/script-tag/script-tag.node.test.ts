// The script tag's loading, as a shopper's browser sees it: a page whose card is fine gets the
// small first file and nothing else; a notice brings the elements (the card asked once, not
// twice); a Japanese page fetches Japanese and never shows English, an English page never
// fetches Japanese; served from another origin, a chunk that is not this build's does not run.
// Real Chromium (puppeteer-core, loopback only) and the real reference server.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { chromiumArgs, findChromium } from '../../scripts/chromium.mjs';
import { en } from '../../src/i18n/en.js';
import { ja } from '../../src/i18n/ja.js';
import {
  createCardkeepHandler,
  demoCustomer,
  MemoryStore,
  toNodeListener,
  type MemoryCustomer,
} from '../../src/server/index.js';
import type { CardSummary } from '../../src/adapter/types.js';
import { clock } from '../support/clock.js';

const root = join(import.meta.dirname, '..', '..');
const dist = join(root, 'dist');

let browser: Browser;
let server: Server;
/** The page's origin, and a second one standing in for a CDN (same server, other host name). */
let origin: string;
let cdn: string;
let listener: ReturnType<typeof toNodeListener>;
/** Chunks the "CDN" serves altered, to see the pin hold. */
const tampered = new Set<string>();
/** Every request the server saw, by path. */
let seen: string[] = [];
/** When set, `GET /cardkeep/card` is answered only once the UI chunk has been requested. */
let holdCard: { ui: Promise<void>; seen: () => void; releasedBy?: string | undefined } | undefined;

function backend(customer: MemoryCustomer, method?: CardSummary) {
  const store = new MemoryStore({ customers: [customer], now: clock });
  // A shop that widened its methods may have one that is no card on file (docs/protocol.md);
  // MemoryStore models cards only, so such a method is answered over the store's own read.
  if (method) store.getCard = () => Promise.resolve(method);
  listener = toNodeListener(
    createCardkeepHandler({
      store,
      authenticate: () => customer.id,
      basePath: '/cardkeep',
      rateLimit: false,
      logger: false,
      now: clock,
    }),
  );
}

const page = (
  lang: string,
  src: string,
  element: string,
  nonce: string,
  { eager = false, twice = false, dismissible = false } = {},
) => {
  const script = `<script src="${src}"${nonce ? ` nonce="${nonce}"` : ''}></script>`;
  // Pasted twice: once before the element, once after it.
  return `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><title>shop</title>${twice ? script : ''}</head>
<body><${element} id="banner" endpoint="/cardkeep"${eager ? ' eager' : ''}${
    dismissible ? ' dismissible' : ''
  }></${element}>
<a id="after" href="#orders">Your orders</a>
${script}</body></html>`;
};

/** The page's CSP: none, a host list (docs/security.md's, with the CDN), or with a nonce. */
function policy(kind: string | null): Record<string, string> {
  const hosts = `'self' ${cdn}`;
  if (kind === 'hosts') {
    return { 'content-security-policy': `default-src 'self'; script-src ${hosts}` };
  }
  if (kind === 'nonce') {
    return { 'content-security-policy': `default-src 'self'; script-src 'nonce-n0nce' ${hosts}` };
  }
  return {};
}

before(async () => {
  if (!existsSync(join(dist, 'cardkeep.min.js'))) {
    const result = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: root });
    assert.equal(result.status, 0, `build failed: ${result.stderr}`);
  }
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    seen.push(url.pathname);
    if (url.pathname === '/cardkeep/card' && holdCard) {
      // The card's answer waits until the elements are asked for (or 5 s, and the test then
      // fails): they must not wait for it.
      const held = holdCard;
      const timeout = new Promise<string>((resolve) => setTimeout(resolve, 5000, 'timeout'));
      return void Promise.race([held.ui.then(() => 'ui'), timeout]).then((why) => {
        held.releasedBy = why;
        listener(req, res);
      });
    }
    if (/^\/dist\/cardkeep-ui-/.test(url.pathname)) holdCard?.seen();
    if (url.pathname.startsWith('/cardkeep/')) return listener(req, res);
    const lang = url.searchParams.get('lang') ?? 'en';
    if (['/same.html', '/cdn.html', '/served.html'].includes(url.pathname)) {
      // `/served.html`: the script tag as the reference server's handler serves it.
      const src =
        {
          '/cdn.html': `${cdn}/dist/cardkeep.min.js`,
          '/served.html': '/cardkeep/cardkeep.min.js',
        }[url.pathname] ?? '/dist/cardkeep.min.js';
      const csp = url.searchParams.get('csp');
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
        ...policy(csp),
      });
      return res.end(
        page(
          lang,
          src,
          url.searchParams.get('element') ?? 'cardkeep-banner',
          csp === 'nonce' ? 'n0nce' : '',
          {
            eager: url.searchParams.has('eager'),
            twice: url.searchParams.has('twice'),
            dismissible: url.searchParams.has('dismissible'),
          },
        ),
      );
    }
    const name = /^\/dist\/([\w.-]+\.js)$/.exec(url.pathname)?.[1];
    if (name && existsSync(join(dist, name))) {
      let body = readFileSync(join(dist, name), 'utf8');
      if (tampered.has(name)) body += '\n;globalThis.__tampered = true;';
      res.writeHead(200, {
        'content-type': 'text/javascript; charset=utf-8',
        'access-control-allow-origin': '*',
        'cache-control': 'no-store',
      });
      return res.end(body);
    }
    res.writeHead(url.pathname === '/favicon.ico' ? 204 : 404);
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${port}`;
  cdn = `http://localhost:${port}`;
  browser = await puppeteer.launch({
    executablePath: findChromium(),
    headless: true,
    args: [
      ...chromiumArgs({ allowHosts: ['127.0.0.1', 'localhost'] }),
      '--host-resolver-rules=MAP localhost 127.0.0.1',
    ],
  });
});

after(async () => {
  await browser?.close();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
});

/** The text of the banner's shadow root, or '' (a string: see hostile-page.node.test.ts). */
const BANNER_TEXT = `document.getElementById('banner')?.shadowRoot?.textContent ?? ''`;

/**
 * Opens a page with a fresh cache; records every heading text the banner ever shows (a flash of
 * the wrong language would be caught) and the console's errors. `prepare` runs on the tab first.
 */
async function open(path: string, prepare?: (tab: Page) => Promise<void>) {
  seen = [];
  const context = await browser.createBrowserContext();
  const tab = await context.newPage();
  await prepare?.(tab);
  const errors: string[] = [];
  tab.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  // The page on the test calendar too: the first file decides "fine" by the browser's clock,
  // the store by `clock`, so both must read the same today whatever the machine's date.
  await tab.evaluateOnNewDocument(`(() => {
    const offset = ${clock().getTime() - Date.now()};
    const RealDate = Date;
    globalThis.Date = class extends RealDate {
      constructor(...args) {
        if (args.length === 0) super(RealDate.now() + offset);
        else super(...args);
      }
      static now() {
        return RealDate.now() + offset;
      }
    };
  })()`);
  await tab.evaluateOnNewDocument(`(() => {
    window.__titles = [];
    document.addEventListener('securitypolicyviolation', () => (window.__cspSeen = true));
    const attach = Element.prototype.attachShadow;
    Element.prototype.attachShadow = function (init) {
      const root = attach.call(this, init);
      new MutationObserver(() => {
        const h = root.querySelector('h2');
        if (h && !window.__titles.includes(h.textContent.trim())) window.__titles.push(h.textContent.trim());
      }).observe(root, { childList: true, subtree: true, characterData: true });
      return root;
    };
  })()`);
  await tab.goto(`${origin}${path}`, { waitUntil: 'load' });
  return { tab, errors, close: () => context.close() };
}

const scripts = () => seen.filter((path) => path.startsWith('/dist/'));
const titles = (tab: Page) => tab.evaluate('window.__titles') as Promise<string[]>;
const waitForText = (tab: Page, text: string) =>
  tab.waitForFunction(`(${BANNER_TEXT}).includes(${JSON.stringify(text)})`, { timeout: 10_000 });
const gzip = (file: string) => gzipSync(readFileSync(join(dist, file)), { level: 9 }).length;

describe('the script tag loads only what the page needs', () => {
  it('card fine: the first file asks for the card and stops; refresh() still works', async () => {
    backend(demoCustomer('ok', clock()));
    const { tab, errors, close } = await open('/same.html');
    try {
      await tab.waitForNetworkIdle({ idleTime: 200 });
      assert.deepEqual(scripts(), ['/dist/cardkeep.min.js']);
      assert.equal(seen.filter((p) => p === '/cardkeep/card').length, 1);
      assert.ok(gzip('cardkeep.min.js') <= 4096, `${gzip('cardkeep.min.js')} B gzip`);
      assert.equal(await tab.evaluate(`!!customElements.get('cardkeep-banner')`), false);
      // The merchant's refresh() (after a failed checkout) brings the elements; the banner
      // then asks afresh and, the card being fine, still shows nothing.
      await tab.evaluate(`document.getElementById('banner').refresh()`);
      await tab.waitForFunction(`!!customElements.get('cardkeep-banner')`);
      await tab.waitForNetworkIdle({ idleTime: 200 });
      assert.equal(await tab.evaluate(BANNER_TEXT), '');
      assert.deepEqual(errors, []);
    } finally {
      await close();
    }
  });

  it('Link on file that paid: the first file stops as for a card that is fine', async () => {
    backend(demoCustomer('ok', clock()), { id: 'pm_link', kind: 'link', status: 'ok' });
    const { tab, errors, close } = await open('/same.html');
    try {
      await tab.waitForNetworkIdle({ idleTime: 200 });
      assert.deepEqual(scripts(), ['/dist/cardkeep.min.js']);
      assert.equal(await tab.evaluate(`!!customElements.get('cardkeep-banner')`), false);
      assert.deepEqual(errors, []);
    } finally {
      await close();
    }
  });

  it('Link on file whose payment failed: the notice comes, naming Link and no number', async () => {
    backend(demoCustomer('ok', clock()), { id: 'pm_link', kind: 'link', status: 'payment_failed' });
    const { tab, errors, close } = await open('/same.html');
    try {
      await waitForText(tab, 'Link');
      assert.ok(
        scripts().some((p) => /\/cardkeep-ui-[\w-]+\.min\.js$/.test(p)),
        scripts().join(),
      );
      assert.doesNotMatch(String(await tab.evaluate(BANNER_TEXT)), /\d{4}/);
      assert.deepEqual(errors, []);
    } finally {
      await close();
    }
  });

  it('notice: the elements come, the card is asked once, English never fetches Japanese', async () => {
    backend(demoCustomer('expired', clock()));
    const { tab, errors, close } = await open('/same.html');
    try {
      await waitForText(tab, en.expiredTitle);
      const loaded = scripts();
      assert.ok(
        loaded.some((p) => /\/cardkeep-ui-[\w-]+\.min\.js$/.test(p)),
        loaded.join(),
      );
      assert.ok(
        !loaded.some((p) => /cardkeep-(ja|expiry-form|replace-card)-/.test(p)),
        loaded.join(),
      );
      assert.equal(
        seen.filter((p) => p === '/cardkeep/card').length,
        1,
        'the card is fetched once',
      );
      // The expiry form comes when the shopper asks for it, and saves.
      await tab.evaluate(
        `document.getElementById('banner').shadowRoot.querySelector('button.primary').click()`,
      );
      await tab.waitForFunction(
        `!!document.getElementById('banner').shadowRoot.querySelector('cardkeep-expiry-form')?.shadowRoot?.querySelector('input')`,
      );
      assert.ok(scripts().some((p) => /cardkeep-expiry-form-/.test(p)));
      assert.ok(!scripts().some((p) => /cardkeep-ja-/.test(p)));
      // The save and the thank-you: the thank-you came with the form's chunk, so the fix
      // fetches no other file. (Two years ahead on the test calendar, which the page reads too.)
      await tab.evaluate(
        `document.getElementById('banner').shadowRoot.querySelector('cardkeep-expiry-form').shadowRoot.querySelector('input').focus()`,
      );
      await tab.keyboard.type(`12${String(clock().getFullYear() + 2).slice(2)}`);
      await tab.keyboard.press('Enter');
      await waitForText(tab, en.updatedTitle);
      assert.equal(seen.filter((p) => p === '/cardkeep/card/expiry').length, 1);
      assert.deepEqual(
        scripts().map((p) => p.replace(/-[\w-]{8}\.min\.js$/, '')),
        ['/dist/cardkeep.min.js', '/dist/cardkeep-ui', '/dist/cardkeep-expiry-form'],
      );
      assert.deepEqual(errors, []);
    } finally {
      await close();
    }
  });

  it('"Remind me later" by keyboard: the notice hides and focus moves on, with no more files', async () => {
    backend(demoCustomer('expired', clock()));
    const { tab, errors, close } = await open('/same.html?dismissible');
    try {
      await waitForText(tab, en.remindLater);
      await tab.evaluate(
        `document.getElementById('banner').shadowRoot.querySelector('button[part~=dismiss]').focus()`,
      );
      await tab.keyboard.press('Enter');
      // Where focus goes comes with the notice: no form's chunk is fetched to move it, and
      // a keyboard user is never left on <body>.
      await tab.waitForFunction(`document.activeElement?.id === 'after'`, { timeout: 5000 });
      assert.equal(
        await tab.evaluate(`getComputedStyle(document.getElementById('banner')).display`),
        'none',
      );
      assert.deepEqual(
        scripts().map((p) => p.replace(/-[\w-]{8}\.min\.js$/, '')),
        ['/dist/cardkeep.min.js', '/dist/cardkeep-ui'],
      );
      assert.deepEqual(errors, []);
    } finally {
      await close();
    }
  });

  it('eager: the elements are fetched alongside the card, not after its answer; pasted twice, it works once', async () => {
    backend(demoCustomer('expired', clock()));
    let seenUi = () => {};
    const hold = {
      ui: new Promise<void>((resolve) => (seenUi = resolve)),
      seen: () => seenUi(),
      releasedBy: undefined as string | undefined,
    };
    holdCard = hold;
    const { tab, errors, close } = await open('/same.html?eager&twice');
    try {
      await waitForText(tab, en.expiredTitle);
      // The card's answer was held until the UI chunk was asked for: the chunk did not wait.
      assert.equal(hold.releasedBy, 'ui', seen.join());
      assert.equal(seen.filter((p) => p === '/cardkeep/card').length, 1, 'the card is asked once');
      assert.equal(seen.filter((p) => p === '/dist/cardkeep.min.js').length, 2, seen.join());
      assert.equal(seen.filter((p) => /\/cardkeep-ui-/.test(p)).length, 1, seen.join());
      assert.deepEqual(await titles(tab), [en.expiredTitle]);
      assert.deepEqual(errors, []);
    } finally {
      holdCard = undefined;
      await close();
    }
  });

  it('a stand-alone expiry form: its chunk comes at once and takes over the card asked for it', async () => {
    backend(demoCustomer('expired', clock()));
    const { tab, errors, close } = await open('/same.html?element=cardkeep-expiry-form');
    try {
      await waitForText(tab, '4242');
      assert.ok(
        scripts().some((p) => /cardkeep-expiry-form-/.test(p)),
        scripts().join(),
      );
      assert.equal(
        seen.filter((p) => p === '/cardkeep/card').length,
        1,
        'the card is fetched once',
      );
      assert.deepEqual(errors, []);
    } finally {
      await close();
    }
  });

  it('a stand-alone replacement form: it registers, with the expiry form chunk it imports from, and no Japanese', async () => {
    backend(demoCustomer('expired'));
    const { tab, close } = await open('/same.html?element=cardkeep-replace-card');
    try {
      await tab.waitForFunction(`!!customElements.get('cardkeep-replace-card')`);
      const loaded = scripts().map((p) => p.replace(/-[\w-]{8}\.min\.js$/, ''));
      for (const chunk of ['ui', 'replace-card', 'expiry-form']) {
        assert.ok(loaded.includes(`/dist/cardkeep-${chunk}`), loaded.join());
      }
      assert.ok(!loaded.includes('/dist/cardkeep-ja'), loaded.join());
    } finally {
      await close();
    }
  });

  it('Japanese page: Japanese is fetched with the elements and English never shows', async () => {
    backend(demoCustomer('expired', clock()));
    const { tab, errors, close } = await open('/same.html?lang=ja');
    try {
      await waitForText(tab, ja.expiredTitle);
      assert.ok(scripts().some((p) => /cardkeep-ja-/.test(p)));
      assert.deepEqual(await titles(tab), [ja.expiredTitle]);
      assert.deepEqual(errors, []);
    } finally {
      await close();
    }
  });

  it('served by cardkeep/server: no map comment in the files; developer tools find each map by its SourceMap header', async () => {
    backend(demoCustomer('expired', clock()));
    // What DevTools learns of each script as it is parsed: its URL and the source map it names.
    const parsed = new Map<string, string>();
    const { tab, errors, close } = await open('/served.html', async (tab) => {
      const devtools = await tab.createCDPSession();
      devtools.on('Debugger.scriptParsed', ({ url, sourceMapURL }) => {
        if (/\/cardkeep\/cardkeep[\w.-]*\.js$/.test(url)) parsed.set(url, sourceMapURL ?? '');
      });
      await devtools.send('Debugger.enable');
    });
    try {
      await waitForText(tab, en.expiredTitle);
      assert.deepEqual(
        [...parsed.keys()]
          .map((url) => url.replace(/^.*\//, '').replace(/-[\w-]{8}\.min/, ''))
          .sort(),
        ['cardkeep-ui.js', 'cardkeep.min.js'],
      );
      for (const [url, sourceMapURL] of parsed) {
        assert.match(sourceMapURL, /\.min\.js\.map$/, `${url} names its map`);
        assert.doesNotMatch(await (await fetch(url)).text(), /sourceMappingURL/);
        const map = await fetch(new URL(sourceMapURL, url));
        assert.equal(map.status, 200, `${sourceMapURL} is served`);
        const { sources } = (await map.json()) as { sources: string[] };
        assert.ok(
          sources.some((source) => /src\/[\w/-]+\.ts$/.test(source)),
          sources.join(),
        );
      }
      assert.deepEqual(errors, []);
    } finally {
      await close();
    }
  });

  it('from another origin: the chunks are pinned by an import map; an altered chunk does not run', async () => {
    backend(demoCustomer('expired', clock()));
    const fine = await open('/cdn.html');
    try {
      await waitForText(fine.tab, en.expiredTitle);
      const map = JSON.parse(
        (await fine.tab.evaluate(
          `document.querySelector('script[type=importmap]')?.textContent ?? '{}'`,
        )) as string,
      ) as { integrity?: Record<string, string> };
      const ui = Object.keys(map.integrity ?? {}).find((url) => /cardkeep-ui-/.test(url));
      assert.ok(ui?.startsWith(cdn), JSON.stringify(map));
      assert.deepEqual(fine.errors, []);
    } finally {
      await fine.close();
    }
    // Under a CSP: with a nonce on the tag the import map (an inline script) may run, and the
    // chunks load pinned; a host list alone blocks the map, and then nothing loads unpinned.
    const nonced = await open('/cdn.html?csp=nonce');
    try {
      await waitForText(nonced.tab, en.expiredTitle);
      assert.deepEqual(nonced.errors, []);
    } finally {
      await nonced.close();
    }
    const hostList = await open('/cdn.html?csp=hosts');
    try {
      await hostList.tab.waitForFunction(() => (window as { __cspSeen?: boolean }).__cspSeen);
      await hostList.tab.waitForNetworkIdle({ idleTime: 200 });
      assert.ok(!scripts().some((p) => /cardkeep-ui-/.test(p)), scripts().join());
      assert.ok(
        hostList.errors.some((e) => /nonce/.test(e)),
        hostList.errors.join('\n'),
      );
    } finally {
      await hostList.close();
    }
    const files = JSON.parse(readFileSync(join(dist, 'browser-files.json'), 'utf8')) as {
      files: { file: string }[];
    };
    for (const { file } of files.files) if (/^cardkeep-ui-.*\.js$/.test(file)) tampered.add(file);
    const altered = await open('/cdn.html');
    try {
      await altered.tab.waitForFunction(() =>
        performance.getEntriesByType('resource').some((e) => /cardkeep-ui-/.test(e.name)),
      );
      await altered.tab.waitForNetworkIdle({ idleTime: 200 });
      assert.equal(await altered.tab.evaluate(`globalThis.__tampered === true`), false);
      assert.equal(await altered.tab.evaluate(`!!customElements.get('cardkeep-banner')`), false);
      assert.ok(
        altered.errors.some((e) => /integrity/i.test(e)),
        altered.errors.join('\n'),
      );
    } finally {
      tampered.clear();
      await altered.close();
    }
  });
});
