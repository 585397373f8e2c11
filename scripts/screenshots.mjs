// `npm run screenshots [-- --out DIR]`: what the shopper sees, in every state of the notice and
// the expiry fix, in English and Japanese, light and dark, at 1280 and 375 px, on the demo shop
// (themed) and on a plain page with no styles of its own (unthemed). Needs `npm run build` first
// and Debian's fonts-noto-cjk for Japanese. The PNGs are for people to look at; no test reads them.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';
import { chromiumArgs, findChromium } from './chromium.mjs';
import { startDemoServer } from '../demo/server.mjs';

const outIndex = process.argv.indexOf('--out');
const out = outIndex > 0 ? process.argv[outIndex + 1] : 'screenshots';
const only = process.argv.includes('--quick');

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

async function shoot(browser, base, { lang, theme, width, plain }) {
  const name = (state) =>
    join(out, `${plain ? 'plain' : 'demo'}-${state}-${lang}-${theme}-${width}.png`);
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  await page.setViewport({ width, height: 900 });
  await page.emulateMediaFeatures([
    { name: 'prefers-color-scheme', value: theme },
    { name: 'prefers-reduced-motion', value: 'reduce' },
  ]);
  await fetch(`${base}/demo/reset`, { method: 'POST' });
  const query = new URLSearchParams();
  if (lang === 'ja') query.set('lang', 'ja');
  if (theme === 'dark') query.set('theme', 'dark');
  const url = plain ? `${base}/plain.html` : `${base}/?${query}`;
  // One interception for the page: the plain page is answered here (a merchant page with no
  // styles at all, as the elements look before any theming), and a save can be held.
  let held = Promise.resolve();
  let release = () => {};
  await page.setRequestInterception(true);
  page.on('request', async (request) => {
    if (request.url() === url && plain) {
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
    if (request.method() === 'POST' && request.url().includes('/card/expiry')) await held;
    return request.continue();
  });
  // The demo's first visit sets its session cookie.
  if (plain) await page.goto(base, { waitUntil: 'load' });
  await page.goto(url, { waitUntil: 'load' });
  const shot = async (state) => {
    const banner = await page.$('cardkeep-banner');
    await (plain ? page : banner).screenshot({ path: name(state) });
  };
  const labels = LABELS[lang];
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
  held = new Promise((resolve) => (release = resolve));
  await input.click({ clickCount: 3 });
  await input.type(`08 / ${(new Date().getFullYear() + 3) % 100}`);
  await clickInBanner(page, labels.save);
  await inBanner(page, `return !!formRoot.querySelector('[aria-busy="true"]')`);
  await shot('saving');
  release();
  await inBanner(page, `return !formRoot || !formRoot.querySelector('input')`);
  await shot('thanks');
  // The replacement form cannot load Stripe.js here (no network): its "could not load" state.
  await fetch(`${base}/demo/reset`, { method: 'POST' });
  await page.goto(url, { waitUntil: 'load' });
  await inBanner(page, `return !!root.querySelector('section')`);
  await clickInBanner(page, labels.other);
  await inBanner(page, `return replace && replace.status === 'load_failed'`);
  await shot('replace-failed');
  await context.close();
}

const demo = await startDemoServer({ port: 0 });
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
          const label = `${plain ? 'plain' : 'demo'} ${lang} ${theme} ${width}`;
          try {
            await shoot(browser, demo.url, { lang, theme, width, plain });
            console.log(label);
          } catch (error) {
            process.exitCode = 1;
            console.error(`${label}: ${error.message}`);
          }
        }
      }
    }
  }
} finally {
  await browser.close();
  await demo.close();
}
console.log(`screenshots in ${out}/`);
