// The demo shop end to end, as a shopper meets it: the real demo server (reference server and
// in-memory store at /cardkeep, the built script-tag bundle) on loopback, driven in the system
// Chromium through clicks and the keyboard. Every visit records what the page asked the network
// for, what it logged and what the Content-Security-Policy refused; each test ends by asserting
// that nothing left loopback (never js.stripe.com on the expiry path), nothing was logged as an
// error and nothing was refused. Needs a build (dist/): `npm test` builds first.
import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import type { Browser } from 'puppeteer-core';
import { startDemoServer } from '../../demo/server.mjs';
import type { DemoServer } from '../../demo/server.mjs';
import { isCard } from '../../src/adapter/types.js';
import type { CardOnFile } from '../../src/adapter/types.js';
import { cardStatus } from '../../src/core/card-status.js';
import { clock } from '../support/clock.js';
import {
  assertClean,
  bannerShown,
  launchChromium,
  newVisit,
  open as openUrl,
  settled,
  textOf,
  updateExpiry,
  waitForText,
} from './shopper.js';
import type { Visit } from './shopper.js';

const CUSTOMER = 'cus_demo';

let browser: Browser;
let demo: DemoServer;
let visits: Visit[] = [];

async function visit(): Promise<Visit> {
  const entry = await newVisit(browser);
  visits.push(entry);
  return entry;
}

/** Loads a page of the demo and waits until the banner has decided what to show. */
const open = (page: Visit['page'], path: string) => openUrl(page, `${demo.url}${path}`);

async function storedCard(): Promise<CardOnFile> {
  const card = await demo.store.getCard(CUSTOMER);
  assert.ok(card && isCard(card), 'the demo customer has a card');
  return card;
}

before(async () => {
  demo = await startDemoServer({ port: 0, log: () => {}, now: clock });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await demo?.close();
});

beforeEach(() => {
  demo.store.reset?.();
  visits = [];
});

afterEach(async () => {
  for (const entry of visits) await assertClean(entry);
});

describe('the demo shop', () => {
  it('starts on port 0 with a free port and the expired, unpaid card seeded', async () => {
    assert.ok(demo.port > 0);
    assert.equal(demo.url, `http://localhost:${demo.port}`);
    assert.equal(cardStatus(await storedCard(), clock()), 'payment_failed');
  });

  it('account page: the shopper fixes the expiry in place with full-width digits; a reload shows the card current', async () => {
    const { page } = await visit();
    await open(page, '/');

    await waitForText(page, 'cardkeep-banner', 'We couldn’t take your last payment');
    await waitForText(page, 'cardkeep-banner', 'Visa •••• 4242');
    await updateExpiry(page, '１２３０', '12 / 30');

    await waitForText(page, 'cardkeep-banner', 'Thank you — your card is up to date');
    await waitForText(
      page,
      'cardkeep-banner',
      'Your Visa •••• 4242 is now valid through December 2030.',
    );
    await waitForText(page, 'cardkeep-banner', 'Your payment of ¥1,980 went through.');

    const card = await storedCard();
    assert.deepEqual([card.expMonth, card.expYear, card.status], [12, 2030, 'ok']);
    assert.equal(cardStatus(card, clock()), 'ok');

    await page.reload({ waitUntil: 'load' });
    await settled(page);
    assert.equal(await bannerShown(page), false, 'no notice once the card is current');
    assert.equal(await textOf(page, '#card-on-file'), 'VISA •••• 4242 — 12 / 30');
  });

  it('account page in Japanese: the notice, the form and the thank-you speak Japanese', async () => {
    const { page } = await visit();
    await open(page, '/?lang=ja');
    assert.equal(await page.$eval('html', (html) => html.lang), 'ja');
    assert.equal(await textOf(page, 'h1'), 'マイアカウント');

    await waitForText(page, 'cardkeep-banner', '前回のお支払いを完了できませんでした');
    await updateExpiry(page, '０８／２９', '08 / 29');

    await waitForText(page, 'cardkeep-banner', 'カード情報を更新しました。ありがとうございます');
    await waitForText(page, 'cardkeep-banner', '有効期限を2029年8月に更新しました。');
    const card = await storedCard();
    assert.deepEqual([card.expMonth, card.expYear], [8, 2029]);

    await page.reload({ waitUntil: 'load' });
    await settled(page);
    assert.equal(await bannerShown(page), false);
    assert.equal(await textOf(page, '#card-on-file'), 'VISA •••• 4242 — 08 / 29');
  });

  it('a mistyped date gets a clear message and keeps what was typed; nothing is saved', async () => {
    const { page } = await visit();
    await open(page, '/');
    await updateExpiry(page, '1330', '13 / 30');

    await waitForText(page, 'cardkeep-banner', 'The month must be 01–12.');
    const input = await page.$('cardkeep-banner >>> input');
    assert.equal(await input!.evaluate((el) => (el as HTMLInputElement).value), '13 / 30');
    assert.equal(cardStatus(await storedCard(), clock()), 'payment_failed');
  });

  it('checkout: the notice sits above "Place order"; the order is refused, then goes through after the inline update', async () => {
    const { page } = await visit();
    await open(page, '/checkout.html');
    // The checkout's own wording, from its `messages` attribute, placeholders filled.
    await waitForText(page, 'cardkeep-banner', 'Your saved card needs a quick update');
    await waitForText(page, 'cardkeep-banner', 'Your Visa •••• 4242 expired (');
    const [banner, button] = await Promise.all(
      ['cardkeep-banner', '#order button'].map((s) =>
        page.$eval(s, (el) => el.getBoundingClientRect().toJSON() as DOMRect),
      ),
    );
    assert.ok(banner!.bottom <= button!.top, 'the notice is above the button');

    await page.click('#order button');
    await waitForText(page, '#order-status', 'Your saved card could not be charged.');

    await updateExpiry(page, '1230', '12 / 30');
    await waitForText(page, 'cardkeep-banner', 'Thank you — your card is up to date');
    // The page heard `cardkeep-updated`: its card line is current and the refusal is gone.
    assert.equal(await textOf(page, '#card-on-file'), 'VISA •••• 4242 — 12 / 30');
    assert.equal(await textOf(page, '#order-status'), '');

    await page.click('#order button');
    await waitForText(page, '#order-status', 'Thank you! Your order is placed.');
  });

  it('dunning e-mail: its button opens the update page, where the link alone lets the shopper fix the card', async () => {
    const { page, context } = await visit();
    await open(page, '/email.html');
    await waitForText(
      page,
      '.email',
      'Your ¥1,980 payment to Hinata Coffee Club didn’t go through',
    );
    const frame = await (await page.waitForSelector('iframe.email-frame'))!.contentFrame();
    await frame.waitForFunction(() => document.body?.textContent?.includes('Hi Hanako,'));
    const href = await frame.$$eval(
      'a',
      (links) => links.find((a) => a.textContent?.trim() === 'Update my expiry date')?.href,
    );
    assert.match(href ?? '', /^http:\/\/localhost:\d+\/cardkeep\/update\?cardkeep_token=ck1\./);

    // The mail client opens the link in the browser.
    await page.goto(href!, { waitUntil: 'load' });
    await settled(page);
    const input = await page.waitForSelector('cardkeep-banner >>> input', { visible: true });
    await waitForText(page, 'cardkeep-banner', 'Expiry date (MM / YY)');
    const cookies = await context.cookies();
    assert.deepEqual(
      cookies.map((c) => c.name),
      [],
      'no session: the link alone authorises',
    );
    await input!.click();
    await page.keyboard.type('1230');
    await page.keyboard.press('Enter');
    await waitForText(page, 'cardkeep-banner', 'Thank you — your card is up to date');
    assert.equal(cardStatus(await storedCard(), clock()), 'ok');
  });

  it('the Japanese e-mail links to the Japanese update page', async () => {
    const { page } = await visit();
    await open(page, '/email.html?lang=ja');
    await waitForText(page, '.email', '【ひなたコーヒー倶楽部】お支払いを完了できませんでした');
    const frame = await (await page.waitForSelector('iframe.email-frame'))!.contentFrame();
    await frame.waitForFunction(
      () =>
        document.body?.textContent?.includes('佐藤') || document.body?.textContent?.includes('様'),
    );
    const href = await frame.$$eval(
      'a',
      (links) => links.find((a) => a.textContent?.trim() === '有効期限を更新する')?.href,
    );
    assert.match(href ?? '', /\/cardkeep\/update\?cardkeep_token=ck1\.[^&]+&lang=ja$/);
    await page.goto(href!, { waitUntil: 'load' });
    await settled(page);
    await page.waitForSelector('cardkeep-banner >>> input', { visible: true });
    await waitForText(page, 'cardkeep-banner', '新しい有効期限');
  });

  it('a signed link to the account page opens the form there, without signing in', async () => {
    const { page, context } = await visit();
    const link = new URL(demo.newLink());
    await open(page, `${link.pathname}${link.search}`);
    await page.waitForSelector('cardkeep-banner >>> input', { visible: true });
    await waitForText(page, 'cardkeep-banner', 'Expiry date (MM / YY)');
    assert.equal(new URL(page.url()).searchParams.has('cardkeep_token'), false, 'token removed');
    assert.equal(new URL(page.url()).pathname, '/');
    await waitForText(page, '.who', 'Opened from the link in your e-mail');
    assert.deepEqual(
      (await context.cookies()).map((c) => c.name),
      [],
    );
  });

  it('a forged link to the account page says so on load, with no expiry field', async () => {
    const entry = await visit();
    const { page } = entry;
    const link = new URL(demo.newLink());
    // The same claims with the signature's last characters changed: not a link the shop made.
    const token = link.searchParams.get('cardkeep_token')!;
    link.searchParams.set(
      'cardkeep_token',
      token.slice(0, -2) + (token.endsWith('AA') ? 'BB' : 'AA'),
    );
    await open(page, `${link.pathname}${link.search}`);
    await waitForText(page, 'cardkeep-banner', 'This link isn’t valid');
    assert.equal((await page.$('cardkeep-banner >>> [role=alert]')) !== null, true, 'an alert');
    assert.equal(await page.$('cardkeep-banner >>> input:not([type=hidden])'), null, 'no field');
    assert.equal(new URL(page.url()).searchParams.has('cardkeep_token'), false, 'token removed');
    // Chromium logs every refused request itself; the 401 of the forged link is the only one.
    assert.deepEqual(entry.problems, [
      'console.error: Failed to load resource: the server responded with a status of 401 (Unauthorized)',
    ]);
    entry.problems.length = 0;
  });

  it('"Reset demo" puts the expired card back and stays on the page and language', async () => {
    await demo.store.updateExpiry(
      CUSTOMER,
      { cardId: (await storedCard()).id, month: 12, year: 2030 },
      {},
    );
    const { page } = await visit();
    await open(page, '/checkout.html?lang=ja');
    assert.equal(await bannerShown(page), false);

    await Promise.all([
      page.waitForNavigation({ waitUntil: 'load' }),
      page.click('form.reset button'),
    ]);
    await settled(page);
    assert.equal(page.url(), `${demo.url}/checkout.html?lang=ja`);
    await waitForText(page, 'cardkeep-banner', 'ご登録のカード情報の更新が必要です');
    assert.equal(cardStatus(await storedCard(), clock()), 'payment_failed');
  });

  it('dark theme: the shop and the widget inside it render dark', async () => {
    const { page } = await visit();
    await open(page, '/?theme=dark');
    const colours = await page.evaluate(() => {
      const banner = document.querySelector('cardkeep-banner')!;
      const box = banner.shadowRoot!.querySelector('[part~="base"]')!;
      return {
        page: getComputedStyle(document.body).backgroundColor,
        banner: getComputedStyle(box).backgroundColor,
        text: getComputedStyle(box).color,
        button: getComputedStyle(banner.shadowRoot!.querySelector('[part~="primary"]')!)
          .backgroundColor,
      };
    });
    assert.deepEqual(colours, {
      page: 'rgb(23, 18, 14)',
      banner: 'rgb(43, 33, 26)',
      text: 'rgb(243, 236, 228)',
      button: 'rgb(240, 178, 122)',
    });

    await page.click('cardkeep-banner >>> button[part~="primary"]');
    const input = await page.waitForSelector('cardkeep-banner >>> input', { visible: true });
    const field = await input!.evaluate((el) => [
      getComputedStyle(el).backgroundColor,
      getComputedStyle(el).color,
    ]);
    assert.deepEqual(field, ['rgb(23, 18, 14)', 'rgb(243, 236, 228)']);

    // The theme switch leads back to light, on the same page.
    await Promise.all([
      page.waitForNavigation({ waitUntil: 'load' }),
      page.click('a.tool::-p-text(Light)'),
    ]);
    assert.equal(await page.$eval('html', (html) => html.dataset.theme), 'light');
    assert.equal(new URL(page.url()).pathname, '/');
  });

  it('every page in English and Japanese, light and dark, loads cleanly under the CSP', async () => {
    const { page } = await visit();
    const titles = {
      en: { '/': 'My account', '/checkout.html': 'Checkout', '/email.html': 'Dunning e-mail' },
      ja: {
        '/': 'マイアカウント',
        '/checkout.html': 'ご注文手続き',
        '/email.html': 'お支払いエラーのメール',
      },
    };
    for (const lang of ['en', 'ja'] as const) {
      for (const theme of ['light', 'dark'] as const) {
        for (const [path, title] of Object.entries(titles[lang])) {
          const query = new URLSearchParams({ lang, theme });
          await open(page, `${path}?${query}`);
          const html = await page.$eval('html', (el) => [el.lang, el.dataset.theme]);
          assert.deepEqual(html, [lang, theme], `${path}?${query}`);
          assert.ok(
            (await page.title()).startsWith(title),
            `${path}?${query}: ${await page.title()}`,
          );
        }
      }
    }
  });
});
