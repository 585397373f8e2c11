/** The forms a shopper can open. */
export type CardkeepForm = 'expiry' | 'replace';

/** A form opened: the shopper chose to fix the card (or arrived through a signed link). */
export class CardkeepOpenEvent extends Event {
  /** `expiry` for the expiry-only form, `replace` for the new-card form. */
  readonly form: CardkeepForm;

  constructor(form: CardkeepForm) {
    super('cardkeep-open', { bubbles: true, composed: true });
    this.form = form;
  }
}

declare global {
  interface HTMLElementEventMap {
    'cardkeep-open': CardkeepOpenEvent;
  }
}
