// A hand-stepped backend for browser tests. Every call returns a promise that stays pending
// until the test settles it, so a test can look at the element in each state (pending,
// succeeded, failed, aborted) and check exactly what the element asked for.
import type {
  CallOptions,
  CardkeepAdapter,
  CardOnFile,
  CardSummary,
  ExpiryUpdate,
  SetupSession,
  UpdateResult,
} from '../../src/adapter/types.js';

/** The adapter methods a test can step through. */
export type FakeMethod =
  'getCard' | 'updateExpiry' | 'createSetupSession' | 'completeReplacement' | 'verify';

/** One call the element made, waiting for the test to settle it. */
export interface FakeCall<T = unknown> {
  method: FakeMethod;
  /** What the element passed (undefined for calls without input). */
  input: unknown;
  /** The signal the element passed; every call must have one. */
  signal: AbortSignal | undefined;
  /** Settles the call with a result. */
  resolve(value: T): void;
  /** Settles the call with an error. */
  reject(error: unknown): void;
  /** Whether the test (or an abort) has settled it. */
  readonly settled: boolean;
}

/** Options of {@link FakeAdapter}. */
export interface FakeAdapterOptions {
  /** Reject with an AbortError when the signal aborts, as real adapters do (default true). */
  honourAbort?: boolean;
  /** Leave out `verify` (an adapter that cannot finish an authentication). */
  noVerify?: boolean;
}

/** A card in the shape the backend sends, with sensible defaults. */
export function card(overrides: Partial<CardOnFile> = {}): CardOnFile {
  return {
    id: 'pm_1',
    brand: 'visa',
    last4: '4242',
    expMonth: 1,
    expYear: 2020,
    status: 'ok',
    ...overrides,
  };
}

/** A backend whose every answer the test gives by hand. */
export class FakeAdapter implements CardkeepAdapter {
  /** Every call so far, oldest first. */
  readonly calls: FakeCall[] = [];
  readonly #honourAbort: boolean;
  #waiters: Array<() => void> = [];

  constructor(options: FakeAdapterOptions = {}) {
    this.#honourAbort = options.honourAbort ?? true;
    if (!options.noVerify) {
      this.verify = (input, options) => this.#call<UpdateResult>('verify', input, options);
    }
  }

  getCard(options?: CallOptions): Promise<CardSummary | null> {
    return this.#call('getCard', undefined, options);
  }

  updateExpiry(input: ExpiryUpdate, options?: CallOptions): Promise<UpdateResult> {
    return this.#call('updateExpiry', input, options);
  }

  createSetupSession(options?: CallOptions): Promise<SetupSession> {
    return this.#call('createSetupSession', undefined, options);
  }

  completeReplacement(input: { setupIntentId: string }, options?: CallOptions) {
    return this.#call<UpdateResult>('completeReplacement', input, options);
  }

  verify?(input: { setupIntentId: string }, options?: CallOptions): Promise<UpdateResult>;

  /** The calls of one method, oldest first. */
  callsOf(method: FakeMethod): FakeCall[] {
    return this.calls.filter((call) => call.method === method);
  }

  /** The next unsettled call of `method`, waiting (up to ~2 s) for the element to make it. */
  async next<T = unknown>(method: FakeMethod): Promise<FakeCall<T>> {
    const deadline = Date.now() + 2000;
    while (Date.now() < deadline) {
      const found = this.calls.find((call) => call.method === method && !call.settled);
      if (found) return found as FakeCall<T>;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 10);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    throw new Error(`The element never called ${method}()`);
  }

  #call<T>(method: FakeMethod, input: unknown, options?: CallOptions): Promise<T> {
    const signal = options?.signal;
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const call: FakeCall<T> = {
        method,
        input,
        signal,
        get settled() {
          return settled;
        },
        resolve(value) {
          settled = true;
          resolve(value);
        },
        reject(error) {
          settled = true;
          reject(error);
        },
      };
      if (this.#honourAbort) {
        signal?.addEventListener('abort', () =>
          call.reject(new DOMException('The call was aborted.', 'AbortError')),
        );
      }
      this.calls.push(call as FakeCall);
      for (const wake of this.#waiters.splice(0)) wake();
    });
  }
}
