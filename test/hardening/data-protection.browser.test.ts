// What leaves the shopper's hands in the expiry-only flow, checked where it could leak: the DOM
// (shadow roots included), every request the backend received, and the backend's own log.
// No full card number anywhere; the signed-link token only in the Authorization header.
import '../support/setup.js';
import { expect, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../src/define.js';
import type { CardkeepBanner } from '../../src/components/banner/banner.js';
import type { CardkeepExpiryForm } from '../../src/components/expiry-form/expiry-form.js';
import { forgetLinkToken } from '../../src/adapter/link-token.js';
import { en } from '../../src/i18n/en.js';
import { ja } from '../../src/i18n/ja.js';
import { YEAR as year, onTestCalendar } from '../support/clock.js';
import { startServer, type LoggedRequest, type TestServer } from '../support/server.js';

const yy = String(year + 2).slice(2);
const PAN = '4242424242424242';

function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

/** Everything in `text` that looks like a card number: 13–19 digits, Luhn-valid, spaced or not. */
function panLike(text: string): string[] {
  const runs = text.match(/(?<!\d)\d(?:[ -]?\d){12,18}(?![ -]?\d)/g) ?? [];
  return runs.filter((run) => luhn(run.replace(/[ -]/g, '')));
}

/** All text a script on the page could read from `root`: text, attributes, field values. */
function everything(root: Node): string {
  const out: string[] = [];
  const walk = (node: Node) => {
    if (node instanceof Text) out.push(node.data);
    if (node instanceof Element) {
      for (const attr of Array.from(node.attributes)) out.push(attr.value);
      if (node instanceof HTMLInputElement) out.push(node.value);
      if (node.shadowRoot) walk(node.shadowRoot);
    }
    node.childNodes.forEach(walk);
  };
  walk(root);
  return out.join('\n');
}

const formRoot = (el: CardkeepBanner) =>
  el.shadowRoot!.querySelector('cardkeep-expiry-form')!.shadowRoot!;

describe('data protection in the expiry-only flow', () => {
  const before = location.href;
  let wrapper: HTMLElement | undefined;

  afterEach(() => {
    wrapper?.remove();
    history.replaceState(null, '', before);
    forgetLinkToken();
  });

  it('the detector finds card numbers however they are written (so the checks below can fail)', () => {
    expect(panLike(`card ${PAN} on file`)).to.have.length(1);
    expect(panLike('4242 4242 4242 4242')).to.have.length(1);
    expect(panLike('4242-4242-4242-4242')).to.have.length(1);
    expect(panLike('5555 5555 5555 4444, 378282246310005')).to.have.length(2);
    expect(panLike(`Visa •••• 4242, 12 / ${yy}, since 2019, 1700000000`)).to.deep.equal([]);
  });

  it('a card number pasted into the date field is cleared, with a reason in Japanese (full-width digits too)', async () => {
    const server = await startServer({ seed: 'expired' });
    wrapper = document.createElement('div');
    wrapper.lang = 'ja';
    wrapper.innerHTML = `<cardkeep-expiry-form endpoint="${server.endpoint}"></cardkeep-expiry-form>`;
    document.body.append(onTestCalendar(wrapper));
    const el = wrapper.firstElementChild as CardkeepExpiryForm;
    await waitUntil(() => el.shadowRoot!.querySelector('[part=card]'), 'the card shows');
    const input = el.shadowRoot!.querySelector('input')!;
    input.focus();
    input.value = '４２４２　４２４２　４２４２　４２４２';
    input.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertFromPaste' }));
    await el.updateComplete;
    expect(input.value).to.equal('');
    expect(el.shadowRoot!.querySelector('[part=error]')!.textContent!.trim()).to.equal(
      ja.cardNumberNotNeeded,
    );
    expect(el.value).to.equal('');
    // Typing a date afterwards works as usual, and the reason goes away.
    await sendKeys({ type: `10${yy}` });
    await el.updateComplete;
    expect(input.value).to.equal(`10 / ${yy}`);
    expect(el.shadowRoot!.querySelector('[part=error]')!.textContent!.trim()).to.equal('');
  });

  it('no card number in the DOM, the requests or the server log; the link token only in Authorization', async () => {
    const server: TestServer = await startServer({ seed: 'payment_failed', session: 'none' });
    const token = server.token;
    history.replaceState(
      null,
      '',
      `${location.pathname}?ref=mail&cardkeep_token=${encodeURIComponent(token)}#account`,
    );
    forgetLinkToken();
    wrapper = document.createElement('div');
    wrapper.innerHTML = `<cardkeep-banner endpoint="${server.endpoint}"></cardkeep-banner>`;
    document.body.append(onTestCalendar(wrapper));
    const el = wrapper.firstElementChild as CardkeepBanner;
    await waitUntil(() => el.shadowRoot!.querySelector('cardkeep-expiry-form')?.shadowRoot);
    // The token is out of the address bar before anything else happens; the rest stays.
    expect(location.href).not.to.contain(token);
    expect(location.search).to.equal('?ref=mail');
    expect(location.hash).to.equal('#account');

    // A shopper pastes, then types, the card number into the date field: the field is emptied
    // with a message saying why, and nothing is sent for it.
    await waitUntil(() => formRoot(el).querySelector('input'));
    const input = formRoot(el).querySelector('input')!;
    const error = () => formRoot(el).querySelector('[part=error]')!.textContent!.trim();
    input.focus();
    input.value = '4242 4242 4242 4242';
    input.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertFromPaste' }));
    await el.updateComplete;
    await (formRoot(el).host as CardkeepExpiryForm).updateComplete;
    expect(input.value).to.equal('');
    expect(error()).to.equal(en.cardNumberNotNeeded);
    expect(panLike(everything(document.body))).to.deep.equal([]);
    for (const key of '4242-4242-4242-4242') {
      await sendKeys({ press: key === '-' ? 'Minus' : key });
      expect(panLike(everything(document.body))).to.deep.equal([]);
      expect(input.value.replace(/\D/g, '').length).to.be.below(12);
    }
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    expect(panLike(everything(document.body))).to.deep.equal([]);
    expect((await server.log()).filter((r) => r.method === 'POST')).to.deep.equal([]);

    // Clear it and save a real date.
    input.select();
    await sendKeys({ press: 'Backspace' });
    expect(input.value).to.equal('');
    await sendKeys({ type: `11${yy}` });
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => el.shadowRoot!.querySelector('.done'), 'the confirmation shows');
    expect(el.shadowRoot!.textContent).to.contain(en.updatedTitle);

    const dom = everything(document.documentElement);
    const log: LoggedRequest[] = await server.log();
    const state = await server.state();
    const requests = JSON.stringify(log);
    expect(panLike(dom), 'DOM').to.deep.equal([]);
    expect(panLike(requests), 'requests').to.deep.equal([]);
    expect(panLike(state.serverLog.join('\n')), 'server log').to.deep.equal([]);
    expect(state.serverLog.length, 'the server did log each request').to.equal(log.length);

    // The token (or its signature part) travels only as the bearer credential.
    const parts = [token, ...token.split('.').filter((part) => part.length >= 16)];
    for (const request of log) {
      expect(request.headers.authorization).to.equal(`Bearer ${token}`);
      const rest = Object.entries(request.headers).filter(([name]) => name !== 'authorization');
      const elsewhere = JSON.stringify({ ...request, headers: rest });
      for (const part of parts) expect(elsewhere).not.to.contain(part);
      expect(request.headers.referer ?? '').to.contain('ref=mail');
    }
    for (const part of parts) {
      expect(state.serverLog.join('\n')).not.to.contain(part);
      expect(dom).not.to.contain(part);
      expect(location.href).not.to.contain(part);
    }
    // Only the date went to the backend: no number, no name, no CVC.
    const post = log.find((request) => request.method === 'POST')!;
    expect(post.body).to.deep.equal({ cardId: 'pm_demo_visa4242', month: 11, year: year + 2 });
  });
});
