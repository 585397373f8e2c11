// What the banner says about the card on file. Expiry is judged by calendar.ts, the same rule
// parseExpiry uses, so the banner and the form can never disagree about a date.

import { expiresAt, isExpired, resolveNow } from './calendar.js';

/** The state of a card on file, most urgent first: payment_failed, expired, expiring, ok. */
export type CardStatus = 'ok' | 'expiring' | 'expired' | 'payment_failed';

/** The fields of a card that decide its status; a CardSummary fits. */
export interface CardStatusInput {
  /** Expiry month, 1–12. */
  expMonth: number;
  /** Expiry year, four digits. */
  expYear: number;
  /** `payment_failed` when the latest renewal charge on this card was declined. */
  status?: 'ok' | 'payment_failed' | undefined;
}

/** Options for {@link cardStatus}. */
export interface CardStatusOptions {
  /** Say `expiring` this many whole days before the card stops working; 0 (default) never does. */
  warnDays?: number;
}

// Enough to reach past year 9999 from any present day, small enough that Date arithmetic stays
// in range when a caller passes Infinity to mean "always warn".
const MAX_WARN_DAYS = 3_000_000;

/**
 * The card's status at `now` (local time). A declined payment wins; a card works through the
 * last day of its expiry month; with `warnDays` it is `expiring` once the day it stops working
 * is at most that many days away.
 */
export function cardStatus(
  card: CardStatusInput,
  now: Date = new Date(),
  { warnDays = 0 }: CardStatusOptions = {},
): CardStatus {
  if (card.status === 'payment_failed') return 'payment_failed';
  const today = resolveNow(now);
  if (isExpired(card.expMonth, card.expYear, today)) return 'expired';
  // NaN, negatives and fractions of a first day all mean no warning.
  if (!(warnDays >= 1)) return 'ok';
  // Whole calendar days: from today's local midnight, so the hour of the visit does not matter.
  const horizon = new Date(today.getTime());
  horizon.setHours(0, 0, 0, 0);
  horizon.setDate(horizon.getDate() + Math.min(Math.floor(warnDays), MAX_WARN_DAYS));
  return horizon.getTime() >= expiresAt(card.expMonth, card.expYear).getTime() ? 'expiring' : 'ok';
}
