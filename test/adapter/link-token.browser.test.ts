import '../support/setup.js';
import { expect } from '@open-wc/testing';
import { HttpAdapter } from '../../src/adapter/http-adapter.js';
import { hasLinkToken, takeLinkToken } from '../../src/adapter/link-token.js';
import type { CardkeepError } from '../../src/core/errors.js';
import { startServer } from '../support/server.js';

// One page per test file: the link token is read once per page, so this file holds the story
// of one shopper arriving from a dunning e-mail.
describe('arriving from a signed link', () => {
  const original = location.href;
  after(() => history.replaceState(history.state, '', original));

  it('takes the token out of the address bar and uses it for the backend', async () => {
    const server = await startServer({ session: 'none' });
    const url = new URL(location.href);
    url.searchParams.set('cardkeep_token', server.token);
    url.searchParams.set('tab', 'billing');
    url.hash = '#card';
    history.replaceState(null, '', url.href);
    const before = new URL(location.href);

    expect(hasLinkToken()).to.equal(true);
    const after = new URL(location.href);
    expect(after.searchParams.has('cardkeep_token')).to.equal(false);
    expect(after.searchParams.get('tab')).to.equal('billing');
    expect(after.hash).to.equal('#card');
    // Everything else the page had (the runner's own parameters) is untouched.
    before.searchParams.delete('cardkeep_token');
    expect(after.href).to.equal(before.href);
    expect(location.href).not.to.contain(server.token);

    // Other elements read it later: same token, from memory.
    expect(takeLinkToken()).to.equal(server.token);

    const adapter = new HttpAdapter({ endpoint: server.endpoint });
    expect((await adapter.getCard())?.last4).to.equal('4242');
    const [request] = await server.log();
    expect(request!.headers.authorization).to.equal(`Bearer ${server.token}`);

    // The link is single use: the update spends it; reading still works.
    await adapter.updateExpiry({ cardId: 'pm_demo_visa4242', month: 5, year: 2031 });
    const error = (await adapter
      .updateExpiry({ cardId: 'pm_demo_visa4242', month: 6, year: 2031 })
      .catch((e: unknown) => e)) as CardkeepError;
    expect(error.code).to.equal('unauthorized');
    expect((await adapter.getCard())?.expMonth).to.equal(5);
  });

  it('an explicit token option wins over the page token', async () => {
    const server = await startServer({ session: 'none' });
    await new HttpAdapter({ endpoint: server.endpoint, token: 'ck1.explicit' })
      .getCard()
      .catch(() => undefined);
    expect((await server.log())[0]!.headers.authorization).to.equal('Bearer ck1.explicit');
  });
});
