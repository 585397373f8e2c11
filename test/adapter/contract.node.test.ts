// The exported adapter contract, hosted by node:test, against both adapters we ship.
import { after, describe, it } from 'node:test';
import { defineAdapterContract, type ContractSetup } from '../../src/adapter/contract.js';
import { HttpAdapter } from '../../src/adapter/http-adapter.js';
import { MemoryAdapter } from '../../src/adapter/memory-adapter.js';
import { MemoryStore } from '../../src/server/index.js';
import { YEAR, clock } from '../support/clock.js';
import { startServer, type RunningServer } from '../server/harness.js';

const confirmSetup = ({ clientSecret }: { clientSecret: string }) =>
  clientSecret.split('_secret_')[0]!;

defineAdapterContract(
  { describe, it },
  {
    create: ({ card, declineRenewal = false }: ContractSetup) => {
      const ok = { id: 'pm_ok', brand: 'visa', last4: '1881', expMonth: 4, expYear: YEAR + 3 };
      return new MemoryAdapter({
        now: clock,
        ...(card === 'ok' ? { card: { ...ok, status: 'ok' as const } } : {}),
        ...(card === 'none' ? { card: null } : {}),
        declineRenewal,
      });
    },
    declinesRenewal: true,
    confirmSetup,
    now: clock,
  },
  'MemoryAdapter meets the adapter contract',
);

const servers: RunningServer[] = [];
after(() => Promise.all(servers.map((s) => s.close())));

defineAdapterContract(
  { describe, it },
  {
    create: async ({ card, declineRenewal = false }: ContractSetup) => {
      const server = await startServer({
        store: MemoryStore.demo(card, { declineRenewal, now: clock }),
      });
      servers.push(server);
      return new HttpAdapter({ endpoint: server.endpoint, retryDelay: 1 });
    },
    declinesRenewal: true,
    confirmSetup,
    now: clock,
  },
  'HttpAdapter → reference server meets the adapter contract',
);
