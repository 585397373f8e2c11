// Types for demo/server.mjs, so TypeScript tests can start the real demo.
import type { CardStore } from '../src/server/store.js';

/** Stripe mode: the demo's store talks to Stripe (or, in tests, to a fake at `apiUrl`). */
export interface DemoStripeOptions {
  secretKey: string;
  publishableKey: string;
  /** Where the Stripe API is; only tests set it (a local fake). */
  apiUrl?: string;
  /** Use this customer instead of finding or creating the demo shopper. */
  customerId?: string;
  /** The signing secret POST /stripe/webhook checks (`whsec_…`); random per start by default. */
  webhookSecret?: string;
  /** What the replacement form offers (StripeStore's `paymentMethodTypes`); cards only by default. */
  paymentMethodTypes?: string[] | 'automatic';
}

export interface DemoServerOptions {
  /** Default 8000; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  stripe?: DemoStripeOptions;
  /** Keeps the handler's shared state (spent links, idempotency, locks, limits) on this Redis. */
  redisUrl?: string;
  /** Signs the e-mail links; random per start by default. */
  linkSecret?: string;
  log?: (message: string) => void;
  /** The clock of the store, the handler and the links; default the real one. */
  now?: () => Date;
}

export interface DemoServer {
  /** `http://localhost:<port>` */
  url: string;
  port: number;
  /** The store behind /cardkeep: a MemoryStore, or a StripeStore in Stripe mode. */
  store: CardStore & { reset?: () => void };
  /** The shopper the pages are signed in as: `cus_demo`, or the Stripe customer. */
  customerId: string;
  /** A fresh signed link to the account page (the banner opens its form). */
  newLink(lang?: 'en' | 'ja', theme?: 'light' | 'dark'): string;
  /** A fresh signed link to the self-hosted update page, as the dunning e-mail carries. */
  pageLink(lang?: 'en' | 'ja'): string;
  /**
   * What the shop sent, newest first: new links ("Send me a new link") and, in Stripe mode,
   * the dunning e-mails of its webhook (with their `subject`).
   */
  outbox: { at: Date; to: string; url: string; lang: 'en' | 'ja'; subject?: string }[];
  /** Stripe mode: the secret POST /stripe/webhook verifies deliveries with. */
  webhookSecret?: string;
  close(): Promise<void>;
}

/** The Content-Security-Policy every demo response carries. */
export const CONTENT_SECURITY_POLICY: string;

export function startDemoServer(options?: DemoServerOptions): Promise<DemoServer>;
