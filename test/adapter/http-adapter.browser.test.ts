import '../support/setup.js';
import { expect } from '@open-wc/testing';
import { defineAdapterContract, type ContractSetup } from '../../src/adapter/contract.js';
import { HttpAdapter } from '../../src/adapter/http-adapter.js';
import { CardkeepError } from '../../src/core/errors.js';
import { YEAR, clock } from '../support/clock.js';
import { startServer } from '../support/server.js';

const year = YEAR + 1;
const CARD = 'pm_demo_visa4242';

defineAdapterContract(
  { describe, it },
  {
    create: async ({ card, declineRenewal = false }: ContractSetup) => {
      const server = await startServer({ seed: card, declineRenewal });
      return new HttpAdapter({ endpoint: server.endpoint, retryDelay: 1 });
    },
    declinesRenewal: true,
    confirmSetup: ({ clientSecret }) => clientSecret.split('_secret_')[0]!,
    now: clock,
  },
  'HttpAdapter in the browser → reference server meets the adapter contract',
);

describe('HttpAdapter in the browser', () => {
  it('sends what the protocol says, and the backend receives exactly that', async () => {
    const server = await startServer({ session: 'cookie' });
    document.cookie = `ck_session=${server.id}; path=/; SameSite=Strict`;
    try {
      const adapter = new HttpAdapter({
        endpoint: server.endpoint,
        csrfHeader: 'X-CSRF-Token',
        csrfToken: 'csrf-abc',
      });
      const result = await adapter.updateExpiry({ cardId: CARD, month: 8, year });
      expect(result.status).to.equal('ok');
      expect(result.payment).to.deep.equal({ status: 'succeeded', amount: 1980, currency: 'jpy' });

      const [request] = await server.log();
      expect(request!.method).to.equal('POST');
      expect(request!.path).to.equal('/card/expiry');
      expect(request!.body).to.deep.equal({ cardId: CARD, month: 8, year });
      expect(request!.headers['content-type']).to.equal('application/json');
      expect(request!.headers['x-csrf-token']).to.equal('csrf-abc');
      expect(request!.headers['idempotency-key']).to.match(/^[a-z]{26}$/);
      expect(request!.headers.authorization).to.equal(undefined);
      expect(request!.cookies).to.include('ck_session');
      expect((await server.card())?.expMonth).to.equal(8);
    } finally {
      document.cookie = 'ck_session=; path=/; max-age=0';
    }
  });

  it("does not send the session cookie with credentials 'omit'", async () => {
    const server = await startServer({ session: 'cookie' });
    document.cookie = `ck_session=${server.id}; path=/; SameSite=Strict`;
    try {
      const adapter = new HttpAdapter({ endpoint: server.endpoint, credentials: 'omit' });
      const error = await adapter.getCard().catch((e: unknown) => e);
      expect(error).to.be.instanceOf(CardkeepError);
      expect((error as CardkeepError).code).to.equal('unauthorized');
      expect((await server.log())[0]!.cookies).to.deep.equal([]);
    } finally {
      document.cookie = 'ck_session=; path=/; max-age=0';
    }
  });

  it('a dropped connection is retried with the same Idempotency-Key and applied once', async () => {
    const server = await startServer({ faults: [{ route: 'POST /card/expiry', drop: true }] });
    const adapter = new HttpAdapter({ endpoint: server.endpoint, retryDelay: 1 });
    const result = await adapter.updateExpiry({ cardId: CARD, month: 9, year });
    expect(result.expMonth).to.equal(9);
    const log = await server.log();
    expect(log.map((r) => r.path)).to.deep.equal(['/card/expiry', '/card/expiry']);
    expect(log[0]!.headers['idempotency-key']).to.equal(log[1]!.headers['idempotency-key']);
  });

  it("a proxy's 502 page is retried, then the real answer is used", async () => {
    const server = await startServer({
      faults: [{ route: '/card', status: 502, body: '<html><body>Bad gateway</body></html>' }],
    });
    const card = await new HttpAdapter({ endpoint: server.endpoint, retryDelay: 1 }).getCard();
    expect(card?.last4).to.equal('4242');
  });

  it('a backend that never answers ends in a timeout error', async () => {
    const server = await startServer({ stall: true });
    const adapter = new HttpAdapter({ endpoint: server.endpoint, timeout: 150, retryDelay: 1 });
    const error = await adapter.getCard().catch((e: unknown) => e);
    expect((error as CardkeepError).code).to.equal('timeout');
    expect((await server.log()).length).to.equal(2);
  });

  it('a 429 with a long Retry-After reaches the caller with retryAfter', async () => {
    const server = await startServer({
      faults: [
        {
          route: 'POST /card/expiry',
          status: 429,
          headers: { 'Retry-After': '30' },
          body: { error: { code: 'rate_limited', message: 'slow down' } },
        },
      ],
    });
    const adapter = new HttpAdapter({ endpoint: server.endpoint });
    const error = (await adapter
      .updateExpiry({ cardId: CARD, month: 9, year })
      .catch((e: unknown) => e)) as CardkeepError;
    expect([error.code, error.retryAfter]).to.deep.equal(['rate_limited', 30]);
    expect((await server.card())?.status).to.equal('payment_failed');
  });
});
