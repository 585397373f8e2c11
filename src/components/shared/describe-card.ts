import { isExpired } from '../../core/calendar.js';
import { cardLabel } from '../../i18n/messages.js';
import type { Messages } from '../../i18n/messages.js';

/**
 * "Visa •••• 4242", its expiry as prose ("March 2025", 2025年3月) and whether that has passed
 * by `now`: the arguments of the notice and thank-you messages, in their order.
 */
export function describe(
  t: Pick<Messages, 'expiryMonth'>,
  card: { brand: string; last4: string; expMonth: number; expYear: number },
  now: Date,
) {
  return [
    cardLabel(card.brand, card.last4),
    t.expiryMonth(card.expMonth, card.expYear),
    isExpired(card.expMonth, card.expYear, now),
  ] as const;
}
