// What the HTTP adapter accepts as the method on file (docs/protocol.md, "Card"): a card with
// exactly four digits, or another kind of method (Link…) with no number and no expiry at all.
import '../support/setup.js';
import { expect } from '@open-wc/testing';
import { HttpAdapter } from '../../src/adapter/http-adapter.js';
import { isCard } from '../../src/adapter/types.js';
import { CardkeepError } from '../../src/core/errors.js';
import { answering, wireVisa } from '../support/wire-answers.js';

const adapter = (body: unknown) =>
  new HttpAdapter({ endpoint: '/x', token: null, retryDelay: 1, fetch: answering(body) });

/** The CardkeepError a read of `card` ends in. */
async function refusal(card: unknown): Promise<CardkeepError> {
  const error = await adapter({ card })
    .getCard()
    .catch((e: unknown) => e);
  expect(error).to.be.instanceOf(CardkeepError);
  return error as CardkeepError;
}

describe('HttpAdapter: the method on file', () => {
  it('reads a Link method by its kind, with no number and no expiry', async () => {
    const read = await adapter({
      card: { id: 'pm_link', kind: 'link', status: 'payment_failed', customerSince: 2019 },
    }).getCard();
    expect(read).to.deep.equal({
      id: 'pm_link',
      kind: 'link',
      status: 'payment_failed',
      customerSince: 2019,
    });
    expect(isCard(read!)).to.equal(false);
  });

  it('drops card fields a backend sent along with another kind: no digits reach the page', async () => {
    const read = await adapter({
      card: { ...wireVisa, id: 'pm_link', kind: 'link', last4: '4242 4242 4242 4242' },
    }).getCard();
    expect(read).to.deep.equal({ id: 'pm_link', kind: 'link', status: 'ok' });
  });

  it('a summary without a kind, or with kind "card", is a card', async () => {
    expect(await adapter({ card: wireVisa }).getCard()).to.deep.equal(wireVisa);
    const read = await adapter({ card: { ...wireVisa, kind: 'card' } }).getCard();
    expect(isCard(read!)).to.equal(true);
    expect(read!.last4).to.equal('4242');
  });

  it('still refuses a card without exactly four digits, and a kind that is no type name', async () => {
    for (const card of [
      { ...wireVisa, last4: '4242424242424242' },
      { ...wireVisa, last4: '42' },
      { ...wireVisa, kind: 'card', last4: undefined },
      { id: 'pm_x', kind: 'Link 4242', status: 'ok' },
      { id: 'pm_x', kind: '<b>link</b>', status: 'ok' },
      { id: 'pm_x', kind: 7, status: 'ok' },
      { id: 'pm_x', kind: 'link', status: 'expired' },
    ]) {
      const error = await refusal(card);
      expect(error.code, JSON.stringify(card)).to.equal('server');
      expect(error.retryable).to.equal(false);
    }
  });

  it('accepts a replacement that put Link on file, with the retried payment', async () => {
    const result = await adapter({
      card: { id: 'pm_link', kind: 'link', status: 'ok' },
      payment: { status: 'succeeded', amount: 1980, currency: 'jpy' },
    }).completeReplacement({ setupIntentId: 'seti_1' });
    expect(result).to.deep.equal({
      id: 'pm_link',
      kind: 'link',
      status: 'ok',
      payment: { status: 'succeeded', amount: 1980, currency: 'jpy' },
    });
  });
});
