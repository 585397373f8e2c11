import '../support/setup.js';
import { expect } from '@open-wc/testing';
import { defineAdapterContract, type ContractSetup } from '../../src/adapter/contract.js';
import { DeferredHttpAdapter } from '../../src/adapter/deferred-http.js';
import { HANDOVER, handoverKey } from '../../src/adapter/handover.js';
import type { HandedOver } from '../../src/adapter/handover.js';
import { CardkeepError } from '../../src/core/errors.js';
import { clock } from '../support/clock.js';
import { startServer } from '../support/server.js';

defineAdapterContract(
  { describe, it },
  {
    create: async ({ card, declineRenewal = false }: ContractSetup) => {
      const server = await startServer({ seed: card, declineRenewal });
      return new DeferredHttpAdapter({ endpoint: server.endpoint, retryDelay: 1 });
    },
    declinesRenewal: true,
    confirmSetup: ({ clientSecret }) => clientSecret.split('_secret_')[0]!,
    now: clock,
  },
  "The elements' default backend (HttpAdapter loaded on demand) meets the adapter contract",
);

/** Hands over `answer` for `GET {endpoint}/card`, as the script tag's first file does. */
function handOver(endpoint: string, answer: Promise<HandedOver>): void {
  const page = globalThis as { [HANDOVER]?: Map<string, Promise<HandedOver>> };
  page[HANDOVER]!.set(handoverKey(`${endpoint}/card`, 'same-origin', ''), answer);
}

/** `GET {endpoint}/card` as the first file sends it, and its answer as the first file reads it. */
const firstFileAsks = async (endpoint: string): Promise<HandedOver> => {
  const response = await fetch(`${endpoint}/card`, {
    headers: { Accept: 'application/json' },
    cache: 'no-store',
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
};

describe("The elements' default backend and the first file's answer", () => {
  it('reads a handed-over card as it is: the card is asked once', async () => {
    const server = await startServer({ seed: 'expired' });
    handOver(server.endpoint, firstFileAsks(server.endpoint));
    const adapter = new DeferredHttpAdapter({ endpoint: server.endpoint, token: null });
    const card = await adapter.getCard();
    expect(card?.last4).to.equal('4242');
    expect((await server.log()).map((r) => `${r.method} ${r.path}`)).to.deep.equal(['GET /card']);
    // Taken: the next read asks the backend.
    await adapter.getCard();
    expect((await server.log()).length).to.equal(2);
  });

  it('a handed-over error is HttpAdapter’s to read: a 502 is retried, then the card is used', async () => {
    const server = await startServer({
      faults: [{ route: '/card', status: 502, body: '<html><body>Bad gateway</body></html>' }],
    });
    handOver(server.endpoint, firstFileAsks(server.endpoint));
    const adapter = new DeferredHttpAdapter({ endpoint: server.endpoint, retryDelay: 1 });
    const card = await adapter.getCard();
    expect(card?.last4).to.equal('4242');
    expect((await server.log()).length).to.equal(2);
  });

  it('a handed-over 401 becomes the same CardkeepError HttpAdapter gives', async () => {
    const server = await startServer({ session: 'none' });
    handOver(server.endpoint, firstFileAsks(server.endpoint));
    const adapter = new DeferredHttpAdapter({ endpoint: server.endpoint, token: null });
    const error = await adapter.getCard().catch((e: unknown) => e);
    expect(error).to.be.instanceOf(CardkeepError);
    expect((error as CardkeepError).code).to.equal('unauthorized');
    expect((await server.log()).length).to.equal(1);
  });

  it('an answer later than the timeout is dropped: the card is asked afresh', async () => {
    const server = await startServer({ seed: 'expired' });
    handOver(server.endpoint, new Promise<HandedOver>(() => {}));
    const adapter = new DeferredHttpAdapter({ endpoint: server.endpoint, timeout: 50 });
    const card = await adapter.getCard();
    expect(card?.last4).to.equal('4242');
    expect((await server.log()).length).to.equal(1);
  });

  it('gives up with an AbortError when its caller does, while the answer is awaited', async () => {
    const server = await startServer({ seed: 'expired' });
    handOver(server.endpoint, new Promise<HandedOver>(() => {}));
    const adapter = new DeferredHttpAdapter({ endpoint: server.endpoint });
    const call = new AbortController();
    const pending = adapter.getCard({ signal: call.signal }).catch((e: unknown) => e);
    call.abort();
    expect(((await pending) as Error).name).to.equal('AbortError');
    expect((await server.log()).length).to.equal(0);
  });
});
