// Browser-side helpers for tests that talk to the real reference server, mounted in the test
// runner by test/support/wtr-plugins.ts. Each startServer() call gets its own isolated server:
// its own MemoryStore, its own customer, its own request log.
import { waitUntil } from '@open-wc/testing';
import type { CardSummary } from '../../src/adapter/types.js';

/** Answers an instance gives instead of (or before) the real handler. */
export interface Fault {
  /** Which requests: `POST /card/expiry`, `/card` (any method) or omitted (all). */
  route?: string;
  /** Answer with this status instead of calling the handler. */
  status?: number;
  /** The body of that answer: a string as is, anything else as JSON. */
  body?: unknown;
  /** Extra response headers, e.g. `{ 'Retry-After': '1' }`. */
  headers?: Record<string, string>;
  /** Wait this long first (then answer `status`, or pass on to the handler). */
  delayMs?: number;
  /** Cut the connection: the browser's fetch fails with a network error. */
  drop?: boolean;
  /** Never answer (until the page goes away): for timeouts. */
  stall?: boolean;
  /** How many matching requests it applies to. Default 1; `0` for all of them. */
  times?: number;
}

/** Options of {@link startServer}. */
export interface ServerOptions {
  /** The customer's starting state. Default `payment_failed` (the demo). */
  seed?: 'payment_failed' | 'expired' | 'expiring' | 'ok' | 'none';
  /** The retried renewal is declined. */
  declineRenewal?: boolean;
  /** The issuer refuses new expiry dates (422 card_declined). */
  declineUpdate?: boolean;
  /** Updates answer with an `authenticate` action. */
  requireAuthentication?: boolean;
  /** Every request stalls (a backend that never answers). */
  stall?: boolean;
  /** Faults to start with. */
  faults?: Fault[];
  /**
   * How the shopper is signed in: `always` (default), `cookie` (only with the cookie
   * `ck_session=<instance id>`), or `none` (only a link token works).
   */
  session?: 'always' | 'cookie' | 'none';
  /**
   * The ways forward a dead link offers: the handler mails fresh links (to a log the test can
   * read back with `state()`) and/or names a sign-in page.
   */
  ways?: { sendLink?: boolean; loginUrl?: string };
  /** Rate limits of the handler; default: the real defaults. */
  rateLimit?: false | { customerWrites?: number; ipWrites?: number; ipReads?: number };
}

/** A request as the server received it. */
export interface LoggedRequest {
  method: string;
  /** Path below the endpoint, e.g. `/card/expiry`, without the query. */
  path: string;
  /** Request headers, lower-case, without `cookie`. */
  headers: Record<string, string>;
  /** Names of the cookies that came with it. */
  cookies: string[];
  /** The body parsed as JSON, or the raw text when it is not JSON; null when empty. */
  body: unknown;
  /**
   * The server has answered it (or cut the connection, as a `drop` fault does): the store did
   * whatever the request asked, and its response left the server. Stalled requests never are.
   */
  answered: boolean;
}

/** What {@link startServer} gives back. */
export interface TestServer {
  /** The instance id (also the value of its session cookie). */
  id: string;
  /** The `endpoint` to give the adapter or element. */
  endpoint: string;
  /** A fresh signed-link token for the instance's customer. */
  token: string;
  /** A genuine link token for the same customer that expired an hour ago. */
  expiredToken: string;
  /** Every request the backend received so far (fault-injected ones included). */
  log(): Promise<LoggedRequest[]>;
  /**
   * Resolves once the server has received a request on `route` (`POST /card/expiry`, or a path
   * for any method) and answered every such request: the point after which a late answer would
   * have shown, so "nothing happened" can be checked without a fixed sleep.
   */
  answered(route: string): Promise<void>;
  /** Adds faults for the next matching requests. */
  fault(...faults: Fault[]): Promise<void>;
  /** Drops every fault still waiting: the backend behaves again. */
  clearFaults(): Promise<void>;
  /** The card as the backend now has it (bypasses auth, limits and the log). */
  card(): Promise<CardSummary | null>;
  /** How many writes reached the store, and what the handler's logger wrote. */
  state(): Promise<ServerState>;
}

/** The backend's side of things, for checks a shopper cannot see. */
export interface ServerState {
  card: CardSummary | null;
  /** Store calls that completed, by method: `{ updateExpiry: 1 }`. */
  writes: Record<string, number>;
  /** The handler's log lines (its `logger` option), as JSON text. */
  serverLog: string[];
}

const BASE = '/__cardkeep';

async function ok(response: Response): Promise<Response> {
  if (!response.ok) throw new Error(`test server: ${response.status} ${await response.text()}`);
  return response;
}

/** Starts an isolated reference server in the test runner and returns how to reach it. */
export async function startServer(options: ServerOptions = {}): Promise<TestServer> {
  const response = await ok(
    await fetch(`${BASE}/instances`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(options),
    }),
  );
  const { id, endpoint, token, expiredToken } = (await response.json()) as {
    id: string;
    endpoint: string;
    token: string;
    expiredToken: string;
  };
  const log = async () =>
    (await (await ok(await fetch(`${endpoint}/__log`))).json()) as LoggedRequest[];
  return {
    id,
    endpoint,
    token,
    expiredToken,
    log,
    answered: async (route) => {
      const [method, path] = route.includes(' ') ? route.split(' ') : [undefined, route];
      const matches = (r: LoggedRequest) =>
        r.path === path && (method === undefined || r.method === method);
      await waitUntil(
        async () => {
          const hits = (await log()).filter(matches);
          return hits.length > 0 && hits.every((r) => r.answered);
        },
        `the server answers ${route}`,
        { timeout: 8000 },
      );
    },
    fault: async (...faults) => {
      await ok(
        await fetch(`${endpoint}/__faults`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(faults),
        }),
      );
    },
    clearFaults: async () => {
      await ok(await fetch(`${endpoint}/__faults`, { method: 'DELETE' }));
    },
    card: async () =>
      ((await (await ok(await fetch(`${endpoint}/__state`))).json()) as ServerState).card,
    state: async () => (await (await ok(await fetch(`${endpoint}/__state`))).json()) as ServerState,
  };
}
