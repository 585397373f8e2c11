import '../../support/setup.js';
import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../../src/define.js';
import type { CardkeepBanner } from '../../../src/components/banner/banner.js';
import type { CardkeepExpiryForm } from '../../../src/components/expiry-form/expiry-form.js';
import { forgetLinkToken } from '../../../src/adapter/link-token.js';
import type { CardSummary, UpdateResult } from '../../../src/adapter/types.js';
import { CardkeepError } from '../../../src/core/errors.js';
import type { CardkeepDismissedEvent } from '../../../src/events/dismissed.js';
import type { CardkeepErrorEvent } from '../../../src/events/error.js';
import type { CardkeepOpenEvent } from '../../../src/events/open.js';
import type { CardkeepShownEvent } from '../../../src/events/shown.js';
import type { CardkeepUpdatedEvent } from '../../../src/events/updated.js';
import { MONTH, YEAR as year, testClock } from '../../support/clock.js';
import { FakeAdapter, card } from '../../support/fake-adapter.js';

const clock = testClock();
const yy = String(year + 2).slice(2);
const expired = card({ customerName: 'Aiko Tanaka', greetingName: 'Aiko', customerSince: 2019 });
/** Expires at the end of the test calendar's month, five days away: inside the warning window. */
const expiring = card({ expMonth: MONTH, expYear: year });
const fine = card({ expMonth: 12, expYear: year + 3 });

const visible = (el: HTMLElement) => getComputedStyle(el).display !== 'none';
const text = (el: CardkeepBanner) => el.shadowRoot!.textContent!.replace(/\s+/g, ' ');
const buttons = (el: CardkeepBanner) =>
  [...el.shadowRoot!.querySelectorAll<HTMLButtonElement>('button')].filter(
    (button) => !button.closest('cardkeep-expiry-form'),
  );
const button = (el: CardkeepBanner, name: string) =>
  buttons(el).find((b) => b.textContent!.trim() === name)!;
const innerForm = (el: CardkeepBanner) => el.shadowRoot!.querySelector('cardkeep-expiry-form');

/** One macrotask: lets a resolved call's continuation and the re-render it causes run. */
const tick = () =>
  new Promise<void>((resolve) => {
    // A MessageChannel task, unlike setTimeout and requestAnimationFrame, is not throttled
    // when the test page is in the background.
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve();
    channel.port2.postMessage(0);
  });

const mounted: Element[] = [];

/**
 * A banner whose backend answers getCard with `answer`, inside a `lang` container; its clock is
 * the test calendar's, or `today`.
 */
async function banner(
  answer: CardSummary | null,
  { attrs = '', lang = 'en', today }: { attrs?: string; lang?: string; today?: Date } = {},
) {
  const adapter = new FakeAdapter();
  const wrapper = document.createElement('div');
  wrapper.lang = lang;
  document.body.append(wrapper);
  mounted.push(wrapper);
  const events: Event[] = [];
  for (const type of ['shown', 'open', 'updated', 'error', 'dismissed']) {
    wrapper.addEventListener(`cardkeep-${type}`, (event) => events.push(event));
  }
  wrapper.innerHTML = `<cardkeep-banner ${attrs}></cardkeep-banner>`;
  const el = wrapper.firstElementChild as CardkeepBanner;
  el.adapter = adapter;
  el.now = today ? () => new Date(today) : clock;
  await el.updateComplete;
  expect(visible(el), 'quiet while loading').to.equal(false);
  (await adapter.next('getCard')).resolve(answer);
  await tick();
  await el.updateComplete;
  return { el, adapter, events };
}

describe('<cardkeep-banner>', () => {
  beforeEach(() => localStorage.clear());
  afterEach(() => mounted.splice(0).forEach((wrapper) => wrapper.remove()));

  it('shows nothing at all while the card is fine, or when there is none', async () => {
    for (const answer of [fine, null, expiring]) {
      const { el, events } = await banner(answer);
      expect(visible(el)).to.equal(false);
      expect(el.getBoundingClientRect().height).to.equal(0);
      expect(events).to.have.length(0);
    }
  });

  it('stays quiet and fires cardkeep-error when the card cannot be loaded', async () => {
    const adapter = new FakeAdapter();
    const el = await fixture<CardkeepBanner>(
      html`<cardkeep-banner .adapter=${adapter}></cardkeep-banner>`,
    );
    const failed = oneEvent(el, 'cardkeep-error') as Promise<CardkeepErrorEvent>;
    (await adapter.next('getCard')).reject(new CardkeepError('unauthorized'));
    expect((await failed).error.code).to.equal('unauthorized');
    await el.updateComplete;
    expect(visible(el)).to.equal(false);
  });

  it("tells an expired card's owner, by name, what happened and what to do", async () => {
    const { el, events } = await banner(expired);
    expect(visible(el)).to.equal(true);
    const said = text(el);
    expect(el.shadowRoot!.querySelector('h2')!.textContent).to.contain('Your card has expired');
    expect(said).to.contain('Hi Aiko,');
    expect(said).to.contain('Your Visa •••• 4242 expired in January 2020.');
    expect(said).to.contain('Thank you for being with us since 2019.');
    expect(buttons(el).map((b) => b.textContent!.trim())).to.deep.equal([
      'Update expiry date',
      'Use a different card',
    ]);
    const shown = events[0] as CardkeepShownEvent;
    expect(shown.type).to.equal('cardkeep-shown');
    expect(shown.notice).to.equal('expired');
    expect(shown.card).to.deep.equal(expired);
    await expect(el).to.be.accessible();
  });

  it('tells of a failed payment, which cannot be snoozed', async () => {
    const { el, events } = await banner(card({ ...fine, status: 'payment_failed' }), {
      attrs: 'dismissible',
    });
    expect(el.shadowRoot!.querySelector('h2')!.textContent).to.contain(
      'We couldn’t take your last payment',
    );
    expect(text(el)).to.not.contain('Hi ');
    expect(buttons(el).map((b) => b.textContent!.trim())).to.not.include('Remind me later');
    expect((events[0] as CardkeepShownEvent).notice).to.equal('payment_failed');
    await expect(el).to.be.accessible();
  });

  it('warns about a card expiring soon only when the merchant opts in with warn-days', async () => {
    // The 1st of a 31-day month: a card expiring at its end stops working in 31 days.
    const today = new Date(2031, 0, 1, 9, 0);
    const endOfJanuary = card({ expMonth: 1, expYear: 2031 });
    const quiet = await banner(endOfJanuary, { attrs: 'warn-days="30"', today });
    expect(visible(quiet.el), '31 days away is outside 30').to.equal(false);
    const { el, events } = await banner(endOfJanuary, { attrs: 'warn-days="31"', today });
    expect(el.shadowRoot!.querySelector('h2')!.textContent).to.contain('Your card expires soon');
    expect((events[0] as CardkeepShownEvent).notice).to.equal('expiring');
    await expect(el).to.be.accessible();
  });

  it('judges the card, the snooze and the entry by its `now`, not the machine clock', async () => {
    const today = new Date(2031, 1, 1, 9, 0);
    // Expired at the end of January 2031, for a banner that lives on 1 February 2031.
    const { el, events } = await banner(card({ expMonth: 1, expYear: 2031 }), {
      attrs: 'dismissible',
      today,
    });
    expect((events[0] as CardkeepShownEvent).notice).to.equal('expired');
    button(el, 'Remind me later').click();
    const dismissed = events.at(-1) as CardkeepDismissedEvent;
    expect(dismissed.until).to.equal(today.getTime() + 24 * 60 * 60 * 1000);

    // The same card a year earlier is fine; moving the clock decides afresh.
    // (Another card: pm_1 is snoozed until 2 February 2031.)
    const later = await banner(card({ id: 'pm_2', expMonth: 1, expYear: 2031 }), {
      today: new Date(2030, 0, 15),
    });
    expect(visible(later.el)).to.equal(false);
    later.el.now = () => new Date(2031, 1, 1, 9, 0);
    await later.el.updateComplete;
    expect(visible(later.el)).to.equal(true);

    // The form it opens shares the clock: January 2031 has passed there too.
    button(later.el, 'Update expiry date').click();
    await waitUntil(() => innerForm(later.el)?.shadowRoot?.activeElement?.tagName === 'INPUT');
    await sendKeys({ type: '0131' });
    await sendKeys({ press: 'Enter' });
    const form = innerForm(later.el)!;
    await form.updateComplete;
    expect(form.parsed).to.deep.equal({ ok: false, reason: 'past' });
    expect(later.adapter.calls.map((c) => c.method)).to.deep.equal(['getCard']);
  });

  it('opens the expiry form inline, focused, and saves the new date', async () => {
    const { el, adapter, events } = await banner(expired);
    button(el, 'Update expiry date').click();
    await waitUntil(() => innerForm(el)?.shadowRoot?.activeElement?.tagName === 'INPUT');
    expect((events.at(-1) as CardkeepOpenEvent).form).to.equal('expiry');
    expect(innerForm(el)!.shadowRoot!.querySelector('label')!.textContent).to.contain(
      'Expiry date',
    );
    // The notice above names the card; the form does not say it again before its field.
    const cardLine = innerForm(el)!.shadowRoot!.querySelector<HTMLElement>('[part~=card]')!;
    expect(visible(cardLine)).to.equal(false);
    await expect(el).to.be.accessible();

    await sendKeys({ type: `12${yy}` });
    await sendKeys({ press: 'Enter' });
    const call = await adapter.next<UpdateResult>('updateExpiry');
    expect(call.input).to.deep.equal({ cardId: 'pm_1', month: 12, year: year + 2 });
    call.resolve({
      ...expired,
      expMonth: 12,
      expYear: year + 2,
      payment: {
        status: 'succeeded',
        amount: 1980,
        currency: 'jpy',
        description: 'your monthly beans',
      },
    });
    await waitUntil(() => el.shadowRoot!.activeElement?.classList.contains('done'));
    const said = text(el);
    expect(said).to.contain('Thank you — your card is up to date');
    expect(said).to.contain(`Your Visa •••• 4242 is now valid through December 20${yy}.`);
    expect(said).to.contain('Your payment of ¥1,980 for your monthly beans went through.');
    const updated = events.filter((e) => e.type === 'cardkeep-updated') as CardkeepUpdatedEvent[];
    expect(updated, 'one event, from the form, through the banner').to.have.length(1);
    expect(updated[0]!.card).to.deep.equal({ ...expired, expMonth: 12, expYear: year + 2 });
    await expect(el).to.be.accessible();

    button(el, 'Close').click();
    await el.updateComplete;
    expect(visible(el)).to.equal(false);
  });

  it('Cancel and Escape close the open form, focus back on the button that opened it', async () => {
    const { el, events } = await banner(expired);
    for (const how of ['Cancel', 'Escape']) {
      button(el, 'Update expiry date').click();
      await waitUntil(() => innerForm(el)?.shadowRoot?.activeElement?.tagName === 'INPUT');
      // A shopper whose bank sent a new number can still get there from the open form.
      expect(buttons(el).map((b) => b.textContent!.trim())).to.deep.equal([
        'Cancel',
        'Use a different card',
      ]);
      await expect(el).to.be.accessible();
      if (how === 'Cancel') button(el, 'Cancel').click();
      else await sendKeys({ press: 'Escape' });
      await waitUntil(
        () => el.shadowRoot!.activeElement?.textContent!.trim() === 'Update expiry date',
        `${how}: focus back on "Update expiry date"`,
      );
      expect(innerForm(el), how).to.equal(null);
      expect(el.shadowRoot!.querySelector('h2')!.textContent).to.contain('Your card has expired');
    }
    expect(events.filter((e) => e.type === 'cardkeep-open')).to.have.length(2);
  });

  it('announces the thank-you and names it by the outcome; Close moves focus on, never to <body>', async () => {
    const { el, adapter } = await banner(expired);
    const next = document.createElement('button');
    next.textContent = 'Next on the page';
    el.after(next);
    // The live region is there, empty, before the outcome arrives: screen readers announce it.
    const live = el.shadowRoot!.querySelector('[role=status]')!;
    expect(live.textContent!.trim()).to.equal('');
    button(el, 'Update expiry date').click();
    await waitUntil(() => innerForm(el)?.shadowRoot?.activeElement?.tagName === 'INPUT');
    await sendKeys({ type: `12${yy}` });
    await sendKeys({ press: 'Enter' });
    (await adapter.next<UpdateResult>('updateExpiry')).resolve({
      ...expired,
      expMonth: 12,
      expYear: year + 2,
    });
    await waitUntil(() => el.shadowRoot!.activeElement?.classList.contains('done'));
    expect(el.shadowRoot!.querySelector('[role=status]'), 'the same live region').to.equal(live);
    expect(live.textContent).to.contain('Thank you — your card is up to date');
    expect(live.textContent).to.contain(`is now valid through December 20${yy}`);
    const focused = el.shadowRoot!.activeElement!;
    expect(focused.getAttribute('aria-label')).to.equal('Thank you — your card is up to date');
    await expect(el).to.be.accessible();

    button(el, 'Close').click();
    await waitUntil(() => document.activeElement === next, 'focus on what follows the banner');
    expect(visible(el)).to.equal(false);
  });

  it('opens the replacement form for "Use a different card"', async () => {
    const { el, adapter, events } = await banner(expired);
    button(el, 'Use a different card').click();
    // The replacement form is loaded on first use.
    const replace = await waitUntil(() =>
      el.shadowRoot!.querySelector('cardkeep-replace-card'),
    ).then(() => el.shadowRoot!.querySelector('cardkeep-replace-card')!);
    expect(replace.adapter).to.equal(adapter);
    expect((events.at(-1) as CardkeepOpenEvent).form).to.equal('replace');
    await adapter.next('createSetupSession');
  });

  it('hands its fallback-url to the replacement form, so no script is needed to set it', async () => {
    const { el, adapter } = await banner(expired, { attrs: 'fallback-url="/account/card"' });
    button(el, 'Use a different card').click();
    await waitUntil(() => el.shadowRoot!.querySelector('cardkeep-replace-card'));
    const replace = el.shadowRoot!.querySelector('cardkeep-replace-card')!;
    expect(replace.fallbackUrl).to.equal('/account/card');
    await adapter.next('createSetupSession');
  });

  it('snoozes for a day with "Remind me later", per card', async () => {
    const { el, events } = await banner(expired, { attrs: 'dismissible' });
    button(el, 'Remind me later').click();
    await el.updateComplete;
    expect(visible(el)).to.equal(false);
    const dismissed = events.at(-1) as CardkeepDismissedEvent;
    expect(dismissed.type).to.equal('cardkeep-dismissed');
    expect(dismissed.cardId).to.equal('pm_1');
    const day = 24 * 60 * 60 * 1000;
    expect(dismissed.until - clock().getTime()).to.be.within(day - 60_000, day);

    expect(visible((await banner(expired, { attrs: 'dismissible' })).el), 'same card').to.equal(
      false,
    );
    expect(visible((await banner(card({ id: 'pm_2' }))).el), 'another card').to.equal(true);
    localStorage.setItem('cardkeep:snooze:pm_1', String(clock().getTime() - 1));
    expect(visible((await banner(expired)).el), 'a day later').to.equal(true);
  });

  it('opens the form at once for a shopper who followed a signed link', async () => {
    const before = location.href;
    history.replaceState(null, '', '?cardkeep_token=tok_abc&keep=1');
    forgetLinkToken();
    try {
      const { el, events } = await banner(expired);
      expect(innerForm(el)).to.not.equal(null);
      expect(events.map((e) => e.type)).to.deep.equal(['cardkeep-shown', 'cardkeep-open']);
      expect(location.search, 'the token leaves the address bar').to.equal('?keep=1');
      await waitUntil(
        () => innerForm(el)?.shadowRoot?.activeElement?.tagName === 'INPUT',
        'the expiry field has the keyboard focus',
      );
    } finally {
      history.replaceState(null, '', before);
      forgetLinkToken();
    }
  });

  it('speaks Japanese under lang="ja", the inner form too', async () => {
    const names = { ...expired, greetingName: { en: 'Aiko', ja: '田中' } };
    const { el } = await banner(names, { lang: 'ja' });
    expect(text(el)).to.contain('2019年からのご愛顧');
    // A Japanese shop greets by family name; never the romanised full name.
    expect(el.shadowRoot!.querySelector('[part~=greeting]')!.textContent).to.equal('田中 様');
    expect(text(el)).to.not.contain('Aiko');
    expect(text(el)).to.contain('ご登録のVisa •••• 4242は、2020年1月で有効期限が切れています。');
    const open = buttons(el).find((b) => b.textContent!.includes('有効期限を更新'))!;
    open.click();
    await el.updateComplete;
    const form = innerForm(el) as CardkeepExpiryForm;
    await form.updateComplete;
    expect(form.shadowRoot!.querySelector('label')!.textContent).to.contain('有効期限');
    expect(form.shadowRoot!.querySelector('button')!.textContent!.trim()).to.equal('保存');
    await expect(el).to.be.accessible();
  });
  it("speaks the merchant's `messages` from its first paint, never the words they replace", async () => {
    const adapter = new FakeAdapter();
    const wrapper = document.createElement('div');
    document.body.append(wrapper);
    mounted.push(wrapper);
    wrapper.innerHTML = `<cardkeep-banner
      messages='{"updateExpiry": "Change the date", "expiredBody": "{card} ran out in {expiry}."}'
    ></cardkeep-banner>`;
    const el = wrapper.firstElementChild as CardkeepBanner;
    el.adapter = adapter;
    el.now = clock;
    const seen: string[] = [];
    new MutationObserver(() => seen.push(text(el))).observe(el.shadowRoot!, {
      childList: true,
      subtree: true,
      characterData: true,
    });
    (await adapter.next('getCard')).resolve(expired);
    await waitUntil(() => text(el).includes('Change the date'), 'the merchant’s button text');
    expect(text(el)).to.contain('Visa •••• 4242 ran out in January 2020.');
    expect(seen.filter((shown) => /Update expiry date|If your bank/.test(shown))).to.deep.equal([]);
  });
});
