// What the shopper sees on a phone (issue 18): the card and its dates never break across
// lines, in English and Japanese at 320 and 375 px; the space under Save is the same in every
// state of the form; and axe finds nothing in any state the banner can be in.
import '../../support/setup.js';
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys, setViewport } from '@web/test-runner-commands';
import '../../../src/define.js';
import type { CardkeepBanner } from '../../../src/components/banner/banner.js';
import type { CardkeepExpiryForm } from '../../../src/components/expiry-form/expiry-form.js';
import type { CardkeepReplaceCard } from '../../../src/components/replace-card/replace-card.js';
import { forgetLinkToken } from '../../../src/adapter/link-token.js';
import type { CardSummary, UpdateResult } from '../../../src/adapter/types.js';
import { CardkeepError } from '../../../src/core/errors.js';
import { YEAR as year, testClock } from '../../support/clock.js';
import { bannerAnswering } from '../../support/banner.js';
import { card } from '../../support/fake-adapter.js';

const clock = testClock();
const yy = String(year + 3).slice(2);
const mounted: Element[] = [];

const shadow = (el: Element) => el.shadowRoot!;
const innerForm = (el: CardkeepBanner) => shadow(el).querySelector('cardkeep-expiry-form');
const formRoot = (el: CardkeepBanner) => shadow(innerForm(el)!);
const buttonNamed = (root: ShadowRoot, name: string) =>
  [...root.querySelectorAll('button')].find((b) => b.textContent!.trim() === name)!;

/** A banner in a `lang` wrapper whose getCard is answered with `answer` (rejected if an error). */
const banner = (answer: CardSummary | CardkeepError, lang = 'en') =>
  bannerAnswering(answer, { lang, mounted });

/** Opens the expiry form from the notice and waits for its field to have the focus. */
async function openForm(el: CardkeepBanner, lang: string) {
  buttonNamed(shadow(el), lang === 'ja' ? '有効期限を更新' : 'Update expiry date').click();
  await waitUntil(() => innerForm(el)?.shadowRoot?.activeElement?.tagName === 'INPUT');
}

/** Each `nowrap` unit inside `root`'s element `selector`, with how many line boxes it has. */
function units(root: ShadowRoot, selector: string) {
  const host = root.querySelector(selector)!;
  expect(host, selector).to.exist;
  return [...host.querySelectorAll('.nowrap')].map((span) => ({
    text: span.textContent!,
    lines: span.getClientRects().length,
  }));
}

/** Every unit is on one line, and `expected` are all among them. */
function expectUnbroken(
  found: Array<{ text: string; lines: number }>,
  expected: string[],
  where: string,
) {
  expect(
    found.map((unit) => unit.text),
    where,
  ).to.include.members(expected);
  for (const unit of found) expect(unit.lines, `${where}: "${unit.text}" on one line`).to.equal(1);
}

const box = (el: Element) => el.getBoundingClientRect();

describe('<cardkeep-banner> on a phone', () => {
  afterEach(async () => {
    mounted.splice(0).forEach((wrapper) => wrapper.remove());
    forgetLinkToken();
    await setViewport({ width: 800, height: 600 });
  });

  // The issue's own card, and the longest brand name, whose label is widest.
  const cards = [
    card({ status: 'payment_failed', expMonth: 10, expYear: year, greetingName: { ja: '佐藤' } }),
    card({ brand: 'amex', last4: '0005', expMonth: 8, expYear: year - 1, customerSince: 2019 }),
  ];
  const words = {
    en: {
      label: (c: CardSummary) =>
        `${c.brand === 'amex' ? 'American Express' : 'Visa'} •••• ${c.last4}`,
      month: (m: number, y: number) =>
        `${new Intl.DateTimeFormat('en', { month: 'long' }).format(new Date(2000, m - 1, 1))} ${y}`,
      save: 'Save',
    },
    ja: {
      label: (c: CardSummary) =>
        `${c.brand === 'amex' ? 'American Express' : 'Visa'} •••• ${c.last4}`,
      month: (m: number, y: number) => `${y}年${m}月`,
      save: '保存',
    },
  } as const;

  for (const lang of ['en', 'ja'] as const) {
    for (const width of [320, 375]) {
      it(`keeps "Visa •••• 4242" and each month on one line at ${width} px (${lang})`, async () => {
        await setViewport({ width, height: 900 });
        const w = words[lang];
        for (const shown of cards) {
          const { el, adapter } = await banner(shown, lang);
          const label = w.label(shown);
          // The page's language reaches the text inside (`all: initial` drops it), which is
          // what Japanese line breaking (word-break: auto-phrase) keys on.
          expect(shadow(el).querySelector('section')!.getAttribute('lang')).to.equal(lang);
          expectUnbroken(
            units(shadow(el), '[part=message]'),
            [label, w.month(shown.expMonth, shown.expYear)],
            `notice, ${label}`,
          );
          await openForm(el, lang);
          await sendKeys({ type: `08${yy}` });
          await sendKeys({ press: 'Enter' });
          const saved = { ...shown, expMonth: 8, expYear: year + 3 };
          (await adapter.next<UpdateResult>('updateExpiry')).resolve({
            ...saved,
            payment: { status: 'succeeded', amount: 198000, currency: 'jpy' },
          });
          await waitUntil(() => shadow(el).activeElement?.classList.contains('done'));
          expectUnbroken(
            units(shadow(el), '.done [part=message]'),
            [label, w.month(8, year + 3)],
            `thank-you, ${label}`,
          );
          expectUnbroken(
            units(shadow(el), '.done [part=payment]'),
            [lang === 'ja' ? '198,000円' : '¥198,000'],
            'the amount',
          );
          // On its own the form names the card it updates, on one line too.
          const form = await fixture<CardkeepExpiryForm>(
            html`<cardkeep-expiry-form
              lang=${lang}
              .card=${shown}
              .now=${clock}
            ></cardkeep-expiry-form>`,
          );
          expectUnbroken(units(shadow(form), '[part=card]'), [label], 'the form’s title');
        }
      });
    }
  }

  for (const lang of ['en', 'ja'] as const) {
    it(`keeps the space under Save even in every state of the form (${lang}, 375 px)`, async () => {
      await setViewport({ width: 375, height: 900 });
      const { el, adapter } = await banner(cards[0]!, lang);
      await openForm(el, lang);
      const root = formRoot(el);
      const row = root.querySelector('input')!.closest('.row')!;
      const hint = root.querySelector('[part=hint]')!;
      const actions = shadow(el).querySelector('[part=actions]')!;
      // The rhythm: blocks of the notice sit one stack gap apart, and the field's own parts
      // (hint, the field and Save, the line under them) a smaller, equal step.
      const message = shadow(el).querySelector('[part=message]')!;
      const stackGap = box(innerForm(el)!).top - box(message).bottom;
      const fieldStep = box(row).top - box(hint).bottom;
      expect(stackGap, 'stack gap').to.be.greaterThan(fieldStep);
      expect(fieldStep, 'field step').to.be.greaterThan(0);
      const near = (actual: number, wanted: number, what: string) =>
        expect(Math.abs(actual - wanted), `${what}: ${actual} px, wanted ${wanted}`).to.be.below(1);

      // Form: under Save, one stack gap to the row of Cancel.
      near(box(actions).top - box(row).bottom, stackGap, 'form: under Save');

      // Error: the message one field step under Save, then one stack gap.
      await sendKeys({ type: '13 / 2' });
      buttonNamed(root, words[lang].save).click();
      await waitUntil(() => root.querySelector('[part=error]')!.textContent!.trim());
      const error = root.querySelector('[part=error]')!;
      near(box(error).top - box(row).bottom, fieldStep, 'error: under Save');
      near(box(actions).top - box(error).bottom, stackGap, 'error: under the message');

      // Saving: "Saving…" where the error was, the same steps.
      const input = root.querySelector('input')!;
      input.select();
      await sendKeys({ type: `08${yy}` });
      await sendKeys({ press: 'Enter' });
      const call = await adapter.next<UpdateResult>('updateExpiry');
      await waitUntil(() => root.querySelector('[role=status]')!.textContent!.trim());
      const progress = root.querySelector('[role=status]')!;
      near(box(progress).top - box(row).bottom, fieldStep, 'saving: under Save');
      near(box(actions).top - box(progress).bottom, stackGap, 'saving: under "Saving…"');
      call.resolve({ ...cards[0]!, expMonth: 8, expYear: year + 3 });
      await waitUntil(() => shadow(el).activeElement?.classList.contains('done'));
    });
  }

  const say = {
    en: { save: 'Save', again: 'Try again', other: 'Use a different card' },
    ja: { save: '保存', again: 'もう一度試す', other: '別のカードを使う' },
  } as const;

  for (const lang of ['en', 'ja'] as const) {
    it(`has no axe violations from notice to thank-you: form, error, saving, failed (${lang})`, async () => {
      await setViewport({ width: 375, height: 900 });
      const { el, adapter } = await banner(cards[0]!, lang);
      await expect(el, 'notice').to.be.accessible();
      await openForm(el, lang);
      await expect(el, 'form').to.be.accessible();
      const root = formRoot(el);
      await sendKeys({ type: '13 / 2' });
      buttonNamed(root, say[lang].save).click();
      await waitUntil(() => root.querySelector('[part=error]')!.textContent!.trim());
      await expect(el, 'error').to.be.accessible();
      root.querySelector('input')!.select();
      await sendKeys({ type: `08${yy}` });
      await sendKeys({ press: 'Enter' });
      const failing = await adapter.next<UpdateResult>('updateExpiry');
      await waitUntil(() => root.querySelector('[role=status]')!.textContent!.trim());
      await expect(el, 'saving').to.be.accessible();
      failing.reject(new CardkeepError('server', '500'));
      await waitUntil(() => root.querySelector('[role=alert]'));
      await expect(el, 'save failed').to.be.accessible();
      buttonNamed(root, say[lang].again).click();
      (await adapter.next<UpdateResult>('updateExpiry')).resolve({
        ...cards[0]!,
        expMonth: 8,
        expYear: year + 3,
      });
      await waitUntil(() => shadow(el).activeElement?.classList.contains('done'));
      await expect(el, 'thank-you').to.be.accessible();
    });

    it(`has no axe violations when the replacement cannot load, nor on a dead link (${lang})`, async () => {
      await setViewport({ width: 375, height: 900 });
      // The replacement form when its session cannot be had (offline): "could not load".
      const { el, adapter } = await banner(cards[1]!, lang);
      buttonNamed(shadow(el), say[lang].other).click();
      (await adapter.next('createSetupSession')).reject(new CardkeepError('network'));
      await waitUntil(
        () =>
          shadow(el).querySelector<CardkeepReplaceCard>('cardkeep-replace-card')?.status ===
          'load_failed',
      );
      await expect(el, 'replacement could not load').to.be.accessible();

      // A page opened from a link that has expired.
      const before = location.href;
      history.replaceState(null, '', '?cardkeep_token=tok_old');
      forgetLinkToken();
      try {
        const dead = await banner(
          new CardkeepError('unauthorized', '401', { status: 401, reason: 'expired' }),
          lang,
        );
        await expect(dead.el, 'dead link').to.be.accessible();
      } finally {
        history.replaceState(null, '', before);
      }
    });
  }
});
