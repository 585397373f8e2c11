// The expiry form's save, step by step: name the attempt, ask the backend, finish a 3-D Secure
// challenge if the bank wants one. The element only wires these to its state.
import type { CardkeepAdapter, ExpiryUpdate, UpdateResult } from '../../adapter/types.js';
import { CardkeepError } from '../../core/errors.js';
import { randomId } from '../../core/random-id.js';
import { loadLazyParts } from '../../lazy.js';
import type { AsyncCall } from '../shared/async-controller.js';

/** The step a save can be in besides plain "saving". */
export type SaveStep = 'authenticating';

/**
 * The attempt at saving one date, named by the `idempotencyKey` of the adapter's call options:
 * "Try again" after a failure that may have landed (a timeout, a lost answer) repeats the key,
 * so the backend applies the change once. A new date, an answer or a definite refusal ends the
 * attempt; the next save is a new one.
 */
export class SaveAttempt {
  #entry = '';
  #key = '';

  /** The key for saving `update`: the same as last time while the attempt is unfinished. */
  keyFor({ cardId, month, year }: ExpiryUpdate): string {
    const entry = `${cardId} ${month} ${year}`;
    if (entry !== this.#entry) {
      this.#entry = entry;
      this.#key = randomId();
    }
    return this.#key;
  }

  /** The attempt is over: the next save gets a new key. */
  end(): void {
    this.#entry = '';
  }
}

/**
 * Saves the date on card `cardId` (`cardId`, else the card shown: a form without either cannot
 * save) as part of `attempt`, then finishes an issuer authentication if the bank asks.
 */
export async function saveExpiry(
  backend: CardkeepAdapter,
  cardId: string | undefined,
  { month, year }: { month: number; year: number },
  attempt: SaveAttempt,
  { signal, step }: AsyncCall<SaveStep>,
): Promise<UpdateResult> {
  if (!cardId) throw new CardkeepError('server', 'No card to update: set card-id or card');
  const update = { cardId, month, year };
  // A failure that may have landed keeps the attempt (the form ends it on a definite refusal).
  const result = await backend.updateExpiry(update, {
    signal,
    idempotencyKey: attempt.keyFor(update),
  });
  // Answered: whatever follows (3-D Secure, a new try) is a new attempt.
  attempt.end();
  if (result.action?.type !== 'authenticate') return result;
  step('authenticating');
  // Stripe.js comes with the replacement form's lazily loaded parts.
  const { runAuthentication } = await loadLazyParts();
  return runAuthentication({ action: result.action, adapter: backend, signal });
}
