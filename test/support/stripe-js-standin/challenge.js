// The stand-in's 3-D Secure challenge frame (see stripe.js here). The shopper's answer goes
// to the "bank" (https://js.stripe.com/endive/3ds, which the test answers by settling the
// intent in the fake Stripe, as the issuer's server tells Stripe's), then the frame tells the
// page it is done; Stripe.js reads the intent afterwards, as the real one does.
(function () {
  'use strict';

  const params = new URLSearchParams(location.hash.slice(1));
  const parentOrigin = params.get('origin');
  const intent = params.get('intent');

  for (const button of document.querySelectorAll('button[data-outcome]')) {
    button.addEventListener('click', async () => {
      for (const b of document.querySelectorAll('button')) b.disabled = true;
      await fetch('3ds', {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ intent, outcome: button.dataset.outcome }),
      });
      parent.postMessage({ type: 'challenge-done' }, parentOrigin);
    });
  }
})();
