// Drives the demo shop in the system Chromium the way a shopper does (clicks, the keyboard) and
// records what each page did that a shopper would not see: every URL it asked for, console
// errors and warnings, uncaught exceptions and Content-Security-Policy refusals. Shared by the
// demo's end-to-end tests (in-memory and Stripe mode).
import assert from 'node:assert/strict';
import puppeteer from 'puppeteer-core';
import type { Browser, BrowserContext, Page } from 'puppeteer-core';
import { CONTENT_SECURITY_POLICY } from '../../demo/server.mjs';
import { chromiumArgs, findChromium } from '../../scripts/chromium.mjs';
import { pageClockScript } from '../support/clock.js';

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** The system Chromium, headless, unable to resolve any host but loopback. */
export function launchChromium(): Promise<Browser> {
  return puppeteer.launch({ executablePath: findChromium(), headless: true, args: chromiumArgs() });
}

/** One browser profile (own cookies, like a separate shopper) and what its pages did. */
export interface Visit {
  context: BrowserContext;
  page: Page;
  /** Every URL the page asked for, failed and refused ones included. */
  requests: string[];
  /** Console errors and warnings, uncaught exceptions. */
  problems: string[];
  /** What the CSP refused (`securitypolicyviolation` events). */
  violations: string[];
  /** URLs of other hosts the test answered itself, in this process (see ./stripe-hosts.ts). */
  answered: Set<string>;
}

/**
 * The page-side helper behind {@link textOf}: the text a shopper sees in an element, shadow
 * roots included (the composed tree), hidden parts left out. A string, so the test runner's
 * transpiler cannot wrap it in helpers that do not exist in the page.
 */
const COMPOSED_TEXT = `window.composedText = function walk(node) {
  if (node instanceof HTMLElement && node.hidden) return '';
  let text = node instanceof Element && node.shadowRoot ? walk(node.shadowRoot) : '';
  for (const child of node.childNodes) {
    text += ' ' + (child.nodeType === Node.TEXT_NODE ? child.textContent : walk(child));
  }
  return text.replace(/\\s+/g, ' ').trim();
};`;

type WithText = { composedText(node: Node): string };

/** A fresh profile with one page on the test calendar, recording as described above. */
export async function newVisit(browser: Browser): Promise<Visit> {
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  const visit: Visit = {
    context,
    page,
    requests: [],
    problems: [],
    violations: [],
    answered: new Set(),
  };
  page.on('request', (request) => visit.requests.push(request.url()));
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warn') {
      visit.problems.push(`console.${message.type()}: ${message.text()}`);
    }
  });
  page.on('pageerror', (error) => visit.problems.push(`uncaught: ${String(error)}`));
  await page.exposeFunction('reportViolation', (text: string) => visit.violations.push(text));
  // Installed by DevTools before any page script, so the CSP under test does not apply to them.
  await page.evaluateOnNewDocument(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      const report = (window as unknown as { reportViolation(text: string): void }).reportViolation;
      report(`${event.effectiveDirective} refused ${event.blockedURI}`);
    });
  });
  await page.evaluateOnNewDocument(COMPOSED_TEXT);
  // The page's elements read "today" from the test calendar, as the demo server does.
  await page.evaluateOnNewDocument(pageClockScript());
  return visit;
}

/**
 * Closes the visit's profile and asserts that nothing left loopback (js.stripe.com included,
 * unless the test answered it itself), nothing was logged as an error or warning, and the CSP
 * refused nothing.
 */
export async function assertClean({ context, requests, problems, violations, answered }: Visit) {
  await context.close();
  const outside = requests.filter(
    (url) => !LOOPBACK.has(new URL(url).hostname) && !answered.has(url),
  );
  assert.deepEqual(
    { outside, problems, violations },
    { outside: [], problems: [], violations: [] },
  );
}

/** Loads a demo page (200, under the demo's CSP) and waits until it has settled. */
export async function open(page: Page, url: string): Promise<void> {
  const response = await page.goto(url, { waitUntil: 'load' });
  assert.equal(response?.status(), 200, `GET ${url}`);
  assert.equal(response?.headers()['content-security-policy'], CONTENT_SECURITY_POLICY);
  await settled(page);
}

/**
 * Waits until the page has finished talking to the server and the banner has rendered what it
 * heard. A banner with nothing to say looks the same while loading, so "nothing shows" is only
 * true once the network is quiet — as a shopper would judge it.
 */
export async function settled(page: Page): Promise<void> {
  await page.waitForNetworkIdle({ idleTime: 150, timeout: 5000 });
  await page.evaluate(() => document.querySelector('cardkeep-banner')?.updateComplete);
}

/** What a shopper reads in the first element matching `selector`. */
export async function textOf(page: Page, selector: string): Promise<string> {
  return page.$eval(selector, (el) => (window as unknown as WithText).composedText(el));
}

/** Waits until the element's visible text contains `text`. */
export async function waitForText(page: Page, selector: string, text: string): Promise<void> {
  try {
    await page.waitForFunction(
      (selector, text) => {
        const root = document.querySelector(selector);
        return root !== null && (window as unknown as WithText).composedText(root).includes(text);
      },
      { timeout: 5000 },
      selector,
      text,
    );
  } catch {
    assert.fail(`"${text}" never appeared in ${selector}: "${await textOf(page, selector)}"`);
  }
}

/** Whether the banner takes up any room on the page. */
export async function bannerShown(page: Page): Promise<boolean> {
  return page.$eval('cardkeep-banner', (banner) => banner.getBoundingClientRect().height > 0);
}

/** Opens the expiry form from the banner, types the date with the keyboard and saves. */
export async function updateExpiry(page: Page, typed: string, expected: string): Promise<void> {
  await page.click('cardkeep-banner >>> button[part~="primary"]');
  const input = await page.waitForSelector('cardkeep-banner >>> input', { visible: true });
  // The banner moves focus to the field once the form has rendered: the shopper types at once.
  await page
    .waitForFunction((el) => el.matches(':focus'), { timeout: 2000 }, input!)
    .catch(() => assert.fail('the field has focus when the form opens'));
  await page.keyboard.type(typed);
  assert.equal(await input!.evaluate((el) => (el as HTMLInputElement).value), expected);
  await page.keyboard.press('Enter');
}
