import { isExpired } from '../../core/calendar.js';
import type { CardSummary } from '../../adapter/types.js';
import { isCard } from '../../protocol/wire.js';
import { methodLabel } from '../../i18n/messages.js';
import type { Messages } from '../../i18n/messages.js';

/**
 * "Visa •••• 4242", its expiry as prose ("March 2025", 2025年3月) and whether that has passed
 * by `now`: the arguments of the notice and thank-you messages, in their order. A method other
 * than a card is its name ("Link") with no expiry.
 */
export function describe(t: Pick<Messages, 'expiryMonth'>, card: CardSummary, now: Date) {
  return [
    methodLabel(card),
    isCard(card) ? t.expiryMonth(card.expMonth, card.expYear) : '',
    isCard(card) && isExpired(card.expMonth, card.expYear, now),
  ] as const;
}
