// Where focus goes after each way out of the banner (issue 18): never to <body>. Close and
// "Remind me later" hide the banner: focus goes to the element the merchant names in
// `focus-after-close`, else on to what follows the banner. Cancel goes back to the notice,
// on the button that opened the form, from the expiry form and from the replacement form
// alike; Cancel in the replacement form a decline opened goes back to its "Use a different card".
import '../../support/setup.js';
import { expect, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../../src/define.js';
import type { CardkeepBanner } from '../../../src/components/banner/banner.js';
import type { CardSummary, UpdateResult } from '../../../src/adapter/types.js';
import { CardkeepError } from '../../../src/core/errors.js';
import { YEAR as year, testClock } from '../../support/clock.js';
import { FakeAdapter, card } from '../../support/fake-adapter.js';

const clock = testClock();
const yy = String(year + 2).slice(2);
const expired = card({ expMonth: 1, expYear: year });
const mounted: Element[] = [];

const shadow = (el: Element) => el.shadowRoot!;
const innerForm = (el: CardkeepBanner) => shadow(el).querySelector('cardkeep-expiry-form');
const buttonIn = (root: ParentNode, name: string) =>
  [...root.querySelectorAll('button')].find((b) => b.textContent!.trim() === name)!;
const visible = (el: HTMLElement) => getComputedStyle(el).display !== 'none';

/** The element that has the focus, looking into shadow roots. */
function deepActive(): Element | null {
  let active = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active;
}

/**
 * A page with a heading before the banner and a link after it; the banner's getCard answers
 * `answer`. `attrs` go on the banner.
 */
async function page(attrs = '', answer: CardSummary = expired) {
  const adapter = new FakeAdapter();
  const wrapper = document.createElement('div');
  document.body.append(wrapper);
  mounted.push(wrapper);
  wrapper.innerHTML = `<h2 id="orders">Your orders</h2>
    <cardkeep-banner ${attrs}></cardkeep-banner>
    <a href="#next">Next on the page</a>`;
  const el = wrapper.querySelector('cardkeep-banner')!;
  el.adapter = adapter;
  el.now = clock;
  (await adapter.next('getCard')).resolve(answer);
  await waitUntil(() => shadow(el).querySelector('h2'), 'the notice shows');
  await el.updateComplete;
  return {
    el,
    adapter,
    heading: wrapper.querySelector('h2')!,
    next: wrapper.querySelector('a')!,
  };
}

/** Opens the form and saves a new date: the banner shows its thank-you, focused. */
async function saveNewDate(el: CardkeepBanner, adapter: FakeAdapter) {
  buttonIn(shadow(el), 'Update expiry date').click();
  await waitUntil(() => innerForm(el)?.shadowRoot?.activeElement?.tagName === 'INPUT');
  await sendKeys({ type: `12${yy}` });
  await sendKeys({ press: 'Enter' });
  (await adapter.next<UpdateResult>('updateExpiry')).resolve({
    ...expired,
    expMonth: 12,
    expYear: year + 2,
  });
  await waitUntil(() => shadow(el).activeElement?.classList.contains('done'));
}

describe('<cardkeep-banner> focus after each way out', () => {
  afterEach(() => mounted.splice(0).forEach((wrapper) => wrapper.remove()));

  it('Close on the thank-you: focus on the element named in focus-after-close', async () => {
    const { el, adapter, heading } = await page('focus-after-close="orders"');
    await saveNewDate(el, adapter);
    buttonIn(shadow(el), 'Close').click();
    await waitUntil(() => document.activeElement === heading, 'focus on "Your orders"');
    expect(visible(el)).to.equal(false);
    // A heading takes the focus from script but stays out of the Tab order.
    expect(heading.tabIndex).to.equal(-1);
  });

  it('Close on the thank-you: "#id" works too, and the property takes an element', async () => {
    const first = await page('focus-after-close="#orders"');
    await saveNewDate(first.el, first.adapter);
    buttonIn(shadow(first.el), 'Close').click();
    await waitUntil(() => document.activeElement === first.heading, '"#orders"');

    const second = await page();
    const target = document.createElement('button');
    target.textContent = 'Continue shopping';
    document.body.append(target);
    mounted.push(target);
    second.el.focusAfterClose = target;
    await saveNewDate(second.el, second.adapter);
    buttonIn(shadow(second.el), 'Close').click();
    await waitUntil(() => document.activeElement === target, 'the element given');
  });

  it('Close on the thank-you: without a target (or a missing one), on to what follows', async () => {
    for (const attrs of ['', 'focus-after-close="no-such-id"']) {
      const { el, adapter, next } = await page(attrs);
      await saveNewDate(el, adapter);
      buttonIn(shadow(el), 'Close').click();
      await waitUntil(() => document.activeElement === next, `${attrs || 'none'}: the next link`);
      mounted.splice(0).forEach((wrapper) => wrapper.remove());
    }
  });

  it('"Remind me later": focus on the named target, else on what follows', async () => {
    for (const [attrs, wanted] of [
      ['dismissible focus-after-close="orders"', 'heading'],
      ['dismissible', 'next'],
    ] as const) {
      localStorage.clear();
      const found = await page(attrs);
      buttonIn(shadow(found.el), 'Remind me later').click();
      await waitUntil(() => document.activeElement === found[wanted], `${attrs}: ${wanted}`);
      expect(visible(found.el)).to.equal(false);
      mounted.splice(0).forEach((wrapper) => wrapper.remove());
    }
    localStorage.clear();
  });

  it('Cancel in the replacement form: back to the notice, on "Use a different card"', async () => {
    const { el, adapter } = await page('focus-after-close="orders"');
    buttonIn(shadow(el), 'Use a different card').click();
    await waitUntil(() => shadow(el).querySelector('cardkeep-replace-card'));
    const replace = shadow(el).querySelector('cardkeep-replace-card')!;
    await adapter.next('createSetupSession');
    await replace.updateComplete;
    buttonIn(shadow(replace), 'Cancel').click();
    await waitUntil(
      () => deepActive()?.textContent?.trim() === 'Use a different card',
      'focus on the button that opened the replacement form',
    );
    expect(shadow(el).querySelector('cardkeep-replace-card')).to.equal(null);
    expect(visible(el), 'the notice is still there').to.equal(true);
  });

  it('Cancel in the replacement form a decline opened: back on its "Use a different card"', async () => {
    const { el, adapter } = await page();
    buttonIn(shadow(el), 'Update expiry date').click();
    await waitUntil(() => innerForm(el)?.shadowRoot?.activeElement?.tagName === 'INPUT');
    await sendKeys({ type: `12${yy}` });
    await sendKeys({ press: 'Enter' });
    (await adapter.next('updateExpiry')).reject(new CardkeepError('card_declined'));
    const form = innerForm(el)!;
    await waitUntil(() => shadow(form).querySelector('[role=alert]'));
    buttonIn(shadow(form).querySelector('[role=alert]')!, 'Use a different card').click();
    await waitUntil(() => shadow(form).querySelector('cardkeep-replace-card'));
    const replace = shadow(form).querySelector('cardkeep-replace-card')!;
    await adapter.next('createSetupSession');
    await replace.updateComplete;
    buttonIn(shadow(replace), 'Cancel').click();
    await waitUntil(
      () =>
        deepActive()?.textContent?.trim() === 'Use a different card' &&
        !!deepActive()?.closest('[role=alert]'),
      'focus on the decline’s "Use a different card"',
    );
  });
});
