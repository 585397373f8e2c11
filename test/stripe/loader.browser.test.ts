import '../support/setup.js';
import { expect } from '@open-wc/testing';
import type { StripeConstructor } from '@stripe/stripe-js';
import type { CardkeepAdapter, UpdateResult } from '../../src/adapter/types.js';
import { CardkeepError } from '../../src/core/errors.js';
import { StripeJs, runAuthentication } from '../../src/stripe/loader.js';
import { pageStripeJs, setStripeLoader } from '../../src/stripe/page-stripe.js';
import type { StripeLoader } from '../../src/stripe/loader.js';
import { FakeStripe, deferred, stripeError } from '../support/fake-stripe-js.js';

const stripeScripts = () => document.querySelectorAll('script[src^="https://js.stripe.com"]');

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}

const card: UpdateResult = {
  id: 'pm_new',
  brand: 'visa',
  last4: '4242',
  expMonth: 8,
  expYear: 2031,
  status: 'ok',
};

/** An adapter that only knows `verify`, recording what it was asked. */
function verifyingAdapter(verified: string[]): CardkeepAdapter {
  const unused = () => Promise.reject(new Error('not part of this flow'));
  return {
    getCard: unused,
    updateExpiry: unused,
    createSetupSession: unused,
    completeReplacement: unused,
    verify: (input, options) => {
      verified.push('setupIntentId' in input ? input.setupIntentId : input.paymentIntentId);
      options?.signal?.throwIfAborted();
      return Promise.resolve(card);
    },
  };
}

describe('StripeJs', () => {
  afterEach(() => setStripeLoader());

  it('loads Stripe.js once per publishable key, however many elements ask', async () => {
    const fake = new FakeStripe();
    const stripeJs = new StripeJs(fake.loader);
    const [a, b] = await Promise.all([stripeJs.load('pk_test_a'), stripeJs.load('pk_test_a')]);
    const c = await stripeJs.load('pk_test_a');
    await stripeJs.load('pk_test_b');
    expect(a).to.equal(b);
    expect(a).to.equal(c);
    expect(fake.loads).to.deep.equal(['pk_test_a', 'pk_test_b']);
  });

  it('forgets a failed load, so trying again really loads again', async () => {
    const fake = new FakeStripe();
    let attempts = 0;
    const flaky: StripeLoader = (key) =>
      ++attempts === 1 ? Promise.reject(new Error('Failed to load Stripe.js')) : fake.loader(key);
    const stripeJs = new StripeJs(flaky);
    const error = await rejection(stripeJs.load('pk_test_flaky'));
    expect(error).to.be.instanceOf(CardkeepError);
    expect((error as CardkeepError).code).to.equal('network');
    expect((error as CardkeepError).retryable).to.equal(true);
    expect(await stripeJs.load('pk_test_flaky')).to.equal(await fake.loader('pk_test_flaky'));
    expect(attempts).to.equal(2);
  });

  it('gives up after the timeout when Stripe.js never answers, then retries', async () => {
    const hanging = deferred<null>();
    let attempts = 0;
    const loader: StripeLoader = () => (++attempts, hanging.promise);
    const stripeJs = new StripeJs(loader);
    const error = await rejection(stripeJs.load('pk_test_slow', 20));
    expect((error as CardkeepError).code).to.equal('timeout');
    await rejection(stripeJs.load('pk_test_slow', 20));
    expect(attempts).to.equal(2);
  });

  it('treats a loader that finds no Stripe (null) or throws as a failed load', async () => {
    const none = await rejection(new StripeJs(async () => null).load('pk_test_null'));
    expect((none as CardkeepError).code).to.equal('network');
    const blocked = new StripeJs(() => {
      throw new Error('blocked');
    });
    const thrown = await rejection(blocked.load('pk_test_throw'));
    expect((thrown as CardkeepError).code).to.equal('network');
  });

  it('uses the page-wide loader a merchant set, and the default again once it is cleared', async () => {
    const fake = new FakeStripe();
    setStripeLoader(fake.loader);
    await pageStripeJs().load('pk_test_page');
    expect(fake.loads).to.deep.equal(['pk_test_page']);
    setStripeLoader();
    const error = await rejection(pageStripeJs().load('pk_test_page', 5_000));
    expect((error as CardkeepError).code).to.equal('network');
    expect(fake.loads).to.deep.equal(['pk_test_page']);
  });

  it('uses a Stripe the page already loaded (window.Stripe) without adding a script', async () => {
    const fake = new FakeStripe();
    const keys: string[] = [];
    const constructor = Object.assign(
      (key: string) => {
        keys.push(key);
        return fake.stripe;
      },
      { version: 'endive' },
    );
    const before = stripeScripts().length;
    window.Stripe = constructor as unknown as StripeConstructor;
    try {
      const stripe = await new StripeJs().load('pk_test_window');
      expect(typeof stripe.confirmSetup).to.equal('function');
      expect(keys).to.deep.equal(['pk_test_window']);
      expect(stripeScripts().length).to.equal(before);
    } finally {
      delete window.Stripe;
    }
  });

  it('runs the real loadStripe, which fails offline with a network error, and retries it', async () => {
    // The test browser resolves no outside host: exactly what a shopper offline sees.
    const stripeJs = new StripeJs();
    const first = await rejection(stripeJs.load('pk_test_real', 8_000));
    expect((first as CardkeepError).code).to.equal('network');
    expect(stripeScripts().length, 'Stripe.js was requested').to.be.greaterThan(0);
    const second = await rejection(stripeJs.load('pk_test_real', 8_000));
    expect((second as CardkeepError).code).to.equal('network');
  });
});

describe('runAuthentication', () => {
  const action = {
    type: 'authenticate' as const,
    clientSecret: 'seti_auth1_secret_xyz',
    publishableKey: 'pk_test_auth',
  };

  it('lets Stripe show the bank’s challenge, then has the backend verify the SetupIntent', async () => {
    const fake = new FakeStripe();
    const verified: string[] = [];
    const result = await runAuthentication({
      action,
      adapter: verifyingAdapter(verified),
      stripe: new StripeJs(fake.loader),
    });
    expect(fake.methods).to.deep.equal(['handleNextAction']);
    expect(fake.calls[0]!.args[0]).to.deep.equal({ clientSecret: action.clientSecret });
    expect(fake.loads).to.deep.equal(['pk_test_auth']);
    expect(verified).to.deep.equal(['seti_auth1']);
    expect(result).to.deep.equal(card);
  });

  it('for a renewal payment (intent: payment) verifies the PaymentIntent the bank confirmed', async () => {
    const fake = new FakeStripe();
    const verified: string[] = [];
    const payment = { ...action, clientSecret: 'pi_pay1_secret_abc', intent: 'payment' as const };
    await runAuthentication({
      action: payment,
      adapter: verifyingAdapter(verified),
      stripe: new StripeJs(fake.loader),
    });
    expect(fake.methods).to.deep.equal(['handleNextAction']);
    expect(fake.calls[0]!.args[0]).to.deep.equal({ clientSecret: payment.clientSecret });
    expect(verified).to.deep.equal(['pi_pay1']);
  });

  it('refuses an action whose client secret is not a SetupIntent’s, before loading Stripe', async () => {
    for (const bad of ['pi_123_secret_abc', 'seti_123', '', 'seti_1 2_secret_x']) {
      const fake = new FakeStripe();
      const verified: string[] = [];
      const error = await rejection(
        runAuthentication({
          action: { ...action, clientSecret: bad },
          adapter: verifyingAdapter(verified),
          stripe: new StripeJs(fake.loader),
        }),
      );
      expect(error, bad).to.be.instanceOf(CardkeepError);
      expect(fake.loads, bad).to.deep.equal([]);
      expect(verified, bad).to.deep.equal([]);
    }
  });

  it('reports a refused or abandoned challenge as card_declined, and tells the backend nothing', async () => {
    const fake = new FakeStripe();
    fake.nextActionResults.push({
      error: stripeError(
        'invalid_request_error',
        'We are unable to authenticate your payment method.',
        {
          code: 'setup_intent_authentication_failure',
        },
      ),
    });
    const verified: string[] = [];
    const error = await rejection(
      runAuthentication({
        action,
        adapter: verifyingAdapter(verified),
        stripe: new StripeJs(fake.loader),
      }),
    );
    expect((error as CardkeepError).code).to.equal('card_declined');
    expect(verified).to.deep.equal([]);
  });

  it('reports a lost connection to Stripe as network', async () => {
    const fake = new FakeStripe();
    fake.nextActionResults.push({ error: stripeError('api_connection_error', 'Network error') });
    const error = await rejection(
      runAuthentication({
        action,
        adapter: verifyingAdapter([]),
        stripe: new StripeJs(fake.loader),
      }),
    );
    expect((error as CardkeepError).code).to.equal('network');
  });

  it('stops after the challenge when the caller aborted meanwhile', async () => {
    const fake = new FakeStripe();
    const challenge = deferred<{ setupIntent: { id: string; status: string } }>();
    fake.nextActionResults.push(challenge.promise);
    const controller = new AbortController();
    const verified: string[] = [];
    const running = rejection(
      runAuthentication({
        action,
        adapter: verifyingAdapter(verified),
        stripe: new StripeJs(fake.loader),
        signal: controller.signal,
      }),
    );
    await new Promise((resolve) => setTimeout(resolve));
    controller.abort();
    challenge.resolve({ setupIntent: { id: 'seti_auth1', status: 'succeeded' } });
    expect(((await running) as Error).name).to.equal('AbortError');
    expect(verified).to.deep.equal([]);
  });

  it('fails clearly when the adapter cannot verify', async () => {
    const adapter = verifyingAdapter([]);
    delete adapter.verify;
    const error = await rejection(
      runAuthentication({ action, adapter, stripe: new StripeJs(new FakeStripe().loader) }),
    );
    expect((error as CardkeepError).code).to.equal('server');
  });
});
