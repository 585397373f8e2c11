// Mounting and removing each element 1,000 times must leave nothing behind: no listeners on the
// window or document, no pending timers, no requests in flight. A single-page app mounts the
// banner on every visit to the account page; a leak there grows for the whole session.
import '../support/setup.js';
import { expect, waitUntil } from '@open-wc/testing';
import '../../src/define.js';
// `cardkeep/define` registers the replacement form on demand; this suite mounts it at once.
import '../../src/lazy-parts.js';
import { onTestCalendar } from '../support/clock.js';
import { startServer } from '../support/server.js';

const ROUNDS = 1000;

/** Counts what outlives a test: global listeners, pending timers, requests in flight. */
function instrument() {
  const globals = new Set<EventTarget>([window, document, document.documentElement, document.body]);
  const listeners = new Map<EventTarget, Set<string>>();
  const keyOf = (type: string, fn: unknown, options?: boolean | EventListenerOptions) =>
    `${type}|${typeof options === 'boolean' ? options : !!options?.capture}|${String(
      fnIds.get(fn as object) ?? fnIds.set(fn as object, fnIds.size).size - 1,
    )}`;
  const fnIds = new Map<object, number>();
  const proto = EventTarget.prototype;
  const { addEventListener: add, removeEventListener: remove } = proto;
  proto.addEventListener = function (this: EventTarget, type, fn, options) {
    if (globals.has(this) && fn) {
      if (!listeners.has(this)) listeners.set(this, new Set());
      listeners.get(this)!.add(keyOf(type, fn, options));
    }
    return add.call(this, type, fn, options);
  };
  proto.removeEventListener = function (this: EventTarget, type, fn, options) {
    if (globals.has(this) && fn) listeners.get(this)?.delete(keyOf(type, fn, options));
    return remove.call(this, type, fn, options);
  };

  const timers = new Set<unknown>();
  const { setTimeout: set, clearTimeout: clear, fetch: originalFetch } = window;
  window.setTimeout = ((fn: TimerHandler, ms?: number, ...args: unknown[]) => {
    const id = set(
      (...a: unknown[]) => {
        timers.delete(id);
        if (typeof fn === 'function') (fn as (...x: unknown[]) => void)(...a);
      },
      ms,
      ...args,
    );
    timers.add(id);
    return id;
  }) as typeof setTimeout;
  window.clearTimeout = ((id?: number) => {
    timers.delete(id);
    clear(id);
  }) as typeof clearTimeout;

  let inFlight = 0;
  let started = 0;
  window.fetch = async (...args: Parameters<typeof fetch>) => {
    inFlight++;
    started++;
    try {
      return await originalFetch(...args);
    } finally {
      inFlight--;
    }
  };

  return {
    snapshot: () => ({
      listeners: [...listeners.values()].reduce((n, set) => n + set.size, 0),
      timers: timers.size,
      inFlight,
    }),
    started: () => started,
    restore() {
      proto.addEventListener = add;
      proto.removeEventListener = remove;
      window.setTimeout = set;
      window.clearTimeout = clear;
      window.fetch = originalFetch;
    },
  };
}

// The page's own timer, kept before instrument() wraps it: the waits below must not count
// themselves (open-wc's waitUntil leaves its timeout timer pending when it succeeds).
const pageSetTimeout = window.setTimeout.bind(window);

/** Resolves once `predicate` holds, checking every few milliseconds; rejects after `timeout`. */
async function until(predicate: () => boolean, what: string, timeout = 10_000): Promise<void> {
  const deadline = performance.now() + timeout;
  while (!predicate()) {
    if (performance.now() > deadline) throw new Error(`Timeout: ${what}`);
    await new Promise((resolve) => pageSetTimeout(resolve, 5));
  }
}

/** Waits until no request is in flight: what a removal set off (an aborted request) is over. */
const drained = (probe: ReturnType<typeof instrument>) =>
  until(() => probe.snapshot().inFlight === 0, 'aborted requests settle');

type Tag = 'cardkeep-banner' | 'cardkeep-expiry-form' | 'cardkeep-replace-card';

describe('mounting and removing each element 1,000 times', function () {
  this.timeout(120_000);

  for (const tag of ['cardkeep-banner', 'cardkeep-expiry-form', 'cardkeep-replace-card'] as Tag[]) {
    for (const wait of [true, false]) {
      it(`<${tag}> ${wait ? 'after its first render' : 'in the same task'}: no listeners, timers or requests left`, async () => {
        // A backend that never answers: every request stays open unless the element ends it.
        const server = await startServer({ seed: 'expired', stall: true, rateLimit: false });
        const probe = instrument();
        try {
          await drained(probe);
          const before = probe.snapshot();
          for (let i = 0; i < ROUNDS; i++) {
            const el = document.createElement(tag);
            el.setAttribute('endpoint', server.endpoint);
            document.body.append(el);
            if (wait) await el.updateComplete;
            el.remove();
            // Let what the removal set off (an aborted request) finish before the next round.
            if (i % 50 === 49) await drained(probe);
          }
          // Aborted requests settle at once; a loaded machine may take a moment. If they never
          // do, the comparison below says what was left.
          const clean = () => {
            const now = probe.snapshot();
            return now.inFlight === 0 && now.timers <= before.timers;
          };
          await until(clean, 'requests and timers settle').catch(() => {});
          const after = probe.snapshot();
          expect(after).to.deep.equal({ ...before, inFlight: 0 });
          if (wait) expect(probe.started(), 'each element did call its backend').to.equal(ROUNDS);
        } finally {
          probe.restore();
        }
      });
    }
  }
});

describe('an element moved in one task', () => {
  it('a banner removed before its first render still loads and shows its notice once back', async () => {
    const server = await startServer({ seed: 'expired' });
    const el = onTestCalendar(document.createElement('cardkeep-banner'));
    el.setAttribute('endpoint', server.endpoint);
    document.body.append(el);
    el.remove();
    await el.updateComplete;
    expect(await server.log()).to.deep.equal([]);
    document.body.append(el);
    try {
      await waitUntil(() => el.shadowRoot!.querySelector('h2'), 'the notice shows');
      expect((await server.log()).map((r) => r.path)).to.deep.equal(['/card']);
    } finally {
      el.remove();
    }
  });
});
