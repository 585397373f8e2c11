// The stand-in Payment Element's frame (see stripe.js here). Stripe's test card numbers become
// Stripe's test PaymentMethod tokens, the only card data that leaves this frame; the page asks
// for it over a MessageChannel when the shop calls `elements.submit()`. "Link" stands for the
// shopper's saved Link account: the fake Stripe's `pm_link` token makes a `type: 'link'`
// PaymentMethod, which a cards-only SetupIntent refuses.
(function () {
  'use strict';

  /** https://docs.stripe.com/testing — the numbers whose tokens the fake Stripe knows. */
  const TEST_CARDS = new Map([
    ['4242424242424242', 'pm_card_visa'],
    ['5555555555554444', 'pm_card_mastercard'],
    ['3566002020360505', 'pm_card_jcb'],
    ['4000002500003155', 'pm_card_authenticationRequiredOnSetup'],
    ['4000002760003184', 'pm_card_authenticationRequired'],
    ['4000000000000002', 'pm_card_chargeDeclined'],
    ['4000000000009995', 'pm_card_chargeDeclinedInsufficientFunds'],
    ['4000000000000069', 'pm_card_chargeDeclinedExpiredCard'],
    ['4000000000000341', 'pm_card_chargeCustomerFail'],
  ]);

  const parentOrigin = new URLSearchParams(location.hash.slice(1)).get('origin');
  const field = (name) => document.querySelector(`input[name="${name}"]`);
  const shown = document.getElementById('error');

  const validation = (code, message) => ({ type: 'validation_error', code, message });

  /** What the shopper chose last: the card typed here, or their Link account. */
  let method = 'card';

  /** What Stripe's element checks before it lets a card go: complete, plausible fields. */
  function collect() {
    if (method === 'link') return { paymentMethod: 'pm_link' };
    const number = field('cardnumber').value.replace(/\s/g, '');
    const expiry = /^(\d{2}) ?\/ ?(\d{2})$/.exec(field('exp-date').value.trim());
    const cvc = field('cvc').value.trim();
    if (number.length < 16) {
      return { error: validation('incomplete_number', 'Your card number is incomplete.') };
    }
    if (!TEST_CARDS.has(number)) {
      return { error: validation('invalid_number', 'Your card number is invalid.') };
    }
    if (!expiry || Number(expiry[1]) < 1 || Number(expiry[1]) > 12) {
      return {
        error: validation('incomplete_expiry', "Your card's expiration date is incomplete."),
      };
    }
    if (!/^\d{3,4}$/.test(cvc)) {
      return { error: validation('incomplete_cvc', "Your card's security code is incomplete.") };
    }
    return { paymentMethod: TEST_CARDS.get(number) };
  }

  window.addEventListener('message', (event) => {
    if (event.origin !== parentOrigin || event.source !== parent) return;
    if (event.data?.type === 'focus') field('cardnumber').focus();
    if (event.data?.type === 'collect') {
      const answer = collect();
      shown.textContent = answer.error?.message ?? '';
      event.ports[0]?.postMessage(answer);
    }
  });

  const changed = (chosen) => {
    method = chosen;
    shown.textContent = '';
    parent.postMessage({ type: 'change', detail: { elementType: 'payment' } }, parentOrigin);
  };
  document.querySelector('form').addEventListener('input', () => changed('card'));
  document.querySelector('button[name="link"]').addEventListener('click', () => changed('link'));

  parent.postMessage({ type: 'ready' }, parentOrigin);
})();
