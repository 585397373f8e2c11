// The exported adapter contract, hosted by node:test, against both adapters we ship.
import { after, describe, it } from 'node:test';
import { defineAdapterContract, type ContractSetup } from '../../src/adapter/contract.js';
import { HttpAdapter } from '../../src/adapter/http-adapter.js';
import { MemoryAdapter } from '../../src/adapter/memory-adapter.js';
import { MemoryStore } from '../../src/server/index.js';
import { startServer, type RunningServer } from '../server/harness.js';

const confirmSetup = ({ clientSecret }: { clientSecret: string }) =>
  clientSecret.split('_secret_')[0]!;

defineAdapterContract(
  { describe, it },
  {
    create: ({ card, declineRenewal = false }: ContractSetup) => {
      const year = new Date().getFullYear();
      const ok = { id: 'pm_ok', brand: 'visa', last4: '1881', expMonth: 4, expYear: year + 3 };
      return new MemoryAdapter({
        ...(card === 'ok' ? { card: { ...ok, status: 'ok' as const } } : {}),
        ...(card === 'none' ? { card: null } : {}),
        declineRenewal,
      });
    },
    declinesRenewal: true,
    confirmSetup,
  },
  'MemoryAdapter meets the adapter contract',
);

const servers: RunningServer[] = [];
after(() => Promise.all(servers.map((s) => s.close())));

defineAdapterContract(
  { describe, it },
  {
    create: async ({ card, declineRenewal = false }: ContractSetup) => {
      const server = await startServer({ store: MemoryStore.demo(card, { declineRenewal }) });
      servers.push(server);
      return new HttpAdapter({ endpoint: server.endpoint, retryDelay: 1 });
    },
    declinesRenewal: true,
    confirmSetup,
  },
  'HttpAdapter → reference server meets the adapter contract',
);
