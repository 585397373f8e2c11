// The adapter interface the elements talk through. The wire types it uses are the protocol's
// (src/protocol/wire.ts), re-exported here so `cardkeep` users find them in one place.
import type {
  CardSummary,
  ExpiryUpdate,
  SetupSession,
  UpdateResult,
  VerifyInput,
} from '../protocol/wire.js';

export { isCard } from '../protocol/wire.js';
export type {
  AuthenticateAction,
  CardOnFile,
  CardSummary,
  ErrorBody,
  ExpiryUpdate,
  GreetingName,
  LinkStatus,
  MethodOnFile,
  OtherMethodOnFile,
  PaymentOutcome,
  PaymentStatus,
  SetupSession,
  UpdateOutcome,
  UpdateResult,
  VerifyInput,
} from '../protocol/wire.js';

/** Options every adapter call accepts. */
export interface CallOptions {
  /** Aborts the call; the promise then rejects with an AbortError. */
  signal?: AbortSignal;
  /**
   * Names one attempt at a change. Calls with the same key (the shopper's "Try again" after a
   * timeout whose first save may have landed) are applied at most once by the backend. The
   * HTTP adapter sends it as `Idempotency-Key`; without it every call is a new attempt.
   */
  idempotencyKey?: string;
}

/**
 * How the widget talks to the merchant's backend. Every method rejects with a
 * `CardkeepError` (or an AbortError when its signal aborts), never anything else.
 */
export interface CardkeepAdapter {
  /** The shopper's card on file, or null when there is none. */
  getCard(options?: CallOptions): Promise<CardSummary | null>;
  /** Sets a new expiry date on the same card (same number, renewed by the bank). */
  updateExpiry(input: ExpiryUpdate, options?: CallOptions): Promise<UpdateResult>;
  /** Starts a card replacement: a Stripe SetupIntent the Payment Element confirms. */
  createSetupSession(options?: CallOptions): Promise<SetupSession>;
  /** Finishes a replacement once Stripe confirmed the SetupIntent. */
  completeReplacement(
    input: { setupIntentId: string },
    options?: CallOptions,
  ): Promise<UpdateResult>;
  /** Tells the backend the shopper finished an issuer authentication (3-D Secure). */
  verify?(input: VerifyInput, options?: CallOptions): Promise<UpdateResult>;
}
