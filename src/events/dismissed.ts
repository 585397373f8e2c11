/** The shopper chose "Remind me later"; the banner stays quiet until `until`. */
export class CardkeepDismissedEvent extends Event {
  /** The card the notice was about. */
  readonly cardId: string;
  /** When the banner may show again (ms since the epoch). */
  readonly until: number;

  constructor(cardId: string, until: number) {
    super('cardkeep-dismissed', { bubbles: true, composed: true });
    this.cardId = cardId;
    this.until = until;
  }
}

declare global {
  interface HTMLElementEventMap {
    'cardkeep-dismissed': CardkeepDismissedEvent;
  }
}
