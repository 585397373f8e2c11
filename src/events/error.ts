import type { CardkeepError } from '../core/errors.js';

/**
 * A call to the backend (or to Stripe) failed. The shopper sees a localised message where it
 * helps; this event lets the merchant log or measure it.
 */
export class CardkeepErrorEvent extends Event {
  /** What failed; `error.code` says why. */
  readonly error: CardkeepError;

  constructor(error: CardkeepError) {
    super('cardkeep-error', { bubbles: true, composed: true });
    this.error = error;
  }
}

declare global {
  interface HTMLElementEventMap {
    'cardkeep-error': CardkeepErrorEvent;
  }
}
