// Whole flows against the real reference server (an isolated instance per test), through the
// HTTP adapter the `endpoint` attribute builds: what the shopper sees and what the backend got.
import '../../support/setup.js';
import { expect, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../../src/define.js';
import type { CardkeepBanner } from '../../../src/components/banner/banner.js';
import { forgetLinkToken } from '../../../src/adapter/link-token.js';
import type { CardkeepUpdatedEvent } from '../../../src/events/updated.js';
import { YEAR as year, onTestCalendar } from '../../support/clock.js';
import { startServer } from '../../support/server.js';
import type { ServerOptions } from '../../support/server.js';

const yy = String(year + 2).slice(2);
const mounted: Element[] = [];

const text = (root: ShadowRoot) => root.textContent!.replace(/\s+/g, ' ');
const form = (el: CardkeepBanner) => el.shadowRoot!.querySelector('cardkeep-expiry-form');

/** A banner on a page talking to a fresh reference server. */
async function page(options: ServerOptions = {}, { attrs = '', lang = 'en' } = {}) {
  const server = await startServer(options);
  const wrapper = document.createElement('div');
  wrapper.lang = lang;
  wrapper.innerHTML = `<cardkeep-banner endpoint="${server.endpoint}" ${attrs}></cardkeep-banner>`;
  document.body.append(onTestCalendar(wrapper));
  mounted.push(wrapper);
  const el = wrapper.firstElementChild as CardkeepBanner;
  const updates: CardkeepUpdatedEvent[] = [];
  el.addEventListener('cardkeep-updated', (event) => updates.push(event));
  return { server, el, updates };
}

/** Opens the form (unless a link already did), types the date and presses Enter. */
async function updateExpiry(el: CardkeepBanner, typed: string) {
  await waitUntil(() => el.shadowRoot!.querySelector('h2'), 'the notice shows');
  if (!form(el)) {
    el.shadowRoot!.querySelector<HTMLButtonElement>('button.primary')!.click();
  }
  await waitUntil(() => form(el)?.shadowRoot?.querySelector('input'));
  form(el)!.shadowRoot!.querySelector('input')!.focus();
  await sendKeys({ type: typed });
  await sendKeys({ press: 'Enter' });
}

describe('<cardkeep-banner> against the reference server', () => {
  afterEach(() => mounted.splice(0).forEach((wrapper) => wrapper.remove()));

  it('fixes a failed renewal: the new expiry is saved and the payment retried', async () => {
    const { server, el, updates } = await page();
    await updateExpiry(el, `12${yy}`);
    await waitUntil(() => el.shadowRoot!.querySelector('.done'), 'the confirmation shows');
    const said = text(el.shadowRoot!);
    expect(said).to.contain(`Your Visa •••• 4242 now expires 12 / ${yy}.`);
    expect(said).to.contain('Your payment of ¥1,980 went through.');
    expect(updates[0]!.card).to.deep.include({ expMonth: 12, expYear: year + 2 });
    expect(updates[0]!.payment).to.deep.include({ status: 'succeeded', amount: 1980 });

    expect(await server.card()).to.deep.include({ expMonth: 12, expYear: year + 2, status: 'ok' });
    const posts = (await server.log()).filter((request) => request.method === 'POST');
    expect(posts).to.have.length(1);
    expect(posts[0]!.path).to.equal('/card/expiry');
    expect(posts[0]!.body).to.deep.equal({
      cardId: 'pm_demo_visa4242',
      month: 12,
      year: year + 2,
    });
    expect(posts[0]!.headers['idempotency-key']).to.be.a('string');
  });

  it('opens at once for a shopper from a signed link, who needs no session', async () => {
    const server = await startServer({ seed: 'expired', session: 'none' });
    const before = location.href;
    history.replaceState(null, '', `?cardkeep_token=${encodeURIComponent(server.token)}`);
    forgetLinkToken();
    try {
      const wrapper = document.createElement('div');
      wrapper.innerHTML = `<cardkeep-banner endpoint="${server.endpoint}"></cardkeep-banner>`;
      document.body.append(onTestCalendar(wrapper));
      mounted.push(wrapper);
      const el = wrapper.firstElementChild as CardkeepBanner;
      await waitUntil(() => form(el), 'the form opens by itself');
      expect(location.search).to.equal('');
      await updateExpiry(el, `08${yy}`);
      await waitUntil(() => el.shadowRoot!.querySelector('.done'));
      expect(await server.card()).to.deep.include({ expMonth: 8, expYear: year + 2 });
      const log = await server.log();
      expect(log.every((request) => request.headers.authorization === `Bearer ${server.token}`)).to
        .be.true;
    } finally {
      history.replaceState(null, '', before);
      forgetLinkToken();
    }
  });

  it('offers a different card when the issuer declines the new date (Japanese)', async () => {
    const { server, el } = await page({ seed: 'expired', declineUpdate: true }, { lang: 'ja' });
    await updateExpiry(el, `12${yy}`);
    const inner = () => form(el)!.shadowRoot!;
    await waitUntil(() => inner().querySelector('[part=result]'));
    expect(text(inner())).to.contain('新しいカード番号が発行されている可能性があります');
    expect(inner().querySelector('[part=result] button')!.textContent!.trim()).to.equal(
      '別のカードを使う',
    );
    expect((await server.card())!.expYear).to.be.below(year + 2);
  });

  it('says when the retried payment failed again', async () => {
    const { el } = await page({ declineRenewal: true });
    await updateExpiry(el, `12${yy}`);
    await waitUntil(() => el.shadowRoot!.querySelector('.done'));
    expect(text(el.shadowRoot!)).to.contain('The payment still didn’t go through.');
  });

  it('keeps the entry through a server failure and saves on "Try again"', async () => {
    const { server, el } = await page({
      // The HTTP adapter retries once by itself: fail both attempts.
      faults: [{ route: 'POST /card/expiry', status: 503, times: 2 }],
    });
    await updateExpiry(el, `12${yy}`);
    const inner = () => form(el)!.shadowRoot!;
    await waitUntil(() => inner().querySelector('[part=result]'));
    expect(text(inner())).to.contain('Something went wrong on our side.');
    expect(inner().querySelector('input')!.value).to.equal(`12 / ${yy}`);
    inner().querySelector<HTMLButtonElement>('[part=result] button')!.click();
    await waitUntil(() => el.shadowRoot!.querySelector('.done'));
    expect(await server.card()).to.deep.include({ expMonth: 12, expYear: year + 2 });
  });

  it('stays quiet for a card that is fine', async () => {
    const { server, el } = await page({ seed: 'ok' });
    await waitUntil(async () => (await server.log()).length === 1);
    await el.updateComplete;
    expect(getComputedStyle(el).display).to.equal('none');
  });
});

describe('<cardkeep-expiry-form> stand-alone against the reference server', () => {
  afterEach(() => mounted.splice(0).forEach((wrapper) => wrapper.remove()));

  it('shows the card it loaded and saves the new date', async () => {
    const server = await startServer({ seed: 'expired' });
    const wrapper = document.createElement('div');
    wrapper.innerHTML = `<cardkeep-expiry-form endpoint="${server.endpoint}"></cardkeep-expiry-form>`;
    document.body.append(onTestCalendar(wrapper));
    mounted.push(wrapper);
    const el = wrapper.firstElementChild!;
    const root = el.shadowRoot!;
    await waitUntil(() => text(root).includes('Visa •••• 4242'));
    root.querySelector('input')!.focus();
    await sendKeys({ type: `03${yy}` });
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => root.activeElement?.getAttribute('part') === 'result');
    expect(text(root)).to.contain(`now expires 03 / ${yy}`);
    expect(await server.card()).to.deep.include({ expMonth: 3, expYear: year + 2 });
  });
});

describe('Cardkeep on a hostile page', () => {
  afterEach(() => mounted.splice(0).forEach((wrapper) => wrapper.remove()));

  it('stays readable and usable whatever the page does to inherited styles', async () => {
    const { el } = await page({ seed: 'expired' });
    const style = document.createElement('style');
    style.textContent = `body { font-size: 0; line-height: 0; letter-spacing: 9px;
      text-transform: uppercase; visibility: hidden; color: transparent }
      button, h2, p { display: none !important }`;
    document.head.append(style);
    try {
      await waitUntil(() => el.shadowRoot!.querySelector('h2'));
      const title = el.shadowRoot!.querySelector('h2')!;
      const css = getComputedStyle(title);
      expect(parseFloat(css.fontSize)).to.be.greaterThan(12);
      expect(css.visibility).to.equal('visible');
      expect(css.textTransform).to.equal('none');
      expect(css.letterSpacing).to.equal('normal');
      expect(css.display).to.equal('block');
      expect(title.textContent).to.contain('Your card has expired');
      const open = el.shadowRoot!.querySelector<HTMLButtonElement>('button.primary')!;
      expect(open.getBoundingClientRect().height).to.be.at.least(24);
    } finally {
      style.remove();
    }
  });
});
