// MemoryAdapter beyond the contract: latency, abort, copies, switches; and the contract's teeth.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defineAdapterContract, type ContractSetup } from '../../src/adapter/contract.js';
import { MemoryAdapter } from '../../src/adapter/memory-adapter.js';
import type { CardkeepAdapter, CardOnFile } from '../../src/adapter/types.js';
import { CardkeepError } from '../../src/core/errors.js';
import { YEAR, clock, monthBefore } from '../support/clock.js';

const year = YEAR + 1;
const OK = {
  id: 'pm_ok',
  brand: 'visa',
  last4: '1881',
  expMonth: 4,
  expYear: year + 2,
  status: 'ok' as const,
};

describe('MemoryAdapter', () => {
  it('starts with the demo card: Visa 4242, expired last month, renewal failed', async () => {
    const card = await new MemoryAdapter({ now: clock }).getCard();
    const last = monthBefore();
    assert.deepEqual(
      [card?.last4, card?.status, card?.expMonth, card?.expYear, card?.customerSince],
      ['4242', 'payment_failed', last.month, last.year, 2019],
    );
  });

  it('aborting during the latency rejects with AbortError and changes nothing', async () => {
    const adapter = new MemoryAdapter({ latency: 50, now: clock });
    const { id, expMonth } = (await adapter.getCard())!;
    const controller = new AbortController();
    const pending = adapter.updateExpiry(
      { cardId: id, month: 7, year },
      { signal: controller.signal },
    );
    controller.abort();
    await assert.rejects(pending, { name: 'AbortError' });
    assert.equal((await adapter.getCard())?.expMonth, expMonth);
  });

  it('hands out copies: changing a result does not change the card on file', async () => {
    const adapter = new MemoryAdapter({ now: clock });
    const card = (await adapter.getCard())!;
    card.last4 = '0000';
    assert.equal((await adapter.getCard())?.last4, '4242');
  });

  it('declineUpdate rejects with card_declined; requireAuthentication needs verify()', async () => {
    const declined = new MemoryAdapter({ declineUpdate: true, now: clock });
    const { id } = (await declined.getCard())!;
    await assert.rejects(declined.updateExpiry({ cardId: id, month: 7, year }), {
      code: 'card_declined',
      retryable: false,
    });

    const strict = new MemoryAdapter({ requireAuthentication: true, now: clock });
    const started = await strict.updateExpiry({ cardId: id, month: 7, year });
    assert.equal(started.action?.type, 'authenticate');
    const setupIntentId = started.action.clientSecret.split('_secret_')[0]!;
    const done = await strict.verify({ setupIntentId });
    assert.deepEqual([done.expMonth, done.status, done.payment?.status], [7, 'ok', 'succeeded']);
  });

  it('reports a wrong card id as a plain, non-retryable CardkeepError', async () => {
    const error = await new MemoryAdapter({ now: clock })
      .updateExpiry({ cardId: 'pm_other', month: 7, year })
      .catch((e: unknown) => e);
    assert.ok(error instanceof CardkeepError);
    assert.equal(error.constructor, CardkeepError);
    assert.deepEqual([error.code, error.retryable, error.status], ['server', false, 409]);
  });
});

describe('the adapter contract', () => {
  /** Runs the contract against `adapter` and returns the names of the tests that failed. */
  async function failuresOf(Adapter: typeof MemoryAdapter): Promise<string[]> {
    const tests: Array<[string, () => Promise<void>]> = [];
    const path: string[] = [];
    defineAdapterContract(
      {
        describe: (name, body) => {
          path.push(name);
          body();
          path.pop();
        },
        it: (name, body) => tests.push([[...path, name].join(' › '), body]),
      },
      {
        create: ({ card }: ContractSetup): CardkeepAdapter =>
          new Adapter({
            now: clock,
            ...(card === 'ok' ? { card: OK } : card === 'none' ? { card: null } : {}),
          }),
        now: clock,
      },
    );
    const failed: string[] = [];
    for (const [name, body] of tests) await body().catch(() => failed.push(name));
    return failed;
  }

  it('passes for a correct adapter', async () => {
    assert.deepEqual(await failuresOf(MemoryAdapter), []);
  });

  it('catches an adapter that accepts any date', async () => {
    class Lenient extends MemoryAdapter {
      override async updateExpiry(input: { cardId: string; month: number; year: number }) {
        const card = (await this.getCard()) as CardOnFile;
        return { ...card, expMonth: input.month, expYear: input.year };
      }
    }
    const failed = await failuresOf(Lenient);
    assert.ok(
      failed.some((name) => /refuses a date in the past/.test(name)),
      failed.join('\n'),
    );
    assert.ok(failed.some((name) => /saves the new date/.test(name)));
  });

  it('catches an adapter that rejects with bare errors or ignores abort', async () => {
    class Sloppy extends MemoryAdapter {
      override async getCard() {
        return super.getCard();
      }
      override async completeReplacement(): Promise<never> {
        throw new TypeError('Failed to fetch');
      }
    }
    const failed = await failuresOf(Sloppy);
    assert.ok(failed.some((name) => /already aborted/.test(name)));
    assert.ok(failed.some((name) => /unknown SetupIntent/.test(name)));
  });
});
