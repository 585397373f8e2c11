import type { CardSummary } from '../adapter/types.js';

/** Which notice a banner shows. */
export type CardkeepNotice = 'expired' | 'payment_failed' | 'expiring';

/**
 * A banner became visible with a notice about the card on file: the top of the recovery
 * funnel. Fired once per load, not again when the shopper only opens a form.
 */
export class CardkeepShownEvent extends Event {
  /** The notice shown. */
  readonly notice: CardkeepNotice;
  /** The card the notice is about. */
  readonly card: CardSummary;

  constructor(notice: CardkeepNotice, card: CardSummary) {
    super('cardkeep-shown', { bubbles: true, composed: true });
    this.notice = notice;
    this.card = card;
  }
}

declare global {
  interface HTMLElementEventMap {
    'cardkeep-shown': CardkeepShownEvent;
  }
}
