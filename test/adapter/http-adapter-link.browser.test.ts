// What the HTTP adapter tells the banner about a signed link (docs/protocol.md, "Link state"):
// the read's `link` on the card, and a dead link's 401 `reason` on the error.
import '../support/setup.js';
import { expect } from '@open-wc/testing';
import { HttpAdapter } from '../../src/adapter/http-adapter.js';
import { CardkeepError } from '../../src/core/errors.js';
import { answering, wireVisa } from '../support/wire-answers.js';
import { startServer } from '../support/server.js';

describe('HttpAdapter and signed links', () => {
  it('reads an active link from the reference server, and a forged one is refused with its reason', async () => {
    const server = await startServer({ session: 'none' });
    const read = await new HttpAdapter({
      endpoint: server.endpoint,
      token: server.token,
    }).getCard();
    expect(read!.link).to.deep.equal({ state: 'active' });

    const forged = server.token.slice(0, -2) + (server.token.endsWith('AA') ? 'BB' : 'AA');
    const error = await new HttpAdapter({ endpoint: server.endpoint, token: forged })
      .getCard()
      .catch((e: unknown) => e);
    expect(error).to.be.instanceOf(CardkeepError);
    expect((error as CardkeepError).code).to.equal('unauthorized');
    expect((error as CardkeepError).reason).to.equal('bad_signature');
  });

  it('keeps the ways forward, but never a URL that is not http(s) or a path', async () => {
    const link = (l: unknown) =>
      new HttpAdapter({ endpoint: '/x', token: 't', fetch: answering({ card: wireVisa, link: l }) })
        .getCard()
        .then((c) => c!.link);
    expect(
      await link({
        state: 'used',
        resend: '/ck/update/resend',
        loginUrl: 'https://shop.example/login',
      }),
    ).to.deep.equal({
      state: 'used',
      resend: '/ck/update/resend',
      loginUrl: 'https://shop.example/login',
    });
    expect(
      await link({ state: 'used', resend: 'javascript:alert(1)', loginUrl: '//evil.example' }),
    ).to.deep.equal({ state: 'used' });
    expect(await link({ state: 'gone' })).to.equal(undefined);
    expect(await link(undefined)).to.equal(undefined);
  });

  it('puts an expired link’s reason on the error', async () => {
    const error = await new HttpAdapter({
      endpoint: '/x',
      token: 't',
      fetch: answering({ error: { code: 'unauthorized', message: 'm', reason: 'expired' } }, 401),
    })
      .getCard()
      .catch((e: unknown) => e);
    expect((error as CardkeepError).reason).to.equal('expired');
  });
});
