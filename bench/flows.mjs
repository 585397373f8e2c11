// 2. Stripe cost of the common path, and 4. shopper effort. Both come from driving real flows
// in headless Chromium with a counting driver: the demo shop (demo/server.mjs, the script tag,
// the reference server at /cardkeep) for Cardkeep's expiry-only and replacement flows, and a
// page of our own with the full card form a shopper meets elsewhere. Every request to Stripe's
// hosts is intercepted and answered locally (a stand-in for Stripe.js and its card frame), so
// nothing leaves loopback, and what was asked for is counted.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startDemoServer } from '../demo/server.mjs';
import {
  launchBrowser,
  readText,
  recordNetwork,
  root,
  roundSummary,
  serveStatic,
  summarize,
} from './lib.mjs';

const STRIPE_HOSTS = /(^|\.)(stripe\.com|stripe\.network)$/;
const STRIPE_JS = 'js.stripe.com';

/** What the bench answers for Stripe's URLs: the stand-ins, or an empty 404 for the rest. */
async function stripeStandIns() {
  const script = await readFile(join(root, 'bench/pages/stripe-stand-in.js'));
  const frame = await readFile(join(root, 'bench/pages/payment-frame.html'));
  return (url) => {
    if (url.hostname === STRIPE_JS && /^\/[a-z0-9]+\/stripe\.js$/.test(url.pathname)) {
      return { contentType: 'text/javascript; charset=utf-8', body: script };
    }
    if (url.hostname === STRIPE_JS && url.pathname === '/bench/payment-frame.html') {
      return { contentType: 'text/html; charset=utf-8', body: frame };
    }
    return { status: 404, contentType: 'text/plain', body: Buffer.alloc(0) };
  };
}

/**
 * Intercepts every request of the page (and its frames). Requests to Stripe's hosts are
 * answered from `standIn` and logged with the bytes served; the rest go on to loopback.
 */
async function interceptStripe(page, standIn) {
  const log = [];
  await page.setRequestInterception(true);
  page.on('request', (request) => {
    if (request.isInterceptResolutionHandled()) return;
    let url;
    try {
      url = new URL(request.url());
    } catch {
      return void request.continue();
    }
    if (!STRIPE_HOSTS.test(url.hostname)) return void request.continue();
    const { status = 200, contentType, body } = standIn(url);
    log.push({ url: url.href, host: url.hostname, status, bytes: body.length });
    void request.respond({
      status,
      contentType,
      body,
      headers: { 'access-control-allow-origin': '*', 'cache-control': 'no-store' },
    });
  });
  return log;
}

/** The element that has focus, looking through shadow roots. */
const deepActive = () => {
  let active = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active;
};

/** The first element matching `selector` whose text is `text`, looking through shadow roots. */
function findDeep(page, selector, text) {
  return page.waitForFunction(
    (selector, text) => {
      const search = (root) => {
        for (const node of root.querySelectorAll('*')) {
          if (
            node.matches(selector) &&
            (text === null || node.textContent.trim() === text) &&
            !node.disabled &&
            node.getClientRects().length > 0
          ) {
            return node;
          }
          const inner = node.shadowRoot && search(node.shadowRoot);
          if (inner) return inner;
        }
        return null;
      };
      return search(document);
    },
    { timeout: 10_000, polling: 20 },
    selector,
    text ?? null,
  );
}

/**
 * A shopper at the keyboard and mouse who keeps count: every click, every key, every field
 * typed into. Typing goes to whatever has focus, as a person's typing does.
 */
function shopper(page) {
  const effort = { clicks: 0, keystrokes: 0, characters: 0, fields: new Set() };
  return {
    effort,
    async click(handle) {
      effort.clicks += 1;
      await handle.click();
    },
    async type(field, text) {
      effort.fields.add(field);
      effort.keystrokes += text.length;
      effort.characters += text.length;
      await page.keyboard.type(text);
    },
    async press(key) {
      effort.keystrokes += 1;
      await page.keyboard.press(key);
    },
    summary: () => ({
      clicks: effort.clicks,
      keystrokes: effort.keystrokes,
      characters: effort.characters,
      fields: effort.fields.size,
    }),
  };
}

/** A new expiry the shopper reads off the renewed card: this month, three years on. */
function renewedExpiry(now = new Date()) {
  const month = now.getMonth() + 1;
  const year = now.getFullYear() + 3;
  return { month, year, typed: `${String(month).padStart(2, '0')}${String(year).slice(-2)}` };
}

/** Opens `url` in a fresh context with Stripe intercepted and the network recorded. */
async function openFlow(browser, url, standIn) {
  const context = await browser.createBrowserContext();
  try {
    const page = await context.newPage();
    const stripe = await interceptStripe(page, standIn);
    const network = await recordNetwork(page);
    await page.goto(url, { waitUntil: 'load' });
    return { context, page, stripe, network };
  } catch (error) {
    await context.close();
    throw error;
  }
}

const requestsOf = (network) => network.all().filter((r) => !r.url.startsWith('data:'));
const urls = (requests) =>
  requests.map((r) => `${r.method} ${r.url.replace(/^https?:\/\/[^/]+/, '')}`);

/**
 * Opens `path` on `server` in a fresh context and lets `drive` play the shopper. `drive` calls
 * `begin()` once the page is ready for them: the requests before it are the page load, the ones
 * after it the flow's. Everything is closed afterwards, the server too, whatever happened.
 */
async function measureFlow(browser, standIn, server, path, drive) {
  const opened = await openFlow(browser, `${server.url}${path}`, standIn).catch(async (error) => {
    await server.close();
    throw error;
  });
  const { context, page, stripe, network } = opened;
  try {
    const you = shopper(page);
    let load = [];
    await drive({
      page,
      you,
      begin: () => {
        load = requestsOf(network);
        network.clear();
      },
    });
    return { effort: you.summary(), load, flow: requestsOf(network), stripe };
  } finally {
    await network.detach();
    await context.close();
    await server.close();
  }
}

/** Cardkeep's common path on the demo: the banner, "Update expiry date", four digits, Enter. */
async function expiryFlow(browser, standIn) {
  const demo = await startDemoServer({ port: 0, log: () => {} });
  return measureFlow(browser, standIn, demo, '/', async ({ page, you, begin }) => {
    const update = await findDeep(page, 'button', 'Update expiry date');
    begin();
    await you.click(update);
    await page.waitForFunction(`(${deepActive})()?.localName === 'input'`, { timeout: 10_000 });
    const expiry = renewedExpiry();
    await you.type('expiry', expiry.typed);
    await you.press('Enter');
    await findDeep(page, 'section.done', null);
    const card = await demo.store.getCard('cus_demo');
    if (card.expMonth !== expiry.month || card.expYear !== expiry.year) {
      throw new Error(`bench: the expiry flow did not save ${expiry.typed}`);
    }
  });
}

/** The replacement flow on the demo: "Use a different card", Stripe's frame, Save. */
async function replaceFlow(browser, standIn) {
  const demo = await startDemoServer({ port: 0, log: () => {} });
  return measureFlow(browser, standIn, demo, '/', async ({ page, you, begin }) => {
    const different = await findDeep(page, 'button', 'Use a different card');
    begin();
    await you.click(different);
    const frame = await page.waitForFrame((f) => f.url().endsWith('/bench/payment-frame.html'), {
      timeout: 10_000,
    });
    await frame.waitForSelector('#number');
    // The Save button is enabled once Stripe's frame said it is ready.
    const save = await findDeep(page, 'button[type=submit]', 'Save card');
    await you.click(await frame.$('#number'));
    await you.type('number', '5555555555554444');
    await you.press('Tab');
    await you.type('expiry', renewedExpiry().typed);
    await you.press('Tab');
    await you.type('cvc', '123');
    await you.click(save);
    await findDeep(page, 'section.done', null);
    const card = await demo.store.getCard('cus_demo');
    if (card.last4 !== '4444') throw new Error('bench: the replacement flow saved no new card');
  });
}

/** The baseline: re-enter the whole card (number, expiry, CVC, name, e-mail) and save. */
async function fullFormFlow(browser, standIn) {
  const posted = [];
  const server = await serveStatic({
    '/full-card-form.html': join(root, 'bench/pages/full-card-form.html'),
    '/full-card-form.js': join(root, 'bench/pages/full-card-form.js'),
    'POST /card': async (req) => {
      posted.push(JSON.parse(await readText(req)));
      return { type: 'application/json', body: '{"ok":true}' };
    },
  });
  return measureFlow(
    browser,
    standIn,
    server,
    '/full-card-form.html',
    async ({ page, you, begin }) => {
      const number = await page.waitForSelector('input[name=number]', { visible: true });
      begin();
      await you.click(number);
      await you.type('number', '4242424242424242');
      await you.press('Tab');
      await you.type('expiry', renewedExpiry().typed);
      await you.press('Tab');
      await you.type('cvc', '123');
      await you.press('Tab');
      await you.type('name', 'Hanako Sato');
      await you.press('Tab');
      await you.type('email', 'hanako@example.com');
      await you.press('Enter');
      await page.waitForSelector('#status[data-done=ok]');
      const sent = posted.at(-1);
      if (!sent || Object.values(sent).filter(Boolean).length !== 5) {
        throw new Error('bench: the full form did not send all five fields');
      }
    },
  );
}

/** Runs each flow `repeats` times, interleaved. */
export async function run({ repeats = 3 } = {}) {
  const standIn = await stripeStandIns();
  const browser = await launchBrowser();
  const flows = { expiry: expiryFlow, replace: replaceFlow, fullForm: fullFormFlow };
  const runs = { expiry: [], replace: [], fullForm: [] };
  // A flow that cannot run is reported (its figures show as missing), the others still run.
  const errors = {};
  try {
    for (let i = 0; i < repeats; i += 1) {
      for (const [name, flow] of Object.entries(flows)) {
        if (errors[name]) continue;
        try {
          runs[name].push(await flow(browser, standIn));
        } catch (error) {
          errors[name] = String(error?.message ?? error);
          console.error(`\nbench: the ${name} flow failed: ${errors[name]}`);
        }
      }
    }
  } finally {
    await browser.close();
  }
  return report(runs, errors);
}

function measure(runs) {
  const stripeJs = (r) => r.stripe.filter((e) => e.host === STRIPE_JS);
  const values = {
    stripeRequests: runs.map((r) => stripeJs(r).length),
    stripeBytes: runs.map((r) => stripeJs(r).reduce((sum, e) => sum + e.bytes, 0)),
    stripeAnyHost: runs.map((r) => r.stripe.length),
    keystrokes: runs.map((r) => r.effort.keystrokes),
    characters: runs.map((r) => r.effort.characters),
    clicks: runs.map((r) => r.effort.clicks),
    fields: runs.map((r) => r.effort.fields),
    loadRequests: runs.map((r) => r.load.length),
    // Of those, Cardkeep's own: its script(s) and its backend's routes under /cardkeep.
    cardkeepLoadRequests: runs.map(
      (r) => r.load.filter((q) => new URL(q.url).pathname.startsWith('/cardkeep')).length,
    ),
    flowRequests: runs.map((r) => r.flow.length),
  };
  const stats = Object.fromEntries(
    Object.entries(values).map(([key, list]) => [key, roundSummary(summarize(list), 1)]),
  );
  const last = runs.at(-1);
  if (!last) return stats;
  return {
    ...stats,
    // Counts should not vary between runs; if they do, the spread shows it.
    requests: { load: urls(last.load), flow: urls(last.flow) },
    stripe: last.stripe.map((e) => ({ url: e.url, bytes: e.bytes, status: e.status })),
  };
}

function report(runs, errors) {
  const expiry = measure(runs.expiry);
  const replace = measure(runs.replace);
  const full = measure(runs.fullForm);
  const m = (s) => s.median;
  const rows = [
    {
      id: 'stripe.expiry.requests',
      name: 'js.stripe.com requests, expiry-only flow (page load → saved)',
      value: m(expiry.stripeRequests),
      unit: '',
      spread: expiry.stripeRequests,
      baseline: m(replace.stripeRequests),
      baselineLabel: 'replacement flow (stand-in, lower bound)',
      target: '0',
      pass: expiry.stripeRequests.max === 0,
    },
    {
      id: 'stripe.expiry.bytes',
      name: 'js.stripe.com bytes, expiry-only flow',
      value: m(expiry.stripeBytes),
      unit: 'B',
      spread: expiry.stripeBytes,
      baseline: m(replace.stripeBytes),
      baselineLabel: 'replacement flow (stand-in bytes, not Stripe’s)',
      target: '0',
      pass: expiry.stripeBytes.max === 0 && expiry.stripeAnyHost.max === 0,
    },
    {
      id: 'effort.keystrokes',
      name: 'Shopper effort: keystrokes to recover an expired card',
      value: m(expiry.keystrokes),
      unit: '',
      spread: expiry.keystrokes,
      baseline: m(full.keystrokes),
      baselineLabel: 'full card form',
      ratio: m(expiry.keystrokes) / m(full.keystrokes),
      note: `replacement flow: ${m(replace.keystrokes)}`,
      target: 'report',
      pass: null,
    },
    {
      id: 'effort.fields',
      name: 'Shopper effort: fields filled',
      value: m(expiry.fields),
      unit: '',
      spread: expiry.fields,
      baseline: m(full.fields),
      baselineLabel: 'full card form',
      ratio: m(expiry.fields) / m(full.fields),
      note: `replacement flow: ${m(replace.fields)}`,
      target: 'report',
      pass: null,
    },
    {
      id: 'effort.clicks',
      name: 'Shopper effort: clicks',
      value: m(expiry.clicks),
      unit: '',
      spread: expiry.clicks,
      baseline: m(full.clicks),
      baselineLabel: 'full card form',
      note: `replacement flow: ${m(replace.clicks)}`,
      target: 'report',
      pass: null,
    },
    {
      id: 'effort.requests',
      name: 'Requests per flow (after the page is shown)',
      value: m(expiry.flowRequests),
      unit: '',
      spread: expiry.flowRequests,
      baseline: m(full.flowRequests),
      baselineLabel: 'full card form',
      note:
        `replacement flow: ${m(replace.flowRequests)}; page load: ${m(expiry.loadRequests)} ` +
        `(${m(expiry.cardkeepLoadRequests)} of them Cardkeep’s) vs ${m(full.loadRequests)}`,
      target: 'report',
      pass: null,
    },
  ];
  for (const [name, message] of Object.entries(errors)) {
    rows.push({
      id: `flows.${name}.failed`,
      name: `The ${name} flow could not run`,
      value: null,
      unit: '',
      note: message,
      target: 'runs',
      pass: false,
    });
  }
  return {
    rows,
    details: { repeats: runs.expiry.length, errors, expiry, replace, fullForm: full },
  };
}
