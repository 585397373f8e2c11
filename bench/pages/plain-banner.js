// The baseline for "time to notice": what a careful developer would write by hand without a
// framework — a custom element that asks the same backend for the card (the same HTTP request
// as Cardkeep's: GET {endpoint}/card), decides the same way and builds the same markup with
// DOM calls. English only, no forms behind the buttons.
// The bench server puts `const PLAIN_BANNER_CSS = [...]` in front of this file: the very style
// sheets Cardkeep's banner adopts, so both elements lay out and paint the same thing.
/* global PLAIN_BANNER_CSS */
(() => {
  const sheets = PLAIN_BANNER_CSS.map((text) => {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(text);
    return sheet;
  });

  const BRANDS = { visa: 'Visa', mastercard: 'Mastercard', amex: 'American Express' };
  const label = (card) => `${BRANDS[card.brand] ?? card.brand} •••• ${card.last4}`;
  // Month names written out, as Cardkeep's English does: no Intl formatter, so no ICU start-up.
  const MONTHS =
    'January February March April May June July August September October November December'.split(
      ' ',
    );
  const month = (card) => `${MONTHS[card.expMonth - 1]} ${card.expYear}`;

  function status(card, now = new Date()) {
    if (card.status === 'payment_failed') return 'payment_failed';
    const firstDayAfter = new Date(card.expYear, card.expMonth, 1);
    return now >= firstDayAfter ? 'expired' : 'ok';
  }
  const expired = (card, now = new Date()) => now >= new Date(card.expYear, card.expMonth, 1);

  // The same words as Cardkeep's English (src/i18n/en-core.ts); [c] and [e] are the card and
  // its month, which (as Cardkeep's keepTogether does) never break across lines.
  const TEXT = {
    expired: {
      title: 'Your card has expired',
      body: () =>
        'Your [c] expired in [e]. If your bank sent you a new one with the same number, just enter its new expiry date.',
    },
    payment_failed: {
      title: 'We couldn’t take your last payment',
      body: (card) =>
        expired(card)
          ? 'We couldn’t charge your [c]: it expired in [e]. Enter the new card’s expiry date and we’ll try again.'
          : 'We couldn’t charge your [c]. If your bank sent you a renewed card, enter its new expiry date and we’ll try again.',
    },
  };

  /** A paragraph whose [c] and [e] become unbreakable spans. */
  function message(text, card) {
    const node = element('p', { part: 'message' });
    for (const piece of text.split(/(\[[ce]\])/)) {
      if (piece === '[c]' || piece === '[e]') {
        node.append(
          element('span', { class: 'nowrap' }, piece === '[c]' ? label(card) : month(card)),
        );
      } else if (piece) node.append(piece);
    }
    return node;
  }

  function element(tag, attributes, text) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  class PlainBanner extends HTMLElement {
    #root = this.attachShadow({ mode: 'open', delegatesFocus: true });

    constructor() {
      super();
      this.#root.adoptedStyleSheets = sheets;
    }

    connectedCallback() {
      void this.#load();
    }

    async #load() {
      const endpoint = this.getAttribute('endpoint').replace(/\/+$/, '');
      const response = await fetch(`${endpoint}/card`, {
        headers: { Accept: 'application/json' },
        credentials: 'same-origin',
        cache: 'no-store',
      });
      if (!response.ok) return;
      const { card } = await response.json();
      this.#root.replaceChildren();
      const kind = card ? status(card) : 'ok';
      if (kind === 'ok') return;
      const text = TEXT[kind];
      const lang = 'en';
      const section = element('section', {
        part: 'base',
        'aria-labelledby': 'title',
        class: `stack ${kind}`,
        lang,
      });
      section.append(element('h2', { part: 'title', id: 'title' }, text.title));
      // Only a name the backend gives for greeting (never the full name), as Cardkeep does.
      const greeting =
        typeof card.greetingName === 'string' ? card.greetingName : card.greetingName?.en;
      if (greeting) section.append(element('p', { part: 'greeting' }, `Hi ${greeting},`));
      section.append(message(text.body(card), card));
      if (card.customerSince) {
        section.append(
          element(
            'p',
            { part: 'since' },
            `Thank you for being with us since ${card.customerSince}.`,
          ),
        );
      }
      const actions = element('div', { part: 'actions', class: 'row' });
      actions.append(
        element(
          'button',
          { part: 'button primary', class: 'primary', 'data-opens': 'expiry' },
          'Update expiry date',
        ),
        element('button', { 'data-opens': 'replace', part: 'button' }, 'Use a different card'),
      );
      section.append(actions);
      // The live region the thank-you will fill, in the page before it (as Cardkeep's).
      this.#root.append(
        section,
        element('div', { class: 'visually-hidden', role: 'status', lang }),
      );
    }
  }

  customElements.define('plain-banner', PlainBanner);
})();
