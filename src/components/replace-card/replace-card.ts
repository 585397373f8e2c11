// Over 300 lines on purpose: ~40 are the documented public API (JSDoc the manifest reads) and
// ~30 the template. Stripe's frame (mounting, theme, readiness) lives in stripe-frame.ts, async
// state in shared/async-controller.ts, Stripe.js loading in stripe/loader.ts.
import { html, nothing } from 'lit';
import type { PropertyDeclarations } from 'lit';
import type { PropertyValues } from 'lit';
import type { CardkeepAdapter, UpdateResult } from '../../adapter/types.js';
import { CardkeepError } from '../../core/errors.js';
import { CardkeepUpdatedEvent } from '../../events/updated.js';
import { enForms } from '../../i18n/en-forms.js';
import { enReplace } from '../../i18n/en-replace.js';
import { addMessages } from '../../i18n/add-messages.js';
import { lateMessages } from '../../i18n/late-messages.js';
import type { Messages } from '../../i18n/messages.js';
import { errorText } from '../../i18n/error-text.js';
import { cardLabel, methodName } from '../../i18n/messages.js';
import { isCard } from '../../protocol/wire.js';
import { StripeJs, finishBankSteps, stripeFailure } from '../../stripe/loader.js';
import { pageStripeJs } from '../../stripe/page-stripe.js';
import { returnUrl, takeRedirectReturn } from '../../stripe/redirect-return.js';
import type { RedirectReturn } from '../../stripe/redirect-return.js';
import type { StripeError, StripeLoader } from '../../stripe/loader.js';
import { AsyncController, IDLE } from '../shared/async-controller.js';
import type { AsyncCall, AsyncState } from '../shared/async-controller.js';
import { baseStyles } from '../shared/base.styles.js';
import { CardkeepElement, langOf } from '../shared/cardkeep-element.js';
import { enThanks, paymentSentence } from '../shared/confirmation.js';
import { SLOT, mountStripeFrame } from './stripe-frame.js';
import type { StripeFrame } from './stripe-frame.js';
import { replaceCardStyles } from './replace-card.styles.js';

/**
 * Where the replacement is: one value, so the form is never both busy and failed.
 * `error`: the form is still there with a message (fix the card and save again);
 * `load_failed`: there is no usable form (Stripe.js, the session or the new card failed)
 * and "Try again" starts over.
 */
export type ReplaceCardStatus =
  'loading' | 'ready' | 'submitting' | 'authenticating' | 'success' | 'error' | 'load_failed';

/**
 * The steps of opening (Stripe's frame after the setup session) and of a save (Stripe confirms
 * the card, the backend records it, the bank asks): a failure is said by the step it failed at.
 */
type Step =
  'frame' | 'confirming' | 'recording' | 'authenticating' | 'payment' | 'returned' | 'processing';

/** What to tell the shopper about `error`, which happened at `step`. */
function problemText(t: Messages, error: CardkeepError, step: Step | undefined): string {
  if (step === 'frame') return t.replaceLoadFailed;
  if (step === 'processing') return t.replaceReturnProcessing;
  if (step === 'returned' && error.code === 'card_declined') return t.replaceReturnFailed;
  if (step === 'authenticating') return t.authFailed;
  // Stripe refused the card or could not confirm it. Its text for a card or validation problem
  // is already in the shopper's language and says what to fix; it is shown as text.
  const stripe = (step === 'confirming' ? error.cause : undefined) as
    Partial<StripeError> | undefined;
  if (!stripe?.type) return errorText(t, error);
  // The SetupIntent takes cards only (StripeStore's default) and the shopper chose Link or
  // another method: Stripe refuses it before anything is saved, naming the payment method.
  if (stripe.type === 'invalid_request_error' && stripe.param === 'payment_method') {
    return t.replaceCardsOnly;
  }
  return (stripe.type === 'card_error' || stripe.type === 'validation_error') && stripe.message
    ? stripe.message
    : stripe.type === 'api_connection_error'
      ? t.errors.network
      : t.authFailed;
}

/**
 * @summary A new card for the one on file, typed into Stripe's Payment Element.
 *
 * Opens by asking the backend for a setup session (`adapter.createSetupSession()`), and only
 * then loads Stripe.js; the Payment Element collects the card in Stripe's own frame, so no card
 * number ever touches this page's DOM. Save confirms the SetupIntent with Stripe (3-D Secure
 * included) and tells the backend (`adapter.completeReplacement()`).
 *
 * Stripe refuses to mount inside a shadow root, so the frame's container is a light-DOM child
 * (`<div slot="payment-element">`) shown through a slot. When you render this element inside
 * your own shadow root, forward the slot — `<cardkeep-replace-card><slot name="payment-element"
 * slot="payment-element"></slot></cardkeep-replace-card>` — and the container goes to your
 * host instead (and so on up to the document).
 *
 * @tagname cardkeep-replace-card
 *
 * @fires {CardkeepUpdatedEvent} cardkeep-updated - The new card is on file; `card` is its summary.
 * @fires {CardkeepErrorEvent} cardkeep-error - Loading or saving failed; `error.code` says why.
 * @fires {Event} cancel - The shopper chose Cancel (does not bubble): go back to what came before.
 *
 * @slot payment-element - Filled by the element itself with Stripe's frame.
 *
 * @csspart form - The form around Stripe's frame and the buttons.
 * @csspart title - The heading.
 * @csspart intro - Why the card goes to Stripe.
 * @csspart payment-element - The box around Stripe's frame.
 * @csspart status - Progress and the outcome (`role=status`).
 * @csspart error - What went wrong (`role=alert`).
 * @csspart button - Every button; Save card also has `primary`.
 * @csspart fallback - The link to the merchant's own card page, after a failed load.
 *
 * @cssprop --cardkeep-font - Font family (default: inherited from the page).
 * @cssprop --cardkeep-font-size - Base font size (default `1rem`).
 * @cssprop --cardkeep-color-text - Text colour; also passed to Stripe's frame.
 * @cssprop --cardkeep-color-accent - Buttons, links, the focus ring; Stripe's primary colour.
 * @cssprop --cardkeep-color-on-accent - Text on the primary button.
 * @cssprop --cardkeep-color-danger - Error text; Stripe's danger colour.
 * @cssprop --cardkeep-color-surface - Background Stripe's frame should assume (dark themes).
 * @cssprop --cardkeep-color-focus - The focus ring (default: the accent).
 * @cssprop --cardkeep-radius - Corner radius of buttons and Stripe's fields.
 * @cssprop --cardkeep-space - Spacing unit.
 */
export class CardkeepReplaceCard extends CardkeepElement {
  static override styles = [baseStyles, replaceCardStyles];

  /** Its English strings (and its thank-you's) travel with this form, not with every notice. */
  protected static override ownMessages = { ...enReplace, ...enForms, ...enThanks };

  static override properties: PropertyDeclarations = {
    fallbackUrl: { attribute: 'fallback-url' },
    stripeLoader: { attribute: false },
  };

  /** The setup session and Stripe's frame for it: loading, ready, or a failed load. */
  #session = new AsyncController<StripeFrame, Step>(this, (error) => this.report(error));
  /** Saving the new card: Stripe's confirmation, the backend, maybe the bank's challenge. */
  #saving = new AsyncController<UpdateResult, Step>(this, (error) => this.report(error));
  /** The frame on the page, also while it is still getting ready (so it can be removed). */
  #frame: StripeFrame | undefined;
  /** A SetupIntent Stripe confirmed whose replacement the backend has not yet recorded. */
  #confirmed: string | undefined;
  #wantsOpen = false;
  /** The page was opened by Stripe's return from a redirect: finished instead of a new form. */
  #returned: RedirectReturn | null = null;
  /** The publishable key of the open session (for the return_url). */
  #publishableKey = '';
  #shownStatus: ReplaceCardStatus | undefined;
  /**
   * The shopper's focus is ours: set when focus enters, cleared only when it moves to another
   * control of the page. A control that disappears or is disabled under the focus (Save while
   * saving, the form on success) drops focus to nowhere, which must not count as leaving.
   */
  #hasFocus = false;
  /** Stripe.js through this element's own `stripeLoader`, with its own cache. */
  #ownStripe: StripeJs | undefined;

  /** Your own card page, linked when the secure form cannot load. Only http(s) URLs are used. */
  declare fallbackUrl: string | undefined;

  /** Loads Stripe.js for a publishable key; defaults to the page-wide loader (see `setStripeLoader`). */
  declare stripeLoader: StripeLoader | undefined;

  constructor() {
    super();
    this.addEventListener('focusin', () => (this.#hasFocus = true));
    this.addEventListener('focusout', (event) => {
      const next = event.relatedTarget as Node | null;
      if (next && !this.contains(next) && !this.shadowRoot?.contains(next)) this.#hasFocus = false;
    });
  }

  /** Where the replacement is (read-only). */
  get status(): ReplaceCardStatus {
    const save = this.#saving.state;
    const session = this.#session.state;
    if (save.status === 'success') return 'success';
    // Before the session: a return from the bank's page is saved without one.
    if (save.status === 'pending') {
      return save.step === 'authenticating' || save.step === 'payment'
        ? 'authenticating'
        : 'submitting';
    }
    if (session.status === 'error') return 'load_failed';
    if (session.status !== 'success') return 'loading';
    return save.status === 'error' ? 'error' : 'ready';
  }

  /** The failure on show, if any, and the step it happened at. */
  get #problem() {
    const session = this.#session.state;
    const save = this.#saving.state;
    return session.status === 'error' ? session : save.status === 'error' ? save : undefined;
  }

  override connectedCallback() {
    super.connectedCallback();
    // A payment to confirm after the replacement is said in words that travel with this form.
    addMessages(lateMessages);
    // Opens on the next update, once the page has had its chance to set `adapter`.
    if (this.status !== 'success') {
      this.#wantsOpen = true;
      this.#returned ??= takeRedirectReturn();
    }
    this.requestUpdate();
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    this.#dropFrame();
    this.#session.reset(IDLE);
  }

  #onSubmit = (event: Event) => {
    event.preventDefault();
    void this.#save();
  };

  #onRetry = () => void this.#open();

  #onCancel = () => this.dispatchEvent(new Event('cancel'));

  /** Focuses the heading, or the outcome once the card is saved. */
  override focus(options?: FocusOptions) {
    this.renderRoot
      ?.querySelector<HTMLElement>(this.status === 'success' ? '[part=status]' : 'h2')
      ?.focus(options);
  }

  /** Removes Stripe's frame; a confirmed SetupIntent goes with it. */
  #dropFrame() {
    this.#frame?.destroy();
    this.#frame = this.#confirmed = undefined;
  }

  /** Starts over: a new setup session, Stripe.js (loaded now, not before), a new frame. */
  async #open() {
    this.#dropFrame();
    this.#saving.reset(IDLE);
    const backend = this.backend!;
    await this.#session.run(async ({ signal, step }) => {
      const session = await backend.createSetupSession({ signal });
      step('frame');
      this.#publishableKey = session.publishableKey;
      const stripe = await this.#stripeJs().load(session.publishableKey);
      signal.throwIfAborted();
      const frame = (this.#frame = mountStripeFrame(
        this,
        stripe,
        session.clientSecret,
        langOf(this),
      ));
      try {
        await frame.ready;
      } catch (error) {
        if (this.#frame === frame) this.#dropFrame();
        throw error;
      }
      return frame;
    });
  }

  /** Confirms the new card with Stripe, then has the backend put it on file. */
  async #save() {
    const backend = this.backend;
    const session = this.#session.state;
    const status = this.status;
    if ((status !== 'ready' && status !== 'error') || !backend || session.status !== 'success') {
      return;
    }
    const frame = session.value;
    this.#finish(await this.#saving.run((call) => this.#replace(backend, frame, call)));
  }

  /**
   * Finishes a replacement Stripe confirmed through a redirect (the bank's page): asks Stripe.js
   * how the SetupIntent ended, then records it as Save would. A failed or unfinished one is
   * said, and "Try again" opens a new form.
   */
  async #resume(back: RedirectReturn, backend: CardkeepAdapter) {
    const saved = await this.#saving.run(async (call) => {
      call.step('returned');
      const key =
        back.publishableKey ??
        (await backend.createSetupSession({ signal: call.signal })).publishableKey;
      const stripe = await this.#stripeJs().load(key);
      call.signal.throwIfAborted();
      const { setupIntent, error } = await stripe.retrieveSetupIntent(back.clientSecret);
      call.signal.throwIfAborted();
      if (error) throw stripeFailure(error);
      if (setupIntent.status === 'processing') call.step('processing');
      if (setupIntent.status !== 'succeeded') {
        throw new CardkeepError('card_declined', `The new card is ${setupIntent.status}`, {
          retryable: false,
        });
      }
      this.#confirmed = setupIntent.id;
      return this.#replace(backend, undefined, call);
    });
    if (saved?.status === 'error') {
      // No form to fix anything in: "Try again" starts over.
      this.#session.reset(saved);
      this.#saving.reset(IDLE);
    } else this.#finish(saved);
  }

  /** After a save: the new card is announced, or a refused one needs a new session. */
  #finish(saved: AsyncState<UpdateResult, Step> | undefined) {
    if (saved?.status === 'success') {
      this.#dropFrame();
      this.dispatchEvent(new CardkeepUpdatedEvent(saved.value));
    } else if (
      saved?.status === 'error' &&
      saved.step !== 'confirming' &&
      (saved.error.code === 'card_declined' || saved.error.code === 'invalid_expiry')
    ) {
      // The bank refused the card Stripe confirmed: only a new setup session can take another,
      // so the form goes and "Try again" starts over.
      this.#dropFrame();
      this.#session.reset(saved);
      this.#saving.reset(IDLE);
    }
  }

  /** The steps of a save, each aborted with the form. */
  async #replace(
    backend: CardkeepAdapter,
    frame: StripeFrame | undefined,
    { signal, step }: AsyncCall<Step>,
  ): Promise<UpdateResult> {
    // Once Stripe confirmed, the SetupIntent is spent: a retry only tells the backend again.
    if (!this.#confirmed && frame) {
      const { stripe, elements } = frame;
      step('confirming');
      const { error: invalid } = await elements.submit();
      const confirmed = invalid
        ? undefined
        : await stripe.confirmSetup({
            elements,
            redirect: 'if_required',
            // Only a method that needs the bank's page leaves this one (see #resume).
            confirmParams: { return_url: returnUrl(this.#publishableKey) },
          });
      signal.throwIfAborted();
      const error = invalid ?? confirmed?.error;
      if (error) throw stripeFailure(error);
      if (!confirmed?.setupIntent) throw new CardkeepError('server', 'Stripe confirmed nothing');
      this.#confirmed = confirmed.setupIntent.id;
    }
    if (!this.#confirmed) throw new CardkeepError('server', 'No card to record');
    step('recording');
    const result = await backend.completeReplacement(
      { setupIntentId: this.#confirmed },
      { signal },
    );
    // The bank may check the card first, then want the retried renewal confirmed.
    return finishBankSteps({ result, adapter: backend, signal, step, stripe: this.#stripeJs() });
  }

  /** The element's own Stripe.js when it was given a loader, else the page's. */
  #stripeJs(): StripeJs {
    const loader = this.stripeLoader;
    if (!loader) return pageStripeJs();
    if (this.#ownStripe?.loader !== loader) this.#ownStripe = new StripeJs(loader);
    return this.#ownStripe;
  }

  override willUpdate(changed: PropertyValues<this>) {
    super.willUpdate(changed);
    const backend = this.backend;
    if (this.#wantsOpen && this.isConnected && backend) {
      this.#wantsOpen = false;
      const back = this.#returned;
      this.#returned = null;
      void (back ? this.#resume(back, backend) : this.#open());
    }
  }

  override updated() {
    // The control that had focus went away with the last state (Save, Try again; the browser
    // drops a hidden control's focus only at its next frame): keep the shopper's place
    // instead of dropping focus to the page.
    const status = this.status;
    const ended = status !== this.#shownStatus && /^(success|error|load_failed)$/.test(status);
    this.#shownStatus = status;
    if (this.#hasFocus && (ended || !this.matches(':focus-within'))) this.focus();
  }

  #renderOutcome(t: Messages) {
    const save = this.#saving.state;
    if (save.status === 'success') {
      const saved = save.value;
      // A form widened to other methods may have saved Link…: named in words, no digits.
      const said = isCard(saved)
        ? t.replaced(cardLabel(saved.brand, saved.last4))
        : t.replacedMethod(methodName(saved.kind));
      return `${said} ${paymentSentence(t, saved.payment)}`.trim();
    }
    const status = this.status;
    return status === 'loading'
      ? t.replaceLoading
      : status === 'submitting'
        ? t.saving
        : status === 'authenticating'
          ? save.status === 'pending' && save.step === 'payment'
            ? t.paymentConfirming
            : t.authenticating
          : '';
  }

  #fallback(): string | undefined {
    try {
      const url = new URL(this.fallbackUrl ?? '', location.href);
      return this.fallbackUrl && /^https?:$/.test(url.protocol) ? url.href : undefined;
    } catch {
      return undefined;
    }
  }

  override render() {
    const { t, status } = this;
    const problem = this.#problem;
    const done = status === 'success';
    const failed = status === 'load_failed';
    const busy = status === 'submitting' || status === 'authenticating';
    const fallback = failed ? this.#fallback() : undefined;
    return html`<div class="stack">
      <h2 part="title" tabindex="-1">${done ? t.updatedTitle : t.replaceTitle}</h2>
      <p part="intro" ?hidden=${done || failed}>${t.replaceIntro}</p>
      <form part="form" id="form" ?hidden=${done || failed} @submit=${this.#onSubmit}>
        <div part="payment-element" class="payment"><slot name=${SLOT}></slot></div>
      </form>
      <p part="status" role="status" tabindex="-1">${this.#renderOutcome(t)}</p>
      <p part="error" role="alert" class="error">
        ${problem ? problemText(t, problem.error, problem.step) : ''}
      </p>
      <div class="row" ?hidden=${done}>
        ${
          failed
            ? html`${
                problem?.error.code !== 'unauthorized'
                  ? html`<button part="button primary" class="primary" @click=${this.#onRetry}>
                      ${t.tryAgain}
                    </button>`
                  : nothing
              }${
                fallback
                  ? html`<a part="fallback" href=${fallback}>${t.replaceFallback}</a>`
                  : nothing
              }`
            : html`<button
                part="button primary"
                class="primary"
                type="submit"
                form="form"
                aria-busy=${busy ? 'true' : 'false'}
                ?disabled=${status === 'loading'}
              >
                ${t.saveCard}
              </button>`
        }
        <button part="button" type="button" ?disabled=${busy} @click=${this.#onCancel}>
          ${t.cancel}
        </button>
      </div>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'cardkeep-replace-card': CardkeepReplaceCard;
  }
}
