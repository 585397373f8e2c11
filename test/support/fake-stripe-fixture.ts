// A fresh fake Stripe for every test of a Node test file, with the real `stripe` client pointed
// at it: each test starts with no customers and no recorded requests, and the fake's port is
// closed after it. One place for what the Stripe store, renewal, webhook and fake tests share.
import { afterEach, beforeEach } from 'node:test';
import Stripe from 'stripe';
import { FakeStripe, type FakeStripeOptions } from './fake-stripe.js';

/**
 * Registers `beforeEach`/`afterEach` hooks in the calling file (or suite) that start a fake
 * with `options` and a `stripe` client on it, and hand both to `use` before each test (the
 * file keeps them in its own variables). The fake is closed after each test.
 */
export function fakeStripePerTest(
  options: FakeStripeOptions,
  use: (fake: FakeStripe, stripe: Stripe) => void,
): void {
  let current: FakeStripe | undefined;
  beforeEach(async () => {
    current = await FakeStripe.start(options);
    use(current, new Stripe(current.secretKey, current.clientConfig()));
  });
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
}
