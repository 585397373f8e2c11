// The shopper's path (banner → "Update expiry date" → the expiry form) against the real
// reference server while the network and the backend misbehave. Every case: a clear message in
// the shopper's language, the typed date still there, the update applied at most once (counted
// in the store), and a clean console (setup.ts fails the test otherwise).
import '../support/setup.js';
import { expect, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../src/define.js';
import type { CardkeepBanner } from '../../src/components/banner/banner.js';
import type { CardkeepExpiryForm } from '../../src/components/expiry-form/expiry-form.js';
import { HttpAdapter } from '../../src/adapter/http-adapter.js';
import { en } from '../../src/i18n/en.js';
import { ja } from '../../src/i18n/index.js';
import type { Messages } from '../../src/i18n/messages.js';
import { YEAR as year, onTestCalendar } from '../support/clock.js';
import { startServer, type Fault, type ServerOptions } from '../support/server.js';

const yy = String(year + 2).slice(2);
const typed = `12 / ${yy}`;
const mounted: Element[] = [];
const languages: Array<[string, Messages]> = [
  ['en', en],
  ['ja', ja],
];

const formOf = (el: CardkeepBanner) =>
  el.shadowRoot!.querySelector<CardkeepExpiryForm>('cardkeep-expiry-form');

/** A banner in `lang` on a page, talking to a fresh reference server. */
async function banner(
  options: ServerOptions,
  { lang = 'en', adapter }: { lang?: string; adapter?: (endpoint: string) => HttpAdapter } = {},
) {
  const server = await startServer(options);
  const wrapper = document.createElement('div');
  wrapper.lang = lang;
  const el = document.createElement('cardkeep-banner');
  if (adapter) el.adapter = adapter(server.endpoint);
  else el.setAttribute('endpoint', server.endpoint);
  wrapper.append(el);
  document.body.append(onTestCalendar(wrapper));
  mounted.push(wrapper);
  const events: string[] = [];
  for (const type of ['cardkeep-updated', 'cardkeep-error'])
    el.addEventListener(type, () => events.push(type));
  return { server, el, events, wrapper };
}

/** Opens the form from the banner, types the new date and presses Enter. */
async function save(el: CardkeepBanner) {
  await waitUntil(() => el.shadowRoot!.querySelector('button.primary'), 'the notice shows');
  el.shadowRoot!.querySelector<HTMLButtonElement>('button.primary')!.click();
  await waitUntil(() => formOf(el)?.shadowRoot?.querySelector('input'), 'the form opens');
  formOf(el)!.shadowRoot!.querySelector('input')!.focus();
  await sendKeys({ type: `12${yy}` });
  await sendKeys({ press: 'Enter' });
}

/** The form's outcome once it shows one. */
async function outcome(el: CardkeepBanner) {
  const root = () => formOf(el)!.shadowRoot!;
  await waitUntil(() => root().querySelector('[part=result]'), 'an outcome shows', {
    timeout: 5000,
  });
  const result = root().querySelector<HTMLElement>('[part=result]')!;
  return {
    text: result.textContent!.replace(/\s+/g, ' ').trim(),
    input: root().querySelector('input')!.value,
    retry: result.querySelector<HTMLButtonElement>('button[type=submit]'),
    focused: root().activeElement === result,
  };
}

/** Faults that fail both attempts of the adapter (it retries retryable failures once). */
const twice = (fault: Fault): Fault => ({ route: 'POST /card/expiry', times: 2, ...fault });

interface Case {
  name: string;
  faults: Fault[];
  message: keyof Messages['errors'];
  /** Whether the shopper is offered "Try again". */
  retry: boolean;
  /** A short timeout, for the cases that need the adapter to give up. */
  timeout?: number;
}

const cases: Case[] = [
  {
    // Every time: Chromium itself resends a request whose reused connection was cut.
    name: 'offline (connection cut)',
    faults: [twice({ drop: true, times: 0 })],
    message: 'network',
    retry: true,
  },
  { name: 'a 500', faults: [twice({ status: 500 })], message: 'server', retry: true },
  {
    name: "a proxy's 502 HTML page",
    faults: [twice({ status: 502, body: '<html><body><h1>502 Bad Gateway</h1></body></html>' })],
    message: 'server',
    retry: true,
  },
  {
    name: 'a 200 with malformed JSON',
    faults: [twice({ status: 200, body: '{"card": {"id": "pm_' })],
    message: 'server',
    retry: false,
  },
  {
    name: 'a 200 with the wrong shape',
    faults: [twice({ status: 200, body: { card: { id: 42, last4: null } } })],
    message: 'server',
    retry: false,
  },
  {
    name: 'a 429 with a long Retry-After',
    faults: [
      twice({
        status: 429,
        headers: { 'Retry-After': '120' },
        body: { error: { code: 'rate_limited', message: 'Too many requests.' } },
      }),
    ],
    message: 'rate_limited',
    retry: true,
  },
  {
    name: 'a backend that never answers',
    faults: [twice({ stall: true })],
    message: 'timeout',
    retry: true,
    timeout: 300,
  },
];

describe('faults through the banner and the expiry form', () => {
  afterEach(() => mounted.splice(0).forEach((wrapper) => wrapper.remove()));

  for (const [lang, t] of languages) {
    for (const c of cases) {
      it(`${c.name}: says so (${lang}), keeps the date, saves nothing`, async () => {
        const { server, el, events } = await banner(
          { seed: 'expired', faults: c.faults },
          c.timeout
            ? {
                lang,
                adapter: (endpoint) =>
                  new HttpAdapter({ endpoint, timeout: c.timeout, retryDelay: 1 }),
              }
            : { lang },
        );
        await save(el);
        const shown = await outcome(el);
        // A rate limit says the wait the server gave (Retry-After: 120 → "in 2 minutes").
        expect(shown.text).to.contain(
          c.message === 'rate_limited' ? t.rateLimitedFor(120) : t.errors[c.message],
        );
        expect(shown.input).to.equal(typed);
        expect(shown.focused, 'the outcome takes focus, so it is announced').to.equal(true);
        expect(!!shown.retry).to.equal(c.retry);
        expect(events).to.deep.equal(['cardkeep-error']);
        const state = await server.state();
        expect(state.writes.updateExpiry ?? 0).to.equal(0);
        expect(state.card!.expYear).to.be.below(year + 2);
      });
    }
  }

  it('after a failure, "Try again" saves the kept date exactly once', async () => {
    const { server, el, events } = await banner({
      seed: 'payment_failed',
      faults: [twice({ drop: true, times: 0 })],
    });
    await save(el);
    const { retry } = await outcome(el);
    await server.clearFaults(); // Back online.
    retry!.click();
    await waitUntil(() => el.shadowRoot!.querySelector('.done'), 'the confirmation shows');
    expect(el.shadowRoot!.textContent).to.contain(en.paymentSucceeded('¥1,980'));
    const state = await server.state();
    expect(state.writes).to.deep.equal({ updateExpiry: 1 });
    expect(state.card).to.deep.include({ expMonth: 12, expYear: year + 2, status: 'ok' });
    expect(events).to.deep.equal(['cardkeep-error', 'cardkeep-updated']);
  });

  it('a short Retry-After is waited out and the save goes through once', async () => {
    const { server, el } = await banner({
      seed: 'expired',
      faults: [
        {
          route: 'POST /card/expiry',
          status: 429,
          headers: { 'Retry-After': '1' },
          body: { error: { code: 'rate_limited', message: 'Too many requests.' } },
        },
      ],
    });
    await save(el);
    await waitUntil(() => el.shadowRoot!.querySelector('.done'), 'the confirmation shows', {
      timeout: 5000,
    });
    expect((await server.state()).writes).to.deep.equal({ updateExpiry: 1 });
  });

  it('the same POST retried after a lost answer is applied once, and the shopper sees success', async () => {
    // The first attempt reaches the backend only after the adapter gave up on it; the retry
    // (same Idempotency-Key) overtakes it. The store must still run the update once.
    const { server, el } = await banner(
      { seed: 'payment_failed', faults: [{ route: 'POST /card/expiry', delayMs: 2500 }] },
      { adapter: (endpoint) => new HttpAdapter({ endpoint, timeout: 1000, retryDelay: 1 }) },
    );
    await save(el);
    await waitUntil(() => el.shadowRoot!.querySelector('.done'), 'the confirmation shows', {
      timeout: 5000,
    });
    // Wait for the first attempt to reach the handler too (its log line shows it was handled).
    const handled = async () =>
      (await server.state()).serverLog.filter((line) => line.includes('"POST"')).length;
    await waitUntil(async () => (await handled()) === 2, 'the first attempt arrives', {
      timeout: 5000,
      interval: 100,
    });
    const posts = (await server.log()).filter((r) => r.method === 'POST');
    expect(posts).to.have.length(2);
    expect(posts[0]!.headers['idempotency-key']).to.equal(posts[1]!.headers['idempotency-key']);
    const state = await server.state();
    expect(state.writes).to.deep.equal({ updateExpiry: 1 });
    expect(state.card).to.deep.include({ expMonth: 12, expYear: year + 2, status: 'ok' });
  });

  it('"Try again" after a timeout whose save landed late repeats its Idempotency-Key: one update', async () => {
    // Both of the adapter's attempts reach the backend only after it gave up; the shopper's
    // "Try again" must not count as a new change, whichever of the three arrives first.
    const { server, el, events } = await banner(
      { seed: 'payment_failed', faults: [twice({ delayMs: 1500 })] },
      { adapter: (endpoint) => new HttpAdapter({ endpoint, timeout: 500, retryDelay: 1 }) },
    );
    await save(el);
    const { text, retry } = await outcome(el);
    expect(text).to.contain(en.errors.timeout);
    retry!.click();
    await waitUntil(() => el.shadowRoot!.querySelector('.done'), 'the confirmation shows', {
      timeout: 5000,
    });
    const handled = async () =>
      (await server.state()).serverLog.filter((line) => line.includes('"POST"')).length;
    await waitUntil(async () => (await handled()) === 3, 'the late attempts arrive too', {
      timeout: 5000,
      interval: 100,
    });
    const keys = new Set(
      (await server.log())
        .filter((r) => r.method === 'POST')
        .map((r) => r.headers['idempotency-key']),
    );
    expect(keys.size, 'one key for the three requests').to.equal(1);
    const state = await server.state();
    expect(state.writes).to.deep.equal({ updateExpiry: 1 });
    expect(state.card).to.deep.include({ expMonth: 12, expYear: year + 2, status: 'ok' });
    expect(events).to.deep.equal(['cardkeep-error', 'cardkeep-updated']);
  });

  it("the real server's per-customer limit: a clear message, the date kept, nothing saved", async () => {
    const server = await startServer({ seed: 'expired', rateLimit: { customerWrites: 1 } });
    const wrapper = document.createElement('div');
    wrapper.lang = 'ja';
    wrapper.innerHTML = `<cardkeep-expiry-form endpoint="${server.endpoint}"></cardkeep-expiry-form>`;
    document.body.append(onTestCalendar(wrapper));
    mounted.push(wrapper);
    const el = wrapper.firstElementChild as CardkeepExpiryForm;
    const root = el.shadowRoot!;
    await waitUntil(() => root.querySelector('[part=card]'), 'the card shows');
    el.focus();
    await sendKeys({ type: `12${yy}` });
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => root.querySelector('[part=result]'), 'the first save is confirmed');
    // The shopper saves again at once (another date): over the limit of one write a minute.
    el.remove();
    const again = document.createElement('cardkeep-expiry-form');
    again.setAttribute('endpoint', server.endpoint);
    wrapper.append(onTestCalendar(again));
    await waitUntil(() => again.shadowRoot!.querySelector('[part=card]'));
    again.focus();
    await sendKeys({ type: `11${yy}` });
    await sendKeys({ press: 'Enter' });
    const result = () => again.shadowRoot!.querySelector('[part=result]');
    await waitUntil(result, 'the refusal shows');
    // The real server's limit sends Retry-After; the message names that wait, not "a while".
    expect(result()!.textContent).to.match(
      /試行回数が上限に達しました。\d+(秒|分)後にもう一度お試しください。/,
    );
    expect(again.shadowRoot!.querySelector('input')!.value).to.equal(`11 / ${yy}`);
    const state = await server.state();
    expect(state.writes).to.deep.equal({ updateExpiry: 1 });
    expect(state.card).to.deep.include({ expMonth: 12, expYear: year + 2 });
    const limited = (await server.log()).filter((r) => r.method === 'POST');
    expect(limited, 'a long Retry-After is not waited out by the adapter').to.have.length(2);
  });

  it('a DNS failure (no such host) reads as a connection problem, in Japanese too', async () => {
    for (const [lang, t] of languages) {
      const wrapper = document.createElement('div');
      wrapper.lang = lang;
      const el = document.createElement('cardkeep-expiry-form');
      el.card = {
        id: 'pm_demo_visa4242',
        brand: 'visa',
        last4: '4242',
        expMonth: 1,
        expYear: year - 1,
        status: 'ok',
      };
      // .invalid never resolves (RFC 6761); the browser is also barred from outside hosts.
      el.adapter = new HttpAdapter({ endpoint: 'http://shop.invalid/cardkeep', retryDelay: 1 });
      wrapper.append(el);
      document.body.append(onTestCalendar(wrapper));
      mounted.push(wrapper);
      await el.updateComplete;
      el.focus();
      await sendKeys({ type: `12${yy}` });
      await sendKeys({ press: 'Enter' });
      await waitUntil(() => el.shadowRoot!.querySelector('[part=result]'), 'an outcome shows', {
        timeout: 5000,
      });
      expect(el.shadowRoot!.querySelector('[part=result]')!.textContent).to.contain(
        t.errors.network,
      );
      expect(el.shadowRoot!.querySelector('input')!.value).to.equal(typed);
    }
  });

  it('a slow answer arriving after the banner was removed changes nothing on the page', async () => {
    const { server, el, events, wrapper } = await banner({
      seed: 'payment_failed',
      faults: [{ route: 'POST /card/expiry', delayMs: 400 }],
    });
    await save(el);
    await waitUntil(async () => (await server.log()).some((r) => r.method === 'POST'));
    wrapper.remove();
    await server.answered('POST /card/expiry');
    await el.updateComplete;
    expect(events).to.deep.equal([]);
    // The backend finished what it received, once; nothing was sent again.
    const state = await server.state();
    expect(state.writes.updateExpiry ?? 0).to.be.at.most(1);
    expect((await server.log()).filter((r) => r.method === 'POST')).to.have.length(1);

    // A banner mounted afterwards shows the backend's truth: the card is fixed, so it is quiet.
    const again = document.createElement('cardkeep-banner');
    again.setAttribute('endpoint', server.endpoint);
    const shown: string[] = [];
    again.addEventListener('cardkeep-shown', () => shown.push('shown'));
    document.body.append(onTestCalendar(again));
    mounted.push(again);
    await waitUntil(async () => (await server.log()).filter((r) => r.path === '/card').length >= 2);
    await again.updateComplete;
    expect(shown).to.deep.equal([]);
    expect(getComputedStyle(again).display).to.equal('none');
  });

  it('a slow card load finishing after the banner was removed shows nothing and fires nothing', async () => {
    const { server, el, wrapper } = await banner({
      seed: 'expired',
      faults: [{ route: 'GET /card', delayMs: 300 }],
    });
    const shown: string[] = [];
    el.addEventListener('cardkeep-shown', () => shown.push('shown'));
    await waitUntil(async () => (await server.log()).length === 1);
    wrapper.remove();
    await server.answered('GET /card');
    await el.updateComplete;
    expect(shown).to.deep.equal([]);
    expect(el.shadowRoot!.querySelector('section')).to.equal(null);
  });

  it('a slow setup session arriving after the shopper cancelled the replacement form is ignored', async () => {
    const { server, el, events } = await banner({
      seed: 'expired',
      faults: [{ route: 'POST /setup-session', delayMs: 400 }],
    });
    await waitUntil(() => el.shadowRoot!.querySelector('button.primary'), 'the notice shows');
    el.shadowRoot!.querySelector<HTMLButtonElement>('button:not(.primary)')!.click();
    await waitUntil(async () => (await server.log()).some((r) => r.path === '/setup-session'));
    const replace = el.shadowRoot!.querySelector('cardkeep-replace-card')!;
    await waitUntil(() => replace.shadowRoot?.querySelector('button:not(.primary)'));
    replace.shadowRoot!.querySelector<HTMLButtonElement>('button:not(.primary)')!.click();
    await waitUntil(() => el.shadowRoot!.querySelector('button.primary'), 'back at the notice');
    await server.answered('POST /setup-session');
    await el.updateComplete;
    // Nothing came back to life: no form, no Stripe, no event, and the notice still works.
    expect(el.shadowRoot!.querySelector('cardkeep-replace-card')).to.equal(null);
    expect(document.querySelector('script[src*="stripe"]')).to.equal(null);
    expect(events).to.deep.equal([]);
    await save(el);
    await waitUntil(() => el.shadowRoot!.querySelector('.done'), 'the confirmation shows');
    expect((await server.state()).writes).to.deep.equal({ updateExpiry: 1 });
  });

  it('a slow answer to a form that was removed mid-save is ignored, and the form works when put back', async () => {
    const { server, el, events } = await banner({
      seed: 'expired',
      faults: [{ route: 'POST /card/expiry', delayMs: 300 }],
    });
    await save(el);
    const form = formOf(el)!;
    const parent = form.parentNode!;
    await waitUntil(async () => (await server.log()).some((r) => r.method === 'POST'));
    form.remove();
    await server.answered('POST /card/expiry');
    expect((await server.state()).writes.updateExpiry, 'it landed').to.equal(1);
    expect(events).to.deep.equal([]);
    parent.append(form);
    await form.updateComplete;
    const root = form.shadowRoot!;
    expect(root.querySelector('input')!.value).to.equal(typed);
    expect(root.querySelector('button.primary')!.getAttribute('aria-busy')).to.equal('false');
    // The backend already has the date (it answered after the form was gone). Saving the same
    // date again is the same attempt (same Idempotency-Key): the backend replays its answer.
    root.querySelector<HTMLButtonElement>('button.primary')!.click();
    await waitUntil(() => el.shadowRoot!.querySelector('.done'), 'the confirmation shows');
    const state = await server.state();
    expect(state.writes).to.deep.equal({ updateExpiry: 1 });
    const keys = (await server.log()).filter((r) => r.method === 'POST');
    expect(keys).to.have.length(2);
    expect(keys[0]!.headers['idempotency-key']).to.equal(keys[1]!.headers['idempotency-key']);
    expect(state.card).to.deep.include({ expMonth: 12, expYear: year + 2 });
  });
});
