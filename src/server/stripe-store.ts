// StripeStore: the reference server's production store, on top of the official `stripe` client.
//
// The `stripe` package is an optional peer dependency: this module only imports its types, and
// loads the library itself (lazily) when the merchant gives a secret key instead of a client.
//
// Longer than our ~300-line guide on purpose: one class whose flows share the client, the
// options and the summary, with their building blocks as private methods. The flows are here;
// what they share (keys, reading billing, error mapping) is in stripe-support.ts, and the
// instant renewal retry in stripe-renewal.ts.
import type Stripe from 'stripe';
import type { CardSummary, SetupSession, UpdateResult, VerifyInput } from '../protocol/wire.js';
import { CardkeepError } from '../core/errors.js';
import { ProtocolError } from './protocol-error.js';
import type { CardStore, StoreContext } from './store.js';
import { authenticatedPayment, retryRenewals } from './stripe-renewal.js';
import {
  LIVE_SUBSCRIPTION,
  STRIPE_API_VERSION,
  apiAddress,
  cardMismatch,
  currentCard,
  currentCardId,
  defaultId,
  defaultWarn,
  derivedKeys,
  expiryError,
  failingInvoices,
  idOf,
  isMissing,
  loadClient,
  missingCustomerIsUnauthorized,
  pinned,
  setupIntentMismatch,
  toStoreError,
  type Billing,
} from './stripe-support.js';

export { STRIPE_API_VERSION, toStoreError };

/** Options of {@link StripeStore}: a `stripe` client, or a secret key to build one from. */
export type StripeStoreOptions = StripeStoreCommonOptions &
  (
    | {
        /** A client the merchant built with the official `stripe` library. */
        stripe: Stripe;
      }
    | {
        /** A secret (`sk_…`) or restricted (`rk_…`) key; the `stripe` package is loaded on demand. */
        secretKey: string;
        /** Extra client options (timeouts, retries, a proxy agent…); the API version is pinned. */
        clientOptions?: Omit<Stripe.StripeConfig, 'apiVersion'>;
      }
  );

/** Options shared by both ways of building a {@link StripeStore}. */
export interface StripeStoreCommonOptions {
  /** The publishable key (`pk_…`) the widget hands Stripe.js for a replacement or 3-D Secure. */
  publishableKey: string;
  /**
   * Checks a new expiry with the issuer right away (a SetupIntent confirmed for the same card),
   * instead of finding out at the next renewal. Default false.
   */
  verifyOnUpdate?: boolean;
  /**
   * A customer metadata key holding the year (or an ISO date) the shopper became a customer,
   * when the merchant's records go back further than the Stripe customer.
   */
  customerSinceMetadataKey?: string;
  /**
   * A customer metadata key holding the name the widget greets with ("Hanako"; a Japanese shop
   * stores the family name, shown as "佐藤 様"). Without it there is no greeting: the Stripe
   * customer's full name reads awkwardly in either language.
   */
  greetingNameMetadataKey?: string;
  /** Detaches the previous card from the customer after a replacement. Default false. */
  detachOldCard?: boolean;
  /**
   * What the replacement form offers: `['card']` by default (`allowed_payment_method_types`),
   * so a Link or bank method is never offered only to be refused after the shopper set it up.
   * A wider list, or `'automatic'` for what the Dashboard enables, is an explicit choice.
   */
  paymentMethodTypes?: string[] | 'automatic';
  /** The clock (tests). */
  now?: () => Date;
  /**
   * Told about failures that do not fail the shopper's request (detaching the old card).
   * Default: `console.warn` with Stripe's error type, code and request id only.
   */
  onWarning?: (message: string, error: unknown) => void;
}

/**
 * A {@link CardStore} backed by Stripe: the customer's default PaymentMethod is the card, its
 * expiry is updated in place, replacements go through SetupIntents, and a failed renewal is
 * retried (`invoices.pay`) the moment the card works again.
 */
export class StripeStore implements CardStore {
  readonly #client: Promise<Stripe>;
  readonly #publishableKey: string;
  readonly #verifyOnUpdate: boolean;
  readonly #sinceKey: string | undefined;
  readonly #greetingKey: string | undefined;
  readonly #detachOldCard: boolean;
  readonly #paymentMethodTypes: string[] | 'automatic';
  readonly #now: () => Date;
  readonly #warn: (message: string, error: unknown) => void;

  constructor(options: StripeStoreOptions) {
    if (!options.publishableKey) {
      throw new TypeError('StripeStore needs the publishable key (pk_…) for Stripe.js');
    }
    if ('stripe' in options) {
      this.#client = Promise.resolve(options.stripe);
    } else {
      if (!options.secretKey)
        throw new TypeError('StripeStore needs a stripe client or a secretKey');
      this.#client = loadClient(options.secretKey, options.clientOptions ?? {});
      // The rejection is reported on first use; don't let it surface as unhandled before then.
      this.#client.catch(() => {});
    }
    this.#publishableKey = options.publishableKey;
    this.#verifyOnUpdate = options.verifyOnUpdate ?? false;
    this.#sinceKey = options.customerSinceMetadataKey;
    this.#greetingKey = options.greetingNameMetadataKey;
    this.#detachOldCard = options.detachOldCard ?? false;
    this.#paymentMethodTypes = options.paymentMethodTypes ?? ['card'];
    this.#now = options.now ?? (() => new Date());
    this.#warn = options.onWarning ?? defaultWarn;
  }

  /**
   * Builds a store from a secret key, loading the `stripe` package now (so a missing package
   * fails at start-up, not on the first shopper). `apiUrl` points the client elsewhere than
   * api.stripe.com: a local fake in tests, or an egress proxy.
   */
  static async fromSecretKey(
    secretKey: string,
    options: StripeStoreCommonOptions & {
      apiUrl?: string;
      clientOptions?: Omit<Stripe.StripeConfig, 'apiVersion'>;
    },
  ): Promise<StripeStore> {
    const { apiUrl, clientOptions, ...common } = options;
    const stripe = await loadClient(secretKey, { ...apiAddress(apiUrl), ...clientOptions });
    return new StripeStore({ ...common, stripe });
  }

  /** The customer's default card: the customer's invoice default, else a subscription's. */
  async getCard(customerId: string): Promise<CardSummary | null> {
    return this.#call(async (stripe) => {
      const billing = await this.#billing(stripe, customerId, true);
      if (billing === null) return null;
      const card = this.#onFile(billing);
      if (card === null) return null;
      return this.#summary(card, billing, failingInvoices(billing, card.id).length > 0);
    });
  }

  /**
   * Sets the new expiry on the customer's card. With `verifyOnUpdate`, asks the issuer at once;
   * then retries a failed renewal.
   */
  async updateExpiry(
    customerId: string,
    input: { cardId: string; month: number; year: number },
    context: StoreContext,
  ): Promise<UpdateResult> {
    return this.#call(async (stripe) => {
      const billing = await this.#knownBilling(stripe, customerId, true);
      const onFile = this.#onFile(billing);
      // Only the card the widget shows may change: not another customer's, not a stale one.
      if (onFile === null || onFile.id !== input.cardId) throw cardMismatch();
      if (!onFile.card) {
        // Link or a bank account: nothing on it expires, so there is no date to set.
        throw new ProtocolError(
          422,
          'card_declined',
          `A ${onFile.type} payment method has no expiry date; add a card instead.`,
        );
      }
      if (onFile.card.wallet) {
        // A wallet card's expiry is the device token's: the date on the plastic would not fix it.
        throw new ProtocolError(
          422,
          'card_declined',
          'A card from a wallet cannot take a new expiry date; add the card again instead.',
        );
      }
      const keys = derivedKeys(customerId, 'expiry', context);
      const card = await stripe.paymentMethods
        .update(
          onFile.id,
          { card: { exp_month: input.month, exp_year: input.year } },
          { ...pinned, ...keys('expiry') },
        )
        .catch((error: unknown) => {
          throw expiryError(error);
        });
      if (this.#verifyOnUpdate) {
        const intent = await this.#verifyCard(stripe, customerId, card.id, keys('verify'));
        if (intent.status === 'requires_action') {
          // The shopper authenticates in the widget; `verify` finishes the job (and the retry).
          const failing = failingInvoices(billing, card.id).length > 0;
          return {
            ...this.#summary(card, billing, failing),
            action: {
              type: 'authenticate',
              intent: 'setup',
              clientSecret: intent.client_secret!,
              publishableKey: this.#publishableKey,
            },
          };
        }
      }
      return this.#recover(stripe, billing, card, keys);
    });
  }

  /** A SetupIntent for the replacement form (Stripe's Payment Element confirms it). */
  async createSetupSession(customerId: string, context: StoreContext): Promise<SetupSession> {
    return this.#call(async (stripe) => {
      const intent = await stripe.setupIntents.create(
        {
          customer: customerId,
          usage: 'off_session',
          ...(this.#paymentMethodTypes === 'automatic'
            ? { automatic_payment_methods: { enabled: true } }
            : { allowed_payment_method_types: this.#paymentMethodTypes }),
          metadata: { cardkeep: 'replace_card' },
        },
        { ...pinned, ...derivedKeys(customerId, 'setup', context)('setup') },
      );
      return { clientSecret: intent.client_secret!, publishableKey: this.#publishableKey };
    }, missingCustomerIsUnauthorized);
  }

  /**
   * Makes the card of a succeeded SetupIntent the customer's (and their subscriptions') default,
   * detaches the old card when configured to, then retries a failed renewal.
   */
  async completeReplacement(
    customerId: string,
    input: { setupIntentId: string },
    context: StoreContext,
  ): Promise<UpdateResult> {
    return this.#call(async (stripe) => {
      const card = await this.#succeededCard(stripe, customerId, input.setupIntentId);
      const keys = derivedKeys(customerId, 'replace', context);
      const before = await this.#knownBilling(stripe, customerId);
      const oldCardId = currentCardId(before);
      const customer =
        defaultId(before.customer) === card.id
          ? before.customer
          : await stripe.customers.update(
              customerId,
              { invoice_settings: { default_payment_method: card.id } },
              { ...pinned, ...keys('customer') },
            );
      // A subscription's own default overrides the customer's: move those that used the old card.
      const subscriptions: Stripe.Subscription[] = [];
      for (const subscription of before.subscriptions) {
        const own = idOf(subscription.default_payment_method);
        subscriptions.push(
          own !== null && own === oldCardId && own !== card.id
            ? await stripe.subscriptions.update(
                subscription.id,
                { default_payment_method: card.id, expand: ['latest_invoice'] },
                { ...pinned, ...keys(`subscription:${subscription.id}`) },
              )
            : subscription,
        );
      }
      const result = await this.#recover(stripe, { customer, subscriptions }, card, keys);
      if (this.#detachOldCard && oldCardId !== null && oldCardId !== card.id) {
        // Housekeeping: the new card is already in place, so a failure here must not undo it.
        await stripe.paymentMethods
          .detach(oldCardId, {}, { ...pinned, ...keys('detach') })
          .catch((error: unknown) => this.#warn('Could not detach the replaced card', error));
      }
      return result;
    });
  }

  /**
   * Finishes an authentication the shopper completed in the browser: the card check's
   * SetupIntent (then the renewal is retried), or the retried renewal's PaymentIntent (then
   * its outcome is reported; it is not paid a second time).
   */
  async verify(
    customerId: string,
    input: VerifyInput,
    context: StoreContext,
  ): Promise<UpdateResult> {
    return this.#call(async (stripe) => {
      if ('paymentIntentId' in input) {
        const outcome = await authenticatedPayment(
          stripe,
          customerId,
          input.paymentIntentId,
          this.#publishableKey,
        );
        const billing = await this.#knownBilling(stripe, customerId, true);
        const card = this.#onFile(billing);
        if (card === null) throw cardMismatch();
        const unpaid = outcome.unpaid || failingInvoices(billing, card.id).length > 0;
        return {
          ...this.#summary(card, billing, unpaid),
          payment: outcome.payment,
          ...(outcome.action ? { action: outcome.action } : {}),
        };
      }
      const card = await this.#succeededCard(stripe, customerId, input.setupIntentId);
      const keys = derivedKeys(customerId, 'verify', context);
      return this.#recover(stripe, await this.#knownBilling(stripe, customerId), card, keys);
    });
  }

  // --- Flows' building blocks -------------------------------------------------------------------

  /**
   * The customer's payment method as Cardkeep sees it: a card, or another method only of a
   * type the merchant widened the replacement to. A customer paying by a method the shop did
   * not open to Cardkeep (bank debit set up elsewhere) has no card here, as before.
   */
  #onFile(billing: Billing): Stripe.PaymentMethod | null {
    const method = currentCard(billing);
    return method === null || this.#accepts(method) ? method : null;
  }

  /** A card (with its details), or a method of a type `paymentMethodTypes` widens to. */
  #accepts(method: Stripe.PaymentMethod): boolean {
    const types = this.#paymentMethodTypes;
    return method.type === 'card'
      ? !!method.card
      : types === 'automatic' || types.includes(method.type);
  }

  /** The customer and their live subscriptions (with latest invoices); null if there is none. */
  async #billing(
    stripe: Stripe,
    customerId: string,
    expandCards: boolean,
  ): Promise<Billing | null> {
    const customer = await stripe.customers
      .retrieve(
        customerId,
        expandCards ? { expand: ['invoice_settings.default_payment_method'] } : {},
        pinned,
      )
      .catch((error: unknown) => {
        if (isMissing(error)) return null;
        throw error;
      });
    if (customer === null || customer.deleted) return null;
    const list = await stripe.subscriptions.list(
      {
        customer: customerId,
        limit: 100,
        expand: expandCards
          ? ['data.latest_invoice', 'data.default_payment_method']
          : ['data.latest_invoice'],
      },
      pinned,
    );
    const subscriptions = list.data
      .filter((s) => LIVE_SUBSCRIPTION.has(s.status))
      // Oldest first: the customer's main subscription decides the fallback card.
      .sort((a, b) => a.created - b.created);
    return { customer, subscriptions };
  }

  /** {@link StripeStore.#billing} for a customer who must exist (they have a card). */
  async #knownBilling(stripe: Stripe, customerId: string, expandCards = false): Promise<Billing> {
    const billing = await this.#billing(stripe, customerId, expandCards);
    if (billing === null) throw new CardkeepError('unauthorized', 'Unknown customer');
    return billing;
  }

  /** Confirms a SetupIntent for the card with the shopper present; a decline throws. */
  async #verifyCard(
    stripe: Stripe,
    customerId: string,
    cardId: string,
    key: { idempotencyKey?: string },
  ): Promise<Stripe.SetupIntent> {
    const intent = await stripe.setupIntents
      .create(
        {
          customer: customerId,
          payment_method: cardId,
          confirm: true,
          usage: 'off_session',
          // A saved card never redirects: 3-D Secure runs in Stripe.js's handleNextAction, so no
          // return_url is needed as long as redirect-only methods are ruled out.
          automatic_payment_methods: { enabled: true, allow_redirects: 'never' },
          use_stripe_sdk: true,
          metadata: { cardkeep: 'verify_expiry' },
        },
        { ...pinned, ...key },
      )
      .catch((error: unknown) => {
        throw expiryError(error);
      });
    if (intent.status === 'succeeded' || intent.status === 'requires_action') return intent;
    throw new CardkeepError('card_declined', 'The issuer did not accept the card');
  }

  /** The card of the customer's succeeded SetupIntent `setupIntentId`. */
  async #succeededCard(
    stripe: Stripe,
    customerId: string,
    setupIntentId: string,
  ): Promise<Stripe.PaymentMethod> {
    const intent = await stripe.setupIntents
      .retrieve(setupIntentId, { expand: ['payment_method'] }, pinned)
      .catch((error: unknown) => {
        if (isMissing(error)) return null;
        throw error;
      });
    // Not found and not yours look the same from outside: ids are not an oracle.
    if (intent === null || idOf(intent.customer) !== customerId) throw setupIntentMismatch();
    if (intent.status !== 'succeeded') {
      // requires_payment_method after a decline or a failed/abandoned authentication.
      throw new CardkeepError('card_declined', `The card was not set up (${intent.status})`);
    }
    const pm = intent.payment_method;
    if (pm === null || typeof pm === 'string' || idOf(pm.customer) !== customerId) {
      throw setupIntentMismatch();
    }
    // A card; or another method only when the merchant widened the form to it on purpose.
    if (!this.#accepts(pm)) {
      throw new CardkeepError('card_declined', `A ${pm.type} payment method is not accepted`, {
        retryable: false,
      });
    }
    return pm;
  }

  /**
   * Retries the failed renewals `card` pays for, with the shopper present, then describes the
   * card with the outcome. A declined retry is an outcome (`payment.status: 'failed'`), not an
   * error: the card itself was updated.
   */
  async #recover(
    stripe: Stripe,
    billing: Billing,
    card: Stripe.PaymentMethod,
    keys: (step: string) => { idempotencyKey?: string },
  ): Promise<UpdateResult> {
    const invoices = failingInvoices(billing, card.id);
    if (invoices.length === 0) return this.#summary(card, billing, false);
    const outcome = await retryRenewals(
      stripe,
      invoices,
      card,
      keys,
      this.#publishableKey,
      this.#warn,
    );
    return {
      ...this.#summary(card, billing, outcome.unpaid),
      payment: outcome.payment,
      ...(outcome.action ? { action: outcome.action } : {}),
    };
  }

  #summary(card: Stripe.PaymentMethod, billing: Billing, paymentFailed: boolean): CardSummary {
    const status = paymentFailed ? 'payment_failed' : 'ok';
    const details = card.card;
    // Only a card has a brand, last four and expiry; another method is named by its type.
    const summary: CardSummary = details
      ? {
          id: card.id,
          brand: details.brand,
          last4: details.last4,
          expMonth: details.exp_month,
          expYear: details.exp_year,
          status,
          ...(details.wallet ? { wallet: details.wallet.type } : {}),
        }
      : { id: card.id, kind: card.type, status };
    const { customer } = billing;
    if (customer.name) summary.customerName = customer.name;
    const greeting = this.#greetingKey ? customer.metadata?.[this.#greetingKey]?.trim() : undefined;
    if (greeting) summary.greetingName = greeting;
    const since = this.#customerSince(customer);
    if (since !== undefined) summary.customerSince = since;
    return summary;
  }

  #customerSince(customer: Stripe.Customer): number | undefined {
    const thisYear = this.#now().getUTCFullYear();
    if (this.#sinceKey !== undefined) {
      const value = customer.metadata[this.#sinceKey];
      // "2019" or an ISO date: the merchant's records win when they make sense.
      const year = value === undefined ? NaN : Number(/^\s*(\d{4})\b/.exec(value)?.[1]);
      if (year >= 1900 && year <= thisYear) return year;
    }
    const created = new Date(customer.created * 1000).getUTCFullYear();
    return Number.isFinite(created) ? created : undefined;
  }

  /** Runs a flow with the client, turning every failure into a CardkeepError. */
  async #call<T>(
    flow: (stripe: Stripe) => Promise<T>,
    translate: (error: unknown) => CardkeepError | null = () => null,
  ): Promise<T> {
    let stripe: Stripe;
    try {
      stripe = await this.#client;
    } catch (error) {
      throw new CardkeepError('server', 'The stripe package could not be loaded', {
        cause: error,
        retryable: false,
      });
    }
    try {
      return await flow(stripe);
    } catch (error) {
      throw translate(error) ?? toStoreError(error);
    }
  }
}
