// A stand-in for Stripe.js (https://js.stripe.com/endive/stripe.js) for end-to-end tests that
// cannot reach Stripe. The test answers the page's request for Stripe.js with this file, and
// its requests to js.stripe.com and api.stripe.com with files of this folder and a fake Stripe
// API, so the page runs the same loader, CSP and browser boundaries as with the real thing:
//
// - `window.Stripe` is a function with the `version` @stripe/stripe-js's loader expects.
// - The Payment Element is a frame from js.stripe.com (payment-frame.html): the card is typed
//   there, in another origin, and never exists in the shop's DOM. The frame hands back only a
//   test PaymentMethod token (`pm_card_visa` for 4242…), as Stripe's frame hands back an id.
// - Mounting reads the SetupIntent and confirming posts to api.stripe.com from the shop's page
//   with the publishable key and the client secret (the `key` form field, no custom headers),
//   as Stripe.js does: the shop's CSP must allow it (connect-src https://api.stripe.com).
//
// - `handleNextAction` reads the intent (a SetupIntent or a PaymentIntent), shows the bank's
//   challenge in a frame from js.stripe.com over the page (challenge.html: "Complete" or "Fail
//   authentication", as Stripe's test page), then reads the intent again and resolves with it,
//   or with its last error when the challenge failed or was cancelled — Stripe.js's documented
//   contract (https://docs.stripe.com/js/payment_intents/handle_next_action).
// - `retrieveSetupIntent(clientSecret)` reads a SetupIntent, for a return from a redirect.
//
// Not modelled: a `requires_action` answer to confirmSetup (an error here), wallets, payment
// methods other than cards and Link, appearance and locale of the frame.
(function () {
  'use strict';

  const FRAME_ORIGIN = 'https://js.stripe.com';
  const FRAME_URL = `${FRAME_ORIGIN}/endive/payment-frame.html`;
  const API = 'https://api.stripe.com/v1';

  class IntegrationError extends Error {
    constructor(message) {
      super(message);
      this.name = 'IntegrationError';
    }
  }

  const idOf = (clientSecret) => {
    const match = /^(seti_[A-Za-z0-9]+)_secret_[A-Za-z0-9]+$/.exec(String(clientSecret));
    if (!match) throw new IntegrationError('Invalid value for clientSecret: not a SetupIntent.');
    return match[1];
  };

  /** The intent a client secret belongs to, and where Stripe.js reads it. */
  const intentOf = (clientSecret) => {
    const match = /^((seti|pi)_[A-Za-z0-9]+)_secret_[A-Za-z0-9]+$/.exec(String(clientSecret));
    if (!match) throw new IntegrationError('Invalid value for clientSecret.');
    const payment = match[2] === 'pi';
    return {
      id: match[1],
      path: `/${payment ? 'payment_intents' : 'setup_intents'}/${match[1]}`,
      field: payment ? 'paymentIntent' : 'setupIntent',
    };
  };

  /** The bank's challenge over the page, until the shopper answers it. */
  function challenge(intent) {
    return new Promise((resolve) => {
      const frame = document.createElement('iframe');
      frame.name = '__privateStripeChallengeStandin';
      frame.title = '3D Secure authentication';
      for (const [name, value] of Object.entries({
        position: 'fixed',
        inset: '10vh 10vw',
        width: '80vw',
        height: '80vh',
        border: '0',
        background: 'white',
        zIndex: '2147483647',
      })) {
        frame.style[name] = value;
      }
      frame.src = `${FRAME_ORIGIN}/endive/challenge.html#intent=${intent}&origin=${encodeURIComponent(location.origin)}`;
      const listener = (event) => {
        if (event.origin !== FRAME_ORIGIN || event.source !== frame.contentWindow) return;
        if (event.data?.type !== 'challenge-done') return;
        window.removeEventListener('message', listener);
        frame.remove();
        resolve();
      };
      window.addEventListener('message', listener);
      document.body.append(frame);
    });
  }

  /** A call to Stripe's API as Stripe.js makes it: a form post or GET, key in the body/query. */
  async function api(key, method, path, params) {
    const body = new URLSearchParams({ ...params, key });
    let response;
    try {
      response =
        method === 'GET'
          ? await fetch(`${API}${path}?${body}`)
          : await fetch(`${API}${path}`, {
              method,
              headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
              body,
            });
    } catch {
      return {
        error: {
          type: 'api_connection_error',
          message: 'We could not connect to Stripe. Please check your connection and try again.',
        },
      };
    }
    const json = await response.json();
    return response.ok ? { object: json } : { error: json.error };
  }

  function Stripe(key) {
    if (typeof key !== 'string' || !/^pk_(test|live)_/.test(key)) {
      throw new IntegrationError('Invalid API Key provided: expected a publishable key.');
    }

    function elements(options = {}) {
      const clientSecret = options.clientSecret;
      const setupIntentId = idOf(clientSecret);
      /** The frame's answer to the last `submit()`: a test PaymentMethod token. */
      let collected;
      let payment;

      function create(type) {
        if (type !== 'payment') throw new IntegrationError(`The stand-in has no ${type} element.`);
        if (payment) throw new IntegrationError('Can only create one Element of type payment.');
        const handlers = new Map();
        const emit = (event, detail) => handlers.get(event)?.(detail);
        let frame;
        let listener;
        payment = {
          mount(node) {
            if (!(node instanceof HTMLElement)) {
              throw new IntegrationError(
                'Invalid DOM element. Make sure to call mount() with a valid DOM element.',
              );
            }
            if (node.getRootNode() !== node.ownerDocument) {
              throw new IntegrationError(
                'Elements cannot be mounted in a ShadowRoot. Please mount in the Light DOM.',
              );
            }
            // Like Stripe's element, it first reads the intent it is for.
            void api(key, 'GET', `/setup_intents/${setupIntentId}`, {
              client_secret: clientSecret,
            }).then(({ error }) => {
              if (error) return emit('loaderror', { elementType: 'payment', error });
              frame = document.createElement('iframe');
              frame.name = '__privateStripeFrameStandin';
              frame.title = 'Secure payment input frame';
              frame.allow = 'payment *';
              // CSSOM, not a style attribute: allowed under a CSP without 'unsafe-inline'.
              frame.style.border = '0';
              frame.style.width = '100%';
              frame.style.height = '11rem';
              frame.src = `${FRAME_URL}#origin=${encodeURIComponent(location.origin)}`;
              listener = (event) => {
                if (event.origin !== FRAME_ORIGIN || event.source !== frame.contentWindow) return;
                if (event.data?.type === 'ready') emit('ready', { elementType: 'payment' });
                if (event.data?.type === 'change') emit('change', event.data.detail);
              };
              window.addEventListener('message', listener);
              node.append(frame);
            });
          },
          on(event, handler) {
            handlers.set(event, handler);
            return payment;
          },
          off(event) {
            handlers.delete(event);
            return payment;
          },
          focus() {
            frame?.contentWindow?.postMessage({ type: 'focus' }, FRAME_ORIGIN);
          },
          /** Asks the frame for what the shopper typed: a token, or a validation error. */
          collect() {
            if (!frame?.contentWindow) return Promise.resolve({ error: notMounted() });
            const channel = new MessageChannel();
            const answer = new Promise((resolve) => {
              channel.port1.onmessage = (event) => resolve(event.data);
            });
            frame.contentWindow.postMessage({ type: 'collect' }, FRAME_ORIGIN, [channel.port2]);
            return answer;
          },
          destroy() {
            if (listener) window.removeEventListener('message', listener);
            frame?.remove();
            handlers.clear();
            frame = listener = undefined;
          },
        };
        return payment;
      }

      const notMounted = () => ({
        type: 'validation_error',
        message: 'The Payment Element is not mounted.',
      });

      return {
        create,
        getElement: (type) => (type === 'payment' ? (payment ?? null) : null),
        update() {},
        /** Validates the frame's fields and collects the card, as Stripe's `elements.submit()`. */
        async submit() {
          if (!payment) return { error: notMounted() };
          const answer = await payment.collect();
          collected = answer.paymentMethod;
          return answer.error ? { error: answer.error } : {};
        },
        _confirm() {
          return { clientSecret, setupIntentId, paymentMethod: collected };
        },
      };
    }

    return {
      elements,
      _registerWrapper() {},
      async confirmSetup({ elements, redirect, confirmParams = {} } = {}) {
        if (!elements?._confirm) {
          throw new IntegrationError('Invalid value for confirmSetup: elements is required.');
        }
        if (redirect !== 'if_required' && !confirmParams.return_url) {
          throw new IntegrationError('confirmSetup: a return_url is required.');
        }
        const { clientSecret, setupIntentId, paymentMethod } = elements._confirm();
        if (!paymentMethod) {
          throw new IntegrationError('elements.submit() must be called before confirmSetup().');
        }
        const { object, error } = await api(
          key,
          'POST',
          `/setup_intents/${setupIntentId}/confirm`,
          {
            client_secret: clientSecret,
            payment_method: paymentMethod,
            ...(confirmParams.return_url ? { return_url: confirmParams.return_url } : {}),
            use_stripe_sdk: 'true',
          },
        );
        if (error) return { error };
        if (object.status === 'requires_action') {
          return { error: unsupported() };
        }
        return { setupIntent: object };
      },
      async handleNextAction({ clientSecret } = {}) {
        const { id, path, field } = intentOf(clientSecret);
        const before = await api(key, 'GET', path, { client_secret: clientSecret });
        if (before.error) return { error: before.error };
        if (before.object.status !== 'requires_action') {
          throw new IntegrationError(
            `handleNextAction: the intent is ${before.object.status}, not requires_action.`,
          );
        }
        await challenge(id);
        const after = await api(key, 'GET', path, { client_secret: clientSecret });
        if (after.error) return { error: after.error };
        const intent = after.object;
        const failure = intent.last_payment_error ?? intent.last_setup_error;
        if (intent.status === 'requires_payment_method' && failure) {
          return {
            error: {
              ...failure,
              [field === 'paymentIntent' ? 'payment_intent' : 'setup_intent']: intent,
            },
          };
        }
        return { [field]: intent };
      },
      async retrieveSetupIntent(clientSecret) {
        const { object, error } = await api(key, 'GET', `/setup_intents/${idOf(clientSecret)}`, {
          client_secret: clientSecret,
        });
        return error ? { error } : { setupIntent: object };
      },
    };
  }

  const unsupported = () => ({
    type: 'invalid_request_error',
    code: 'standin_unsupported',
    message: 'The Stripe.js stand-in does not do 3-D Secure.',
  });

  Stripe.version = 'endive';
  window.Stripe = Stripe;
})();
