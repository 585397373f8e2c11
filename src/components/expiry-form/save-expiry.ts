// The expiry form's save, step by step: name the attempt, ask the backend, finish a 3-D Secure
// challenge if the bank wants one. The element only wires these to its state.
import type { CardkeepAdapter, UpdateResult } from '../../adapter/types.js';
import { CardkeepError } from '../../core/errors.js';
import { randomId } from '../../core/random-id.js';
import { loadLazyParts } from '../../lazy.js';
import type { AsyncCall } from '../shared/async-controller.js';

/**
 * The step a save can be in besides plain "saving": the bank checks the card
 * (`authenticating`), or the date is saved and the bank wants the retried payment confirmed
 * (`payment`).
 */
export type SaveStep = 'authenticating' | 'payment';

/**
 * One attempt at saving a date: "Try again" after a failure that may have landed (a timeout,
 * a lost answer) repeats its `key`, the adapter's `idempotencyKey`, so the backend applies the
 * change once. A new date, an answer or a definite refusal ends it.
 */
export interface SaveAttempt {
  /** The card and date it saves. */
  entry: string;
  key: string;
}

/** `previous` again while it saves the same date on the same card, else a new attempt. */
export function attemptFor(
  previous: SaveAttempt | undefined,
  cardId: string | undefined,
  { month, year }: { month: number; year: number },
): SaveAttempt {
  const entry = `${cardId} ${month} ${year}`;
  return previous?.entry === entry ? previous : { entry, key: randomId() };
}

/**
 * Saves the date on card `cardId` (`cardId`, else the card shown: a form without either cannot
 * save) under the attempt's `key`, then finishes an issuer authentication if the bank asks.
 */
export async function saveExpiry(
  backend: CardkeepAdapter,
  cardId: string | undefined,
  { month, year }: { month: number; year: number },
  key: string,
  { signal, step }: AsyncCall<SaveStep>,
): Promise<UpdateResult> {
  if (!cardId) throw new CardkeepError('server', 'No card to update: set card-id or card');
  const result = await backend.updateExpiry(
    { cardId, month, year },
    { signal, idempotencyKey: key },
  );
  if (result.action?.type !== 'authenticate') return result;
  // A card check is said before Stripe.js arrives (with the replacement form's lazily loaded
  // parts); a payment to confirm only once its words have come with those parts.
  if (result.action.intent !== 'payment') step('authenticating');
  const { finishBankSteps, pageStripeJs } = await loadLazyParts();
  // The page's Stripe.js: the expiry form has no loader of its own.
  const stripe = pageStripeJs();
  return finishBankSteps({ result, adapter: backend, signal, step, stripe });
}
