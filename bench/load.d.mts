// Types for bench/load.mjs, so the CI version of the load test (TypeScript) can run it.
import type * as CardkeepServer from '../src/server/index.js';

export interface LoadTarget {
  url: string;
  /** Several instances (bench/cluster.mjs): every request goes to one of them at random. */
  urls?: string[];
  ids: string[];
  heap(): Promise<number | null>;
  verify(): Promise<unknown>;
  close(): Promise<void>;
}

export interface LoadReport {
  durationMs: number;
  workers: number;
  customers: number;
  requests: number;
  writes: number;
  replayed: number;
  requestsPerSecond: number;
  errors: number;
  lost: number;
  doubled: number;
  unacknowledged: number;
  customersUpdated: number;
  renewalsCharged: number;
  heapMB: { before: number | null; after: number | null; samples: { atMs: number; mb: number }[] };
  problems: string[];
}

export function seedLoadStore(
  server: typeof CardkeepServer,
  options?: { customers?: number; onApplied?: (key: string) => void; now?: () => Date },
): { store: CardkeepServer.MemoryStore; ids: string[]; verify(): Promise<unknown> };

export function startLoadServer(
  server: typeof CardkeepServer,
  options?: { customers?: number; maxIdempotencyKeys?: number; now?: () => Date },
): Promise<LoadTarget>;

export function runLoad(
  target: LoadTarget,
  options?: {
    durationMs?: number;
    workers?: number;
    duplicateRatio?: number;
    sampleEveryMs?: number;
    /** Keep going past durationMs until this many writes were acknowledged (≤ 1 min more). */
    minWrites?: number;
    /** The target's calendar (default: the machine's). */
    now?: () => Date;
  },
): Promise<LoadReport>;
