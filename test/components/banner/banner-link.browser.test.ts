// A page opened from a dead link says so on load (issue 14), and a wallet card is offered the
// replacement, never the expiry-only update, and so is a method that is no card (Link; issue
// 16): with the fake adapter for each state,
// and against the real reference server for a forged link and a spent one.
import '../../support/setup.js';
import { expect, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../../src/define.js';
import type { CardkeepBanner } from '../../../src/components/banner/banner.js';
import { forgetLinkToken } from '../../../src/adapter/link-token.js';
import type { CardSummary } from '../../../src/adapter/types.js';
import { CardkeepError } from '../../../src/core/errors.js';
import { YEAR as year, onTestCalendar } from '../../support/clock.js';
import { bannerAnswering, mountBanner } from '../../support/banner.js';
import { card } from '../../support/fake-adapter.js';
import { startServer } from '../../support/server.js';

const yy = String(year + 2).slice(2);
const broken = card({ status: 'payment_failed', expMonth: 1, expYear: year });
const fine = card({ expMonth: 12, expYear: year + 3 });

const visible = (el: HTMLElement) => getComputedStyle(el).display !== 'none';
const text = (el: CardkeepBanner) => el.shadowRoot!.textContent!.replace(/\s+/g, ' ').trim();
const buttonNames = (el: CardkeepBanner) =>
  [...el.shadowRoot!.querySelectorAll('button')].map((b) => b.textContent!.trim());
const mounted: Element[] = [];

/** Runs `body` on a page whose address carries the link `token`, restoring it after. */
async function withLink(token: string, body: () => Promise<void>) {
  const before = location.href;
  history.replaceState(null, '', `?cardkeep_token=${encodeURIComponent(token)}`);
  forgetLinkToken();
  try {
    await body();
  } finally {
    history.replaceState(null, '', before);
    forgetLinkToken();
  }
}

/** A banner whose getCard is answered with `answer` (or rejected with it, for an error). */
const banner = async (answer: CardSummary | null | CardkeepError, lang = 'en') =>
  (await bannerAnswering(answer, { lang, mounted })).el;

const dead = (reason: string) =>
  new CardkeepError('unauthorized', `401 unauthorized`, { status: 401, reason });

describe('<cardkeep-banner> opened from a link that no longer works', () => {
  afterEach(() => mounted.splice(0).forEach((wrapper) => wrapper.remove()));

  for (const [lang, words] of [
    [
      'en',
      {
        expired: 'This link has expired',
        used: 'This link has already been used',
        invalid: 'This link isn’t valid',
        resend: 'Send me a new link',
        signIn: 'Sign in',
        upToDate: 'Your card is up to date',
      },
    ],
    [
      'ja',
      {
        expired: 'このリンクは有効期限が切れています',
        used: 'このリンクはすでに使用されています',
        invalid: 'このリンクは無効です',
        resend: '新しいリンクを送る',
        signIn: 'ログイン',
        upToDate: 'ご登録のカードは最新の状態です',
      },
    ],
  ] as const) {
    it(`says an expired link has expired, with no expiry field (${lang})`, async () => {
      await withLink('tok_old', async () => {
        const el = await banner(dead('expired'), lang);
        const alert = el.shadowRoot!.querySelector('[role=alert]')!;
        expect(alert.textContent).to.contain(words.expired);
        expect(
          el.shadowRoot!.querySelector('cardkeep-expiry-form, input:not([type=hidden])'),
        ).to.equal(null);
        await expect(el).to.be.accessible();
      });
    });

    it(`says a forged link is not valid and offers no new link (${lang})`, async () => {
      await withLink('tok_forged', async () => {
        const el = await banner(dead('bad_signature'), lang);
        expect(el.shadowRoot!.querySelector('[role=alert]')!.textContent).to.contain(words.invalid);
        expect(el.shadowRoot!.querySelector('form')).to.equal(null);
        await expect(el).to.be.accessible();
      });
    });

    it(`says a used link was used and offers a new one or signing in (${lang})`, async () => {
      await withLink('tok_used', async () => {
        const link = { state: 'used', resend: '/cardkeep/update/resend', loginUrl: '/login' };
        const el = await banner({ ...broken, link } as CardSummary, lang);
        expect(el.shadowRoot!.querySelector('[role=alert]')!.textContent).to.contain(words.used);
        expect(el.shadowRoot!.querySelector('cardkeep-expiry-form')).to.equal(null);
        const form = el.shadowRoot!.querySelector('form')!;
        expect(form.method).to.equal('post');
        expect(new URL(form.action).pathname).to.equal('/cardkeep/update/resend');
        const fields = Object.fromEntries(new FormData(form) as unknown as [string, string][]);
        expect(fields).to.deep.equal({ cardkeep_token: 'tok_used', lang });
        expect(buttonNames(el)).to.deep.equal([words.resend]);
        const signIn = el.shadowRoot!.querySelector('a')!;
        expect(signIn.textContent!.trim()).to.equal(words.signIn);
        expect(signIn.getAttribute('href')).to.equal('/login');
        await expect(el).to.be.accessible();
      });
    });

    it(`says the card is up to date for a used link whose card is fine (${lang})`, async () => {
      await withLink('tok_used', async () => {
        const el = await banner({ ...fine, link: { state: 'used' } } as CardSummary, lang);
        const status = el.shadowRoot!.querySelector('[role=status]')!;
        expect(status.textContent).to.contain(words.upToDate);
        expect(status.textContent).to.contain('4242');
        expect(el.shadowRoot!.querySelector('form, button, cardkeep-expiry-form')).to.equal(null);
        await expect(el).to.be.accessible();
      });
    });
  }

  it('stays quiet for a refusal that is not about the link (no session)', async () => {
    await withLink('tok_x', async () => {
      const { el, adapter } = mountBanner({ mounted });
      const failed = new Promise((resolve) => el.addEventListener('cardkeep-error', resolve));
      (await adapter.next('getCard')).reject(dead('no_session'));
      await failed;
      await el.updateComplete;
      expect(visible(el)).to.equal(false);
    });
  });
});

describe('<cardkeep-banner> for a wallet card', () => {
  afterEach(() => mounted.splice(0).forEach((wrapper) => wrapper.remove()));

  for (const [lang, said, replace] of [
    [
      'en',
      'Update it in your Apple Pay wallet, or use a different card here.',
      'Use a different card',
    ],
    [
      'ja',
      'Apple Payのウォレットで更新するか、こちらで別のカードをご登録ください。',
      '別のカードを使う',
    ],
  ] as const) {
    it(`offers only the replacement, in words that fit (${lang})`, async () => {
      const el = await banner({ ...broken, wallet: 'apple_pay' }, lang);
      expect(text(el)).to.contain(said);
      expect(buttonNames(el)).to.deep.equal([replace]);
      await expect(el).to.be.accessible();
    });
  }

  it('does not open the expiry form for a wallet card from a link', async () => {
    await withLink('tok_wallet', async () => {
      const el = await banner({ ...broken, wallet: 'google_pay' });
      expect(text(el)).to.contain('Google Pay');
      expect(el.shadowRoot!.querySelector('cardkeep-expiry-form')).to.equal(null);
      expect(buttonNames(el)).to.deep.equal(['Use a different card']);
    });
  });
});

describe('<cardkeep-banner> for a method other than a card (Link)', () => {
  afterEach(() => mounted.splice(0).forEach((wrapper) => wrapper.remove()));

  const link: CardSummary = { id: 'pm_link', kind: 'link', status: 'payment_failed' };

  for (const [lang, said, replace] of [
    [
      'en',
      'We couldn’t take your payment with Link. You can pay by card instead here.',
      'Use a different card',
    ],
    ['ja', 'Linkでのお支払いができませんでした。', '別のカードを使う'],
  ] as const) {
    it(`a failed payment by Link offers only a card, naming Link without a number (${lang})`, async () => {
      const el = await banner(link, lang);
      expect(text(el)).to.contain(said);
      expect(text(el)).not.to.match(/\d|•/);
      expect(buttonNames(el)).to.deep.equal([replace]);
      await expect(el).to.be.accessible();
    });
  }

  /**
   * A banner answered with Link that is fine, once it has decided: `refresh()` resolves when
   * the banner has read the card (and loaded the words it needs) and chosen what to show.
   */
  async function quietBanner() {
    const { el, adapter } = mountBanner({ mounted });
    (await adapter.next('getCard')).resolve({ ...link, status: 'ok' });
    const decided = el.refresh();
    (await adapter.next('getCard')).resolve({ ...link, status: 'ok' });
    await decided;
    await el.updateComplete;
    return el;
  }

  it('says nothing when the payment by Link is fine, not even from a link: it has no expiry', async () => {
    const el = await quietBanner();
    expect(visible(el)).to.equal(false);
    expect(el.shadowRoot!.querySelector('section')).to.equal(null);
    await withLink('tok_link', async () => {
      const linked = await quietBanner();
      expect(visible(linked)).to.equal(false);
      expect(linked.shadowRoot!.querySelector('section, cardkeep-expiry-form')).to.equal(null);
    });
  });
});

describe('<cardkeep-banner> with a link, against the reference server', () => {
  afterEach(() => mounted.splice(0).forEach((wrapper) => wrapper.remove()));

  /** A banner on a page opened with `token`, talking to `endpoint`. */
  function mount(endpoint: string) {
    const wrapper = document.createElement('div');
    wrapper.innerHTML = `<cardkeep-banner endpoint="${endpoint}"></cardkeep-banner>`;
    document.body.append(onTestCalendar(wrapper));
    mounted.push(wrapper);
    return wrapper.firstElementChild as CardkeepBanner;
  }

  it('says a forged link is not valid, on load', async () => {
    const server = await startServer({ seed: 'expired', session: 'none' });
    // The same claims with one character of the signature changed.
    const forged = server.token.slice(0, -2) + (server.token.endsWith('AA') ? 'BB' : 'AA');
    await withLink(forged, async () => {
      const el = mount(server.endpoint);
      await waitUntil(() => el.shadowRoot!.querySelector('[role=alert]'), 'the notice shows');
      expect(text(el)).to.contain('This link isn’t valid');
      expect(el.shadowRoot!.querySelector('cardkeep-expiry-form')).to.equal(null);
      await expect(el).to.be.accessible();
    });
  });

  it('offers a new link and signing in for an expired link, on load', async () => {
    const server = await startServer({
      seed: 'expired',
      session: 'none',
      ways: { sendLink: true, loginUrl: '/account/login' },
    });
    await withLink(server.expiredToken, async () => {
      const el = mount(server.endpoint);
      await waitUntil(() => el.shadowRoot!.querySelector('[role=alert]'), 'the notice shows');
      expect(text(el)).to.contain('This link has expired');
      expect(el.shadowRoot!.querySelector('cardkeep-expiry-form')).to.equal(null);
      const form = el.shadowRoot!.querySelector('form')!;
      expect(form.method).to.equal('post');
      expect(new URL(form.action).pathname).to.equal(`${server.endpoint}/update/resend`);
      const fields = Object.fromEntries(new FormData(form) as unknown as [string, string][]);
      expect(fields).to.deep.equal({ cardkeep_token: server.expiredToken, lang: 'en' });
      expect(buttonNames(el)).to.deep.equal(['Send me a new link']);
      expect(el.shadowRoot!.querySelector('a')!.getAttribute('href')).to.equal('/account/login');
      await expect(el).to.be.accessible();
    });
  });

  it('offers only signing in for a forged link', async () => {
    const server = await startServer({
      seed: 'expired',
      session: 'none',
      ways: { sendLink: true, loginUrl: '/account/login' },
    });
    const forged = server.token.slice(0, -2) + (server.token.endsWith('AA') ? 'BB' : 'AA');
    await withLink(forged, async () => {
      const el = mount(server.endpoint);
      await waitUntil(() => el.shadowRoot!.querySelector('[role=alert]'), 'the notice shows');
      expect(text(el)).to.contain('This link isn’t valid');
      expect(el.shadowRoot!.querySelector('form')).to.equal(null);
      expect(el.shadowRoot!.querySelector('a')!.getAttribute('href')).to.equal('/account/login');
    });
  });

  it('says the card is up to date when the link is opened again after a save', async () => {
    const server = await startServer({ seed: 'expired', session: 'none' });
    await withLink(server.token, async () => {
      const first = mount(server.endpoint);
      const form = () => first.shadowRoot!.querySelector('cardkeep-expiry-form');
      await waitUntil(() => form()?.shadowRoot?.querySelector('input'), 'the form opens');
      form()!.shadowRoot!.querySelector('input')!.focus();
      await sendKeys({ type: `08${yy}` });
      await sendKeys({ press: 'Enter' });
      await waitUntil(() => first.shadowRoot!.querySelector('.done'), 'saved');
    });
    await withLink(server.token, async () => {
      const again = mount(server.endpoint);
      await waitUntil(() => again.shadowRoot!.querySelector('[role=status]'), 'the notice shows');
      expect(text(again)).to.contain('Your card is up to date');
      expect(text(again)).to.contain(`August 20${yy}`);
      expect(again.shadowRoot!.querySelector('cardkeep-expiry-form')).to.equal(null);
    });
  });
});
