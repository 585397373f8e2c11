// An in-browser backend for demos, docs and tests: the in-memory card book the reference
// server's MemoryStore is made of, and the server's expiry check, without HTTP (and without any
// server module). It behaves like `HttpAdapter` talking to the reference server.
import { abortError } from '../core/abort.js';
import { sleep } from '../core/sleep.js';
import { CardkeepError } from '../core/errors.js';
import { checkExpiry } from '../core/expiry.js';
import { MemoryCards, demoCustomer, type MemoryCustomer } from '../protocol/memory-cards.js';
import { ProtocolError } from '../protocol/protocol-error.js';
import { isCard } from '../protocol/wire.js';
import type {
  CallOptions,
  CardkeepAdapter,
  CardSummary,
  ExpiryUpdate,
  SetupSession,
  UpdateResult,
  VerifyInput,
} from './types.js';

/** Options of {@link MemoryAdapter}. */
export interface MemoryAdapterOptions {
  /**
   * The card on file; `status: 'payment_failed'` comes with a failed ¥1,980 renewal that a
   * successful update retries. Default: the demo card (Visa •••• 4242, expired last month,
   * renewal failed). `null`: no card.
   */
  card?: CardSummary | null;
  /** The retried renewal is declined: the update succeeds, `payment.status` is `failed`. */
  declineRenewal?: boolean;
  /** The issuer refuses the new expiry: updates reject with `card_declined`. */
  declineUpdate?: boolean;
  /** Updates and replacements ask for issuer authentication; `verify()` finishes them. */
  requireAuthentication?: boolean;
  /** Milliseconds every call takes, to show pending states. Default 0. */
  latency?: number;
  /** The clock; defaults to the real one. */
  now?: () => Date;
}

const CUSTOMER = 'cus_memory';

/**
 * A {@link CardkeepAdapter} that keeps the card in memory. `createSetupSession` hands out a
 * fake SetupIntent (`seti_mem_…`, its client secret `seti_mem_…_secret_…`); passing that id to
 * `completeReplacement` puts a new Mastercard •••• 4444 on file, as if Stripe had confirmed it.
 */
export class MemoryAdapter implements CardkeepAdapter {
  /** The store behind the adapter: flip `store.options.declineRenewal` etc., or `reset()`. */
  readonly store: MemoryCards;
  readonly #latency: number;
  readonly #now: () => Date;

  /** An adapter holding `options.card` (default: the demo card). */
  constructor(options: MemoryAdapterOptions = {}) {
    const { card, latency = 0, now = () => new Date(), ...flags } = options;
    this.#latency = latency;
    this.#now = now;
    const customer =
      card === undefined ? demoCustomer('payment_failed', now(), CUSTOMER) : customerOf(card);
    this.store = new MemoryCards({ ...flags, now, customers: [customer] });
  }

  getCard(options?: CallOptions): Promise<CardSummary | null> {
    return this.#run(options, () => this.store.getCard(CUSTOMER));
  }

  updateExpiry(input: ExpiryUpdate, options?: CallOptions): Promise<UpdateResult> {
    return this.#run(options, () => {
      // The one check, where input enters (the handler's place); the card book trusts it.
      const checked = checkExpiry(input.month, input.year, this.#now());
      if (!checked.ok) {
        throw new CardkeepError('invalid_expiry', `Invalid expiry date (${checked.reason}).`);
      }
      return this.store.updateExpiry(CUSTOMER, input);
    });
  }

  createSetupSession(options?: CallOptions): Promise<SetupSession> {
    return this.#run(options, () => this.store.createSetupSession(CUSTOMER));
  }

  completeReplacement(input: { setupIntentId: string }, options?: CallOptions) {
    return this.#run(options, () => this.store.completeReplacement(CUSTOMER, input));
  }

  verify(input: VerifyInput, options?: CallOptions): Promise<UpdateResult> {
    return this.#run(options, () => this.store.verify(CUSTOMER, input));
  }

  /** Waits the latency (abortably), then runs `work` unless aborted; results are copies. */
  async #run<T>(options: CallOptions = {}, work: () => Promise<T>): Promise<T> {
    const { signal } = options;
    if (signal?.aborted) throw abortError();
    if (this.#latency > 0) await sleep(this.#latency, signal);
    try {
      return structuredClone(await work());
    } catch (error) {
      // Same errors the HTTP adapter would produce from the server's answer.
      if (error instanceof ProtocolError) {
        const message = `${error.status} ${error.wireCode}: ${error.message}`;
        throw new CardkeepError('server', message, {
          status: error.status ?? 409,
          retryable: false,
        });
      }
      throw error instanceof CardkeepError
        ? error
        : new CardkeepError('server', 'Unexpected error', { cause: error });
    }
  }
}

/** The store's view of a card given as a summary. */
function customerOf(card: CardSummary | null): MemoryCustomer {
  if (!card) return { id: CUSTOMER, card: null };
  // The in-memory book models cards only: a Link or bank method has no expiry to update.
  if (!isCard(card)) throw new TypeError('MemoryAdapter holds cards only, not a ' + card.kind);
  const { id, brand, last4, expMonth, expYear, status, customerName, customerSince, greetingName } =
    card;
  return {
    id: CUSTOMER,
    card: { id, brand, last4, expMonth, expYear },
    ...(customerName === undefined ? {} : { name: customerName }),
    ...(greetingName === undefined ? {} : { greetingName }),
    ...(customerSince === undefined ? {} : { since: customerSince }),
    failedInvoice: status === 'payment_failed' ? { amount: 1980, currency: 'jpy' } : null,
  };
}
