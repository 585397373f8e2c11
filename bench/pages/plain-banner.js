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
  const expiry = (card) =>
    `${String(card.expMonth).padStart(2, '0')} / ${String(card.expYear).slice(-2)}`;

  function status(card, now = new Date()) {
    if (card.status === 'payment_failed') return 'payment_failed';
    const firstDayAfter = new Date(card.expYear, card.expMonth, 1);
    return now >= firstDayAfter ? 'expired' : 'ok';
  }

  const TEXT = {
    expired: {
      title: 'Your card has expired',
      body: (c, e) =>
        `Your ${c} expired at the end of ${e}. If your bank sent you a new card with the same number, just enter its new expiry date.`,
    },
    payment_failed: {
      title: 'We couldn’t take your last payment',
      body: (c, e) =>
        `The charge to your ${c} (expires ${e}) didn’t go through. If your bank sent you a renewed card, enter its new expiry date and we’ll try again.`,
    },
  };

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
      const section = element('section', {
        part: 'base',
        'aria-labelledby': 'title',
        class: `stack ${kind}`,
      });
      section.append(element('h2', { part: 'title', id: 'title' }, text.title));
      if (card.customerName) {
        section.append(element('p', { part: 'greeting' }, `Hi ${card.customerName},`));
      }
      section.append(element('p', { part: 'message' }, text.body(label(card), expiry(card))));
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
        element('button', { part: 'button primary', class: 'primary' }, 'Update expiry date'),
        element('button', { part: 'button' }, 'Use a different card'),
      );
      section.append(actions);
      this.#root.append(section);
    }
  }

  customElements.define('plain-banner', PlainBanner);
})();
