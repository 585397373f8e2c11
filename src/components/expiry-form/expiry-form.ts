// Over 300 lines on purpose: ~50 are the documented public API (JSDoc the manifest reads), and
// the class is a form-associated field with the native field API (value, validity, reset,
// disable, restore) beside its own save. The save's steps live in save-expiry.ts, async state
// in shared/async-controller.ts, parsing and formatting in core/expiry.ts.
import { html, nothing } from 'lit';
import type { PropertyDeclarations } from 'lit';
import type { PropertyValues } from 'lit';
import type { CardkeepAdapter, CardSummary, UpdateResult } from '../../adapter/types.js';
import { formatExpiryInput, parseExpiry } from '../../core/expiry.js';
import type { ExpiryResult } from '../../core/expiry.js';
import { CardkeepOpenEvent } from '../../events/open.js';
import { CardkeepUpdatedEvent } from '../../events/updated.js';
import { loadLazyParts } from '../../lazy.js';
import { AsyncController, IDLE } from '../shared/async-controller.js';
import { baseStyles } from '../shared/base.styles.js';
import { CardkeepElement } from '../shared/cardkeep-element.js';
import { errorText } from '../../i18n/error-text.js';
import { cardLabel } from '../../i18n/messages.js';
import { isCard } from '../../protocol/wire.js';
import { enForm } from '../../i18n/en-form.js';
import { enForms } from '../../i18n/en-forms.js';
import { confirmation, enThanks } from '../shared/confirmation.js';
import { keepTogether } from '../shared/keep-together.js';
import { expiryFormStyles } from './expiry-form.styles.js';
import { attemptFor, saveExpiry } from './save-expiry.js';
import type { SaveAttempt, SaveStep } from './save-expiry.js';

/** Where a save is: one value, so the form can never be both busy and failed. */
export type ExpiryFormStatus = 'idle' | 'pending' | 'authenticating' | 'success' | 'error';

/**
 * @summary One field for the new expiry date of the card on file — no card number, no name.
 *
 * Formats the entry as the shopper types (`1230` → `12 / 30`, full-width digits and paste
 * included), validates it with `parseExpiry` once the shopper leaves the field or submits, and
 * saves it with `adapter.updateExpiry`. When the bank declined the card it offers
 * `<cardkeep-replace-card>` in place.
 *
 * Two ways to use it:
 * - **Saving itself** (an `adapter` or `endpoint` is set): the Save button calls the backend.
 * - **As a field of your own `<form>`** (no backend, or `no-submit`): it is form-associated,
 *   submits `MM/YYYY` under its `name`, takes part in constraint validation (an empty or
 *   invalid entry blocks submission with a localised message), resets and disables with the
 *   form, and Enter submits your form.
 *
 * @tagname cardkeep-expiry-form
 *
 * @attr name - As a field of your own form, the value (`MM/YYYY`) is submitted under this name.
 *
 * @fires {CardkeepUpdatedEvent} cardkeep-updated - The new expiry was saved; `card` is the card as it is now.
 * @fires {CardkeepErrorEvent} cardkeep-error - Saving (or loading the card to show) failed; `error.code` says why.
 * @fires {CardkeepOpenEvent} cardkeep-open - The shopper chose a different card after a decline (`form: 'replace'`).
 *
 * @slot payment-element - Forwarded to `<cardkeep-replace-card>` (Stripe's frame); forward it
 *   in turn when you render this element inside your own shadow root.
 *
 * @csspart form - The `<form>` around everything.
 * @csspart card - The line naming the card being updated.
 * @csspart hint - Where to find the date.
 * @csspart label - The field's label.
 * @csspart input - The text field.
 * @csspart error - The validation message under the field.
 * @csspart button - Every button; the Save button also has `primary`.
 * @csspart result - The outcome after saving (confirmation or error).
 * @csspart title - The confirmation's heading.
 * @csspart message - The confirmation's text.
 * @csspart payment - How a retried payment went.
 *
 * @cssprop --cardkeep-font - Font family (default: inherited from the page).
 * @cssprop --cardkeep-font-size - Base font size (default `1rem`).
 * @cssprop --cardkeep-color-text - Text colour.
 * @cssprop --cardkeep-color-accent - Buttons, links and the focus ring.
 * @cssprop --cardkeep-color-on-accent - Text on the primary button.
 * @cssprop --cardkeep-color-danger - Error text and the invalid field's border.
 * @cssprop --cardkeep-color-border - The field's border (keep 3:1 against the background).
 * @cssprop --cardkeep-color-field - The field's background.
 * @cssprop --cardkeep-color-field-text - The field's text.
 * @cssprop --cardkeep-color-focus - The focus ring (default: the accent).
 * @cssprop --cardkeep-radius - Corner radius of the field and buttons.
 * @cssprop --cardkeep-space - Spacing unit.
 */
export class CardkeepExpiryForm extends CardkeepElement {
  static override styles = [baseStyles, expiryFormStyles];

  /** Its English strings (and its thank-you's) travel with this form, not with every notice. */
  protected static override ownMessages = { ...enForm, ...enForms, ...enThanks };

  static override properties: PropertyDeclarations = {
    cardId: { attribute: 'card-id' },
    card: { attribute: false },
    noSubmit: { type: Boolean, attribute: 'no-submit' },
    fallbackUrl: { attribute: 'fallback-url' },
    text: { state: true },
    touched: { state: true },
    replacing: { state: true },
    disabled: { state: true },
  };

  constructor() {
    super();
    this.noSubmit = false;
    this.text = '';
    this.touched = false;
    this.replacing = false;
    this.disabled = false;
  }

  /** Makes the element a field of a surrounding `<form>`. */
  static formAssociated = true;

  #internals = this.attachInternals();
  /** The save: its result, or its failure (reported as `cardkeep-error`) and the step it failed at. */
  #save = new AsyncController<UpdateResult, SaveStep>(this, (error) => this.report(error));
  /** The attempt "Try again" repeats (see SaveAttempt). */
  #attempt: SaveAttempt | undefined;
  /** Loads the card to name when the page did not set `card`. */
  #cardLoad = new AsyncController<CardSummary | null>(this, (error) => this.report(error));
  #composing = false;
  /** The field was just emptied because a card number was typed or pasted into it. */
  #clearedCardNumber = false;

  /** The backend's id of the card to update; defaults to `card.id`. */
  declare cardId: string | undefined;

  /** The card being updated, shown as "Visa •••• 4242"; loaded through the adapter when unset. */
  declare card: CardSummary | null | undefined;

  /** Never call the backend: only provide the value to the surrounding form. */
  declare noSubmit: boolean;

  /** Your own card page, passed to the replacement form for when Stripe's form cannot load. */
  declare fallbackUrl: string | undefined;

  /** What the field shows, exactly as typed (and formatted); the model is parsed from it. */
  declare private text: string;
  /** Errors show only once the shopper left the field or tried to submit. */
  declare private touched: boolean;
  /** The replacement form is open in place of the field (after a decline). */
  declare private replacing: boolean;
  declare private disabled: boolean;

  get #input(): HTMLInputElement | null {
    return this.renderRoot.querySelector('input');
  }

  /** The entry as the model sees it: `{ ok, month, year }` or why it is not a date. */
  get parsed(): ExpiryResult {
    return parseExpiry(this.text, this.now());
  }

  /** The value submitted with a surrounding form: `MM/YYYY`, or empty while invalid. */
  get value(): string {
    const parsed = this.parsed;
    return parsed.ok ? `${String(parsed.month).padStart(2, '0')}/${parsed.year}` : '';
  }

  /** The surrounding form, if any. */
  get form(): HTMLFormElement | null {
    return this.#internals.form;
  }

  /** The entry's validity, as for a native field. */
  get validity(): ValidityState {
    return this.#internals.validity;
  }

  /** Why the entry is invalid, in the shopper's language; empty while it is valid. */
  get validationMessage(): string {
    return this.#internals.validationMessage;
  }

  /** Whether the entry is a usable expiry date (fires `invalid` when not). */
  checkValidity(): boolean {
    return this.#internals.checkValidity();
  }

  override connectedCallback() {
    super.connectedCallback();
    // The browser reports an invalid field here when the surrounding form is submitted.
    this.addEventListener('invalid', this.#onInvalid);
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    this.removeEventListener('invalid', this.#onInvalid);
    // Whatever is in flight no longer has anyone to answer to: the controllers abort it.
  }

  /** Called by the browser when the surrounding form resets. */
  formResetCallback() {
    this.#save.reset(IDLE);
    this.text = '';
    this.touched = false;
  }

  /** Called by the browser when a surrounding `<fieldset>` or form disables the field. */
  formDisabledCallback(disabled: boolean) {
    this.disabled = disabled;
  }

  /** Called by the browser to restore the entry (back/forward navigation, autofill). */
  formStateRestoreCallback(state: string | File | FormData | null) {
    if (typeof state === 'string') this.text = state;
  }

  #onInvalid = () => {
    this.touched = true;
  };

  #onInput = (event: InputEvent) => {
    const input = event.target as HTMLInputElement;
    // Mid-composition the IME owns the text; it is formatted once the composition ends.
    if (this.#composing || event.isComposing) return;
    this.#format(input, event.inputType?.startsWith('delete'));
  };

  #onCompositionStart = () => {
    this.#composing = true;
  };

  #onCompositionEnd = (event: CompositionEvent) => {
    this.#composing = false;
    this.#format(event.target as HTMLInputElement, false);
  };

  #format(input: HTMLInputElement, deleting: boolean) {
    // 12 digits (full-width ones too) are no date (6 at most) but may be a card number (Maestro
    // has 12): it must not stay in our DOM, nor in the form state the browser keeps for
    // back/forward. Clear it, and say why.
    this.#clearedCardNumber = input.value.normalize('NFKC').replace(/\D/g, '').length > 11;
    if (this.#clearedCardNumber) {
      input.value = '';
      this.requestUpdate();
    }
    const { value, caret } = formatExpiryInput(input.value, input.selectionStart ?? undefined, {
      deleting,
    });
    if (value !== input.value) {
      input.value = value;
      input.setSelectionRange(caret, caret);
    }
    this.text = value;
    // A new entry starts over: the old outcome no longer describes it.
    if (this.#save.state.status === 'error') this.#save.reset(IDLE);
  }

  #onBlur = () => {
    if (this.text) this.touched = true;
  };

  #onSubmit = (event: SubmitEvent) => {
    event.preventDefault();
    void this.submit();
  };

  #onReplace = async () => {
    try {
      await loadLazyParts();
    } catch (error) {
      // Said where a failed save is said, with its "Try again".
      this.#save.reset({ status: 'error', error: this.report(error) });
      return;
    }
    this.replacing = true;
    this.dispatchEvent(new CardkeepOpenEvent('replace'));
  };

  /** Back to the declined save, focus on the "Use a different card" that opened the form. */
  #onCancelReplace = async () => {
    this.replacing = false;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('[data-opens=replace]')?.focus();
  };

  /**
   * Validates and saves the entry (or, as a field of your own form, submits that form).
   * Resolves when the save has settled; a second call while one is in flight does nothing.
   */
  async submit(): Promise<void> {
    if (this.#save.state.status === 'pending' || this.disabled) return;
    this.touched = true;
    const backend = this.noSubmit ? undefined : this.backend;
    // A plain field: the surrounding form decides (and validates through our validity).
    if (!backend) return void this.form?.requestSubmit();
    const parsed = this.parsed;
    if (!parsed.ok) return this.#input?.focus();
    const cardId = this.cardId ?? this.card?.id;
    const { key } = (this.#attempt = attemptFor(this.#attempt, cardId, parsed));
    const state = await this.#save.run((call) => saveExpiry(backend, cardId, parsed, key, call));
    // Abandoned (the form was removed): the same date saved again is the same attempt.
    if (!state) return;
    // Only a failure before an answer that may have landed keeps the attempt for "Try again".
    if (state.status !== 'error' || !state.error.retryable || state.step) this.#attempt = undefined;
    if (state.status === 'success') this.dispatchEvent(new CardkeepUpdatedEvent(state.value));
    // The outcome takes the focus, so a screen reader reads it.
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('[part~=result]')?.focus();
  }

  /** Moves focus to the field. */
  override focus(options?: FocusOptions) {
    const input = this.#input;
    if (input) input.focus(options);
    else super.focus(options);
  }

  override willUpdate(changed: PropertyValues<this>) {
    super.willUpdate(changed);
    const backend = this.noSubmit ? undefined : this.backend;
    if (this.card === undefined && this.#cardLoad.state.status === 'idle' && backend) {
      // Not while disconnected (mounted and removed in one task): nobody would abort it.
      if (this.isConnected) void this.#loadCard(backend);
    }
  }

  /** Shows which card the form updates when the page did not say (none if that fails). */
  async #loadCard(backend: CardkeepAdapter) {
    const state = await this.#cardLoad.run(({ signal }) => backend.getCard({ signal }));
    if (state) this.card = state.status === 'success' ? state.value : null;
  }

  override updated() {
    const parsed = this.parsed;
    this.#internals.setFormValue(this.value || null, this.text);
    if (parsed.ok) this.#internals.setValidity({});
    else {
      const flags = parsed.reason === 'empty' ? { valueMissing: true } : { customError: true };
      this.#internals.setValidity(flags, this.t.invalid[parsed.reason], this.#input ?? undefined);
    }
  }

  #renderResult() {
    const { t } = this;
    const state = this.#save.state;
    if (state.status === 'success') {
      const result = state.value;
      return html`<div part="result" role="status" tabindex="-1" class="stack">
        ${confirmation(t, result, result.payment, this.#onReplace)}
      </div>`;
    }
    if (state.status === 'error') {
      const { error } = state;
      const auth = state.step === 'authenticating';
      return html`<div part="result" role="alert" tabindex="-1" class="stack">
        <p class="error">${auth ? t.authFailed : errorText(t, error)}</p>
        ${
          error.retryable || error.code === 'card_declined'
            ? html`<div class="row">
                ${
                  error.retryable
                    ? html`<button part="button" type="submit">${t.tryAgain}</button>`
                    : nothing
                }
                ${
                  error.code === 'card_declined'
                    ? html`<button
                        part="button"
                        type="button"
                        data-opens="replace"
                        @click=${this.#onReplace}
                      >
                        ${t.useDifferentCard}
                      </button>`
                    : nothing
                }
              </div>`
            : nothing
        }
      </div>`;
    }
    return nothing;
  }

  /**
   * "Saving…" under the field, where an entry's error shows: always in the page, so that screen
   * readers announce its text, but taking no room while it is empty (see the styles).
   */
  #renderProgress() {
    const { t } = this;
    const state = this.#save.state;
    const said =
      state.status !== 'pending'
        ? ''
        : state.step === 'payment'
          ? t.paymentConfirming
          : state.step
            ? t.authenticating
            : t.saving;
    return html`<div role="status" class="hint progress" ?data-empty=${!said}>${said}</div>`;
  }

  override render() {
    const { t } = this;
    const card = this.card;
    if (this.replacing) {
      // The slot forwards Stripe's frame, which must live in the light DOM (see replace-card).
      return html`<cardkeep-replace-card
        .fallbackUrl=${this.fallbackUrl}
        .adapter=${this.backend}
        .messages=${this.messages}
        .now=${this.now}
        @cancel=${this.#onCancelReplace}
        ><slot name="payment-element" slot="payment-element"></slot
      ></cardkeep-replace-card>`;
    }
    if (this.#save.state.status === 'success') return this.#renderResult();
    const parsed = this.parsed;
    const showError = this.touched && !parsed.ok;
    const busy = this.#save.state.status === 'pending';
    const saves = !this.noSubmit && !!this.backend;
    const problem = this.#clearedCardNumber
      ? t.cardNumberNotNeeded
      : showError && !parsed.ok
        ? t.invalid[parsed.reason]
        : '';
    return html`<form part="form" class="stack" novalidate @submit=${this.#onSubmit}>
      ${card && isCard(card) ? html`<p part="card">${keepTogether(t.formTitle(cardLabel(card.brand, card.last4)), [cardLabel(card.brand, card.last4)])}</p>` : nothing}
      <div class="field">
        <label part="label" for="input">${t.expiryLabel}</label>
        <p part="hint" id="hint" class="hint">${t.formHint}</p>
        <div class="row">
          <input
            part="input"
            id="input"
            name="cc-exp"
            .value=${this.text}
            autocomplete="cc-exp"
            inputmode="numeric"
            spellcheck="false"
            placeholder=${t.expiryPlaceholder}
            aria-describedby="hint error"
            aria-invalid=${showError ? 'true' : 'false'}
            ?disabled=${this.disabled}
            @input=${this.#onInput}
            @compositionstart=${this.#onCompositionStart}
            @compositionend=${this.#onCompositionEnd}
            @blur=${this.#onBlur}
          />
          ${
            saves
              ? html`<button
                  part="button primary"
                  class="primary"
                  type="submit"
                  aria-busy=${busy ? 'true' : 'false'}
                  ?disabled=${this.disabled}
                >
                  ${t.save}
                </button>`
              : nothing
          }
        </div>
        <p part="error" id="error" class="error" aria-live="polite" ?data-empty=${!problem}>
          ${problem}
        </p>
        ${this.#renderProgress()}
      </div>
      ${this.#renderResult()}
    </form>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'cardkeep-expiry-form': CardkeepExpiryForm;
  }
}
