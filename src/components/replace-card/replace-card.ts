import { html, nothing } from 'lit';
import type { PropertyDeclarations } from 'lit';
import type { PropertyValues } from 'lit';
import type { Appearance, StripeElements, StripePaymentElement } from '@stripe/stripe-js';
import type { UpdateResult } from '../../adapter/types.js';
import { CardkeepError } from '../../core/errors.js';
import { CardkeepUpdatedEvent } from '../../events/updated.js';
import type { Messages } from '../../i18n/messages.js';
import { cardLabel } from '../../i18n/messages.js';
import { loadStripeOnce, runAuthentication, stripeFailure } from '../../stripe/loader.js';
import type { Stripe, StripeError, StripeLoader } from '../../stripe/loader.js';
import { baseStyles } from '../shared/base.styles.js';
import { CardkeepElement, isAbort, langOf } from '../shared/cardkeep-element.js';
import { formatAmount } from '../shared/confirmation.js';
import { replaceCardStyles } from './replace-card.styles.js';

/**
 * Where the replacement is: one value, so the form is never both busy and failed.
 * `error`: the form is still there with a message (fix the card and save again);
 * `load_failed`: there is no usable form (Stripe.js, the session or the new card failed)
 * and "Try again" starts over.
 */
export type ReplaceCardStatus =
  'loading' | 'ready' | 'submitting' | 'authenticating' | 'success' | 'error' | 'load_failed';

/** The slot Stripe's frame is shown through; forward it when you nest this element. */
const SLOT = 'payment-element';
/** How long Stripe's frame may take to say it is ready before we call it a failed load. */
const READY_TIMEOUT = 20_000;

/**
 * Where the frame's light-DOM container goes: our own child, or — through slots forwarded by
 * the shadow roots we sit in — the document-level host's, with the slot name to take there.
 */
function mountPoint(host: Element): [Element, string] {
  let slot = SLOT;
  for (let root = host.getRootNode(); root instanceof ShadowRoot; root = host.getRootNode()) {
    const forward = host.querySelector<HTMLSlotElement>(`:scope > slot[slot="${slot}"]`);
    if (!forward) break;
    slot = forward.name;
    host = root.host;
  }
  return [host, slot];
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

  static override properties: PropertyDeclarations = {
    fallbackUrl: { attribute: 'fallback-url' },
    stripeLoader: { attribute: false },
    status: { state: true },
    problem: { state: true },
    canRetry: { state: true },
    result: { state: true },
  };

  /** The current attempt; aborted on disconnect and when a new one starts. */
  #run: AbortController | undefined;
  #stripe: Stripe | undefined;
  #elements: StripeElements | undefined;
  #payment: StripePaymentElement | undefined;
  #mount: HTMLElement | undefined;
  /** A SetupIntent Stripe confirmed whose replacement the backend has not yet recorded. */
  #confirmed: string | undefined;
  #wantsOpen = false;
  /**
   * The shopper's focus is ours: set when focus enters, cleared only when it moves to another
   * control of the page. A control that disappears or is disabled under the focus (Save while
   * saving, the form on success) drops focus to nowhere, which must not count as leaving.
   */
  #hasFocus = false;

  /** Your own card page, linked when the secure form cannot load. Only http(s) URLs are used. */
  declare fallbackUrl: string | undefined;

  /** Loads Stripe.js for a publishable key; defaults to the page-wide loader (see `setStripeLoader`). */
  declare stripeLoader: StripeLoader | undefined;

  /** Where the replacement is (read it; the element sets it). */
  declare status: ReplaceCardStatus;
  /** The failure's text, a function of the messages so a language change re-renders it. */
  declare private problem: ((t: Messages) => string) | undefined;
  declare private canRetry: boolean;
  declare private result: UpdateResult | undefined;

  constructor() {
    super();
    this.status = 'loading';
    this.canRetry = true;
    this.addEventListener('focusin', () => (this.#hasFocus = true));
    this.addEventListener('focusout', (event) => {
      const next = event.relatedTarget as Node | null;
      if (next && !this.contains(next) && !this.shadowRoot?.contains(next)) this.#hasFocus = false;
    });
  }

  override connectedCallback() {
    super.connectedCallback();
    // Opens on the next update, once the page has had its chance to set `adapter`.
    if (this.status !== 'success') this.#wantsOpen = true;
    this.requestUpdate();
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    this.#teardown();
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

  /** Ends the attempt: aborts its calls and removes Stripe's frame. */
  #teardown() {
    this.#run?.abort();
    this.#payment?.destroy();
    this.#mount?.remove();
    this.#run = this.#stripe = this.#elements = this.#payment = this.#mount = undefined;
    this.#confirmed = undefined;
  }

  /** Starts over: a new setup session, Stripe.js (loaded now, not before), a new frame. */
  async #open() {
    this.#teardown();
    const backend = this.backend!;
    const run = (this.#run = new AbortController());
    const { signal } = run;
    this.status = 'loading';
    this.problem = undefined;
    let session;
    try {
      session = await backend.createSetupSession({ signal });
    } catch (error) {
      if (!signal.aborted && !isAbort(error)) this.#fail(error, 'load_failed');
      return;
    }
    try {
      const stripe = await loadStripeOnce(session.publishableKey, { loader: this.stripeLoader });
      if (signal.aborted) return;
      const elements = stripe.elements({
        clientSecret: session.clientSecret,
        appearance: this.#appearance(),
        locale: langOf(this),
      });
      const payment = elements.create('payment');
      this.#stripe = stripe;
      this.#elements = elements;
      this.#payment = payment;
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new CardkeepError('timeout', 'Stripe’s form did not get ready')),
          READY_TIMEOUT,
        );
        const settle = (error?: StripeError) => {
          clearTimeout(timer);
          if (error) reject(new CardkeepError('network', error.message, { cause: error }));
          else resolve();
        };
        payment.on('ready', () => settle());
        payment.on('loaderror', (event) => settle(event.error));
        try {
          payment.mount(this.#container());
        } catch (error) {
          clearTimeout(timer);
          throw error;
        }
      });
      if (signal.aborted) return;
      this.status = 'ready';
    } catch (error) {
      if (signal.aborted) return;
      this.#payment?.destroy();
      this.#mount?.remove();
      this.#payment = this.#mount = undefined;
      this.#fail(error, 'load_failed', (t) => t.replaceLoadFailed);
    }
  }

  /** The frame's container, made where Stripe can reach it (see {@link mountPoint}). */
  #container(): HTMLElement {
    const [host, slot] = mountPoint(this);
    const mount = document.createElement('div');
    mount.slot = slot;
    host.append(mount);
    return (this.#mount = mount);
  }

  /** Our theme, in the terms of Stripe's Appearance API (its frame cannot see our CSS). */
  #appearance(): Appearance {
    const style = getComputedStyle(this);
    const read = (name: string) => style.getPropertyValue(name).trim();
    const variables = Object.fromEntries(
      Object.entries({
        colorPrimary: read('--_accent'),
        colorDanger: read('--_danger'),
        colorText: style.color,
        colorBackground: read('--cardkeep-color-surface'),
        borderRadius: read('--_radius'),
      }).filter(([, value]) => value),
    );
    return { variables };
  }

  /** Confirms the new card with Stripe, then has the backend put it on file. */
  async #save() {
    const backend = this.backend;
    const run = this.#run;
    const stripe = this.#stripe;
    const elements = this.#elements;
    if ((this.status !== 'ready' && this.status !== 'error') || !backend || !run) return;
    const { signal } = run;
    this.status = 'submitting';
    this.problem = undefined;
    let auth = false;
    try {
      // Once Stripe confirmed, the SetupIntent is spent: a retry only tells the backend again.
      if (!this.#confirmed && stripe && elements) {
        const { error: invalid } = await elements.submit();
        const confirmed = invalid
          ? undefined
          : await stripe.confirmSetup({
              elements,
              redirect: 'if_required',
              confirmParams: { return_url: location.href },
            });
        if (signal.aborted) return;
        const error = invalid ?? confirmed?.error;
        if (error || !confirmed?.setupIntent) return this.#stripeFailed(error!);
        this.#confirmed = confirmed.setupIntent.id;
      }
      let result = await backend.completeReplacement(
        { setupIntentId: this.#confirmed! },
        { signal },
      );
      if (result.action?.type === 'authenticate') {
        this.status = 'authenticating';
        auth = true;
        result = await runAuthentication({
          action: result.action,
          adapter: backend,
          signal,
          loader: this.stripeLoader,
        });
      }
      if (signal.aborted) return;
      this.#teardown();
      this.result = result;
      this.status = 'success';
      this.dispatchEvent(new CardkeepUpdatedEvent(result));
    } catch (error) {
      if (signal.aborted || isAbort(error)) return;
      const code = (error as CardkeepError).code;
      if (code === 'card_declined' || code === 'invalid_expiry') {
        // The bank refused the confirmed card: only a new SetupIntent can take another one.
        this.#teardown();
        this.#fail(error, 'load_failed', auth ? (t) => t.authFailed : undefined);
      } else {
        this.#fail(error, 'error', auth ? (t) => t.authFailed : undefined);
      }
    }
  }

  /**
   * Stripe refused the card or could not confirm it. Its message for a card or validation
   * problem is already in the shopper's language and says what to fix; it is shown as text.
   */
  #stripeFailed(error: StripeError) {
    const message = error.type === 'card_error' || error.type === 'validation_error';
    this.#fail(stripeFailure(error), 'error', (t) =>
      message && error.message
        ? error.message
        : error.type === 'api_connection_error'
          ? t.errors.network
          : t.authFailed,
    );
  }

  /** Shows a failure (our message for its code unless `text` says otherwise) and reports it. */
  #fail(error: unknown, status: ReplaceCardStatus, text?: (t: Messages) => string) {
    const failure = this.report(error);
    this.problem = text ?? ((t) => t.errors[failure.code]);
    this.canRetry = failure.code !== 'unauthorized';
    this.status = status;
  }

  override willUpdate(changed: PropertyValues<this>) {
    super.willUpdate(changed);
    if (this.#wantsOpen && this.isConnected && this.backend) {
      this.#wantsOpen = false;
      void this.#open();
    }
  }

  override updated(changed: PropertyValues<this>) {
    // The control that had focus went away with the last state (Save, Try again; the browser
    // drops a hidden control's focus only at its next frame): keep the shopper's place
    // instead of dropping focus to the page.
    const ended = changed.has('status') && /^(success|error|load_failed)$/.test(this.status);
    if (this.#hasFocus && (ended || !this.matches(':focus-within'))) this.focus();
  }

  #renderOutcome(t: Messages) {
    const { result, status } = this;
    if (status === 'success' && result) {
      const { payment } = result;
      const amount =
        payment?.amount !== undefined && payment.currency
          ? formatAmount(payment.amount, payment.currency, t.locale)
          : undefined;
      const paid =
        payment?.status === 'succeeded'
          ? amount
            ? t.paymentSucceeded(amount)
            : t.paymentWentThrough
          : payment?.status === 'failed'
            ? t.paymentStillFailed
            : '';
      return `${t.replaced(cardLabel(result.brand, result.last4))} ${paid}`.trim();
    }
    return status === 'loading'
      ? t.replaceLoading
      : status === 'submitting'
        ? t.saving
        : status === 'authenticating'
          ? t.authenticating
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
      <p part="error" role="alert" class="error">${this.problem?.(t) ?? ''}</p>
      <div class="row" ?hidden=${done}>
        ${
          failed
            ? html`${
                this.canRetry
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
