// The self-hosted update page in the system Chromium, through the demo shop (real reference
// server, in-memory store, built script tag) on loopback: the link from the dunning e-mail with
// JavaScript off (a plain form: bad date, success, dead links, "Send me a new link") and on
// (the widget takes over the same page), in English and Japanese. Every visit ends by asserting
// that nothing left loopback, nothing was logged as an error and the CSP refused nothing.
// Needs a build (dist/): `npm test` builds first.
import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import type { Browser, HTTPResponse, Page } from 'puppeteer-core';
import { startDemoServer } from '../../demo/server.mjs';
import type { DemoServer } from '../../demo/server.mjs';
import { en as enMessages, ja as jaMessages } from '../../src/i18n/index.js';
import { linkMessages } from '../../src/i18n/link-messages.js';
import { createLinkToken } from '../../src/server/signed-link.js';
import { clock } from '../support/clock.js';
import { assertClean, launchChromium, newVisit, textOf, waitForText } from './shopper.js';
import type { Visit } from './shopper.js';

/** The page's words: the widget's messages and the link-state ones. */
const en = { ...enMessages, ...linkMessages.en };
const ja = { ...jaMessages, ...linkMessages.ja };

const SECRET = 'demo-test-secret-0123456789-abcdefghij';
let browser: Browser;
let demo: DemoServer;
let visits: Visit[] = [];

async function visit(javaScript: boolean): Promise<Page> {
  const entry = await newVisit(browser);
  visits.push(entry);
  await entry.page.setJavaScriptEnabled(javaScript);
  return entry.page;
}

/** Opens a URL and checks the page's own security headers. */
async function go(page: Page, url: string, status = 200): Promise<HTTPResponse> {
  const response = await page.goto(url, { waitUntil: 'load' });
  assert.ok(response);
  assert.equal(response.status(), status, `GET ${url}`);
  assertHeaders(response);
  return response;
}

function assertHeaders(response: HTTPResponse) {
  const headers = response.headers();
  assert.match(headers['content-security-policy'] ?? '', /object-src 'none'.*|base-uri 'none'/);
  assert.doesNotMatch(headers['content-security-policy'] ?? '', /unsafe-inline|unsafe-eval/);
  assert.equal(headers['referrer-policy'], 'no-referrer');
  assert.match(headers['x-robots-tag'] ?? '', /noindex/);
}

/** Submits the page's form by clicking its button, as a shopper without JavaScript does. */
async function submit(page: Page, button: string, status: number): Promise<HTTPResponse> {
  const [response] = await Promise.all([
    page.waitForNavigation({ waitUntil: 'load' }),
    page.click(button),
  ]);
  assert.ok(response);
  // After a 303 the response is the page it led to.
  assert.equal(response.status(), status);
  assertHeaders(response);
  return response;
}

async function typeExpiry(page: Page, text: string) {
  await page.click('#cardkeep-expiry', { count: 3 });
  await page.keyboard.press('Backspace');
  await page.keyboard.type(text);
}

const text = (page: Page) => textOf(page, 'main');

/** A signed link that ran out an hour ago (signed as if an hour and a minute ago). */
function expiredLink(lang = '') {
  const token = createLinkToken(demo.customerId, {
    secret: SECRET,
    ttl: 60,
    now: () => new Date(clock().getTime() - 61 * 60 * 1000),
  });
  return `${demo.url}/cardkeep/update?cardkeep_token=${token}${lang}`;
}

before(async () => {
  demo = await startDemoServer({ port: 0, linkSecret: SECRET, log: () => {}, now: clock });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await demo?.close();
});

beforeEach(() => {
  demo.store.reset?.();
  demo.outbox.length = 0;
  visits = [];
});

afterEach(async () => {
  for (const entry of visits) {
    // The page answers a refused date with 422 and a dead link with 410 or 403, as it should:
    // Chromium notes any such document status in the console. Those are the page working.
    entry.problems = entry.problems.filter(
      (line) => !/Failed to load resource: .* status of (403|410|422) /.test(line),
    );
    await assertClean(entry);
  }
});

describe('the update page without JavaScript', () => {
  it('English: a bad date comes back explained with what was typed; a good one saves and thanks', async () => {
    const page = await visit(false);
    await go(page, demo.pageLink());
    const shown = await text(page);
    assert.ok(shown.includes(en.paymentFailedTitle), shown);
    assert.ok(shown.includes('Hi Hanako,'));
    assert.ok(shown.includes('Visa •••• 4242'));
    assert.equal(await textOf(page, 'header'), 'Hinata Coffee Club');
    assert.equal(await textOf(page, 'label[for="cardkeep-expiry"]'), en.expiryLabel);
    assert.equal(await textOf(page, 'form button'), 'Save');

    await typeExpiry(page, '13/30');
    await submit(page, 'form button', 422);
    assert.ok((await text(page)).includes(en.invalid.month));
    const field = await page.$eval('#cardkeep-expiry', (el) => ({
      value: (el as HTMLInputElement).value,
      invalid: el.getAttribute('aria-invalid'),
      described: el.getAttribute('aria-describedby'),
      focused: document.activeElement === el,
    }));
    assert.deepEqual(field, {
      value: '13/30',
      invalid: 'true',
      described: 'cardkeep-expiry-hint cardkeep-expiry-error',
      focused: true,
    });
    assert.equal(await textOf(page, '#cardkeep-expiry-error'), en.invalid.month);

    await typeExpiry(page, '12/30');
    await submit(page, 'form button', 200);
    const thanks = await text(page);
    assert.ok(thanks.includes(en.updatedTitle), thanks);
    assert.ok(thanks.includes('Your Visa •••• 4242 is now valid through December 2030.'));
    assert.ok(thanks.includes('Your payment of ¥1,980 went through.'));
    const card = await demo.store.getCard(demo.customerId);
    assert.deepEqual([card?.expMonth, card?.expYear, card?.status], [12, 2030, 'ok']);

    // Reloaded: still the thanks, never a form.
    await go(page, page.url());
    assert.ok((await text(page)).includes(en.updatedTitle));
    assert.equal(await page.$('#cardkeep-expiry'), null);
  });

  it('Japanese: 有効期限 and 保存, the same message as the widget, and the thanks', async () => {
    const page = await visit(false);
    await go(page, demo.pageLink('ja'));
    assert.equal(await textOf(page, 'header'), 'ひなたコーヒー倶楽部');
    assert.equal(await page.$eval('html', (el) => el.lang), 'ja');
    assert.match(await textOf(page, 'label[for="cardkeep-expiry"]'), /有効期限/);
    assert.equal(await textOf(page, 'form button'), '保存');
    await typeExpiry(page, '01/20');
    await submit(page, 'form button', 422);
    assert.equal(await textOf(page, '#cardkeep-expiry-error'), ja.invalid.past);
    await typeExpiry(page, '１２／３０');
    await submit(page, 'form button', 200);
    const thanks = await text(page);
    assert.ok(thanks.includes(ja.updatedTitle), thanks);
    assert.ok(thanks.includes('2030年12月'), thanks);
  });

  it('an expired link says so and sends a new one to the outbox; the new link opens the form', async () => {
    const page = await visit(false);
    await go(page, expiredLink(), 410);
    const shown = await text(page);
    assert.ok(shown.includes(en.linkExpiredTitle), shown);
    assert.equal(await page.$('#cardkeep-expiry'), null, 'no expiry field');
    assert.equal(
      await page.$eval('[role="alert"] h1', (el) => el.textContent),
      en.linkExpiredTitle,
    );
    assert.equal(await textOf(page, 'a.button'), 'Sign in');

    await submit(page, 'form[action$="/update/resend"] button', 200);
    assert.ok((await text(page)).includes(en.newLinkSent));
    assert.equal(demo.outbox.length, 1);

    await page.goto(`${demo.url}/outbox.html`, { waitUntil: 'load' });
    assert.ok((await textOf(page, '#outbox')).includes('Your new link to update your card'));
    const [response] = await Promise.all([
      page.waitForNavigation({ waitUntil: 'load' }),
      page.click('#outbox a'),
    ]);
    assert.equal(response?.status(), 200);
    assert.ok(await page.$('#cardkeep-expiry'), 'the new link opens the form');
  });

  it('a link that is not valid offers only "Sign in" (Japanese); a used link whose card broke again says it was used', async () => {
    const page = await visit(false);
    const link = demo.pageLink('ja');
    await go(page, link.replace(/.{4}&lang=ja$/, 'AAAA&lang=ja'), 403);
    assert.ok((await text(page)).includes(ja.linkInvalidTitle));
    assert.equal(await page.$('form'), null, 'no "Send me a new link" for a forged link');
    assert.equal(await textOf(page, 'a.button'), 'ログイン');

    await go(page, link);
    await typeExpiry(page, '12/30');
    await submit(page, 'form button', 200);
    demo.store.reset?.();
    await go(page, link, 410);
    const shown = await text(page);
    assert.ok(shown.includes(ja.linkUsedTitle), shown);
    assert.ok(shown.includes('新しいリンクを送る'));
    assert.equal(await page.$('#cardkeep-expiry'), null);
  });
});

describe('the update page with JavaScript', () => {
  it('English: the widget takes over the same page and saves through the same server', async () => {
    const page = await visit(true);
    await go(page, demo.pageLink());
    const input = await page.waitForSelector('cardkeep-banner >>> input', { visible: true });
    await waitForText(page, 'cardkeep-banner', 'Expiry date (MM / YY)');
    // The server-rendered copy is the element's light DOM: not shown twice.
    assert.equal(
      await page.$eval('cardkeep-banner > section', (el) => el.checkVisibility()),
      false,
    );
    await input!.click();
    await page.keyboard.type('13');
    await page.keyboard.type('30');
    await page.keyboard.press('Enter');
    await waitForText(page, 'cardkeep-banner', en.invalid.month);
    await input!.click({ count: 3 });
    await page.keyboard.type('1230');
    await page.keyboard.press('Enter');
    await waitForText(page, 'cardkeep-banner', en.updatedTitle);
    const card = await demo.store.getCard(demo.customerId);
    assert.deepEqual([card?.expMonth, card?.expYear], [12, 2030]);
  });

  it('Japanese: the widget speaks Japanese on the Japanese page', async () => {
    const page = await visit(true);
    await go(page, demo.pageLink('ja'));
    await page.waitForSelector('cardkeep-banner >>> input', { visible: true });
    await waitForText(page, 'cardkeep-banner', '新しい有効期限');
    await page.keyboard.type('1230');
    await page.keyboard.press('Enter');
    await waitForText(page, 'cardkeep-banner', ja.updatedTitle);
  });

  it('dead links read the same with JavaScript on: the page needs no script to say so', async () => {
    const page = await visit(true);
    await go(page, expiredLink('&lang=ja'), 410);
    assert.ok((await text(page)).includes(ja.linkExpiredTitle));
    assert.equal(await page.$('script'), null, 'no script on a page with nothing to enhance');
    await submit(page, 'form[action$="/update/resend"] button', 200);
    assert.ok((await text(page)).includes(ja.newLinkSent));
    assert.equal(demo.outbox[0]?.lang, 'ja');
  });
});
