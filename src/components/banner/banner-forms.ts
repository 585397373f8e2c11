// The banner once a shopper has opened a form: the expiry form or the replacement form inline,
// and the thank-you after a save. The banner imports this with the form's own code (the script
// tag ships it in the expiry form's chunk, which every fix loads: rollup.config.mjs), so the
// notice paints without it.
import { html } from 'lit';
import type { TemplateResult } from 'lit';
import type { CardkeepAdapter, CardSummary, PaymentOutcome } from '../../adapter/types.js';
import type { CardkeepUpdatedEvent } from '../../events/updated.js';
import { enForms } from '../../i18n/en-forms.js';
import type { MessageOverrides, Messages, SomeMessages } from '../../i18n/messages.js';
import { confirmation, enThanks, paymentSentence } from '../shared/confirmation.js';
import { describe } from '../shared/describe-card.js';

/** The English strings of these views (Cancel, the thank-you) come with them. */
export const enViews: SomeMessages = { ...enForms, ...enThanks };

/** What the banner hands an open form: its own state and where the form's outcomes go. */
export interface FormContext {
  t: Messages;
  card: CardSummary;
  backend: CardkeepAdapter | undefined;
  messages: MessageOverrides | undefined;
  now: () => Date;
  fallbackUrl: string | undefined;
  /** A form saved the card (either form's `cardkeep-updated`). */
  updated: (event: CardkeepUpdatedEvent) => void;
  /** Back to the notice. */
  cancel: () => void;
  /** Opens the replacement form. */
  replace: () => void;
}

/** What the banner hands the thank-you. */
export interface DoneContext {
  t: Messages;
  card: CardSummary;
  payment: PaymentOutcome | undefined;
  /** The card was replaced, rather than given a new expiry date. */
  replaced: boolean;
  now: Date;
  replace: () => void;
  close: () => void;
}

/**
 * Stripe's card frame must live in the document's light DOM: the replacement form puts it in
 * the outermost host and it is shown through slots forwarded down the shadow roots.
 */
const FORWARD = html`<slot name="payment-element" slot="payment-element"></slot>`;

/** The open form: `expiry` with Cancel and "Use a different card" under it, or `replace`. */
export function formView(view: 'expiry' | 'replace', c: FormContext): TemplateResult {
  const { t } = c;
  if (view === 'replace') {
    return html`<cardkeep-replace-card
      .fallbackUrl=${c.fallbackUrl}
      exportparts="button"
      .adapter=${c.backend}
      .messages=${c.messages}
      .now=${c.now}
      @cardkeep-updated=${c.updated}
      @cancel=${c.cancel}
      >${FORWARD}</cardkeep-replace-card
    >`;
  }
  // Escape in the open expiry form is Cancel (an IME's Escape only ends its composition).
  const keydown = (event: KeyboardEvent) => {
    if (event.key !== 'Escape' || event.isComposing || event.defaultPrevented) return;
    event.preventDefault();
    c.cancel();
  };
  return html`<div class="stack" @keydown=${keydown}>
    <cardkeep-expiry-form
      exportparts="form, card, hint, label, input, error, button, result"
      .adapter=${c.backend}
      .card=${c.card}
      .messages=${c.messages}
      .now=${c.now}
      @cardkeep-updated=${c.updated}
      >${FORWARD}</cardkeep-expiry-form
    >
    <div part="actions" class="row">
      <button part="button" @click=${c.cancel}>${t.cancel}</button>
      <button part="button" class="link" @click=${c.replace}>${t.useDifferentCard}</button>
    </div>
  </div>`;
}

/**
 * The thank-you, named by its outcome (focus lands on it, so that is what is heard), and what
 * the banner's live region says: the outcome first.
 */
export function doneView(c: DoneContext): [TemplateResult, TemplateResult] {
  const { t, card, payment } = c;
  const [label, month] = describe(t, card, c.now);
  return [
    html`<section part="base" class="stack done" tabindex="-1" aria-label=${t.updatedTitle}>
      ${confirmation(t, card, payment, c.replace, c.replaced)}
      <div class="row">
        <button part="button" @click=${c.close}>${t.close}</button>
      </div>
    </section>`,
    html`<p>${t.updatedTitle}</p>
      <p>${c.replaced ? t.replaced(label) : t.updatedBody(label, month)}</p>
      <p>${paymentSentence(t, payment)}</p>`,
  ];
}
