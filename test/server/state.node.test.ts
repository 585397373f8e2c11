// The handler's shared state: the in-memory implementation keeps its promises on an injected
// clock, and a state that cannot be reached turns writes into a retryable 503, not a 500.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HttpAdapter } from '../../src/adapter/http-adapter.js';
import { CardkeepError } from '../../src/core/errors.js';
import {
  createCardkeepHandler,
  createLinkToken,
  createMemoryState,
  MemoryStore,
  StateUnavailableError,
  type CardkeepState,
} from '../../src/server/index.js';
import { SECRET } from './harness.js';

const START = Date.parse('2030-03-01T12:00:00Z');
const CARD = 'pm_demo_visa4242';

function clocked() {
  let now = START;
  return { now: () => new Date(now), advance: (ms: number) => (now += ms) };
}

describe('createMemoryState', () => {
  it('spends a link once, atomically, and forgets it when the link expires', async () => {
    const clock = clocked();
    const state = createMemoryState({ now: clock.now });
    assert.equal(await state.spentLink('n1'), null);
    const spends = await Promise.all([
      state.spendLink('n1', { scope: 'a' }, START + 60_000),
      state.spendLink('n1', { scope: 'b' }, START + 60_000),
    ]);
    assert.deepEqual(spends, [true, false]);
    assert.deepEqual(await state.spentLink('n1'), { scope: 'a' });
    clock.advance(60_000);
    assert.equal(await state.spentLink('n1'), null);
  });

  it('counts hits per bucket and key in a sliding window', async () => {
    const clock = clocked();
    const state = createMemoryState({ now: clock.now });
    for (let i = 0; i < 3; i++) {
      assert.equal(await state.hit('ip-write', '203.0.113.9', 3, 60_000), 0);
      clock.advance(10_000);
    }
    assert.equal(await state.hit('ip-write', '203.0.113.9', 3, 60_000), 30);
    assert.equal(await state.hit('ip-write', '198.51.100.7', 3, 60_000), 0);
    assert.equal(await state.hit('ip-read', '203.0.113.9', 3, 60_000), 0);
    clock.advance(30_000);
    assert.equal(await state.hit('ip-write', '203.0.113.9', 3, 60_000), 0);
  });

  it('runs one piece of work per key at a time, and others side by side', async () => {
    const state = createMemoryState();
    const order: string[] = [];
    let release!: () => void;
    const first = state.withLock('cus_a', async () => {
      order.push('a1 start');
      await new Promise<void>((resolve) => (release = resolve));
      order.push('a1 end');
    });
    const second = state.withLock('cus_a', async () => void order.push('a2'));
    await state.withLock('cus_b', async () => void order.push('b'));
    release();
    await Promise.all([first, second]);
    assert.deepEqual(order, ['a1 start', 'b', 'a1 end', 'a2']);
    // A failed piece of work does not block the queue.
    await assert.rejects(
      state.withLock('cus_a', async () => {
        throw new Error('boom');
      }),
    );
    assert.equal(await state.withLock('cus_a', async () => 'next'), 'next');
    // Nor does one that throws before it returns a promise, first in line or queued.
    const throwing = () => {
      throw new Error('sync boom');
    };
    const held = state.withLock('cus_c', async () => {});
    await Promise.all([
      assert.rejects(state.withLock('cus_d', throwing), /sync boom/),
      assert.rejects(state.withLock('cus_c', throwing), /sync boom/),
    ]);
    await held;
    assert.equal(await state.withLock('cus_d', async () => 'free'), 'free');
    assert.equal(await state.withLock('cus_c', async () => 'free'), 'free');
  });

  it('replays a finished idempotent call and refuses its key for another request', async () => {
    const state = createMemoryState();
    let runs = 0;
    const work = async () => ({ response: { status: 200, body: ++runs }, store: true });
    assert.deepEqual(await state.idempotent('k', 'x', 60_000, work), {
      kind: 'fresh',
      response: { status: 200, body: 1 },
    });
    assert.deepEqual(await state.idempotent('k', 'x', 60_000, work), {
      kind: 'replayed',
      response: { status: 200, body: 1 },
    });
    assert.deepEqual(await state.idempotent('k', 'y', 60_000, work), { kind: 'conflict' });
    assert.equal(runs, 1);
  });

  it('sees a webhook event once within its time, in bounded memory', async () => {
    const clock = clocked();
    const state = createMemoryState({ now: clock.now, maxWebhookEvents: 2 });
    assert.equal(await state.firstDelivery('evt_1', 60_000), true);
    assert.equal(await state.firstDelivery('evt_1', 60_000), false);
    clock.advance(60_000);
    assert.equal(await state.firstDelivery('evt_1', 60_000), true);
    // Past the bound the oldest id goes first.
    await state.firstDelivery('evt_2', 60_000);
    await state.firstDelivery('evt_3', 60_000);
    assert.equal(await state.firstDelivery('evt_1', 60_000), true);
    assert.equal(await state.firstDelivery('evt_3', 60_000), false);
  });

  it('keeps the newest webhook ids at its bound, write after write', async () => {
    const clock = clocked();
    const state = createMemoryState({ now: clock.now, maxWebhookEvents: 3 });
    for (let i = 1; i <= 10; i++) assert.equal(await state.firstDelivery(`evt_${i}`, 60_000), true);
    // The three newest are still known (a redelivery is seen as one)…
    for (const id of ['evt_10', 'evt_9', 'evt_8']) {
      assert.equal(await state.firstDelivery(id, 60_000), false, id);
    }
    // …and the oldest are forgotten, each taking the place of the oldest left.
    assert.equal(await state.firstDelivery('evt_1', 60_000), true);
    assert.equal(await state.firstDelivery('evt_8', 60_000), true);
    assert.equal(await state.firstDelivery('evt_10', 60_000), false);
  });
});

/** A state whose engine is down: every call fails the way a timed-out Redis call does. */
function downState(): CardkeepState {
  const down = async (): Promise<never> => {
    throw new StateUnavailableError('state engine unreachable', { retryAfter: 7 });
  };
  return {
    idempotent: down,
    spentLink: down,
    spendLink: down,
    withLock: down,
    hit: down,
    firstDelivery: down,
    close: async () => {},
  };
}

describe('the handler when its state is unavailable', () => {
  const errors: unknown[] = [];
  const handler = createCardkeepHandler({
    store: MemoryStore.demo('payment_failed', { now: () => new Date(START) }),
    state: downState(),
    authenticate: (request) => (request.headers.get('cookie') ? 'cus_demo' : null),
    linkSecret: SECRET,
    now: () => new Date(START),
    logger: { error: (...args) => errors.push(args) },
  });
  const link = createLinkToken('cus_demo', { secret: SECRET, now: () => new Date(START) });
  const call = (path: string, init: RequestInit = {}) =>
    handler(new Request(`http://127.0.0.1${path}`, init), { ip: '203.0.113.9' });

  it('answers a write with 503 unavailable and Retry-After, and logs no failure', async () => {
    const response = await call('/card/expiry', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Cookie: 's=1', 'Idempotency-Key': 'k1' },
      body: JSON.stringify({ cardId: CARD, month: 4, year: 2031 }),
    });
    assert.equal(response.status, 503);
    assert.equal(response.headers.get('retry-after'), '7');
    const { error } = (await response.json()) as { error: { code: string } };
    assert.equal(error.code, 'unavailable');
    assert.deepEqual(errors, []);
  });

  it('still lets a session read through: reading changes nothing', async () => {
    const response = await call('/card', { headers: { Cookie: 's=1' } });
    assert.equal(response.status, 200);
    const { card } = (await response.json()) as { card: { last4: string } };
    assert.equal(card.last4, '4242');
  });

  it('answers a link read with 503: it cannot tell whether the link is spent', async () => {
    const response = await call('/card', { headers: { Authorization: `Bearer ${link}` } });
    assert.equal(response.status, 503);
    assert.ok(response.headers.get('retry-after'));
    const { error } = (await response.json()) as { error: { code: string } };
    assert.equal(error.code, 'unavailable');
  });

  it('is a retryable server error to the widget', async () => {
    const adapter = new HttpAdapter({
      endpoint: 'http://127.0.0.1',
      retryDelay: 1,
      fetch: async (input, init) => handler(new Request(input as string, init), {}),
      token: link,
    });
    const error = await adapter.updateExpiry({ cardId: CARD, month: 4, year: 2031 }).then(
      () => assert.fail('the update went through'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof CardkeepError);
    assert.equal(error.code, 'server');
    assert.equal(error.status, 503);
    assert.equal(error.retryable, true);
  });
});
