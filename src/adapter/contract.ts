// The behaviour every CardkeepAdapter must have, as a test suite any runner can host: mocha,
// node:test, vitest, jest (anything with describe/it). Merchants run it against their own
// adapter or backend; we run it against MemoryAdapter and HttpAdapter → reference server.
import { CardkeepError } from '../core/errors.js';
import type { CardkeepAdapter, CardSummary, SetupSession } from './types.js';

/** The test functions of the host runner. */
export interface ContractApi {
  describe(name: string, body: () => void): unknown;
  it(name: string, body: () => Promise<void>): unknown;
}

/** The backend state a test needs. */
export interface ContractSetup {
  /**
   * `ok`: a valid card. `payment_failed`: an expired card whose renewal charge failed; a
   * successful update retries it. `none`: no card on file.
   */
  card: 'ok' | 'payment_failed' | 'none';
  /** The retried renewal must be declined (only asked when `declinesRenewal` is set). */
  declineRenewal?: boolean;
}

/** The adapter under test and what it can do. */
export interface ContractSubject {
  /** A fresh adapter whose backend is in the given state. */
  create(setup: ContractSetup): CardkeepAdapter | Promise<CardkeepAdapter>;
  /** Set when `create` honours `declineRenewal`. */
  declinesRenewal?: boolean;
  /**
   * Does what Stripe.js would: confirms the session and returns the SetupIntent id.
   * Without it the successful-replacement test is left out.
   */
  confirmSetup?(session: SetupSession): string | Promise<string>;
  /** The backend's clock, if not the real one. */
  now?: () => Date;
}

class ContractFailure extends Error {
  override name = 'ContractFailure';
}

function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new ContractFailure(message);
}

/** Awaits a rejection and returns the error; fails when the promise resolves. */
async function rejection(promise: Promise<unknown>, what: string): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new ContractFailure(`${what} should have been rejected`);
}

function checkCardkeepError(error: unknown, code?: string): CardkeepError {
  check(
    error instanceof CardkeepError || (error as Error | null)?.name === 'CardkeepError',
    `expected a CardkeepError, got ${String(error)}`,
  );
  const e = error as CardkeepError;
  if (code) check(e.code === code, `expected code "${code}", got "${e.code}" (${e.message})`);
  return e;
}

function checkSummary(card: CardSummary | null, what: string): CardSummary {
  check(card && typeof card === 'object', `${what}: expected a card, got ${String(card)}`);
  check(typeof card.id === 'string' && card.id.length > 0, `${what}: id must be a string`);
  check(typeof card.brand === 'string' && card.brand.length > 0, `${what}: brand missing`);
  check(/^\d{4}$/.test(card.last4), `${what}: last4 must be four digits, got ${card.last4}`);
  check(
    Number.isInteger(card.expMonth) && card.expMonth >= 1 && card.expMonth <= 12,
    `${what}: expMonth 1–12`,
  );
  check(Number.isInteger(card.expYear) && card.expYear >= 1000, `${what}: expYear has four digits`);
  check(card.status === 'ok' || card.status === 'payment_failed', `${what}: bad status`);
  check(!/\d{12,}/.test(JSON.stringify(card)), `${what}: must not contain a card number`);
  return card;
}

/**
 * Defines the adapter contract tests with the host runner's `describe`/`it`. `subject` is a
 * {@link ContractSubject} or just its `create` function.
 */
export function defineAdapterContract(
  api: ContractApi,
  subject: ContractSubject | ContractSubject['create'],
  title = 'CardkeepAdapter contract',
): void {
  const s: ContractSubject = typeof subject === 'function' ? { create: subject } : subject;
  const { describe, it } = api;
  const now = () => s.now?.() ?? new Date();
  const future = () => ({ month: 6, year: now().getFullYear() + 2 });
  const make = async (setup: ContractSetup) => s.create(setup);
  const cardOf = async (adapter: CardkeepAdapter) =>
    checkSummary(await adapter.getCard(), 'getCard');

  describe(title, () => {
    describe('getCard', () => {
      it('returns the card on file as a summary without the card number', async () => {
        const card = await cardOf(await make({ card: 'ok' }));
        check(card.status === 'ok', `a valid card has status ok, got ${card.status}`);
      });

      it('returns null when there is no card on file', async () => {
        const adapter = await make({ card: 'none' });
        check((await adapter.getCard()) === null, 'expected null');
      });

      it('reports a failed renewal as payment_failed', async () => {
        const card = await cardOf(await make({ card: 'payment_failed' }));
        check(card.status === 'payment_failed', `expected payment_failed, got ${card.status}`);
      });

      it('rejects with an AbortError when the signal is already aborted', async () => {
        const adapter = await make({ card: 'ok' });
        const error = await rejection(adapter.getCard({ signal: AbortSignal.abort() }), 'getCard');
        check((error as Error).name === 'AbortError', `expected AbortError, got ${String(error)}`);
      });
    });

    describe('updateExpiry', () => {
      it('saves the new date on the same card and returns it', async () => {
        const adapter = await make({ card: 'ok' });
        const before = await cardOf(adapter);
        const { month, year } = future();
        const result = checkSummary(
          await adapter.updateExpiry({ cardId: before.id, month, year }),
          'updateExpiry',
        );
        check(result.id === before.id && result.last4 === before.last4, 'same card expected');
        check(
          result.expMonth === month && result.expYear === year,
          'the result shows the new date',
        );
        const after = await cardOf(adapter);
        check(after.expMonth === month && after.expYear === year, 'getCard shows the new date');
      });

      it('applies a second update with another date (each call is its own request)', async () => {
        const adapter = await make({ card: 'ok' });
        const { id } = await cardOf(adapter);
        const { year } = future();
        await adapter.updateExpiry({ cardId: id, month: 3, year });
        await adapter.updateExpiry({ cardId: id, month: 4, year });
        const after = await cardOf(adapter);
        check(after.expMonth === 4 && after.expYear === year, 'the later update wins');
      });

      it('retries the failed renewal and clears payment_failed', async () => {
        const adapter = await make({ card: 'payment_failed' });
        const { id } = await cardOf(adapter);
        const result = await adapter.updateExpiry({ cardId: id, ...future() });
        check(result.status === 'ok', `expected status ok after the retry, got ${result.status}`);
        if (result.payment) {
          check(result.payment.status === 'succeeded', `payment ${result.payment.status}`);
        }
        check((await cardOf(adapter)).status === 'ok', 'getCard shows status ok');
      });

      if (s.declinesRenewal) {
        it('keeps the date but reports a declined renewal', async () => {
          const adapter = await make({ card: 'payment_failed', declineRenewal: true });
          const { id } = await cardOf(adapter);
          const { month, year } = future();
          const result = await adapter.updateExpiry({ cardId: id, month, year });
          check(result.expMonth === month && result.expYear === year, 'the date is saved');
          check(result.status === 'payment_failed', 'still payment_failed');
          check(result.payment?.status === 'failed', 'payment.status is failed');
        });
      }

      const invalid: Array<[string, (y: number) => { month: number; year: number }]> = [
        ['a date in the past', (y) => ({ month: 1, year: y - 1 })],
        ['month 13', (y) => ({ month: 13, year: y + 1 })],
        ['month 0', (y) => ({ month: 0, year: y + 1 })],
        ['a year more than 20 years ahead', (y) => ({ month: 1, year: y + 21 })],
        ['a two-digit year', (y) => ({ month: 1, year: (y + 1) % 100 })],
        ['a fractional month', (y) => ({ month: 1.5, year: y + 1 })],
      ];
      for (const [name, date] of invalid) {
        it(`refuses ${name} with invalid_expiry and keeps the card as it was`, async () => {
          const adapter = await make({ card: 'ok' });
          const before = await cardOf(adapter);
          const input = { cardId: before.id, ...date(now().getFullYear()) };
          const error = checkCardkeepError(
            await rejection(adapter.updateExpiry(input), 'updateExpiry'),
            'invalid_expiry',
          );
          check(!error.retryable, 'invalid_expiry is not retryable');
          const after = await cardOf(adapter);
          check(
            after.expMonth === before.expMonth && after.expYear === before.expYear,
            'unchanged',
          );
        });
      }

      it("refuses a card id that is not the customer's card", async () => {
        const adapter = await make({ card: 'ok' });
        const before = await cardOf(adapter);
        const error = checkCardkeepError(
          await rejection(
            adapter.updateExpiry({ cardId: `${before.id}_other`, ...future() }),
            'updateExpiry',
          ),
        );
        check(!error.retryable, 'a wrong card id is not retryable');
        const after = await cardOf(adapter);
        check(after.expYear === before.expYear && after.expMonth === before.expMonth, 'unchanged');
      });

      it('does nothing when the signal is already aborted', async () => {
        const adapter = await make({ card: 'ok' });
        const before = await cardOf(adapter);
        const call = adapter.updateExpiry(
          { cardId: before.id, ...future() },
          { signal: AbortSignal.abort() },
        );
        const error = await rejection(call, 'updateExpiry');
        check((error as Error).name === 'AbortError', `expected AbortError, got ${String(error)}`);
        const after = await cardOf(adapter);
        check(after.expYear === before.expYear && after.expMonth === before.expMonth, 'unchanged');
      });
    });

    describe('replacement', () => {
      it('creates a setup session with a client secret and a publishable key', async () => {
        const session = await (await make({ card: 'payment_failed' })).createSetupSession();
        check(typeof session.clientSecret === 'string' && session.clientSecret, 'clientSecret');
        check(/^pk_/.test(session.publishableKey), 'publishableKey starts with pk_');
      });

      it('refuses to complete an unknown SetupIntent and keeps the card', async () => {
        const adapter = await make({ card: 'ok' });
        const before = await cardOf(adapter);
        checkCardkeepError(
          await rejection(
            adapter.completeReplacement({ setupIntentId: 'seti_unknown_to_this_customer' }),
            'completeReplacement',
          ),
        );
        check((await cardOf(adapter)).id === before.id, 'the card on file is unchanged');
      });

      if (s.confirmSetup) {
        const confirm = s.confirmSetup.bind(s);
        it('puts the confirmed card on file and retries the failed renewal', async () => {
          const adapter = await make({ card: 'payment_failed' });
          const before = await cardOf(adapter);
          const setupIntentId = await confirm(await adapter.createSetupSession());
          const result = checkSummary(
            await adapter.completeReplacement({ setupIntentId }),
            'completeReplacement',
          );
          check(result.id !== before.id, 'a new card id');
          check(result.status === 'ok', `expected status ok, got ${result.status}`);
          check((await cardOf(adapter)).id === result.id, 'getCard shows the new card');
        });
      }
    });
  });
}
