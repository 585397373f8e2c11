// Stripe.js, loaded late and once. Nothing here touches the network on import: the `pure` entry
// of @stripe/stripe-js injects Stripe's <script> only when `loadStripe` is called, whereas its
// main entry would do so as soon as it is imported.
import { loadStripe as pureLoadStripe } from '@stripe/stripe-js/dist/pure.mjs';
import type { Stripe, StripeError } from '@stripe/stripe-js';
import type {
  AuthenticateAction,
  CardkeepAdapter,
  UpdateResult,
  VerifyInput,
} from '../adapter/types.js';
import { isAbort } from '../core/abort.js';
import { CardkeepError } from '../core/errors.js';

export type { Stripe, StripeError };

/** Resolves to a Stripe object for a publishable key (the shape of `loadStripe` itself). */
export type StripeLoader = (publishableKey: string) => Promise<Stripe | null>;

// The package has no exports map and its .d.mts files use extensionless imports, so under
// NodeNext the `pure` entry can only be reached by its file name, and its types come out as
// `any`: they are restated here.
const loadStripe: StripeLoader = pureLoadStripe;

/** Stripe's own loader; a `window.Stripe` the page already has is used as is. */
const stripeLoader: StripeLoader = (key) =>
  window.Stripe ? Promise.resolve(window.Stripe(key)) : loadStripe(key);

/**
 * Stripe.js through one loader, with its own cache: one Stripe object per publishable key,
 * loaded on the first call only. No state outside the instance: the page-wide one lives in
 * page-stripe.ts, an element given its own `stripeLoader` keeps its own.
 */
export class StripeJs {
  readonly #byKey = new Map<string, Promise<Stripe>>();

  /** `loader` defaults to Stripe's own (or the page's `window.Stripe`). */
  constructor(readonly loader: StripeLoader = stripeLoader) {}

  /**
   * The Stripe object for `publishableKey`. Rejects with a `CardkeepError` (`network` when the
   * script cannot load — offline, blocked, CSP — `timeout` after `timeout` ms: a blackholed
   * network never errors); a failure is forgotten, so the next call really retries.
   */
  load(publishableKey: string, timeout = 20_000): Promise<Stripe> {
    const byKey = this.#byKey;
    let promise = byKey.get(publishableKey);
    if (!promise) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      promise = Promise.race([
        // A loader that throws synchronously is a failed load like any other.
        Promise.resolve().then(() => this.loader(publishableKey)),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new CardkeepError('timeout', 'Stripe.js took too long to load')),
            timeout,
          );
        }),
      ])
        .then((stripe) => {
          if (!stripe) throw new Error('Stripe.js is not available here');
          return stripe;
        })
        .catch((error: unknown) => {
          if (byKey.get(publishableKey) === promise) byKey.delete(publishableKey);
          throw error instanceof CardkeepError
            ? error
            : new CardkeepError('network', 'Stripe.js failed to load', { cause: error });
        })
        .finally(() => clearTimeout(timer));
      byKey.set(publishableKey, promise);
    }
    return promise;
  }
}

/**
 * The intent id in its client secret: `seti_123` from `seti_123_secret_abc`, `pi_1` from
 * `pi_1_secret_x`; anything else (not the kind of intent the action said) is refused.
 */
function intentIdOf(clientSecret: string, prefix: 'seti' | 'pi'): string {
  const id = clientSecret.split('_secret_')[0] ?? '';
  if (!new RegExp(`^${prefix}_\\w+$`).test(id) || id === clientSecret) {
    throw new CardkeepError(
      'server',
      `Not a ${prefix === 'pi' ? 'Payment' : 'Setup'}Intent client secret`,
    );
  }
  return id;
}

/**
 * A Stripe.js error as a CardkeepError: a connection problem is `network`, anything else the
 * issuer or Stripe refused (a decline, a failed or abandoned 3-D Secure) is `card_declined`.
 * Stripe's message, already in the shopper's language, is kept as the error's message.
 */
export function stripeFailure(error: StripeError): CardkeepError {
  const code = error.type === 'api_connection_error' ? 'network' : 'card_declined';
  return new CardkeepError(code, error.message ?? code, { cause: error });
}

/** Input of {@link runAuthentication}. */
export interface AuthenticationInput {
  /** The `action` an update or replacement returned. */
  action: AuthenticateAction;
  /** The backend to tell once the shopper has authenticated. */
  adapter: CardkeepAdapter;
  /** Aborts the backend call; Stripe's own dialog cannot be aborted. */
  signal?: AbortSignal | undefined;
  /** Where Stripe.js comes from: the element's own, or the page's (page-stripe.ts). */
  stripe: StripeJs;
}

/**
 * Finishes an issuer authentication (3-D Secure): loads Stripe.js, lets Stripe show the bank's
 * challenge (`handleNextAction`), then asks the backend to verify the SetupIntent and returns
 * its result. Rejects with a CardkeepError (`card_declined` when the bank refused or the shopper
 * gave up, `network` when Stripe could not be reached) or with an AbortError.
 */
export async function runAuthentication({
  action,
  adapter,
  signal,
  stripe: stripeJs,
}: AuthenticationInput): Promise<UpdateResult> {
  // A renewal that needs 3-D Secure names the invoice's PaymentIntent; a card check a SetupIntent.
  const input: VerifyInput =
    action.intent === 'payment'
      ? { paymentIntentId: intentIdOf(action.clientSecret, 'pi') }
      : { setupIntentId: intentIdOf(action.clientSecret, 'seti') };
  if (!adapter.verify) throw new CardkeepError('server', 'The adapter cannot verify');
  const stripe = await stripeJs.load(action.publishableKey);
  signal?.throwIfAborted();
  const { error } = await stripe.handleNextAction({ clientSecret: action.clientSecret });
  signal?.throwIfAborted();
  if (error) throw stripeFailure(error);
  return adapter.verify(input, signal ? { signal } : {});
}

/** Input of {@link finishBankSteps}. */
export interface BankStepsInput extends Omit<AuthenticationInput, 'action'> {
  /** What the update or replacement returned, with or without an `action`. */
  result: UpdateResult;
  /** Says which step starts: the card check, then the payment's confirmation. */
  step: (step: 'authenticating' | 'payment') => void;
}

/**
 * What the bank may ask after a save, in order: a check of the card (3-D Secure on a
 * SetupIntent, {@link runAuthentication}), then the retried renewal confirmed (on the
 * invoice's PaymentIntent, {@link confirmPayment}). Returns `result` as is when it asks nothing.
 */
export async function finishBankSteps({
  result,
  step,
  ...input
}: BankStepsInput): Promise<UpdateResult> {
  let current = result;
  if (current.action?.type === 'authenticate' && current.action.intent !== 'payment') {
    step('authenticating');
    current = await runAuthentication({ ...input, action: current.action });
  }
  const { action } = current;
  if (action?.type !== 'authenticate' || action.intent !== 'payment') return current;
  step('payment');
  return confirmPayment({ ...input, result: { ...current, action } });
}

/** Input of {@link confirmPayment}. */
export interface PaymentConfirmationInput extends Omit<AuthenticationInput, 'action'> {
  /** The update or replacement whose retried renewal the bank wants confirmed. */
  result: UpdateResult & { action: AuthenticateAction };
}

/**
 * Lets the shopper confirm a retried renewal payment with their bank (3-D Secure on the
 * invoice's PaymentIntent), then asks the backend how it went. The card is saved whatever
 * happens here, so nothing but an abort rejects: a window the shopper closed or a failed
 * confirmation is the result with `payment.challenge: 'abandoned'` (the payment is still due),
 * and a backend that cannot be asked afterwards leaves the payment `pending`.
 */
export async function confirmPayment({
  result,
  adapter,
  signal,
  stripe: stripeJs,
}: PaymentConfirmationInput): Promise<UpdateResult> {
  const { action, payment, ...card } = result;
  const due = payment ?? { status: 'requires_action' as const };
  const abandoned: UpdateResult = { ...card, payment: { ...due, challenge: 'abandoned' } };
  let confirmed = false;
  try {
    if (!adapter.verify) return abandoned;
    const paymentIntentId = intentIdOf(action.clientSecret, 'pi');
    const stripe = await stripeJs.load(action.publishableKey);
    signal?.throwIfAborted();
    const { error } = await stripe.handleNextAction({ clientSecret: action.clientSecret });
    signal?.throwIfAborted();
    if (error) return abandoned;
    confirmed = true;
    const verified = await adapter.verify({ paymentIntentId }, signal ? { signal } : {});
    // Asked again (the challenge was left unfinished): said as such, not looped.
    const { action: again, payment: outcome = due, ...now } = verified;
    const unfinished = again !== undefined || outcome.status === 'requires_action';
    return {
      ...now,
      payment: { ...outcome, challenge: unfinished ? 'abandoned' : 'confirmed' },
    };
  } catch (error) {
    if (isAbort(error)) throw error;
    // Stripe.js did not load or its window failed (nothing confirmed), or the shop did not
    // answer after the shopper confirmed (the outcome comes later).
    return confirmed
      ? { ...card, payment: { ...due, status: 'pending', challenge: 'confirmed' } }
      : abandoned;
  }
}
