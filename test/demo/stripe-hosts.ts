// Stripe's two hosts for a page in the system Chromium, answered in this process: the page asks
// for https://js.stripe.com/… and https://api.stripe.com/… exactly as with the real Stripe (same
// URLs, same CSP checks, same cross-origin frame and CORS rules), and puppeteer's request
// interception answers before anything is resolved or sent. js.stripe.com serves the Stripe.js
// stand-in (test/support/stripe-js-standin/), api.stripe.com is forwarded to the fake Stripe on
// loopback. Every other request goes on as usual, so Chromium's resolver rules still keep the
// page off the network.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { HTTPRequest } from 'puppeteer-core';
import type { FakeStripe } from '../support/fake-stripe.js';
import type { Visit } from './shopper.js';

const STANDIN = new URL('../support/stripe-js-standin/', import.meta.url);

/** js.stripe.com paths and the stand-in's files that answer them. */
const STRIPE_JS: Record<string, [file: string, type: string]> = {
  '/endive/stripe.js': ['stripe.js', 'text/javascript; charset=utf-8'],
  '/endive/payment-frame.html': ['payment-frame.html', 'text/html; charset=utf-8'],
  '/endive/payment-frame.js': ['payment-frame.js', 'text/javascript; charset=utf-8'],
  '/endive/payment-frame.css': ['payment-frame.css', 'text/css; charset=utf-8'],
  '/endive/challenge.html': ['challenge.html', 'text/html; charset=utf-8'],
  '/endive/challenge.js': ['challenge.js', 'text/javascript; charset=utf-8'],
};

/** Headers of the fake's answers that go on to the page. */
const KEPT = /^(content-type|request-id|idempotent-replayed|access-control-.*)$/i;

/** Answers the visit's requests to Stripe's hosts from the stand-in and `fake`. */
export async function answerStripeHosts(visit: Visit, fake: FakeStripe): Promise<void> {
  await visit.page.setRequestInterception(true);
  visit.page.on('request', (request) => {
    void answer(request, visit, fake).catch((error: unknown) => {
      visit.problems.push(`stripe-hosts: ${request.url()}: ${String(error)}`);
      return request.abort('failed');
    });
  });
}

async function answer(request: HTTPRequest, visit: Visit, fake: FakeStripe): Promise<void> {
  const url = new URL(request.url());
  if (url.hostname === 'js.stripe.com') {
    visit.answered.add(request.url());
    if (url.pathname === '/endive/3ds' && request.method() === 'POST') {
      // The bank telling Stripe how the shopper answered the challenge (challenge.js).
      const answer = new URLSearchParams(request.postData() ?? '');
      const intent = answer.get('intent') ?? '';
      const outcome = answer.get('outcome') === 'succeed' ? 'succeed' : 'fail';
      if (intent.startsWith('pi_')) fake.completePaymentAuthentication(intent, outcome);
      else fake.completeAuthentication(intent, outcome);
      return request.respond({ status: 204, body: '' });
    }
    const file = STRIPE_JS[url.pathname];
    if (!file) return request.respond({ status: 404, contentType: 'text/plain', body: '' });
    const body = await readFile(fileURLToPath(new URL(file[0], STANDIN)));
    return request.respond({ status: 200, contentType: file[1], body });
  }
  if (url.hostname === 'api.stripe.com') {
    visit.answered.add(request.url());
    const method = request.method();
    const body =
      method === 'GET' || method === 'HEAD'
        ? undefined
        : (request.postData() ?? (request.hasPostData() ? await request.fetchPostData() : ''));
    const type = request.headers()['content-type'];
    const response = await fetch(`${fake.url}${url.pathname}${url.search}`, {
      method,
      headers: type ? { 'content-type': type } : {},
      ...(body === undefined ? {} : { body }),
    });
    // The fake's own headers (type, request id, CORS), not its connection's.
    const headers = [...response.headers].filter(([name]) => KEPT.test(name));
    return request.respond({
      status: response.status,
      headers: Object.fromEntries(headers),
      body: Buffer.from(await response.arrayBuffer()),
    });
  }
  return request.continue();
}
