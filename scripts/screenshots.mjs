// `npm run screenshots [-- --out DIR] [--quick] [--only TEXT]`: what the shopper sees, in every
// state (notice, form, error, saving, thank-you, a dead link, the replacement that could not
// load), in English and Japanese, light and dark, at 1280 and 375 px, on the demo shop (themed)
// and on a plain page with no styles of its own (unthemed). Needs `npm run build` first and
// Debian's fonts-noto-cjk for Japanese. The PNGs are for people to look at; no test reads them.
// `--quick`: 375 px only; `--only plain-ja`: the runs whose label contains that text.
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';
import { chromiumArgs, findChromium } from './chromium.mjs';
import { startDemoServer } from '../demo/server.mjs';
import { createUpdateLink } from '../dist/server/index.js';

const argument = (name) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : undefined;
};
const out = argument('--out') ?? 'screenshots';
const only = process.argv.includes('--quick');
const filter = argument('--only');
/** The demo's link key, so that this script can sign a link that has already expired. */
const linkSecret = randomBytes(32).toString('base64url');

const LANGS = ['en', 'ja'];
const THEMES = ['light', 'dark'];
const WIDTHS = only ? [375] : [1280, 375];

/** Waits until `predicate` (a page function over the banner's shadow root) holds. */
const inBanner = (page, body) =>
  page.waitForFunction(
    new Function(
      `const b = document.querySelector('cardkeep-banner');
       const root = b && b.shadowRoot; if (!root) return false;
       const form = root.querySelector('cardkeep-expiry-form');
       const formRoot = form && form.shadowRoot;
       const replace = root.querySelector('cardkeep-replace-card');
       const replaceRoot = replace && replace.shadowRoot;
       ${body}`,
    ),
    { timeout: 15_000, polling: 50 },
  );

async function field(page) {
  return page.evaluateHandle(() =>
    document
      .querySelector('cardkeep-banner')
      .shadowRoot.querySelector('cardkeep-expiry-form')
      .shadowRoot.querySelector('input'),
  );
}

async function clickInBanner(page, text) {
  await page.evaluate((label) => {
    const walk = (root) => {
      for (const el of root.querySelectorAll('*')) {
        if (el.tagName === 'BUTTON' && el.textContent.trim() === label) return el;
        if (el.shadowRoot) {
          const found = walk(el.shadowRoot);
          if (found) return found;
        }
      }
      return null;
    };
    const button = walk(document.querySelector('cardkeep-banner').shadowRoot);
    if (!button) throw new Error(`no button "${label}"`);
    button.click();
  }, text);
}

const LABELS = {
  en: { update: 'Update expiry date', save: 'Save', other: 'Use a different card' },
  ja: { update: '有効期限を更新', save: '保存', other: '別のカードを使う' },
};

/** A page of its own for one language, theme and width, answered with `plain` markup or the demo's. */
async function openPage(browser, base, { lang, theme, width, plain }) {
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  await page.setViewport({ width, height: 900 });
  await page.emulateMediaFeatures([
    { name: 'prefers-color-scheme', value: theme },
    { name: 'prefers-reduced-motion', value: 'reduce' },
  ]);
  const query = new URLSearchParams();
  if (lang === 'ja') query.set('lang', 'ja');
  if (theme === 'dark') query.set('theme', 'dark');
  const plainUrl = `${base}/plain.html`;
  const url = plain ? plainUrl : `${base}/?${query}`;
  // One interception for the page: the plain page is answered here (a merchant page with no
  // styles at all, as the elements look before any theming), and a save can be held.
  const hold = { until: Promise.resolve(), release: () => {} };
  await page.setRequestInterception(true);
  page.on('request', async (request) => {
    if (plain && request.url().split('?')[0] === plainUrl) {
      return request.respond({
        contentType: 'text/html; charset=utf-8',
        body: `<!doctype html><html lang="${lang}"><meta charset="utf-8">
          <meta name="viewport" content="width=device-width, initial-scale=1">
          <script src="/cardkeep.min.js" defer></script>
          <h1>${lang === 'ja' ? 'アカウント' : 'Your account'}</h1>
          <cardkeep-banner endpoint="/cardkeep" warn-days="45"></cardkeep-banner>
          <p><a href="/">${lang === 'ja' ? '注文履歴' : 'Orders'}</a></p>`,
      });
    }
    if (request.method() === 'POST' && request.url().includes('/card/expiry')) await hold.until;
    return request.continue();
  });
  // What went wrong, should a state not come: the page's own errors and refused calls.
  const trouble = [];
  page.on('pageerror', (error) => trouble.push(error.message));
  page.on('response', (response) => {
    if (response.status() >= 400) trouble.push(`${response.status()} ${response.url()}`);
  });
  return { context, page, url, hold, trouble };
}

async function shoot(browser, base, { lang, theme, width, plain }) {
  const name = (state) =>
    join(out, `${plain ? 'plain' : 'demo'}-${state}-${lang}-${theme}-${width}.png`);
  const { context, page, url, hold, trouble } = await openPage(browser, base, {
    lang,
    theme,
    width,
    plain,
  });
  const shot = async (state) => {
    const banner = await page.$('cardkeep-banner');
    await (plain ? page : banner).screenshot({ path: name(state) });
  };
  const labels = LABELS[lang];
  try {
    // A fresh card and a fresh session for every run (the demo's first visit sets its cookie).
    await fetch(`${base}/demo/reset`, { method: 'POST' });
    if (plain) await page.goto(base, { waitUntil: 'load' });
    await page.goto(url, { waitUntil: 'load' });
    await inBanner(page, `return !!root.querySelector('section')`);
    await shot('notice');
    await clickInBanner(page, labels.update);
    await inBanner(page, `return !!(formRoot && formRoot.querySelector('input'))`);
    await shot('form');
    const input = await field(page);
    await input.type('13 / 2');
    await clickInBanner(page, labels.save);
    await inBanner(
      page,
      `return formRoot.querySelector('input').getAttribute('aria-invalid') === 'true'`,
    );
    await shot('error');
    // Saving: hold the POST until the screenshot is taken.
    hold.until = new Promise((resolve) => (hold.release = resolve));
    await input.click({ clickCount: 3 });
    await input.type(`08 / ${(new Date().getFullYear() + 3) % 100}`);
    await clickInBanner(page, labels.save);
    await inBanner(page, `return !!formRoot.querySelector('[aria-busy="true"]')`);
    await shot('saving');
    hold.release();
    await inBanner(page, `return !!root.querySelector('.done')`);
    await shot('thanks');
    // The replacement form cannot load Stripe.js here (no network): its "could not load" state.
    await fetch(`${base}/demo/reset`, { method: 'POST' });
    await page.goto(url, { waitUntil: 'load' });
    await inBanner(page, `return !!root.querySelector('section')`);
    await clickInBanner(page, labels.other);
    await inBanner(page, `return replace && replace.status === 'load_failed'`);
    await shot('replace-failed');
    // A dunning e-mail's link, followed after it expired: the banner says so on load.
    const hourAgo = () => new Date(Date.now() - 60 * 60 * 1000);
    const dead = createUpdateLink('cus_demo', {
      baseUrl: url,
      secret: linkSecret,
      ttl: 60,
      now: hourAgo,
    });
    await page.goto(dead, { waitUntil: 'load' });
    await inBanner(page, `return !!root.querySelector('[role=alert] h2')`);
    await shot('dead-link');
  } catch (error) {
    error.message += trouble.length ? ` (${trouble.join('; ')})` : '';
    throw error;
  } finally {
    await context.close();
  }
}

await mkdir(out, { recursive: true });
const browser = await puppeteer.launch({
  executablePath: findChromium(),
  headless: true,
  args: chromiumArgs(),
});
try {
  for (const plain of [false, true]) {
    for (const lang of LANGS) {
      for (const theme of plain ? ['light'] : THEMES) {
        for (const width of WIDTHS) {
          const label = `${plain ? 'plain' : 'demo'}-${lang}-${theme}-${width}`;
          if (filter && !label.includes(filter)) continue;
          // A demo server of its own for each run: runs follow one another within seconds, and
          // one shared server answered the sixth run's save with a 429 (its rate limit).
          const demo = await startDemoServer({ port: 0, linkSecret, log: () => {} });
          try {
            await shoot(browser, demo.url, { lang, theme, width, plain });
            console.log(label);
          } catch (error) {
            process.exitCode = 1;
            console.error(`${label}: ${error.message}`);
          } finally {
            await demo.close();
          }
        }
      }
    }
  }
} finally {
  await browser.close();
}
console.log(`screenshots in ${out}/`);
