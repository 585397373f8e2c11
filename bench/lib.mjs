// What every benchmark shares: summary statistics, a loopback-only headless Chromium, a
// network recorder built on the DevTools protocol, and a tiny static server for bench pages.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { dirname, join, extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import puppeteer from 'puppeteer-core';
import { chromiumArgs, findChromium } from '../scripts/chromium.mjs';

/** The repository root. */
export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Median, quartiles and range of a sample. Quartiles interpolate linearly between order
 * statistics (the "type 7" definition spreadsheets use), so small samples still get an IQR.
 */
export function summarize(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p) => {
    if (sorted.length === 0) return NaN;
    const index = (sorted.length - 1) * p;
    const low = Math.floor(index);
    const high = Math.ceil(index);
    return sorted[low] + (sorted[high] - sorted[low]) * (index - low);
  };
  return {
    n: sorted.length,
    median: at(0.5),
    q1: at(0.25),
    q3: at(0.75),
    min: sorted[0] ?? NaN,
    max: sorted[sorted.length - 1] ?? NaN,
  };
}

/** Rounds to `digits` decimals, keeping integers as they are (for JSON that reads well). */
export const round = (value, digits = 2) =>
  Number.isFinite(value) ? Math.round(value * 10 ** digits) / 10 ** digits : value;

/** Rounds every number of a summary. */
export const roundSummary = (s, digits = 2) =>
  Object.fromEntries(Object.entries(s).map(([k, v]) => [k, round(v, digits)]));

/** Headless Chromium that can reach loopback and nothing else (outside hosts fail to resolve). */
export async function launchBrowser() {
  return puppeteer.launch({
    executablePath: findChromium(),
    headless: true,
    args: chromiumArgs(),
  });
}

/**
 * Records every request a page attempts, through the DevTools protocol, so requests that fail
 * (an outside host offline) are counted as well as those that load. Bytes are what crossed the
 * wire (`encodedDataLength`: headers and body as received).
 */
export async function recordNetwork(page) {
  const cdp = await page.createCDPSession();
  await cdp.send('Network.enable');
  const requests = new Map();
  cdp.on('Network.requestWillBeSent', ({ requestId, request, redirectResponse }) => {
    // A redirect reuses the id: keep the hop that was redirected as its own request.
    if (redirectResponse && requests.has(requestId)) {
      requests.set(`${requestId}:${requests.size}`, requests.get(requestId));
    }
    requests.set(requestId, {
      url: request.url,
      method: request.method,
      host: safeHost(request.url),
      bytes: 0,
      state: 'pending',
    });
  });
  cdp.on('Network.loadingFinished', ({ requestId, encodedDataLength }) => {
    const entry = requests.get(requestId);
    if (entry) Object.assign(entry, { bytes: encodedDataLength, state: 'finished' });
  });
  cdp.on('Network.loadingFailed', ({ requestId, errorText }) => {
    const entry = requests.get(requestId);
    if (entry) Object.assign(entry, { state: 'failed', error: errorText });
  });
  return {
    /** A snapshot of every request so far. */
    all: () => [...requests.values()].map((r) => ({ ...r })),
    /** Forgets what was recorded (to count one phase of a flow on its own). */
    clear: () => requests.clear(),
    detach: () => cdp.detach().catch(() => {}),
  };
}

function safeHost(url) {
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
}

/** Requests of a recording split into counts and bytes, overall and for one host. */
export function tally(requests, host) {
  const pick = host ? requests.filter((r) => r.host === host) : requests;
  return {
    requests: pick.length,
    failed: pick.filter((r) => r.state === 'failed').length,
    bytes: pick.reduce((sum, r) => sum + r.bytes, 0),
  };
}

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/**
 * Serves a route table on 127.0.0.1, never cached, so each page load fetches and compiles its
 * script afresh. Keys are paths (GET) or `METHOD /path`; values are absolute file paths, or
 * functions of the request returning a body or `{ status, type, body }`. With `compress`, bodies
 * go gzipped (level 9, as the CI budgets count) to a client that accepts it, as the reference
 * server and any CDN send them: over a throttled network, raw files would cost the bytes no
 * shopper's browser downloads. (Chromium offers brotli only over HTTPS.)
 */
export async function serveStatic(routes, { compress = false } = {}) {
  const server = createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const route =
      routes[`${req.method} ${path}`] ?? (req.method === 'GET' ? routes[path] : undefined);
    if (!route) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('Not found');
      return;
    }
    try {
      const answer = typeof route === 'function' ? await route(req) : await readFile(route);
      const {
        status = 200,
        type = TYPES[extname(path)],
        body,
      } = typeof answer === 'string' || answer instanceof Uint8Array ? { body: answer } : answer;
      const gzip = compress && /\bgzip\b/.test(req.headers['accept-encoding'] ?? '');
      res.writeHead(status, {
        'content-type': type ?? 'application/octet-stream',
        'cache-control': 'no-store',
        ...(gzip ? { 'content-encoding': 'gzip', vary: 'accept-encoding' } : {}),
      });
      res.end(gzip ? gzipSync(body, { level: 9 }) : body);
    } catch (error) {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(error));
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(resolve);
      }),
  };
}

/** Reads a request body as text (bench pages post small JSON bodies). */
export function readText(req) {
  return new Promise((resolve, reject) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => (text += chunk));
    req.on('end', () => resolve(text));
    req.on('error', reject);
  });
}

/** Waits until `predicate` is true, checking every `interval` ms; throws after `timeout` ms. */
export async function until(
  predicate,
  { timeout = 10_000, interval = 25, what = 'condition' } = {},
) {
  const deadline = Date.now() + timeout;
  for (;;) {
    if (await predicate()) return;
    if (Date.now() > deadline) throw new Error(`bench: timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}

/** A card whose last renewal failed because it expired last month: the banner's main case. */
export function expiredCard(now = new Date()) {
  const month = now.getMonth() + 1;
  const year = now.getFullYear();
  const last = month === 1 ? { m: 12, y: year - 1 } : { m: month - 1, y: year };
  return {
    id: 'pm_bench_visa4242',
    brand: 'visa',
    last4: '4242',
    expMonth: last.m,
    expYear: last.y,
    status: 'payment_failed',
    customerName: 'Hanako Sato',
    greetingName: { en: 'Hanako', ja: '佐藤' },
    customerSince: 2019,
  };
}
