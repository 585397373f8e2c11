// Served by the bench in place of Stripe.js (https://js.stripe.com/<train>/stripe.js), so the
// replacement flow runs end to end with nothing leaving loopback. It does what Cardkeep asks of
// Stripe.js and no more: Elements with a Payment Element that mounts a frame from js.stripe.com
// (the bench serves that too), `elements.submit()`, and `confirmSetup` answering with the
// SetupIntent of the session the backend handed out. Real Stripe.js is far larger and makes
// more requests; the bench counts this stand-in's requests and bytes as a lower bound.
(() => {
  const FRAME = 'https://js.stripe.com/bench/payment-frame.html';
  // The release train in our own URL, so @stripe/stripe-js finds the version it expects.
  const train = new URL(document.currentScript.src).pathname.split('/')[1];

  function Stripe(publishableKey) {
    if (typeof publishableKey !== 'string') throw new Error('Stripe(): publishable key expected');
    let clientSecret = '';
    const handlers = {};
    let frame;
    const payment = {
      mount(node) {
        if (node.getRootNode() !== document) {
          throw new Error('Elements cannot be mounted in a ShadowRoot.');
        }
        frame = document.createElement('iframe');
        frame.title = 'Secure payment input frame';
        frame.src = FRAME;
        frame.addEventListener('load', () => handlers.ready?.({ elementType: 'payment' }), {
          once: true,
        });
        node.append(frame);
      },
      on(event, handler) {
        handlers[event] = handler;
        return payment;
      },
      destroy() {
        frame?.remove();
        frame = undefined;
      },
      focus() {
        frame?.focus();
      },
    };
    const elements = {
      create: () => payment,
      submit: async () => ({}),
      update() {},
    };
    const setupIntent = () => ({ id: clientSecret.split('_secret_')[0], status: 'succeeded' });
    return {
      elements(options) {
        clientSecret = options.clientSecret;
        return elements;
      },
      confirmSetup: async () => ({ setupIntent: setupIntent() }),
      handleNextAction: async () => ({ setupIntent: setupIntent() }),
    };
  }
  Stripe.version = train;
  window.Stripe = Stripe;
})();
