// The embedded store for the demo and tests: the shared in-memory card book
// (src/protocol/memory-cards.ts, which the browser's MemoryAdapter uses too) as a CardStore.
import {
  MemoryCards,
  demoCustomer,
  type DemoSeed,
  type MemoryCardsOptions,
} from '../protocol/memory-cards.js';
import type { CardStore } from './store.js';

export {
  demoCustomer,
  DEMO_CUSTOMER_ID,
  type DemoSeed,
  type MemoryCard,
  type MemoryCustomer,
} from '../protocol/memory-cards.js';

/** Options of {@link MemoryStore}. */
export type MemoryStoreOptions = MemoryCardsOptions;

/** An in-memory {@link CardStore}: the demo's default, and what tests run against. */
export class MemoryStore extends MemoryCards implements CardStore {
  /** A store holding the demo customer `cus_demo` in the given state. */
  static demo(
    seed: DemoSeed = 'payment_failed',
    options: Omit<MemoryStoreOptions, 'customers'> = {},
  ): MemoryStore {
    const now = options.now?.() ?? new Date();
    return new MemoryStore({ ...options, customers: [demoCustomer(seed, now)] });
  }
}
