import type { CardSummary, PaymentOutcome, UpdateResult } from '../adapter/types.js';

/**
 * The card on file was fixed: a new expiry date was saved, or a new card replaced it.
 * A checkout can listen for it and retry a payment.
 */
export class CardkeepUpdatedEvent extends Event {
  /** The card as it is now. */
  readonly card: CardSummary;
  /** The outcome of retrying a failed renewal at once, when the backend did. */
  readonly payment: PaymentOutcome | undefined;

  constructor(result: UpdateResult) {
    super('cardkeep-updated', { bubbles: true, composed: true });
    // The summary alone: `action` and `payment` are not part of the card.
    const card: UpdateResult = { ...result };
    delete card.action;
    delete card.payment;
    this.card = card;
    this.payment = result.payment;
  }
}

declare global {
  interface HTMLElementEventMap {
    'cardkeep-updated': CardkeepUpdatedEvent;
  }
}
