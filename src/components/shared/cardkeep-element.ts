import { LitElement } from 'lit';
import type { PropertyDeclarations } from 'lit';
import type { PropertyValues } from 'lit';
import type { CardkeepAdapter } from '../../adapter/types.js';
import { DeferredHttpAdapter } from '../../adapter/deferred-http.js';
import { takeLinkToken } from '../../adapter/link-token.js';
import { toCardkeepError } from '../../core/errors.js';
import type { CardkeepError } from '../../core/errors.js';
import { CardkeepErrorEvent } from '../../events/error.js';
import { enCore } from '../../i18n/en-core.js';
import { loadLocale, messagesFor } from '../../i18n/locales.js';
import type { mergeMessages as MergeMessages } from '../../i18n/merge-messages.js';
import { usePageFont } from './page-font.js';
import type { MessageOverrides, Messages, SomeMessages } from '../../i18n/messages.js';

/**
 * The language of `node`: the nearest `lang` attribute, looking through shadow roots to their
 * hosts (so a form inside a `lang="ja"` banner speaks Japanese), else the document's.
 */
export function langOf(node: Node): 'en' | 'ja' {
  return /^ja\b/i.test(declaredLang(node)) ? 'ja' : 'en';
}

/** The nearest `lang` attribute's value as written (`ja-JP`), through shadow roots; '' if none. */
function declaredLang(node: Node): string {
  let current: Node | null = node;
  while (current) {
    if (current instanceof Element && current.hasAttribute('lang')) {
      return current.getAttribute('lang')!;
    }
    current = current.parentNode ?? (current as ShadowRoot).host ?? null;
  }
  return '';
}

/** Parses the `messages` attribute; a merchant's typo must not break the widget. */
const jsonConverter = {
  fromAttribute(value: string | null): MessageOverrides | undefined {
    try {
      return value ? (JSON.parse(value) as MessageOverrides) : undefined;
    } catch {
      return undefined;
    }
  },
};

/**
 * Lays a merchant's `messages` over a language's (../../i18n/merge-messages.ts): loaded when an
 * element first has `messages`, so a page without them never fetches it.
 */
let merge: typeof MergeMessages | undefined;
let merging: Promise<void> | undefined;
const loadMerge = () =>
  (merging ??= import('../../i18n/merge-messages.js').then(
    (module) => void (merge = module.mergeMessages),
    // Offline: the language's own words for this page view, as a language that cannot be
    // loaded falls back to English — a widget beats an empty box.
    () => void (merge = (base) => base),
  ));

/** The real clock, the default of every element's `now`. */
const realClock = () => new Date();

/**
 * What every Cardkeep element shares: the backend (an `adapter` property, or the HTTP adapter
 * built from the `endpoint`, `token`, `credentials` and CSRF attributes), the language
 * (`lang` of the element, its ancestors or the document), the merchant's `messages` and the
 * clock (`now`) every date is judged by.
 *
 * @attr lang - `ja…` for Japanese, anything else English; without it the nearest ancestor's `lang`, else the page's.
 *
 * @fires {CardkeepErrorEvent} cardkeep-error - A call to the backend failed; `error.code` says why.
 */
export class CardkeepElement extends LitElement {
  static override properties: PropertyDeclarations = {
    endpoint: {},
    token: {},
    credentials: {},
    csrfHeader: { attribute: 'csrf-header' },
    csrfToken: { attribute: 'csrf-token' },
    adapter: { attribute: false },
    messages: { converter: jsonConverter },
    now: { attribute: false },
  };

  static override shadowRootOptions: ShadowRootInit = {
    ...LitElement.shadowRootOptions,
    delegatesFocus: true,
  };

  /** Re-render when the element's own `lang` changes; the native `lang` property stays. */
  static override get observedAttributes(): string[] {
    return [...super.observedAttributes, 'lang'];
  }

  /** Base URL of the merchant's Cardkeep routes (`/card`, `/card/expiry`, …). */
  declare endpoint: string | undefined;

  /** A signed link token sent as `Authorization: Bearer`; else `cardkeep_token` from the page URL. */
  declare token: string | undefined;

  /** `credentials` mode for the HTTP adapter's requests (default `same-origin`). */
  declare credentials: RequestCredentials | undefined;

  /** Name of the header that carries `csrf-token` on every POST, e.g. `X-CSRF-Token`. */
  declare csrfHeader: string | undefined;

  /** The page's CSRF token, sent in `csrf-header`. */
  declare csrfToken: string | undefined;

  /** The backend to use instead of the HTTP adapter (e.g. a MemoryAdapter or your own). */
  declare adapter: CardkeepAdapter | undefined;

  /** Overrides for any message, as an object or a JSON attribute; laid over the language's. */
  declare messages: MessageOverrides | undefined;

  /**
   * The clock every date is judged by: whether an entry is in the past, whether the card has
   * expired or expires within `warn-days`, how long "Remind me later" lasts. Default: the real
   * clock. Set it to show the widget at another date (tests, previews); it is handed to the
   * forms an element opens.
   */
  declare now: () => Date;

  /** The messages in effect: the language's, with `messages` laid over them. */
  protected t = enCore as Messages;

  /**
   * The page's signed-link token (`?cardkeep_token=`), taken when the element connects, before
   * any request and never during a render (taking it rewrites the address bar); null when the
   * page was not opened from a link.
   */
  protected linkToken: string | null = null;

  #http: DeferredHttpAdapter | undefined;
  #httpKey = '';
  /** Re-renders when a `lang` above us changes; watches only while we are connected. */
  #langObserver: MutationObserver | undefined;

  constructor() {
    super();
    this.now = realClock;
  }

  override attributeChangedCallback(name: string, old: string | null, value: string | null) {
    super.attributeChangedCallback(name, old, value);
    if (name === 'lang') this.requestUpdate();
  }

  override connectedCallback() {
    super.connectedCallback();
    usePageFont(this, this.renderRoot);
    this.linkToken = takeLinkToken();
    this.#langObserver ??= new MutationObserver(() => this.requestUpdate());
    this.#langObserver.observe(document.documentElement, {
      attributeFilter: ['lang'],
      subtree: true,
    });
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    this.#langObserver?.disconnect();
  }

  /**
   * The backend: the `adapter` property, else an HTTP adapter for `endpoint` (HttpAdapter,
   * loaded when the handed-over card does not answer: ../../adapter/deferred-http.ts), else none.
   */
  protected get backend(): CardkeepAdapter | undefined {
    if (this.adapter) return this.adapter;
    if (!this.endpoint) return undefined;
    const options = {
      endpoint: this.endpoint,
      // Always given (null: none), so the adapter never reads the address bar itself.
      token: this.token ?? this.linkToken,
      credentials: this.credentials,
      csrfHeader: this.csrfHeader,
      csrfToken: this.csrfToken,
    };
    // Rebuilt only when an attribute it depends on changed.
    const key = JSON.stringify(options);
    if (key !== this.#httpKey || !this.#http) {
      this.#httpKey = key;
      this.#http = new DeferredHttpAdapter(options);
    }
    return this.#http;
  }

  /** Changes held back while the element's language loads (see shouldUpdate). */
  #held = new Map<PropertyKey, unknown>();
  /** Settles once the language (and the merge of `messages`) is here and the held changes are requested again. */
  #language: Promise<void> | undefined;

  /**
   * Waits for the messages of the element's language (Japanese is loaded on demand), and for
   * what lays the merchant's `messages` over them, rather than show a moment of English or of
   * words the merchant replaced. The changes seen meanwhile are replayed once they are here,
   * so `willUpdate` still sees every property that changed.
   */
  protected override shouldUpdate(changed: PropertyValues<this>): boolean {
    const lang = langOf(this);
    if (messagesFor(lang) && (merge || !this.messages)) return true;
    for (const [key, value] of changed) if (!this.#held.has(key)) this.#held.set(key, value);
    this.#language ??= Promise.all([loadLocale(lang), this.messages && loadMerge()]).then(() => {
      this.#language = undefined;
      const held = this.#held;
      this.#held = new Map();
      for (const [key, value] of held) this.requestUpdate(key, value);
      this.requestUpdate();
    });
    return false;
  }

  /** `updateComplete` also waits for a language being loaded, and the render that follows. */
  protected override async getUpdateComplete(): Promise<boolean> {
    let done = await super.getUpdateComplete();
    while (this.#language) {
      await this.#language;
      done = await super.getUpdateComplete();
    }
    return done;
  }

  /**
   * Gives what we rendered the page's `lang` again. `all: initial` on the host (base.styles.ts)
   * also resets the language CSS inherits, and without it Chromium applies no Japanese line
   * breaking (`word-break: auto-phrase`) and may pick Chinese glyphs for Japanese text.
   */
  protected override update(changed: PropertyValues<this>) {
    super.update(changed);
    const lang = declaredLang(this);
    for (const child of this.renderRoot.children) {
      if (!lang) child.removeAttribute('lang');
      else if (child.getAttribute('lang') !== lang) child.setAttribute('lang', lang);
    }
  }

  /** Messages an element brings along for the languages that come without them (en-replace). */
  protected static ownMessages: SomeMessages = {};

  /** The messages this element brings along now: its class's, or more it has loaded since. */
  protected ownMessagesNow(): SomeMessages {
    return (this.constructor as typeof CardkeepElement).ownMessages;
  }

  override willUpdate(_changed: PropertyValues<this>) {
    const own = this.ownMessagesNow();
    const lang = messagesFor(langOf(this)) ?? enCore;
    // English `errors` come in parts too: the notice's (`network`), the rest with the forms.
    const base = { ...own, ...lang, errors: { ...own.errors, ...lang.errors } } as Messages;
    // shouldUpdate saw to it that `merge` is here whenever there are `messages`.
    this.t = merge ? merge(base, this.messages) : base;
  }

  /**
   * Tells the merchant a call failed and returns the error. Callers leave aborts out (an
   * abort is us giving up, not a failure): AsyncController never passes one here.
   */
  protected report(error: unknown): CardkeepError {
    const failure = toCardkeepError(error);
    this.dispatchEvent(new CardkeepErrorEvent(failure));
    return failure;
  }
}
