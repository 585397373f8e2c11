// The demo store: its seeds relative to today, reset, and the behaviour switches.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { demoCustomer, MemoryStore } from '../../src/server/index.js';

const now = new Date(2026, 0, 15); // mid-January: "last month" is December of the year before
const clock = () => now;

describe('MemoryStore', () => {
  it('seeds the demo: since 2019, Visa 4242 expired last month, failed ¥1,980 renewal', async () => {
    const store = MemoryStore.demo('payment_failed', { now: clock });
    assert.deepEqual(await store.getCard('cus_demo'), {
      id: 'pm_demo_visa4242',
      brand: 'visa',
      last4: '4242',
      expMonth: 12,
      expYear: 2025,
      status: 'payment_failed',
      customerName: 'Hanako Sato',
      customerSince: 2019,
    });
    assert.deepEqual(demoCustomer('payment_failed', now).failedInvoice, {
      amount: 1980,
      currency: 'jpy',
    });
  });

  it('has the other starting states', async () => {
    const card = async (seed: Parameters<typeof MemoryStore.demo>[0]) =>
      MemoryStore.demo(seed, { now: clock }).getCard('cus_demo');
    assert.deepEqual(
      [(await card('expired'))?.status, (await card('expired'))?.expMonth],
      ['ok', 12],
    );
    assert.deepEqual(
      [(await card('expiring'))?.expMonth, (await card('expiring'))?.expYear],
      [1, 2026],
    );
    assert.equal((await card('ok'))?.expYear, 2029);
    assert.equal(await card('none'), null);
  });

  it('charges the failed renewal once, and reset() brings everything back', async () => {
    const store = MemoryStore.demo('payment_failed', { now: clock });
    const input = { cardId: 'pm_demo_visa4242', month: 3, year: 2028 };
    assert.equal((await store.updateExpiry('cus_demo', input, {})).payment?.status, 'succeeded');
    assert.equal((await store.updateExpiry('cus_demo', input, {})).payment, undefined);
    store.reset();
    const card = await store.getCard('cus_demo');
    assert.equal(card?.status, 'payment_failed');
    assert.equal(card?.expYear, 2025);
  });

  it('hands out ids that never look like a card number', async () => {
    // The adapter contract refuses any run of 12+ digits; random hex had one 2 % of the time.
    const store = MemoryStore.demo('payment_failed', { now: clock });
    for (let i = 0; i < 500; i++) {
      const { clientSecret } = await store.createSetupSession('cus_demo');
      const setupIntentId = clientSecret.split('_secret_')[0]!;
      const card = await store.completeReplacement('cus_demo', { setupIntentId }, {});
      assert.doesNotMatch(`${clientSecret} ${card.id}`, /\d{12,}/);
    }
  });

  it('a setup session is single use and belongs to its customer', async () => {
    const store = new MemoryStore({
      now: clock,
      customers: [demoCustomer('ok', now, 'cus_a'), demoCustomer('ok', now, 'cus_b')],
    });
    const { clientSecret } = await store.createSetupSession('cus_a');
    const setupIntentId = clientSecret.split('_secret_')[0]!;
    await assert.rejects(store.completeReplacement('cus_b', { setupIntentId }, {}), {
      wireCode: 'setup_intent_mismatch',
    });
    const card = await store.completeReplacement('cus_a', { setupIntentId }, {});
    assert.deepEqual(
      [card.brand, card.last4, card.expMonth, card.expYear],
      ['mastercard', '4444', 1, 2030],
    );
    await assert.rejects(store.completeReplacement('cus_a', { setupIntentId }, {}));
  });

  it('lets a signed-in customer without a card add one', async () => {
    const store = new MemoryStore({ now: clock });
    assert.equal(await store.getCard('cus_new'), null);
    const { clientSecret } = await store.createSetupSession('cus_new');
    await store.completeReplacement(
      'cus_new',
      { setupIntentId: clientSecret.split('_secret_')[0]! },
      {},
    );
    assert.equal((await store.getCard('cus_new'))?.last4, '4444');
  });
});
