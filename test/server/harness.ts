// Starts the real reference server on an ephemeral loopback port for Node tests.
import type { AddressInfo } from 'node:net';
import {
  createCardkeepHandler,
  createNodeServer,
  MemoryStore,
  type CardkeepHandlerOptions,
} from '../../src/server/index.js';
import { clock } from '../support/clock.js';

/** A link secret for tests (any 32+ characters). */
export const SECRET = 'test-secret-0123456789-abcdefghijklmnop';

/** A running server and how to reach it. */
export interface RunningServer {
  /** Base URL of the Cardkeep routes. */
  endpoint: string;
  /** Stops the server, cutting stalled connections. */
  close(): Promise<void>;
}

/**
 * Starts `createCardkeepHandler(options)` under `/cardkeep`, signed in as `cus_demo`, on the test
 * calendar (a store passed in brings its own clock: give it `now: clock` too).
 */
export async function startServer(
  options: Partial<CardkeepHandlerOptions> = {},
): Promise<RunningServer> {
  const handler = createCardkeepHandler({
    store: MemoryStore.demo('payment_failed', { now: clock }),
    now: clock,
    authenticate: () => 'cus_demo',
    basePath: '/cardkeep',
    linkSecret: SECRET,
    logger: false,
    ...options,
  });
  const server = createNodeServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}/cardkeep`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A POST with a JSON body, as raw fetch (for what the adapter would never send). */
export function post(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** The wire error of a response: `{ code, message, … }`. */
export async function errorOf(response: Response): Promise<Record<string, unknown>> {
  const body = (await response.json()) as { error: Record<string, unknown> };
  return body.error;
}
