import { nextTask } from '../../support/setup.js';
import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { MemoryAdapter } from '../../../src/adapter/memory-adapter.js';
import type { SetupSession, UpdateResult } from '../../../src/adapter/types.js';
import { CardkeepReplaceCard } from '../../../src/components/replace-card/replace-card.js';
import type { ReplaceCardStatus } from '../../../src/components/replace-card/replace-card.js';
import { CardkeepError } from '../../../src/core/errors.js';
import type { CardkeepErrorEvent } from '../../../src/events/error.js';
import type { CardkeepUpdatedEvent } from '../../../src/events/updated.js';
import { setStripeLoader } from '../../../src/stripe/page-stripe.js';
import type { StripeLoader } from '../../../src/stripe/loader.js';
import { FakeAdapter } from '../../support/fake-adapter.js';
import { FakeStripe, deferred, stripeError } from '../../support/fake-stripe-js.js';

if (!customElements.get('cardkeep-replace-card')) {
  customElements.define('cardkeep-replace-card', CardkeepReplaceCard);
}

const session: SetupSession = {
  clientSecret: 'seti_new1_secret_abc',
  publishableKey: 'pk_test_shop',
};

const newCard: UpdateResult = {
  id: 'pm_new',
  brand: 'mastercard',
  last4: '4444',
  expMonth: 9,
  expYear: 2030,
  status: 'ok',
};

// Each test gets its own publishable key so the page-wide Stripe cache never leaks a stand-in
// from one test into the next.
let keyCounter = 0;
const freshSession = (): SetupSession => ({
  ...session,
  publishableKey: `pk_test_${++keyCounter}`,
});

const root = (el: HTMLElement) => el.shadowRoot!;
const part = (el: HTMLElement, name: string) =>
  root(el).querySelector<HTMLElement>(`[part~="${name}"]`);
const textOf = (el: HTMLElement, name: string) => part(el, name)?.textContent?.trim() ?? '';

/** The visible button whose text is `name` (what a person would click). */
function button(el: HTMLElement, name: string): HTMLButtonElement {
  const found = [...root(el).querySelectorAll('button')].find(
    (b) => b.textContent?.trim() === name && b.offsetParent !== null,
  );
  if (!found) throw new Error(`No visible "${name}" button`);
  return found;
}

const hasButton = (el: HTMLElement, name: string) =>
  [...root(el).querySelectorAll('button')].some(
    (b) => b.textContent?.trim() === name && b.offsetParent !== null,
  );

async function until(el: CardkeepReplaceCard, status: ReplaceCardStatus) {
  await waitUntil(() => el.status === status, `never reached ${status} (is ${el.status})`);
  await el.updateComplete;
}

/** The light-DOM node Stripe's frame was mounted on. */
const mounts = () => [...document.querySelectorAll<HTMLElement>('[slot="payment-element"]')];

async function open(options: { adapter?: FakeAdapter; loader?: StripeLoader; lang?: string } = {}) {
  const adapter = options.adapter ?? new FakeAdapter();
  const fake = new FakeStripe();
  const el = await fixture<CardkeepReplaceCard>(
    html`<cardkeep-replace-card
      lang=${options.lang ?? 'en'}
      fallback-url="/account/card"
      .adapter=${adapter}
      .stripeLoader=${options.loader ?? fake.loader}
    ></cardkeep-replace-card>`,
  );
  return { el, adapter, fake };
}

/** Opens the element and lets the session and Stripe's frame arrive. */
async function openReady(options: Parameters<typeof open>[0] = {}) {
  const opened = await open(options);
  (await opened.adapter.next<SetupSession>('createSetupSession')).resolve(freshSession());
  await until(opened.el, 'ready');
  return opened;
}

describe('<cardkeep-replace-card>', () => {
  afterEach(() => setStripeLoader());

  it('asks the backend for a session and loads Stripe.js only then', async () => {
    const { el, adapter, fake } = await open();
    expect(textOf(el, 'status')).to.equal('Loading the secure card form…');
    expect(button(el, 'Save card').disabled).to.equal(true);
    await expect(el).to.be.accessible();
    expect(fake.loads, 'Stripe.js before the session').to.deep.equal([]);

    const call = await adapter.next('createSetupSession');
    expect(call.signal).to.be.instanceOf(AbortSignal);
    const given = freshSession();
    call.resolve(given);
    await until(el, 'ready');

    expect(fake.loads).to.deep.equal([given.publishableKey]);
    expect(fake.methods).to.deep.equal(['elements', 'elements.create', 'paymentElement.mount']);
    const options = fake.calls[0]!.args[0] as {
      clientSecret: string;
      locale: string;
      appearance: { variables: Record<string, string> };
    };
    expect(options.clientSecret).to.equal(given.clientSecret);
    expect(options.locale).to.equal('en');
    expect(options.appearance.variables.colorPrimary).to.equal('#1f2328');
    expect(fake.calls[1]!.args[0]).to.equal('payment');
    expect(textOf(el, 'status')).to.equal('');
    expect(button(el, 'Save card').disabled).to.equal(false);
    await expect(el).to.be.accessible();
  });

  it('keeps the card number out of our DOM: the frame sits in a light-DOM container', async () => {
    const { el, fake } = await openReady();
    const [mount] = mounts();
    expect(mount, 'one container').to.exist;
    expect(mount!.parentElement).to.equal(el);
    expect(fake.mountedOn).to.equal(mount);
    expect(mount!.querySelector('iframe')).to.exist;
    expect(root(el).querySelector('input')).to.equal(null);
    // Shown through the slot inside the form.
    const slot = root(el).querySelector<HTMLSlotElement>('slot[name="payment-element"]')!;
    expect(slot.assignedElements()).to.deep.equal([mount]);
  });

  it('confirms with Stripe, then has the backend put the new card on file', async () => {
    const { el, adapter, fake } = await openReady();
    const confirm = deferred<{ setupIntent: { id: string; status: string } }>();
    fake.confirmResults.push(confirm.promise);
    const updated = oneEvent(el, 'cardkeep-updated') as Promise<CardkeepUpdatedEvent>;

    button(el, 'Save card').focus();
    await sendKeys({ press: 'Enter' });
    await until(el, 'submitting');
    expect(textOf(el, 'status')).to.equal('Saving…');
    expect(button(el, 'Save card').getAttribute('aria-busy')).to.equal('true');
    await expect(el).to.be.accessible();
    // A second press while Stripe is confirming does nothing.
    button(el, 'Save card').click();
    expect(fake.methods.filter((m) => m === 'confirmSetup')).to.have.length(1);
    expect(adapter.callsOf('completeReplacement'), 'not before Stripe confirmed').to.have.length(0);
    const confirmOptions = fake.calls.find((c) => c.method === 'confirmSetup')!.args[0] as Record<
      string,
      unknown
    >;
    expect(confirmOptions.redirect).to.equal('if_required');
    // A bank that needs its own page brings the shopper back here, with the key to read it.
    const back = new URL(location.href);
    back.searchParams.set('cardkeep_pk', fake.loads[0]!);
    expect(confirmOptions.confirmParams).to.deep.equal({ return_url: back.href });

    confirm.resolve({ setupIntent: { id: 'seti_new1', status: 'succeeded' } });
    const complete = await adapter.next<UpdateResult>('completeReplacement');
    expect(complete.input).to.deep.equal({ setupIntentId: 'seti_new1' });
    complete.resolve({
      ...newCard,
      payment: { status: 'succeeded', amount: 1980, currency: 'jpy' },
    });
    const event = await updated;
    await until(el, 'success');

    expect(adapter.calls.map((c) => c.method)).to.deep.equal([
      'createSetupSession',
      'completeReplacement',
    ]);
    expect(fake.methods).to.deep.equal([
      'elements',
      'elements.create',
      'paymentElement.mount',
      'elements.submit',
      'confirmSetup',
      'paymentElement.destroy',
    ]);
    expect(event.card).to.deep.equal(newCard);
    expect(event.payment).to.deep.equal({ status: 'succeeded', amount: 1980, currency: 'jpy' });
    expect(textOf(el, 'title')).to.equal('Thank you — your card is up to date');
    expect(textOf(el, 'status')).to.equal(
      'Your new Mastercard •••• 4444 is saved. Your payment of ¥1,980 went through.',
    );
    expect(el.shadowRoot!.activeElement === part(el, 'status'), 'focus moves to the outcome').to.be
      .true;
    expect(mounts(), 'Stripe’s frame is gone').to.have.length(0);
    await expect(el).to.be.accessible();
  });

  it('says so when the retried payment still failed', async () => {
    const { el, adapter } = await openReady();
    button(el, 'Save card').click();
    (await adapter.next<UpdateResult>('completeReplacement')).resolve({
      ...newCard,
      payment: { status: 'failed' },
    });
    await until(el, 'success');
    expect(textOf(el, 'status')).to.contain('The payment still didn’t go through.');
  });

  it('shows Stripe’s own message for a declined card as text, and lets the shopper save again', async () => {
    const { el, adapter, fake } = await openReady();
    fake.confirmResults.push({
      error: stripeError('card_error', 'Your card was declined. <b>x</b>', {
        code: 'card_declined',
      }),
    });
    const failed = oneEvent(el, 'cardkeep-error') as Promise<CardkeepErrorEvent>;
    button(el, 'Save card').click();
    expect((await failed).error.code).to.equal('card_declined');
    await until(el, 'error');
    expect(textOf(el, 'error')).to.equal('Your card was declined. <b>x</b>');
    expect(part(el, 'error')!.querySelector('b')).to.equal(null);
    expect(part(el, 'error')!.getAttribute('role')).to.equal('alert');
    expect(adapter.callsOf('completeReplacement')).to.have.length(0);
    expect(mounts(), 'the form stays to fix the card').to.have.length(1);
    await expect(el).to.be.accessible();

    button(el, 'Save card').click();
    (await adapter.next<UpdateResult>('completeReplacement')).resolve(newCard);
    await until(el, 'success');
    expect(fake.methods.filter((m) => m === 'confirmSetup')).to.have.length(2);
    expect(textOf(el, 'error')).to.equal('');
  });

  it('stops at Stripe’s validation and does not confirm an incomplete card', async () => {
    const { el, fake } = await openReady();
    fake.submitResults.push({
      error: stripeError('validation_error', 'Your card number is incomplete.'),
    });
    button(el, 'Save card').click();
    await until(el, 'error');
    expect(textOf(el, 'error')).to.equal('Your card number is incomplete.');
    expect(fake.methods).not.to.include('confirmSetup');
  });

  it('explains a failed 3-D Secure in its own words rather than Stripe’s internals', async () => {
    const { el, fake } = await openReady();
    fake.confirmResults.push({
      error: stripeError('invalid_request_error', 'setup_intent_authentication_failure', {
        code: 'setup_intent_authentication_failure',
      }),
    });
    button(el, 'Save card').click();
    await until(el, 'error');
    expect(textOf(el, 'error')).to.equal(
      'Your bank couldn’t confirm the card. Try again, or use a different card.',
    );
  });

  it('says the form takes cards only when Stripe refuses the method the shopper chose (Link)', async () => {
    const { el, adapter, fake } = await openReady();
    fake.confirmResults.push({
      error: stripeError(
        'invalid_request_error',
        'The PaymentMethod provided (link) is not allowed for this SetupIntent.',
        { code: 'setup_intent_invalid_parameter', param: 'payment_method' },
      ),
    });
    button(el, 'Save card').click();
    await until(el, 'error');
    expect(textOf(el, 'error')).to.equal(
      'Only a card can be saved here. Please enter your card’s details.',
    );
    expect(adapter.callsOf('completeReplacement')).to.have.length(0);
    expect(mounts(), 'the form stays for a card').to.have.length(1);
  });

  it('retries only the backend when it failed after Stripe confirmed', async () => {
    const { el, adapter, fake } = await openReady();
    button(el, 'Save card').click();
    (await adapter.next('completeReplacement')).reject(new CardkeepError('network'));
    await until(el, 'error');
    expect(textOf(el, 'error')).to.equal(
      'We couldn’t reach the shop. Check your connection and try again.',
    );
    button(el, 'Save card').click();
    const again = await adapter.next<UpdateResult>('completeReplacement');
    expect(again.input).to.deep.equal({ setupIntentId: 'seti_new1' });
    again.resolve(newCard);
    await until(el, 'success');
    expect(
      fake.methods.filter((m) => m === 'confirmSetup'),
      'the SetupIntent is spent',
    ).to.have.length(1);
  });

  it('starts over with a fresh session when the bank refused the confirmed card', async () => {
    const { el, adapter, fake } = await openReady();
    button(el, 'Save card').click();
    (await adapter.next('completeReplacement')).reject(new CardkeepError('card_declined'));
    await until(el, 'load_failed');
    expect(textOf(el, 'error')).to.contain('Your bank declined this card.');
    expect(mounts()).to.have.length(0);
    button(el, 'Try again').click();
    (await adapter.next<SetupSession>('createSetupSession')).resolve({
      ...freshSession(),
      clientSecret: 'seti_new2_secret_def',
    });
    await until(el, 'ready');
    button(el, 'Save card').click();
    expect((await adapter.next('completeReplacement')).input).to.deep.equal({
      setupIntentId: 'seti_new2',
    });
    expect(fake.methods.filter((m) => m === 'elements')).to.have.length(2);
  });

  it('runs the issuer authentication the backend asks for, then shows the saved card', async () => {
    const { el, adapter, fake } = await openReady();
    const challenge = deferred<{ setupIntent: { id: string; status: string } }>();
    fake.nextActionResults.push(challenge.promise);
    button(el, 'Save card').click();
    (await adapter.next('completeReplacement')).resolve({
      ...newCard,
      action: {
        type: 'authenticate',
        clientSecret: 'seti_auth9_secret_x',
        publishableKey: 'pk_test_auth',
      },
    });
    await until(el, 'authenticating');
    expect(textOf(el, 'status')).to.equal('Please confirm with your bank to finish.');
    await expect(el).to.be.accessible();
    challenge.resolve({ setupIntent: { id: 'seti_auth9', status: 'succeeded' } });
    const verify = await adapter.next<UpdateResult>('verify');
    expect(verify.input).to.deep.equal({ setupIntentId: 'seti_auth9' });
    expect(fake.calls.find((c) => c.method === 'handleNextAction')!.args[0]).to.deep.equal({
      clientSecret: 'seti_auth9_secret_x',
    });
    verify.resolve(newCard);
    await until(el, 'success');
    expect(textOf(el, 'status')).to.equal('Your new Mastercard •••• 4444 is saved.');
  });

  it('offers a fresh start when the shopper could not authenticate', async () => {
    const { el, adapter, fake } = await openReady();
    fake.nextActionResults.push({
      error: stripeError('invalid_request_error', 'auth failed', {
        code: 'setup_intent_authentication_failure',
      }),
    });
    button(el, 'Save card').click();
    (await adapter.next('completeReplacement')).resolve({
      ...newCard,
      action: {
        type: 'authenticate',
        clientSecret: 'seti_auth9_secret_x',
        publishableKey: 'pk_test_auth',
      },
    });
    await until(el, 'load_failed');
    expect(textOf(el, 'error')).to.equal(
      'Your bank couldn’t confirm the card. Try again, or use a different card.',
    );
    expect(adapter.callsOf('verify')).to.have.length(0);
    expect(hasButton(el, 'Try again')).to.equal(true);
  });

  it('shows a recoverable failure when Stripe.js cannot load, with the merchant’s fallback', async () => {
    const fake = new FakeStripe();
    let attempts = 0;
    const loader: StripeLoader = (key) =>
      ++attempts === 1 ? Promise.reject(new Error('Failed to load Stripe.js')) : fake.loader(key);
    const { el, adapter } = await open({ loader });
    const failed = oneEvent(el, 'cardkeep-error') as Promise<CardkeepErrorEvent>;
    (await adapter.next<SetupSession>('createSetupSession')).resolve(freshSession());
    expect((await failed).error.code).to.equal('network');
    await until(el, 'load_failed');
    expect(textOf(el, 'error')).to.equal(
      'The secure card form couldn’t load. Check your connection or browser settings and try again.',
    );
    const link = part(el, 'fallback') as HTMLAnchorElement;
    expect(link.textContent!.trim()).to.equal('Update your card on our account page');
    expect(link.href).to.equal(new URL('/account/card', location.href).href);
    expect(hasButton(el, 'Save card')).to.equal(false);
    expect(mounts()).to.have.length(0);
    await expect(el).to.be.accessible();

    button(el, 'Try again').focus();
    await sendKeys({ press: 'Enter' });
    (await adapter.next<SetupSession>('createSetupSession')).resolve(freshSession());
    await until(el, 'ready');
    expect(attempts).to.equal(2);
    expect(textOf(el, 'error')).to.equal('');
    expect(root(el).activeElement === part(el, 'title'), 'focus is not dropped to the page').to.be
      .true;
  });

  it('treats a Payment Element that cannot load as a failed load', async () => {
    const fake = new FakeStripe();
    fake.element = 'loaderror';
    const { el, adapter } = await open({ loader: fake.loader });
    (await adapter.next<SetupSession>('createSetupSession')).resolve(freshSession());
    await until(el, 'load_failed');
    expect(textOf(el, 'error')).to.contain('The secure card form couldn’t load.');
    expect(fake.methods).to.include('paymentElement.destroy');
    expect(mounts()).to.have.length(0);
  });

  it('shows the backend’s failure in the shopper’s words, without Try again when signed out', async () => {
    const { el, adapter, fake } = await open();
    (await adapter.next('createSetupSession')).reject(new CardkeepError('unauthorized'));
    await until(el, 'load_failed');
    expect(textOf(el, 'error')).to.equal(
      'This link has expired or was already used. Please sign in to your account to update your card.',
    );
    expect(hasButton(el, 'Try again')).to.equal(false);
    expect(part(el, 'fallback')).to.exist;
    expect(fake.loads, 'no Stripe.js without a session').to.deep.equal([]);
    await expect(el).to.be.accessible();
  });

  it('never links a fallback URL that is not http(s)', async () => {
    const { el, adapter } = await open();
    el.fallbackUrl = 'javascript:alert(1)';
    (await adapter.next('createSetupSession')).reject(new CardkeepError('server'));
    await until(el, 'load_failed');
    expect(part(el, 'fallback')).to.equal(null);
    expect(hasButton(el, 'Try again')).to.equal(true);
  });

  it('aborts the session call when removed, and ignores its late answer', async () => {
    const { el, adapter, fake } = await open();
    const call = await adapter.next('createSetupSession');
    el.remove();
    expect(call.signal!.aborted).to.equal(true);
    await nextTask();
    expect(fake.loads).to.deep.equal([]);
    expect(mounts()).to.have.length(0);
  });

  it('removes Stripe’s frame when removed, and opens afresh when put back', async () => {
    const { el, adapter, fake } = await openReady();
    const parent = el.parentElement!;
    el.remove();
    expect(mounts()).to.have.length(0);
    expect(fake.methods).to.include('paymentElement.destroy');
    parent.append(el);
    (await adapter.next<SetupSession>('createSetupSession')).resolve(freshSession());
    await until(el, 'ready');
    expect(mounts()).to.have.length(1);
  });

  it('ignores Stripe’s answer when removed while confirming', async () => {
    const { el, adapter, fake } = await openReady();
    const confirm = deferred<{ setupIntent: { id: string; status: string } }>();
    fake.confirmResults.push(confirm.promise);
    let updated = 0;
    el.addEventListener('cardkeep-updated', () => updated++);
    button(el, 'Save card').click();
    await until(el, 'submitting');
    el.remove();
    confirm.resolve({ setupIntent: { id: 'seti_new1', status: 'succeeded' } });
    await nextTask();
    expect(adapter.callsOf('completeReplacement')).to.have.length(0);
    expect(updated).to.equal(0);
  });

  it('fires a non-bubbling cancel event from Cancel', async () => {
    const { el } = await openReady();
    let bubbled = false;
    document.addEventListener('cancel', () => (bubbled = true), { once: true });
    const cancelled = oneEvent(el, 'cancel');
    button(el, 'Cancel').click();
    await cancelled;
    expect(bubbled).to.equal(false);
  });

  it('speaks Japanese, and so does Stripe’s frame', async () => {
    const { el, fake } = await openReady({ lang: 'ja' });
    expect(textOf(el, 'title')).to.equal('別のカードを使う');
    expect(hasButton(el, 'カードを保存')).to.equal(true);
    expect((fake.calls[0]!.args[0] as { locale: string }).locale).to.equal('ja');
    await expect(el).to.be.accessible();
  });

  for (const [lang, thanks, save] of [
    ['en', 'You now pay with Link. Your payment of ¥1,980 went through.', 'Save card'],
    ['ja', 'お支払い方法をLinkに変更しました。 1,980円のお支払いが完了しました。', 'カードを保存'],
  ] as const) {
    it(`thanks for Link, saved by a form widened to it, in words without any number (${lang})`, async () => {
      const { el, adapter } = await openReady({ lang });
      const updated = oneEvent(el, 'cardkeep-updated') as Promise<CardkeepUpdatedEvent>;
      button(el, save).click();
      (await adapter.next<UpdateResult>('completeReplacement')).resolve({
        id: 'pm_link',
        kind: 'link',
        status: 'ok',
        payment: { status: 'succeeded', amount: 1980, currency: 'jpy' },
      });
      await until(el, 'success');
      expect(textOf(el, 'status')).to.equal(thanks);
      expect((await updated).card).to.deep.include({ id: 'pm_link', kind: 'link' });
      await expect(el).to.be.accessible();
    });
  }

  it('takes the merchant’s wording from the messages attribute', async () => {
    const adapter = new FakeAdapter();
    const fake = new FakeStripe();
    const el = await fixture<CardkeepReplaceCard>(
      html`<cardkeep-replace-card
        messages='{"saveCard": "Use this card", "replaced": "Done: {card}"}'
        .adapter=${adapter}
        .stripeLoader=${fake.loader}
      ></cardkeep-replace-card>`,
    );
    (await adapter.next<SetupSession>('createSetupSession')).resolve(freshSession());
    await until(el, 'ready');
    button(el, 'Use this card').click();
    (await adapter.next<UpdateResult>('completeReplacement')).resolve(newCard);
    await until(el, 'success');
    expect(textOf(el, 'status')).to.equal('Done: Mastercard •••• 4444');
  });

  it('keeps Stripe’s frame visible against hostile page CSS', async () => {
    const style = document.createElement('style');
    style.textContent = 'div { display: none !important; margin: 40px !important; }';
    document.head.append(style);
    try {
      await openReady();
      const [mount] = mounts();
      expect(getComputedStyle(mount!).display).to.equal('block');
      expect(getComputedStyle(mount!).marginTop).to.equal('0px');
    } finally {
      style.remove();
    }
  });

  describe('back from the bank’s page (a redirect)', () => {
    const here = location.href;
    afterEach(() => history.replaceState(null, '', here));

    /** The page as Stripe sends the shopper back to it, with `status` as redirect_status. */
    function returnFrom(status: string, key = `pk_test_${++keyCounter}`) {
      const url = new URL(here);
      url.searchParams.set('cardkeep_pk', key);
      url.searchParams.set('setup_intent', 'seti_back1');
      url.searchParams.set('setup_intent_client_secret', 'seti_back1_secret_zz');
      url.searchParams.set('redirect_status', status);
      history.replaceState(null, '', url.href);
      return key;
    }

    it('finishes the replacement Stripe confirmed, and clears the address so a reload does not', async () => {
      const key = returnFrom('succeeded');
      const fake = new FakeStripe();
      fake.retrieveResults.push({ setupIntent: { id: 'seti_back1', status: 'succeeded' } });
      const updated = new Promise<CardkeepUpdatedEvent>((resolve) =>
        document.addEventListener('cardkeep-updated', (e) => resolve(e as CardkeepUpdatedEvent), {
          once: true,
        }),
      );
      const { el, adapter } = await open({ loader: fake.loader });
      expect(location.search).to.equal(new URL(here).search);
      const complete = await adapter.next<UpdateResult>('completeReplacement');
      expect(complete.input).to.deep.equal({ setupIntentId: 'seti_back1' });
      expect(fake.loads).to.deep.equal([key]);
      expect(fake.calls[0]).to.deep.equal({
        method: 'retrieveSetupIntent',
        args: ['seti_back1_secret_zz'],
      });
      expect(adapter.callsOf('createSetupSession'), 'no new form').to.have.length(0);
      complete.resolve(newCard);
      expect((await updated).card.last4).to.equal('4444');
      await until(el, 'success');
      expect(textOf(el, 'status')).to.contain('Your new Mastercard •••• 4444 is saved.');
    });

    it('says a card the bank did not confirm was not saved, and offers a new form', async () => {
      returnFrom('failed');
      const fake = new FakeStripe();
      fake.retrieveResults.push({
        setupIntent: { id: 'seti_back1', status: 'requires_payment_method' },
      });
      const { el, adapter } = await open({ loader: fake.loader, lang: 'ja' });
      await until(el, 'load_failed');
      expect(textOf(el, 'error')).to.contain('新しいカードの確認ができなかったため');
      expect(adapter.callsOf('completeReplacement')).to.have.length(0);
      button(el, 'もう一度試す').click();
      (await adapter.next<SetupSession>('createSetupSession')).resolve(freshSession());
      await until(el, 'ready');
    });

    it('says a card still being confirmed is not saved yet', async () => {
      returnFrom('processing');
      const fake = new FakeStripe();
      fake.retrieveResults.push({ setupIntent: { id: 'seti_back1', status: 'processing' } });
      const { el, adapter } = await open({ loader: fake.loader });
      await until(el, 'load_failed');
      expect(textOf(el, 'error')).to.equal(
        'Your bank is still confirming the new card, so it isn’t saved yet. Please try again in a few minutes.',
      );
      expect(adapter.callsOf('completeReplacement')).to.have.length(0);
      await expect(el).to.be.accessible();
    });
  });

  describe('inside another element’s shadow root', () => {
    class Host extends HTMLElement {
      constructor() {
        super();
        this.attachShadow({ mode: 'open' });
      }
    }
    before(() => customElements.define('test-replace-host', Host));

    it('mounts Stripe’s frame on the outer host through a forwarded slot', async () => {
      const adapter = new FakeAdapter();
      const fake = new FakeStripe();
      const host = await fixture<Host>(html`<test-replace-host></test-replace-host>`);
      host.shadowRoot!.innerHTML =
        '<cardkeep-replace-card><slot name="payment-element" slot="payment-element"></slot></cardkeep-replace-card>';
      const el = host.shadowRoot!.querySelector('cardkeep-replace-card')!;
      el.stripeLoader = fake.loader;
      el.adapter = adapter;
      (await adapter.next<SetupSession>('createSetupSession')).resolve(freshSession());
      await until(el, 'ready');
      const [mount] = mounts();
      expect(mount!.parentElement).to.equal(host);
      expect(mount!.assignedSlot!.assignedSlot!.getRootNode()).to.equal(el.shadowRoot);
      expect(mount!.querySelector('iframe')).to.exist;
    });

    it('reports a failed load, not a blank form, when the slot is not forwarded', async () => {
      const adapter = new FakeAdapter();
      const fake = new FakeStripe();
      const host = await fixture<Host>(html`<test-replace-host></test-replace-host>`);
      host.shadowRoot!.innerHTML = '<cardkeep-replace-card></cardkeep-replace-card>';
      const el = host.shadowRoot!.querySelector('cardkeep-replace-card')!;
      el.stripeLoader = fake.loader;
      el.adapter = adapter;
      (await adapter.next<SetupSession>('createSetupSession')).resolve(freshSession());
      await until(el, 'load_failed');
      expect(textOf(el, 'error')).to.contain('The secure card form couldn’t load.');
      expect(el.querySelector('[slot]'), 'no container left behind').to.equal(null);
    });
  });

  describe('with the real loadStripe (no stand-in)', () => {
    it('shows the failed load offline and recovers once Stripe is available', async () => {
      const adapter = new FakeAdapter();
      const el = await fixture<CardkeepReplaceCard>(
        html`<cardkeep-replace-card .adapter=${adapter}></cardkeep-replace-card>`,
      );
      (await adapter.next<SetupSession>('createSetupSession')).resolve(freshSession());
      // The test browser resolves no outside host: js.stripe.com is unreachable, as offline.
      await until(el, 'load_failed');
      expect(textOf(el, 'error')).to.contain('The secure card form couldn’t load.');
      expect(document.querySelector('script[src^="https://js.stripe.com/"]')).to.exist;

      // Stripe becomes available (here: the merchant hands over their own), and Try again works.
      const fake = new FakeStripe();
      setStripeLoader(fake.loader);
      button(el, 'Try again').click();
      (await adapter.next<SetupSession>('createSetupSession')).resolve(freshSession());
      await until(el, 'ready');
      expect(mounts()).to.have.length(1);
    });
  });

  describe('where Stripe.js comes from', () => {
    /** A form for `adapter`, with `loader` of its own or (undefined) the page's. */
    const form = (adapter: FakeAdapter, loader: StripeLoader | undefined) =>
      fixture<CardkeepReplaceCard>(
        html`<div>
          <cardkeep-replace-card
            .adapter=${adapter}
            .stripeLoader=${loader}
          ></cardkeep-replace-card>
        </div>`,
      ).then((div) => div.querySelector('cardkeep-replace-card')!);

    it('two forms with loaders of their own each load their own Stripe, even for one key', async () => {
      const key = freshSession();
      const forms = [new FakeStripe(), new FakeStripe()].map(async (fake) => {
        const adapter = new FakeAdapter();
        const el = await form(adapter, fake.loader);
        (await adapter.next<SetupSession>('createSetupSession')).resolve(key);
        await until(el, 'ready');
        return fake;
      });
      for (const fake of await Promise.all(forms)) {
        expect(fake.loads).to.deep.equal([key.publishableKey]);
        expect(fake.methods, 'its frame is mounted with its own Stripe').to.include('elements');
      }
    });

    it('forms without a loader share the page’s: Stripe.js loads once for the page', async () => {
      const fake = new FakeStripe();
      setStripeLoader(fake.loader);
      const key = freshSession();
      for (let i = 0; i < 2; i++) {
        const adapter = new FakeAdapter();
        const el = await form(adapter, undefined);
        (await adapter.next<SetupSession>('createSetupSession')).resolve(key);
        await until(el, 'ready');
      }
      expect(fake.loads).to.deep.equal([key.publishableKey]);
      expect(fake.methods.filter((m) => m === 'elements')).to.have.length(2);
    });
  });

  describe('with the MemoryAdapter', () => {
    it('replaces the demo card and retries the failed renewal', async () => {
      const adapter = new MemoryAdapter();
      const fake = new FakeStripe();
      const updated: CardkeepUpdatedEvent[] = [];
      const el = await fixture<CardkeepReplaceCard>(
        html`<cardkeep-replace-card
          .adapter=${adapter}
          .stripeLoader=${fake.loader}
          @cardkeep-updated=${(event: CardkeepUpdatedEvent) => updated.push(event)}
        ></cardkeep-replace-card>`,
      );
      await until(el, 'ready');
      button(el, 'Save card').click();
      await until(el, 'success');
      expect(textOf(el, 'status')).to.match(
        /^Your new Mastercard •••• 4444 is saved\. Your payment of .+ went through\.$/,
      );
      expect(updated).to.have.length(1);
      expect(await adapter.getCard()).to.deep.include({ last4: '4444', status: 'ok' });
    });
  });
});
