// What the Stripe-mode demo tests share: the demo server started against a fake Stripe, the
// customer's default card as the fake holds it, and each file's browser and per-test cleanup.
import { after, afterEach, before } from 'node:test';
import type { Browser } from 'puppeteer-core';
import { startDemoServer } from '../../demo/server.mjs';
import type { DemoServer, DemoStripeOptions } from '../../demo/server.mjs';
import { clock } from '../support/clock.js';
import { FakeStripe } from '../support/fake-stripe.js';
import type { CustomerSeed, TestCardName, WalletType } from '../support/fake-stripe.js';
import { assertClean, launchChromium, newVisit } from './shopper.js';
import type { Visit } from './shopper.js';
import { answerStripeHosts } from './stripe-hosts.js';

/**
 * The demo in Stripe mode against `fake`, on the test calendar (start the fake with
 * `now: clock` too); `customerId` skips the demo shopper; `stripe` adds Stripe-mode options
 * (e.g. `paymentMethodTypes`).
 */
export function startStripeDemo(
  fake: FakeStripe,
  customerId?: string,
  stripe: Partial<DemoStripeOptions> = {},
): Promise<DemoServer> {
  return startDemoServer({
    port: 0,
    log: () => {},
    now: clock,
    stripe: {
      secretKey: fake.secretKey,
      publishableKey: fake.publishableKey,
      apiUrl: fake.url,
      ...(customerId ? { customerId } : {}),
      ...stripe,
    },
  });
}

/** The customer's default PaymentMethod in the fake. */
export function defaultCard(fake: FakeStripe, customerId: string) {
  const customer = fake.object(customerId)!;
  const { default_payment_method: id } = customer.invoice_settings as {
    default_payment_method: string;
  };
  return fake.object(id) as unknown as {
    id: string;
    customer: string;
    card: { brand: string; last4: string; exp_month: number; exp_year: number };
  };
}

/**
 * A customer in `fake` whose default `card` expired last month (on the test calendar) and whose
 * renewal of 1,980 yen failed on it: the shopper every Stripe-demo flow starts from.
 */
export function addFailedRenewal(
  fake: FakeStripe,
  card: TestCardName,
  customer: CustomerSeed,
  { wallet }: { wallet?: WalletType } = {},
) {
  const now = clock();
  const lastMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  const { id } = fake.addCustomer(customer);
  const old = fake.addPaymentMethod(card, {
    customer: id,
    default: true,
    exp_month: lastMonth.getUTCMonth() + 1,
    exp_year: lastMonth.getUTCFullYear(),
    ...(wallet ? { wallet } : {}),
  });
  const { subscription, invoice } = fake.addSubscription({
    customer: id,
    status: 'past_due',
    latestInvoice: { amount: 1980, currency: 'jpy', attempt_count: 1 },
  });
  return { customerId: String(id), old, subscription, invoiceId: String(invoice!.id) };
}

/** What {@link stripeDemoSession} gives a test file. */
export interface StripeDemoSession {
  /** Starts this test's fake Stripe, on the test calendar. */
  startFake(): Promise<FakeStripe>;
  /** Starts the demo against this test's fake (`customerId` skips the demo shopper). */
  startDemo(customerId?: string, stripe?: Partial<DemoStripeOptions>): Promise<DemoServer>;
  /** A fresh shopper's browser profile, checked clean after the test. */
  visit(): Promise<Visit>;
  /** This test's fake Stripe (after `startFake`). */
  readonly fake: FakeStripe;
}

/**
 * The hooks every Stripe-mode demo test file needs: one Chromium for the file; per test a fake
 * Stripe, the demo and the shopper's visits, each visit checked clean (./shopper.ts) and the
 * servers closed after the test whatever happened. `answerStripeHosts`: the visits' requests
 * to Stripe's hosts are answered by the Stripe.js stand-in and the fake (./stripe-hosts.ts);
 * without it they must never be made.
 */
export function stripeDemoSession({ answerStripeHosts: answer = false } = {}): StripeDemoSession {
  let browser: Browser | undefined;
  let fake: FakeStripe | undefined;
  let demo: DemoServer | undefined;
  const visits: Visit[] = [];
  before(async () => {
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
  });
  afterEach(async () => {
    try {
      for (const entry of visits.splice(0)) await assertClean(entry);
    } finally {
      await demo?.close();
      await fake?.close();
      demo = fake = undefined;
    }
  });
  return {
    startFake: async () => (fake = await FakeStripe.start({ now: clock })),
    startDemo: async (customerId, stripe) =>
      (demo = await startStripeDemo(fake!, customerId, stripe)),
    async visit() {
      const entry = await newVisit(browser!);
      visits.push(entry);
      if (answer) await answerStripeHosts(entry, fake!);
      return entry;
    },
    get fake() {
      if (!fake) throw new Error('stripeDemoSession: startFake() first');
      return fake;
    },
  };
}
