import type { CardSummary, SetupSession, UpdateResult, VerifyInput } from '../protocol/wire.js';

/** Context the handler passes to every store call. */
export interface StoreContext {
  /** The request's Idempotency-Key (writes only), for stores that pass it on (Stripe). */
  idempotencyKey?: string;
}

/**
 * Where the reference server keeps cards. `MemoryStore` (demo, tests) and `StripeStore`
 * (production) implement it; a merchant may write their own.
 *
 * Every method is scoped to an authenticated customer id and must reject a card that is not
 * that customer's. Failures are `CardkeepError`s (`invalid_expiry`, `card_declined`, …); the
 * handler turns them into protocol errors. Input has already been validated by the handler.
 */
export interface CardStore {
  /** The customer's default card, or null. */
  getCard(customerId: string): Promise<CardSummary | null>;
  /** Sets the expiry of the customer's card `cardId`, then retries a failed renewal if any. */
  updateExpiry(
    customerId: string,
    input: { cardId: string; month: number; year: number },
    context: StoreContext,
  ): Promise<UpdateResult>;
  /** Starts a replacement: a SetupIntent for the customer. */
  createSetupSession(customerId: string, context: StoreContext): Promise<SetupSession>;
  /** Makes the confirmed SetupIntent's card the customer's default. */
  completeReplacement(
    customerId: string,
    input: { setupIntentId: string },
    context: StoreContext,
  ): Promise<UpdateResult>;
  /**
   * Finishes an authentication the shopper completed (3-D Secure): of the card check's
   * SetupIntent, or of the retried renewal's PaymentIntent.
   */
  verify(customerId: string, input: VerifyInput, context: StoreContext): Promise<UpdateResult>;
}
