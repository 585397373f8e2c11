// Over 300 lines on purpose: ~45 are the documented public API (JSDoc the manifest reads); the
// rest is one decision (what to show for the card at `now`) and its template. Card status lives
// in core/card-status.ts, async state in shared/async-controller.ts.
import { html, nothing } from 'lit';
import type { PropertyDeclarations } from 'lit';
import type { PropertyValues } from 'lit';
import type { CardSummary, PaymentOutcome } from '../../adapter/types.js';
import { bannerFormsNow, loadBannerForms, loadExpiryForm, loadLazyParts } from '../../lazy.js';
import { cardStatus } from '../../core/card-status.js';
import { isCard } from '../../protocol/wire.js';
import { CardkeepDismissedEvent } from '../../events/dismissed.js';
import type { CardkeepForm } from '../../events/open.js';
import { CardkeepShownEvent } from '../../events/shown.js';
import type { CardkeepNotice } from '../../events/shown.js';
import { AsyncController } from '../shared/async-controller.js';
import { baseStyles } from '../shared/base.styles.js';
import { CardkeepElement, langOf } from '../shared/cardkeep-element.js';
import { greetingNameFor } from '../../i18n/messages.js';
import { describe } from '../shared/describe-card.js';
import { keepTogether } from '../shared/keep-together.js';
import type * as Forms from './banner-forms.js';
import { bannerStyles } from './banner.styles.js';
import { focusAfterClose } from './focus-after-close.js';
import type * as LinkNotices from './link-notice.js';
import type { LinkNotice } from './link-notice.js';

/** What the banner shows; `quiet` (and `loading`) render nothing at all. */
export type BannerView = 'loading' | 'quiet' | 'notice' | 'expiry' | 'replace' | 'done' | 'link';

/** How long "Remind me later" keeps the banner quiet. */
const SNOOZE_MS = 24 * 60 * 60 * 1000;

/**
 * A shopper who follows a signed link from a dunning e-mail came to fix the card, and such
 * e-mails go out about a month ahead: for them a card expiring within two months is news.
 */
const LINK_WARN_DAYS = 62;

/** The properties the backend is built from: a change means another card to load. */
const BACKEND_KEYS = ['adapter', 'endpoint', 'token', 'credentials', 'csrfHeader', 'csrfToken'];

const snoozeKey = (cardId: string) => `cardkeep:snooze:${cardId}`;

/** When the snooze on `cardId` ends (ms since the epoch); 0 when none or storage is off. */
function snoozedUntil(cardId: string): number {
  try {
    return Number(localStorage.getItem(snoozeKey(cardId))) || 0;
  } catch {
    return 0;
  }
}

/**
 * @summary A friendly notice about the card on file, with the fix right there.
 *
 * Loads the card through the adapter and renders nothing at all while it is fine — no box,
 * no layout shift, not even while loading. When the card has expired, its last renewal was
 * declined or (with `warn-days`) it expires soon, it names the card as the shopper knows it
 * and offers "Update expiry date", which opens `<cardkeep-expiry-form>` inline, and "Use a
 * different card", which opens `<cardkeep-replace-card>`. After a successful update it thanks
 * the shopper, says how a retried payment went, and goes quiet when closed.
 *
 * A page opened from a signed link (`?cardkeep_token=…`) opens the expiry form at once.
 * If the card cannot be loaded (signed out, offline, a server error) the banner stays quiet
 * — a merchant's account page must not show an alarming box — and fires `cardkeep-error`.
 * But a page opened from a link that no longer works says so (expired, already used, not
 * valid, or the card is up to date), with "Send me a new link" and "Sign in" when the server
 * offers them; a wallet card (Apple Pay, …) is offered only "Use a different card".
 *
 * @tagname cardkeep-banner
 *
 * Focus after each way out: Cancel and Escape (and Cancel in the replacement form) go back to
 * the notice, on the button that opened the form; Close on the thank-you and "Remind me later"
 * hide the banner and move focus to `focus-after-close`, else to the next focusable element
 * after the banner (else the last one before it).
 *
 * @fires {CardkeepShownEvent} cardkeep-shown - A notice became visible (`notice`, `card`).
 * @fires {CardkeepOpenEvent} cardkeep-open - The shopper opened a form (`form`: `expiry` or `replace`).
 * @fires {CardkeepUpdatedEvent} cardkeep-updated - The card was fixed (`card`, `payment`), from either form.
 * @fires {CardkeepErrorEvent} cardkeep-error - Loading or saving failed (`error.code`).
 * @fires {CardkeepDismissedEvent} cardkeep-dismissed - "Remind me later" (`cardId`, `until`).
 *
 * @csspart base - The notice box.
 * @csspart title - The heading.
 * @csspart greeting - "Hi Aiko," when the backend gives a name.
 * @csspart message - What happened to which card, and what to do.
 * @csspart since - The thank-you for a long-time customer.
 * @csspart actions - The row of buttons.
 * @csspart button - Every button; also exported from the forms inside.
 * @csspart primary - The "Update expiry date" button.
 * @csspart dismiss - The "Remind me later" button.
 * @csspart payment - How a retried payment went, in the confirmation.
 * @csspart form - The expiry form (exported from inside, as are `input`, `label`, `hint`, `error`, `card`, `result`).
 *
 * @cssprop --cardkeep-font - Font family (default: inherited from the page).
 * @cssprop --cardkeep-font-size - Base font size (default `1rem`).
 * @cssprop --cardkeep-color-text - Text colour.
 * @cssprop --cardkeep-color-surface - The box's background.
 * @cssprop --cardkeep-color-banner-border - The box's border.
 * @cssprop --cardkeep-color-accent - Buttons, links and the focus ring.
 * @cssprop --cardkeep-color-on-accent - Text on the primary button.
 * @cssprop --cardkeep-color-warning - The side stripe for "expires soon".
 * @cssprop --cardkeep-color-danger - The side stripe for expired or failed, and error text.
 * @cssprop --cardkeep-color-success - The side stripe of the confirmation.
 * @cssprop --cardkeep-color-focus - The focus ring (default: the accent).
 * @cssprop --cardkeep-radius - Corner radius.
 * @cssprop --cardkeep-space - Spacing unit (padding, gaps).
 */
export class CardkeepBanner extends CardkeepElement {
  static override styles = [baseStyles, bannerStyles];

  static override properties: PropertyDeclarations = {
    warnDays: { type: Number, attribute: 'warn-days' },
    dismissible: { type: Boolean },
    fallbackUrl: { attribute: 'fallback-url' },
    focusAfterClose: { attribute: 'focus-after-close' },
    view: { state: true },
    card: { state: true },
    notice: { state: true },
    payment: { state: true },
    replaced: { state: true },
    link: { state: true },
  };

  constructor() {
    super();
    this.warnDays = 0;
    this.dismissible = false;
    this.view = 'loading';
    this.card = null;
    this.notice = 'expired';
    // Hidden from the start, even while its language loads before the first render.
    this.#internals.states.add('quiet');
  }

  #internals = this.attachInternals();
  /** Loads the card on file (failures are reported and leave the banner quiet). */
  #load = new AsyncController<CardSummary | null>(this, (error) => this.report(error));
  /** Loads the replacement form; a failure (offline) is said in the notice, retried there. */
  #parts = new AsyncController<unknown>(this, (error) => this.report(error));

  /** Warn this many days before the card expires; 0 (default) never warns early. */
  declare warnDays: number;

  /** Offers "Remind me later", which hides the notice for a day (never for a failed payment). */
  declare dismissible: boolean;

  /** Your own card page, passed to the replacement form for when Stripe's form cannot load. */
  declare fallbackUrl: string | undefined;

  /**
   * Where focus goes when the banner closes (Close, "Remind me later"): the id of an element in
   * the banner's document or shadow root (`#` optional), or the element. Default: the next
   * focusable element after the banner.
   */
  declare focusAfterClose: string | HTMLElement | undefined;

  declare private view: BannerView;
  declare private card: CardSummary | null;
  declare private notice: CardkeepNotice;
  declare private payment: PaymentOutcome | undefined;
  /** The confirmation is for a new card rather than a new expiry date. */
  declare private replaced: boolean;
  /** What a page opened from a link says instead of the form (view `link`). */
  declare private link: LinkNotice;
  /** A dead link's ways forward, from its 401 (a card's read carries its own in `card.link`). */
  #ways: LinkNotices.LinkWays = {};
  /** The dead-link and wallet notices (./link-notice.ts), loaded once a page needs them. */
  #extra: typeof LinkNotices | undefined;
  /**
   * The open forms' views, the thank-you and the ways out of them (./banner-forms.ts), loaded
   * with the forms' code: the notice paints without them.
   */
  #forms: typeof Forms | undefined;
  /** The handlers those views call, made once the forms' code is here. */
  #on: Forms.FormHooks | undefined;

  /** The English strings of an open form's views and of the thank-you come with them. */
  protected override ownMessagesNow() {
    return this.#forms?.enViews ?? {};
  }

  override connectedCallback() {
    super.connectedCallback();
    // Back in the page after a load was cut short: try again.
    if (this.hasUpdated && this.view === 'loading') void this.refresh();
  }

  /**
   * Opens `form` once its code (which registers the element) and the banner's views of it are
   * here; the notice says so when they cannot be loaded. Once both are here a form opens at
   * once, in the same task as the click.
   */
  async #openForm(form: CardkeepForm, load: () => Promise<unknown>) {
    this.#forms ??= bannerFormsNow();
    if (
      !customElements.get(`cardkeep-${form === 'expiry' ? 'expiry-form' : 'replace-card'}`) ||
      !this.#forms
    ) {
      const loaded = await this.#parts.run(async () => {
        const [forms] = await Promise.all([loadBannerForms(), load()]);
        this.#forms = forms;
      });
      if (loaded?.status !== 'success') return;
    }
    this.#on ??= this.#forms!.formHooks(
      this,
      (state) => {
        Object.assign(this, state);
        return this.updateComplete;
      },
      this.#onReplace,
    );
    await this.#on.open(form);
  }

  // The script tag paints the notice before the forms' code is here (src/lazy.ts).
  #onExpiry = () => this.#openForm('expiry', loadExpiryForm);

  #onReplace = () => this.#openForm('replace', loadLazyParts);

  #onDismiss = async () => {
    const card = this.card!;
    const until = this.now().getTime() + SNOOZE_MS;
    try {
      localStorage.setItem(snoozeKey(card.id), String(until));
    } catch {
      // Storage off (private mode, sandbox): the notice hides for this page view only.
    }
    this.view = 'quiet';
    this.dispatchEvent(new CardkeepDismissedEvent(card.id, until));
    await this.updateComplete;
    focusAfterClose(this, this.focusAfterClose);
  };

  /** Loads the card again and decides afresh what to show (e.g. after a checkout failed). */
  async refresh(): Promise<void> {
    const backend = this.backend;
    if (!backend) {
      this.#load.reset();
      this.view = 'quiet';
      return;
    }
    this.view = 'loading';
    const loaded = await this.#load.run(async ({ signal }) => {
      const card = await backend.getCard({ signal });
      // A wallet card's, a spent link's or another method's words (Link…) come with ./link-notice.
      if (card && (card.wallet || card.link?.state === 'used' || !isCard(card))) {
        await this.#loadExtra();
      }
      return card;
    });
    if (loaded?.status === 'success') this.#decide(loaded.value);
    else if (loaded?.status === 'error' && this.linkToken !== null) {
      // A dead link says so on load (issue 14), rather than a quiet page.
      const { reason, resend, loginUrl } = loaded.error;
      const link = (await this.#loadExtra())?.linkNoticeOf(reason);
      // The 401 itself names the ways forward, as a read's `link` would.
      this.#ways = { resend, loginUrl };
      this.card = null;
      if (link) this.link = link;
      this.view = link ? 'link' : 'quiet';
    } else if (loaded) this.view = 'quiet';
  }

  /** Loads ./link-notice.ts once; undefined when it cannot (offline): the banner stays as it was. */
  async #loadExtra() {
    return (this.#extra ??= await import('./link-notice.js').catch(() => undefined));
  }

  /** What to show for `card` at `now`: a notice (and the form, for a link) or nothing. */
  #decide(card: CardSummary | null) {
    this.card = card;
    const linked = this.linkToken !== null;
    const warnDays = linked ? Math.max(this.warnDays, LINK_WARN_DAYS) : this.warnDays;
    const now = this.now();
    // A method other than a card (Link…) has no expiry: only a failed payment is news.
    const status = !card ? 'ok' : isCard(card) ? cardStatus(card, now, { warnDays }) : card.status;
    // "Your card is up to date" names a card and its expiry: another method just stays quiet.
    if (linked && card?.link?.state === 'used' && status === 'ok' && isCard(card) && this.#extra) {
      this.link = 'up_to_date';
      this.view = 'link';
      return;
    }
    if (
      !card ||
      status === 'ok' ||
      (!linked && status !== 'payment_failed' && snoozedUntil(card.id) > now.getTime())
    ) {
      this.view = 'quiet';
      return;
    }
    this.notice = status;
    this.view = 'notice';
    this.dispatchEvent(new CardkeepShownEvent(status, card));
    // The shopper came from the e-mail for exactly this: the field takes the focus — unless
    // the link was spent (Save would fail) or the card's expiry is its wallet's to change.
    // Back from the bank's page with a new card (a redirect): the replacement form finishes it.
    if (/[?&]setup_intent=/.test(location.search)) void this.#onReplace();
    else if (linked && card.link?.state === 'used' && this.#extra) {
      this.link = 'used';
      this.view = 'link';
    } else if (linked && !card.wallet && isCard(card)) void this.#onExpiry();
  }

  override willUpdate(changed: PropertyValues<this>) {
    super.willUpdate(changed);
    const from = changed as Map<PropertyKey, unknown>;
    if (BACKEND_KEYS.some((key) => from.has(key))) {
      // An element removed before its update ran (mounted and removed in one task) must not
      // start a request nobody will abort; connectedCallback loads once it is back.
      if (this.isConnected) void this.refresh();
      else this.view = 'loading';
    } else if (
      (from.has('warnDays') || from.has('now')) &&
      (this.view === 'notice' || this.view === 'quiet')
    ) {
      this.#decide(this.card);
    }
    // `:state(quiet)` hides the host entirely, so a page's margins on it do not show either.
    if (this.view === 'quiet' || this.view === 'loading') this.#internals.states.add('quiet');
    else this.#internals.states.delete('quiet');
  }

  #renderBody(card: CardSummary) {
    const { t, view } = this;
    if ((view === 'expiry' || view === 'replace') && this.#forms && this.#on) {
      return this.#forms.formView(view, t, card, this.backend, this, this.#on);
    }
    // A wallet card's expiry is the wallet's, and another method (Link…) has none (issue 16):
    // only the replacement is offered.
    const wallet = !!this.card && (!!this.card.wallet || !isCard(this.card));
    return html`<div part="actions" class="row">
      ${wallet ? nothing : html`<button part="button primary" class="primary" data-opens="expiry" @click=${this.#onExpiry}>${t.updateExpiry}</button>`}
      <button
        part=${wallet ? 'button primary' : 'button'}
        class=${wallet ? 'primary' : nothing}
        data-opens="replace"
        @click=${this.#onReplace}
      >
        ${t.useDifferentCard}
      </button>
      ${
        this.dismissible && this.notice !== 'payment_failed'
          ? html`<button part="button dismiss" class="link" @click=${this.#onDismiss}>
              ${t.remindLater}
            </button>`
          : nothing
      }
    </div>`;
  }

  override render() {
    const { card, view } = this;
    if (view === 'link' && this.#extra) {
      const lang = langOf(this);
      return this.#extra.linkNotice(lang, this.link, card, {
        ...(card ? card.link : this.#ways),
        token: this.linkToken,
      });
    }
    if (!card || view === 'quiet' || view === 'loading') return nothing;
    // One live region for as long as the banner shows: it is in the page before the thank-you
    // fills it, which is what makes screen readers announce the outcome.
    const done =
      view === 'done' &&
      this.#on &&
      this.#forms?.doneView(this.t, card, this.payment, this.replaced, this.#on);
    return html`${done ? done[0] : this.#renderNotice(card)}
      <div class="visually-hidden" role="status">${done ? done[1] : nothing}</div>`;
  }

  #renderNotice(card: CardSummary) {
    const { t, notice } = this;
    const [title, body] =
      notice === 'expired'
        ? [t.expiredTitle, t.expiredBody]
        : notice === 'payment_failed'
          ? [t.paymentFailedTitle, t.paymentFailedBody]
          : [t.expiringTitle, t.expiringBody];
    const greeting = greetingNameFor(card.greetingName, t.locale);
    const described = describe(t, card, this.now());
    // "Visa •••• 4242" and the month never break across lines (keep-together.ts).
    const message = !this.#extra
      ? body(...described)
      : !isCard(card)
        ? this.#extra.methodBody(langOf(this), card.kind)
        : card.wallet
          ? this.#extra.walletBody(langOf(this), { ...card, wallet: card.wallet })
          : body(...described);
    return html`<section part="base" class="stack ${notice}" aria-labelledby="title">
      <h2 part="title" id="title">${title}</h2>
      ${greeting ? html`<p part="greeting">${t.greeting(greeting)}</p>` : nothing}
      <p part="message">${keepTogether(message, described.slice(0, 2) as string[])}</p>
      ${card.customerSince ? html`<p part="since">${t.customerSince(card.customerSince)}</p>` : nothing}
      ${this.#parts.state.status === 'error' ? html`<p part="error" role="alert" class="error">${t.errors.network}</p>` : nothing}
      ${this.#renderBody(card)}
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'cardkeep-banner': CardkeepBanner;
  }
}
