// Types for bench/cluster.mjs, so the TypeScript tests can start instances over one Redis.
import type * as CardkeepServer from '../src/server/index.js';
import type { LoadTarget } from './load.mjs';

/** A running instance in its own process. */
export interface Instance {
  /** Origin of the instance; the Cardkeep routes are at its root. */
  base: string;
  /** Its POST /card/expiry URL. */
  url: string;
  close(): Promise<void>;
}

export function serveStore(
  store: CardkeepServer.CardStore,
): Promise<{ url: string; close(): Promise<void> }>;

export function startInstance(options: {
  storeUrl: string;
  /** Without it the instance keeps the default in-memory state. */
  redisUrl?: string;
  from?: 'src' | 'dist';
  /** More handler options, as JSON (rate limits, link secret). */
  handler?: Record<string, unknown>;
  /** The instance's calendar (default: the machine's). */
  now?: () => Date;
}): Promise<Instance>;

export function startCluster(
  server: typeof CardkeepServer,
  options: {
    redisUrl: string;
    instances?: number;
    customers?: number;
    from?: 'src' | 'dist';
    /** The store's and the instances' calendar (default: the machine's). */
    now?: () => Date;
  },
): Promise<LoadTarget & { urls: string[] }>;
