import { nextTask } from '../../support/setup.js';
import { expect, html, oneEvent, waitUntil } from '@open-wc/testing';
import { render } from 'lit';
import type { TemplateResult } from 'lit';
import { sendKeys } from '@web/test-runner-commands';
import '../../../src/define.js';
import type { CardkeepExpiryForm } from '../../../src/components/expiry-form/expiry-form.js';
import { CardkeepError } from '../../../src/core/errors.js';
import type { CardkeepErrorEvent } from '../../../src/events/error.js';
import type { CardkeepOpenEvent } from '../../../src/events/open.js';
import type { CardkeepUpdatedEvent } from '../../../src/events/updated.js';
import { setStripeLoader } from '../../../src/stripe/page-stripe.js';
import type { CardOnFile, UpdateOutcome, UpdateResult } from '../../../src/adapter/types.js';
import { YEAR as year, onTestCalendar } from '../../support/clock.js';
import { FakeAdapter, card } from '../../support/fake-adapter.js';
import { deferred } from '../../support/fake-stripe-js.js';

const yy = String(year + 2).slice(2);

function parts(el: CardkeepExpiryForm) {
  const root = el.shadowRoot!;
  return {
    input: root.querySelector('input')!,
    label: root.querySelector('label'),
    save: root.querySelector<HTMLButtonElement>('button[type=submit]'),
    error: root.querySelector('[part=error]')!,
    result: root.querySelector<HTMLElement>('[part=result]'),
    status: root.querySelector('[role=status]'),
    text: () => root.textContent!.replace(/\s+/g, ' '),
  };
}

const mounted: Element[] = [];

/**
 * Renders `template` into a `lang` container in the page and returns the expiry form in it.
 * (Not open-wc's fixture: for a plain container it waits for an animation frame, which never
 * comes while the test page is in the background.)
 */
async function mount(template: TemplateResult, lang = 'en') {
  const wrapper = document.createElement('div');
  wrapper.lang = lang;
  document.body.append(wrapper);
  mounted.push(wrapper);
  render(template, wrapper);
  // Synchronously after render, before the elements' first update.
  onTestCalendar(wrapper);
  const el = wrapper.querySelector('cardkeep-expiry-form')!;
  await el.updateComplete;
  return el;
}

/** A form saving to a fake backend, for the card shown. */
async function form(adapter = new FakeAdapter(), lang = 'en') {
  const el = await mount(
    html`<cardkeep-expiry-form .adapter=${adapter} .card=${card()}></cardkeep-expiry-form>`,
    lang,
  );
  return { el, adapter };
}

async function type(el: CardkeepExpiryForm, text: string) {
  parts(el).input.focus();
  await sendKeys({ type: text });
  await el.updateComplete;
}

/** What an IME does: composition events around the text it commits. */
async function compose(el: CardkeepExpiryForm, text: string) {
  const { input } = parts(el);
  input.focus();
  input.dispatchEvent(new CompositionEvent('compositionstart', { bubbles: true }));
  input.value = text;
  input.dispatchEvent(
    new InputEvent('input', {
      bubbles: true,
      inputType: 'insertCompositionText',
      isComposing: true,
    }),
  );
  await el.updateComplete;
  const during = input.value;
  input.dispatchEvent(new CompositionEvent('compositionend', { bubbles: true, data: text }));
  await el.updateComplete;
  return during;
}

const saved = (overrides: Partial<CardOnFile & UpdateOutcome> = {}): UpdateResult => ({
  ...card({ expMonth: 12, expYear: year + 2 }),
  ...overrides,
});

describe('<cardkeep-expiry-form>', () => {
  afterEach(() => {
    setStripeLoader();
    mounted.splice(0).forEach((wrapper) => wrapper.remove());
  });

  it('is accessible, labelled "Expiry date (MM / YY)" and names the card it updates', async () => {
    const { el } = await form();
    const { input, label, save, text } = parts(el);
    await expect(el).to.be.accessible();
    expect(input.labels![0]).to.equal(label);
    expect(label!.textContent).to.contain('Expiry date (MM / YY)');
    expect(input.autocomplete).to.equal('cc-exp');
    expect(input.inputMode).to.equal('numeric');
    expect(save!.textContent!.trim()).to.equal('Save');
    expect(text()).to.contain('Visa •••• 4242');
    // Never more than the expiry: no card number, name or e-mail field.
    expect(el.shadowRoot!.querySelectorAll('input')).to.have.length(1);
  });

  it('formats digits as they are typed and keeps the caret after them', async () => {
    const { el } = await form();
    await type(el, '1230');
    const { input } = parts(el);
    expect(input.value).to.equal('12 / 30');
    expect(input.selectionStart).to.equal(7);
    input.value = '';
    input.dispatchEvent(new InputEvent('input', { inputType: 'deleteContentBackward' }));
    await type(el, '4');
    expect(input.value).to.equal('04 / ');
  });

  it('lets backspace step back over the separator', async () => {
    const { el } = await form();
    await type(el, '12');
    const { input } = parts(el);
    expect(input.value).to.equal('12 / ');
    await sendKeys({ press: 'Backspace' });
    await el.updateComplete;
    expect(input.value).to.equal('12');
    await sendKeys({ press: 'Backspace' });
    expect(input.value).to.equal('1');
  });

  it('leaves an IME composition alone and formats full-width digits once it ends', async () => {
    const { el } = await form();
    const during = await compose(el, '１２３０');
    expect(during, 'mid-composition').to.equal('１２３０');
    expect(parts(el).input.value).to.equal('12 / 30');
  });

  it('takes a pasted date in any common shape', async () => {
    const { el } = await form();
    const { input } = parts(el);
    input.focus();
    input.value = `12/${year + 2}`;
    input.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertFromPaste' }));
    await el.updateComplete;
    expect(input.value).to.equal(`12 / ${year + 2}`);
    expect(el.value).to.equal(`12/${year + 2}`);
  });

  it('shows what is wrong only after blur, without erasing the entry', async () => {
    const { el } = await form();
    await type(el, '1330');
    const { input, error } = parts(el);
    expect(input.getAttribute('aria-invalid')).to.equal('false');
    expect(error.textContent!.trim()).to.equal('');
    input.blur();
    await el.updateComplete;
    expect(error.textContent).to.contain('The month must be 01–12.');
    expect(input.getAttribute('aria-invalid')).to.equal('true');
    expect(input.getAttribute('aria-describedby')!.split(' ')).to.include(error.id);
    expect(error.getAttribute('aria-live')).to.equal('polite');
    expect(input.value).to.equal('13 / 30');
    await expect(el).to.be.accessible();
  });

  const reasons: Array<[string, string, string, string]> = [
    ['empty', '', 'Enter the expiry date printed on your card', '有効期限を MM / YY の形式で'],
    ['format', '123', 'Enter the date as MM / YY', 'MM / YY の形式で入力'],
    ['month', '1330', 'The month must be 01–12.', '月は 01〜12 で入力してください。'],
    ['past', '0120', 'This date has passed — check the new card.', 'この日付はすでに過ぎています'],
    ['too_far', '1299', 'That date is too far ahead', '日付が先すぎます'],
  ];
  for (const [reason, typed, english, japanese] of reasons) {
    it(`says what to do about a ${reason} entry on submit, in English and Japanese`, async () => {
      for (const [lang, expected] of [
        ['en', english],
        ['ja', japanese],
      ] as const) {
        const { el, adapter } = await form(new FakeAdapter(), lang);
        if (typed) await type(el, typed);
        parts(el).input.focus();
        await sendKeys({ press: 'Enter' });
        await el.updateComplete;
        expect(parts(el).error.textContent, lang).to.contain(expected);
        expect(el.shadowRoot!.activeElement === parts(el).input, 'focus stays in the field').to.be
          .true;
        expect(adapter.calls, 'nothing sent').to.have.length(0);
      }
    });
  }

  it('judges the entry by its `now`: the current month is fine, the one before has passed', async () => {
    const { el } = await form();
    el.now = () => new Date(2030, 2, 31, 23, 59);
    await type(el, '0330');
    expect(el.parsed).to.deep.equal({ ok: true, month: 3, year: 2030 });
    parts(el).input.value = '';
    await type(el, '0230');
    el.now = () => new Date(2030, 2, 1);
    await el.updateComplete;
    expect(el.parsed).to.deep.equal({ ok: false, reason: 'past' });
    parts(el).input.blur();
    await el.updateComplete;
    expect(parts(el).error.textContent).to.contain('This date has passed');
  });

  it('saves through the adapter: busy button, one call for a double click, then the confirmation', async () => {
    const { el, adapter } = await form();
    await type(el, `12${yy}`);
    const { save } = parts(el);
    save!.click();
    save!.click();
    await el.updateComplete;
    expect(save!.getAttribute('aria-busy')).to.equal('true');
    expect(parts(el).status!.textContent).to.contain('Saving…');
    await expect(el).to.be.accessible();
    const call = await adapter.next<UpdateResult>('updateExpiry');
    expect(adapter.callsOf('updateExpiry')).to.have.length(1);
    expect(call.input).to.deep.equal({ cardId: 'pm_1', month: 12, year: year + 2 });
    expect(call.signal).to.be.instanceOf(AbortSignal);

    const updated = oneEvent(el, 'cardkeep-updated') as Promise<CardkeepUpdatedEvent>;
    call.resolve(saved({ payment: { status: 'succeeded', amount: 1980, currency: 'jpy' } }));
    const event = await updated;
    expect(event.card).to.deep.equal(saved());
    expect(event.payment).to.deep.equal({ status: 'succeeded', amount: 1980, currency: 'jpy' });
    expect(event.bubbles && event.composed).to.equal(true);
    await waitUntil(() => parts(el).result && el.shadowRoot!.activeElement === parts(el).result);
    const { text } = parts(el);
    expect(text()).to.contain('Thank you — your card is up to date');
    expect(text()).to.contain(`Your Visa •••• 4242 is now valid through December 20${yy}.`);
    expect(text()).to.contain('Your payment of ¥1,980 went through.');
    await expect(el).to.be.accessible();
  });

  it('shows amounts in currencies with cents, and a retried payment that failed again', async () => {
    const { el, adapter } = await form();
    await type(el, `12${yy}\n`);
    (await adapter.next<UpdateResult>('updateExpiry')).resolve(
      saved({ payment: { status: 'failed', amount: 1999, currency: 'usd' } }),
    );
    await waitUntil(() => parts(el).result);
    expect(parts(el).text()).to.contain('The payment still didn’t go through.');
    const other = el.shadowRoot!.querySelector<HTMLButtonElement>('[part=result] button')!;
    expect(other.textContent!.trim()).to.equal('Use a different card');

    const again = await form();
    await type(again.el, `12${yy}\n`);
    (await again.adapter.next<UpdateResult>('updateExpiry')).resolve(
      saved({ payment: { status: 'succeeded', amount: 1999, currency: 'usd' } }),
    );
    await waitUntil(() => parts(again.el).result);
    expect(parts(again.el).text()).to.contain('Your payment of $19.99 went through.');
  });

  it('offers "Try again" after a retryable failure, keeping the entry', async () => {
    const { el, adapter } = await form();
    await type(el, `12${yy}\n`);
    const failed = oneEvent(el, 'cardkeep-error') as Promise<CardkeepErrorEvent>;
    (await adapter.next('updateExpiry')).reject(new CardkeepError('network'));
    expect((await failed).error.code).to.equal('network');
    await waitUntil(() => el.shadowRoot!.activeElement === parts(el).result);
    const { result, input } = parts(el);
    expect(result!.getAttribute('role')).to.equal('alert');
    expect(result!.textContent).to.contain('We couldn’t reach the shop.');
    expect(input.value).to.equal(`12 / ${yy}`);
    await expect(el).to.be.accessible();
    const retry = result!.querySelector('button')!;
    expect(retry.textContent!.trim()).to.equal('Try again');
    retry.click();
    const second = await adapter.next<UpdateResult>('updateExpiry');
    expect(second.input).to.deep.equal({ cardId: 'pm_1', month: 12, year: year + 2 });
    second.resolve(saved());
    await waitUntil(() => parts(el).text().includes('up to date'));
  });

  it('explains a decline and offers the replacement form in place', async () => {
    const { el, adapter } = await form();
    await type(el, `12${yy}\n`);
    (await adapter.next('updateExpiry')).reject(new CardkeepError('card_declined'));
    await waitUntil(() => parts(el).result);
    const { result } = parts(el);
    expect(result!.textContent).to.contain('It may have issued you a new card number');
    const buttons = [...result!.querySelectorAll('button')].map((b) => b.textContent!.trim());
    expect(buttons).to.deep.equal(['Use a different card']);
    const opened = oneEvent(el, 'cardkeep-open') as Promise<CardkeepOpenEvent>;
    result!.querySelector('button')!.click();
    expect((await opened).form).to.equal('replace');
    await el.updateComplete;
    const replace = el.shadowRoot!.querySelector('cardkeep-replace-card')!;
    expect(replace.adapter).to.equal(adapter);
    await adapter.next('createSetupSession');
  });

  it('says a used or expired link needs a sign-in, with no pointless retry', async () => {
    const { el, adapter } = await form(new FakeAdapter(), 'ja');
    await type(el, `12${yy}\n`);
    (await adapter.next('updateExpiry')).reject(new CardkeepError('unauthorized'));
    await waitUntil(() => parts(el).result);
    expect(parts(el).result!.textContent).to.contain(
      'アカウントにログインしてカードを更新してください',
    );
    expect(parts(el).result!.querySelector('button')).to.equal(null);
  });

  it('aborts the save when removed and ignores a late answer', async () => {
    const adapter = new FakeAdapter({ honourAbort: false });
    const { el } = await form(adapter);
    await type(el, `12${yy}\n`);
    const call = await adapter.next<UpdateResult>('updateExpiry');
    let events = 0;
    el.addEventListener('cardkeep-updated', () => events++);
    el.addEventListener('cardkeep-error', () => events++);
    el.remove();
    expect(call.signal!.aborted).to.equal(true);
    call.resolve(saved());
    await nextTask();
    expect(events).to.equal(0);
    document.body.append(el);
    await el.updateComplete;
    expect(parts(el).save!.getAttribute('aria-busy')).to.equal('false');
    expect(parts(el).input.value).to.equal(`12 / ${yy}`);
    el.remove();
  });

  it('finishes an issuer authentication with Stripe, then verifies with the backend', async () => {
    const nextActions: unknown[] = [];
    setStripeLoader(
      async () =>
        ({
          handleNextAction: async (options: unknown) => {
            nextActions.push(options);
            return { setupIntent: { id: 'seti_1' } };
          },
        }) as never,
    );
    const { el, adapter } = await form();
    await type(el, `12${yy}\n`);
    (await adapter.next<UpdateResult>('updateExpiry')).resolve(
      saved({
        action: {
          type: 'authenticate',
          clientSecret: 'seti_1_secret_x',
          publishableKey: 'pk_test_1',
        },
      }),
    );
    const verify = await adapter.next<UpdateResult>('verify');
    expect(parts(el).status!.textContent).to.contain('Please confirm with your bank to finish.');
    expect(nextActions).to.deep.equal([{ clientSecret: 'seti_1_secret_x' }]);
    expect(verify.input).to.deep.equal({ setupIntentId: 'seti_1' });
    verify.resolve(saved());
    await waitUntil(() => parts(el).text().includes('up to date'));
  });

  it('says so when the bank refuses the authentication, offering both ways on', async () => {
    setStripeLoader(
      async () =>
        ({
          handleNextAction: async () => ({
            error: { type: 'card_error', message: 'Authentication failed' },
          }),
        }) as never,
    );
    const { el, adapter } = await form();
    await type(el, `12${yy}\n`);
    (await adapter.next<UpdateResult>('updateExpiry')).resolve(
      saved({
        action: {
          type: 'authenticate',
          clientSecret: 'seti_1_secret_x',
          publishableKey: 'pk_test_1',
        },
      }),
    );
    await waitUntil(() => parts(el).result);
    expect(parts(el).result!.textContent).to.contain('Your bank couldn’t confirm the card.');
    expect(adapter.callsOf('verify')).to.have.length(0);
  });

  /** The retried renewal's PaymentIntent, waiting for the shopper to confirm it. */
  const paymentAction = {
    type: 'authenticate',
    intent: 'payment',
    clientSecret: 'pi_7_secret_y',
    publishableKey: 'pk_test_1',
  } as const;
  const due = { status: 'requires_action', amount: 1980, currency: 'jpy' } as const;

  /** Stripe.js whose bank window is held until the test settles `answer`. */
  function heldChallenge() {
    const answer = deferred<{ error?: { type: string; message: string } }>();
    const asked: unknown[] = [];
    setStripeLoader(
      async () =>
        ({
          handleNextAction: (options: unknown) => {
            asked.push(options);
            return answer.promise;
          },
        }) as never,
    );
    return { answer, asked };
  }

  it('says each step of a payment the bank wants confirmed, then that it went through', async () => {
    const { answer, asked } = heldChallenge();
    const { el, adapter } = await form();
    const updates: CardkeepUpdatedEvent[] = [];
    el.addEventListener('cardkeep-updated', (event) => updates.push(event));
    await type(el, `12${yy}\n`);
    (await adapter.next<UpdateResult>('updateExpiry')).resolve(
      saved({ status: 'payment_failed', action: paymentAction, payment: due }),
    );
    // The date is saved; the live region says what comes next before the bank's window opens.
    await waitUntil(() => asked.length === 1);
    await el.updateComplete;
    expect(parts(el).status!.textContent).to.contain(
      'Saved. Now your bank wants you to confirm the payment',
    );
    expect(asked).to.deep.equal([{ clientSecret: 'pi_7_secret_y' }]);
    answer.resolve({});
    const verify = await adapter.next<UpdateResult>('verify');
    expect(verify.input).to.deep.equal({ paymentIntentId: 'pi_7' });
    verify.resolve(saved({ payment: { status: 'succeeded', amount: 1980, currency: 'jpy' } }));
    await waitUntil(() => parts(el).result);
    await el.updateComplete;
    expect(parts(el).result!.textContent).to.contain(
      'Payment confirmed: your payment of ¥1,980 went through.',
    );
    expect(parts(el).result!.getAttribute('role')).to.equal('status');
    expect(el.shadowRoot!.activeElement).to.equal(parts(el).result);
    expect(updates[0]!.payment).to.deep.equal({
      status: 'succeeded',
      amount: 1980,
      currency: 'jpy',
      challenge: 'confirmed',
    });
  });

  it('says the payment is still due when the shopper closes the bank’s window (in Japanese too)', async () => {
    const { answer } = heldChallenge();
    const { el, adapter } = await form(new FakeAdapter(), 'ja');
    await type(el, `12${yy}\n`);
    (await adapter.next<UpdateResult>('updateExpiry')).resolve(
      saved({ status: 'payment_failed', action: paymentAction, payment: due }),
    );
    await waitUntil(() => parts(el).status?.textContent?.includes('カード会社の確認が必要です'));
    answer.resolve({
      error: {
        type: 'invalid_request_error',
        message: 'We are unable to authenticate your payment method.',
      },
    });
    await waitUntil(() => parts(el).result);
    await el.updateComplete;
    const shown = parts(el).result!.textContent!;
    expect(shown).to.contain('お支払いの確認が完了しませんでした');
    expect(shown).to.contain('1,980円のお支払いはまだ完了していません');
    // Nothing was confirmed, so the backend is not asked; another card is offered.
    expect(adapter.callsOf('verify')).to.have.length(0);
    expect(parts(el).result!.querySelector('button')!.textContent).to.contain('別のカードを使う');
  });

  it('loads the card to show when used stand-alone', async () => {
    const adapter = new FakeAdapter();
    const el = await mount(
      html`<cardkeep-expiry-form card-id="pm_9" .adapter=${adapter}></cardkeep-expiry-form>`,
    );
    (await adapter.next('getCard')).resolve(card({ id: 'pm_9', brand: 'jcb', last4: '0005' }));
    await waitUntil(() => parts(el).text().includes('JCB •••• 0005'));
    await type(el, `12${yy}\n`);
    expect((await adapter.next('updateExpiry')).input).to.deep.include({ cardId: 'pm_9' });
  });

  it('speaks Japanese under lang="ja", and takes the merchant\'s wording', async () => {
    const { el } = await form(new FakeAdapter(), 'ja');
    expect(parts(el).label!.textContent).to.contain('有効期限');
    expect(parts(el).save!.textContent!.trim()).to.equal('保存');
    el.setAttribute('messages', JSON.stringify({ save: '更新する' }));
    await el.updateComplete;
    expect(parts(el).save!.textContent!.trim()).to.equal('更新する');
    el.parentElement!.setAttribute('lang', 'en');
    await waitUntil(() => parts(el).label!.textContent!.includes('Expiry date'));
  });

  describe("inside a merchant's <form>", () => {
    async function checkout() {
      const el = await mount(
        html`<form>
          <fieldset>
            <cardkeep-expiry-form name="exp"></cardkeep-expiry-form>
          </fieldset>
          <button>Pay</button>
        </form>`,
      );
      const outer = el.closest('form')!;
      return { outer, el };
    }

    it('submits MM/YYYY under its name and nothing else', async () => {
      const { outer, el } = await checkout();
      expect(parts(el).save, 'no Save button of its own').to.equal(null);
      await type(el, `12${yy}`);
      expect(el.form).to.equal(outer);
      expect(new FormData(outer).get('exp')).to.equal(`12/${year + 2}`);
      const submitted = oneEvent(outer, 'submit');
      outer.addEventListener('submit', (event) => event.preventDefault());
      await sendKeys({ press: 'Enter' });
      await submitted;
    });

    it('blocks submission while invalid, with a localised message', async () => {
      const { outer, el } = await checkout();
      expect(outer.checkValidity()).to.equal(false);
      await type(el, '1330');
      expect(outer.checkValidity()).to.equal(false);
      expect(el.checkValidity()).to.equal(false);
      expect(el.validationMessage).to.equal('The month must be 01–12.');
      let submitted = false;
      outer.addEventListener('submit', (event) => {
        submitted = true;
        event.preventDefault();
      });
      outer.requestSubmit();
      await el.updateComplete;
      expect(submitted).to.equal(false);
      expect(parts(el).error.textContent).to.contain('The month must be 01–12.');
      expect(new FormData(outer).get('exp')).to.equal(null);
    });

    it('resets and disables with the form', async () => {
      const { outer, el } = await checkout();
      await type(el, `12${yy}`);
      outer.reset();
      await el.updateComplete;
      expect(parts(el).input.value).to.equal('');
      outer.querySelector('fieldset')!.disabled = true;
      await el.updateComplete;
      expect(parts(el).input.disabled).to.equal(true);
    });
  });
});
