// The in-memory card book behind both the reference server's MemoryStore (demo, tests) and the
// browser's MemoryAdapter, so the two behave alike without the browser importing server code.
// Platform-neutral (only Web Crypto), and every method changes state synchronously after its
// checks, so concurrent requests can never interleave half-way through an update. Input is
// trusted: whoever takes it in (the handler, MemoryAdapter) has checked it once already.
import { CardkeepError } from '../core/errors.js';
import { ProtocolError } from './protocol-error.js';
import { randomId } from '../core/random-id.js';
import type {
  CardSummary,
  GreetingName,
  PaymentOutcome,
  SetupSession,
  UpdateResult,
  VerifyInput,
} from './wire.js';

/** The card fields a seed provides; status and customer fields are derived. */
export type MemoryCard = Pick<CardSummary, 'id' | 'brand' | 'last4' | 'expMonth' | 'expYear'>;

/** One customer to seed a {@link MemoryCards} book with. */
export interface MemoryCustomer {
  /** The customer id `authenticate` or a link token resolves to. */
  id: string;
  /** The full name (`customerName`); never shown by the widget. */
  name?: string;
  /** The name the greeting uses (`greetingName`). */
  greetingName?: GreetingName;
  /** The year they became a customer. */
  since?: number;
  /** The default card, or null for none. */
  card: MemoryCard | null;
  /** An open renewal invoice whose charge failed: the card shows `payment_failed` until paid. */
  failedInvoice?: { amount: number; currency: string; description?: string } | null;
}

/** The states the demo customer can start in. */
export type DemoSeed = 'payment_failed' | 'expired' | 'expiring' | 'ok' | 'none';

/** Options of {@link MemoryCards} (and of the server's `MemoryStore`). */
export interface MemoryCardsOptions {
  /** Customers to start with (and to go back to on `reset()`). Default: none. */
  customers?: MemoryCustomer[];
  /** The retried renewal charge is declined (the expiry is still saved). */
  declineRenewal?: boolean;
  /** The issuer rejects the new expiry date: updates fail with `card_declined`, nothing saved. */
  declineUpdate?: boolean;
  /** Updates and replacements answer with an `authenticate` action, finished by `verify`. */
  requireAuthentication?: boolean;
  /** Publishable key handed out with setup sessions. */
  publishableKey?: string;
  /** The clock; defaults to the real one. */
  now?: () => Date;
}

/** The demo customer's id. */
export const DEMO_CUSTOMER_ID = 'cus_demo';

/**
 * The demo customer in one of its starting states, relative to `now`: with us since 2019,
 * a Visa •••• 4242, and for `payment_failed` a ¥1,980 renewal that failed because the card
 * expired last month.
 */
export function demoCustomer(
  seed: DemoSeed = 'payment_failed',
  now: Date = new Date(),
  id: string = DEMO_CUSTOMER_ID,
): MemoryCustomer {
  const month = now.getMonth() + 1;
  const year = now.getFullYear();
  const lastMonth = month === 1 ? { m: 12, y: year - 1 } : { m: month - 1, y: year };
  const exp =
    seed === 'ok'
      ? { m: month, y: year + 3 }
      : seed === 'expiring'
        ? { m: month, y: year }
        : lastMonth;
  return {
    id,
    name: 'Hanako Sato',
    // "Hi Hanako," in English; a Japanese shop greets by family name: 佐藤 様.
    greetingName: { en: 'Hanako', ja: '佐藤' },
    since: 2019,
    card:
      seed === 'none'
        ? null
        : { id: 'pm_demo_visa4242', brand: 'visa', last4: '4242', expMonth: exp.m, expYear: exp.y },
    failedInvoice: seed === 'payment_failed' ? { amount: 1980, currency: 'jpy' } : null,
  };
}

/** What replacing a card and finishing a verification name: the SetupIntent. */
type SetupInput = { setupIntentId: string };

interface CustomerState {
  seed: MemoryCustomer;
  card: MemoryCard | null;
  invoice: { amount: number; currency: string; description?: string } | null;
  /** SetupIntents handed out and not yet completed. */
  sessions: Set<string>;
  /** SetupIntents waiting for the shopper to authenticate, with what to do once they have. */
  pending: Map<string, () => MemoryCard>;
}

/**
 * Customers and their cards in memory, with the card store's methods. After a successful
 * update it retries the failed renewal the way a real backend would, so the card becomes
 * current and the failed-payment state clears. The last argument of the write methods (the
 * server's store context) is accepted and ignored.
 */
export class MemoryCards {
  /** Behaviour switches; tests and the demo may flip them at any time. */
  readonly options: Omit<MemoryCardsOptions, 'customers'>;
  #seeds: MemoryCustomer[];
  readonly #customers = new Map<string, CustomerState>();

  /** A book with the given customers (none by default). */
  constructor(options: MemoryCardsOptions = {}) {
    const { customers = [], ...rest } = options;
    this.options = rest;
    this.#seeds = customers.map((c) => structuredClone(c));
    this.reset();
  }

  /** Forgets every change: customers are back to how they were seeded. */
  reset(): void {
    this.#customers.clear();
    for (const seed of this.#seeds) this.#add(seed);
  }

  /** Adds (or replaces) a customer, e.g. the demo customer in another state. */
  seed(customer: MemoryCustomer): void {
    this.#seeds = [...this.#seeds.filter((s) => s.id !== customer.id), structuredClone(customer)];
    this.#add(customer);
  }

  /** The customer's card, or null. */
  async getCard(customerId: string): Promise<CardSummary | null> {
    const customer = this.#customers.get(customerId);
    return customer?.card ? this.#summary(customer) : null;
  }

  /** Sets the expiry of the customer's card `cardId` (already checked), then retries the renewal. */
  async updateExpiry(
    customerId: string,
    input: { cardId: string; month: number; year: number },
    _context?: unknown,
  ): Promise<UpdateResult> {
    const customer = this.#customers.get(customerId);
    if (!customer?.card || customer.card.id !== input.cardId) {
      throw new ProtocolError(409, 'card_mismatch', 'That card is not the card on file.');
    }
    if (this.options.declineUpdate) {
      throw new CardkeepError('card_declined', 'The issuer declined the new expiry date.');
    }
    customer.card = { ...customer.card, expMonth: input.month, expYear: input.year };
    return this.#finish(customer, () => customer.card as MemoryCard);
  }

  /** Hands out a fake SetupIntent (`seti_mem_…`). */
  async createSetupSession(customerId: string, _context?: unknown): Promise<SetupSession> {
    const customer = this.#customers.get(customerId) ?? this.#add({ id: customerId, card: null });
    const id = `seti_mem_${randomId()}`;
    customer.sessions.add(id);
    return { clientSecret: `${id}_secret_${randomId()}`, publishableKey: this.#publishableKey() };
  }

  /** Puts a new Mastercard •••• 4444 on file for a SetupIntent handed out before. */
  async completeReplacement(
    customerId: string,
    input: SetupInput,
    _context?: unknown,
  ): Promise<UpdateResult> {
    const customer = this.#customers.get(customerId);
    if (!customer?.sessions.delete(input.setupIntentId)) {
      throw new ProtocolError(409, 'setup_intent_mismatch', 'Unknown SetupIntent.');
    }
    const now = this.#now();
    // What a shopper's new card from the same bank typically looks like: a new number, 4 years.
    const card: MemoryCard = {
      id: `pm_mem_${randomId()}`,
      brand: 'mastercard',
      last4: '4444',
      expMonth: now.getMonth() + 1,
      expYear: now.getFullYear() + 4,
    };
    return this.#finish(customer, () => (customer.card = card), input.setupIntentId);
  }

  /** Finishes a change that waited for the shopper to authenticate. */
  async verify(customerId: string, input: VerifyInput, _context?: unknown): Promise<UpdateResult> {
    const customer = this.#customers.get(customerId);
    // This book's renewals never ask for 3-D Secure, so no PaymentIntent ever waits here.
    const intentId = 'setupIntentId' in input ? input.setupIntentId : undefined;
    const apply = intentId === undefined ? undefined : customer?.pending.get(intentId);
    if (!customer || !apply || intentId === undefined) {
      throw new ProtocolError(409, 'setup_intent_mismatch', 'Nothing waits for that SetupIntent.');
    }
    customer.pending.delete(intentId);
    apply();
    const retried = this.#retryRenewal(customer);
    return { ...this.#summary(customer), ...retried };
  }

  /** Applies a change now, or parks it behind an issuer authentication when so configured. */
  #finish(customer: CustomerState, apply: () => MemoryCard, setupIntentId?: string): UpdateResult {
    if (this.options.requireAuthentication) {
      const intentId = setupIntentId ?? `seti_mem_${randomId()}`;
      customer.pending.set(intentId, apply);
      return {
        ...this.#summary(customer),
        action: {
          type: 'authenticate',
          clientSecret: `${intentId}_secret_${randomId()}`,
          publishableKey: this.#publishableKey(),
        },
      };
    }
    apply();
    const retried = this.#retryRenewal(customer);
    return { ...this.#summary(customer), ...retried };
  }

  #retryRenewal(customer: CustomerState): { payment?: PaymentOutcome } {
    const invoice = customer.invoice;
    if (!invoice) return {};
    if (this.options.declineRenewal) return { payment: { status: 'failed', ...invoice } };
    customer.invoice = null;
    return { payment: { status: 'succeeded', ...invoice } };
  }

  #summary(customer: CustomerState): CardSummary {
    const { name, greetingName, since } = customer.seed;
    return {
      ...(customer.card as MemoryCard),
      status: customer.invoice ? 'payment_failed' : 'ok',
      ...(name === undefined ? {} : { customerName: name }),
      ...(greetingName === undefined ? {} : { greetingName: structuredClone(greetingName) }),
      ...(since === undefined ? {} : { customerSince: since }),
    };
  }

  #add(seed: MemoryCustomer): CustomerState {
    const copy = structuredClone(seed);
    const state: CustomerState = {
      seed: copy,
      card: copy.card,
      invoice: copy.failedInvoice ?? null,
      sessions: new Set(),
      pending: new Map(),
    };
    this.#customers.set(seed.id, state);
    return state;
  }

  #now(): Date {
    return this.options.now?.() ?? new Date();
  }

  #publishableKey(): string {
    return this.options.publishableKey ?? 'pk_test_cardkeep_memory';
  }
}
