// The banner once a shopper has opened a form: the expiry form or the replacement form inline,
// and the thank-you after a save. The banner imports this with the form's own code (the script
// tag ships it in the expiry form's chunk, which every fix loads: rollup.config.mjs), so the
// notice paints without it.
import { html } from 'lit';
import type { TemplateResult } from 'lit';
import type { CardkeepAdapter, CardSummary, PaymentOutcome } from '../../adapter/types.js';
import type { CardkeepUpdatedEvent } from '../../events/updated.js';
import type { CardkeepBanner } from './banner.js';
import { enForms } from '../../i18n/en-forms.js';
import type { Messages, SomeMessages } from '../../i18n/messages.js';
import { confirmation, enThanks, thanksText } from '../shared/confirmation.js';

/** The English strings of these views (Cancel, the thank-you) come with them. */
export const enViews: SomeMessages = { ...enForms, ...enThanks };

/** Where the views' outcomes go: the banner's handlers, made once. */
export interface FormHooks {
  /** A form saved the card (either form's `cardkeep-updated`). */
  updated: (event: CardkeepUpdatedEvent) => void;
  /** Back to the notice. */
  cancel: () => void;
  /** Opens the replacement form. */
  replace: () => void;
  /** Closes the thank-you. */
  close: () => void;
}

/** What the views read of the banner itself: the public properties it hands the forms. */
export type FormHost = Pick<CardkeepBanner, 'messages' | 'now' | 'fallbackUrl'>;

/**
 * Stripe's card frame must live in the document's light DOM: the replacement form puts it in
 * the outermost host and it is shown through slots forwarded down the shadow roots.
 */
const FORWARD = html`<slot name="payment-element" slot="payment-element"></slot>`;

/**
 * The open form: `expiry` (for `card`) with Cancel and "Use a different card" under it, or
 * `replace`; both talk to `backend` and get the banner's messages, clock and fallback page.
 */
export function formView(
  view: 'expiry' | 'replace',
  t: Messages,
  card: CardSummary,
  backend: CardkeepAdapter | undefined,
  host: FormHost,
  on: FormHooks,
): TemplateResult {
  if (view === 'replace') {
    return html`<cardkeep-replace-card
      .fallbackUrl=${host.fallbackUrl}
      exportparts="button"
      .adapter=${backend}
      .messages=${host.messages}
      .now=${host.now}
      @cardkeep-updated=${on.updated}
      @cancel=${on.cancel}
      >${FORWARD}</cardkeep-replace-card
    >`;
  }
  // Escape in the open expiry form is Cancel (an IME's Escape only ends its composition).
  const keydown = (event: KeyboardEvent) => {
    if (event.key !== 'Escape' || event.isComposing || event.defaultPrevented) return;
    event.preventDefault();
    on.cancel();
  };
  return html`<div class="stack" @keydown=${keydown}>
    <cardkeep-expiry-form
      exportparts="form, card, hint, label, input, error, button, result"
      .adapter=${backend}
      .card=${card}
      .messages=${host.messages}
      .now=${host.now}
      @cardkeep-updated=${on.updated}
      >${FORWARD}</cardkeep-expiry-form
    >
    <div part="actions" class="row">
      <button part="button" @click=${on.cancel}>${t.cancel}</button>
      <button part="button" class="link" @click=${on.replace}>${t.useDifferentCard}</button>
    </div>
  </div>`;
}

/**
 * The thank-you for `card` (a new expiry date, or the new card when `replaced`), named by its
 * outcome (focus lands on it, so that is what is heard), and what the banner's live region
 * says: the outcome first.
 */
export function doneView(
  t: Messages,
  card: CardSummary,
  payment: PaymentOutcome | undefined,
  replaced: boolean,
  _now: Date,
  on: FormHooks,
): [TemplateResult, TemplateResult] {
  const [saved, paid] = thanksText(t, card, payment, replaced);
  return [
    html`<section part="base" class="stack done" tabindex="-1" aria-label=${t.updatedTitle}>
      ${confirmation(t, card, payment, on.replace, replaced)}
      <div class="row">
        <button part="button" @click=${on.close}>${t.close}</button>
      </div>
    </section>`,
    html`<p>${t.updatedTitle}</p>
      <p>${saved}</p>
      <p>${paid}</p>`,
  ];
}
