// The banner once a shopper has opened a form: the expiry form or the replacement form inline,
// the thank-you after a save, and what happens on the way out of them (where focus goes:
// ./focus-after-close.ts, which the notice's "Remind me later" uses too). The
// banner imports this with the form's own code (the script tag ships it in the expiry form's
// chunk, which every fix loads: rollup.config.mjs), so the notice paints without it.
import { html } from 'lit';
import type { ReactiveElement, TemplateResult } from 'lit';
import type { CardkeepAdapter, CardSummary, PaymentOutcome } from '../../adapter/types.js';
import { CardkeepOpenEvent } from '../../events/open.js';
import type { CardkeepForm } from '../../events/open.js';
import type { CardkeepUpdatedEvent } from '../../events/updated.js';
import type { BannerView, CardkeepBanner } from './banner.js';
import { enForms } from '../../i18n/en-forms.js';
import type { Messages, SomeMessages } from '../../i18n/messages.js';
import { confirmation, enThanks, thanksText } from '../shared/confirmation.js';
import { focusAfterClose } from './focus-after-close.js';

/** The English strings of these views (Cancel, the thank-you) come with them. */
export const enViews: SomeMessages = { ...enForms, ...enThanks };

/** Where the views' outcomes go: made once per banner by {@link formHooks}. */
export interface FormHooks {
  /** Opens `form` (its code is here), announces it and gives it the focus. */
  open: (form: CardkeepForm) => Promise<void>;
  /** A form saved the card (either form's `cardkeep-updated`). */
  updated: (event: CardkeepUpdatedEvent) => void;
  /** Back from the open `form` to the notice. */
  cancel: (form: 'expiry' | 'replace') => void;
  /** Opens the replacement form. */
  replace: () => void;
  /** Closes the thank-you. */
  close: () => void;
}

/** What the views change in the banner: its (private) reactive state. */
export interface BannerState {
  view: BannerView;
  card?: CardSummary;
  payment?: PaymentOutcome | undefined;
  replaced?: boolean;
}

/**
 * The banner's handlers for its open forms and its thank-you: `show` sets its state and
 * settles after the render, `replace` opens the replacement form. Focus follows each way out:
 * Cancel back on the button that opened the form, a save on the thank-you, Close on to
 * `focus-after-close` (or what follows the banner).
 */
export function formHooks(
  host: CardkeepBanner,
  show: (state: BannerState) => Promise<unknown>,
  replace: () => void,
): FormHooks {
  const root = host.renderRoot;
  return {
    open: async (form) => {
      const shown = show({ view: form });
      host.dispatchEvent(new CardkeepOpenEvent(form));
      await shown;
      const opened = root.querySelector<ReactiveElement>(
        form === 'expiry' ? 'cardkeep-expiry-form' : 'cardkeep-replace-card',
      );
      await opened?.updateComplete;
      opened?.focus();
    },
    updated: async (event) => {
      await show({
        view: 'done',
        card: event.card,
        payment: event.payment,
        // A new card (from either form's replacement) is thanked as one, not as a new date.
        replaced: event
          .composedPath()
          .some((node) => (node as Element).localName === 'cardkeep-replace-card'),
      });
      root.querySelector<HTMLElement>('.done')?.focus();
    },
    cancel: async (form) => {
      await show({ view: 'notice' });
      root.querySelector<HTMLElement>(`[data-opens=${form}]`)?.focus();
    },
    replace,
    close: async () => {
      await show({ view: 'quiet' });
      focusAfterClose(host, host.focusAfterClose);
    },
  };
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
  const cancel = () => on.cancel(view);
  if (view === 'replace') {
    return html`<cardkeep-replace-card
      .fallbackUrl=${host.fallbackUrl}
      exportparts="button"
      .adapter=${backend}
      .messages=${host.messages}
      .now=${host.now}
      @cardkeep-updated=${on.updated}
      @cancel=${cancel}
      >${FORWARD}</cardkeep-replace-card
    >`;
  }
  // Escape in the open expiry form is Cancel (an IME's Escape only ends its composition).
  const keydown = (event: KeyboardEvent) => {
    if (event.key !== 'Escape' || event.isComposing || event.defaultPrevented) return;
    event.preventDefault();
    cancel();
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
      <button part="button" @click=${cancel}>${t.cancel}</button>
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
