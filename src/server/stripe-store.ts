// StripeStore: the reference server's production store, on top of the official `stripe` client.
//
// The `stripe` package is an optional peer dependency: this module only imports its types, and
// loads the library itself (lazily) when the merchant gives a secret key instead of a client.
import type Stripe from 'stripe';
import type { CardSummary, PaymentOutcome, SetupSession, UpdateResult } from '../adapter/types.js';
import { CardkeepError } from '../core/errors.js';
import { ProtocolError } from './protocol-error.js';
import type { CardStore, StoreContext } from './store.js';

/**
 * The Stripe API version every call of StripeStore is pinned to: the version the installed
 * `stripe` library's types describe. Calls carry it per request, so a merchant's client set to
 * another version still gets the response shapes this code reads.
 */
export const STRIPE_API_VERSION = '2026-10-28.endive' satisfies NonNullable<
  Stripe.StripeConfig['apiVersion']
>;

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
   * Restricts the replacement form to these payment method types (e.g. `['card']`). By default
   * the SetupIntent offers what the Dashboard enables (`automatic_payment_methods`).
   */
  paymentMethodTypes?: string[];
  /** The clock (tests). */
  now?: () => Date;
  /**
   * Told about failures that do not fail the shopper's request (detaching the old card).
   * Default: `console.warn` with Stripe's error type, code and request id only.
   */
  onWarning?: (message: string, error: unknown) => void;
}

/** Subscription states in which a renewal is still being collected. */
const LIVE_SUBSCRIPTION = new Set(['active', 'past_due', 'unpaid', 'trialing']);

/** The demo shopper's e-mail: `.invalid` never delivers anywhere. */
const DEMO_EMAIL = 'demo-shopper@cardkeep.invalid';

/** Card error codes that mean "this expiry is wrong", not "this card is refused". */
const EXPIRY_CODES = new Set(['invalid_expiry_month', 'invalid_expiry_year', 'expired_card']);

/** What the flows know about a customer's billing: fetched once per request. */
interface Billing {
  customer: Stripe.Customer;
  subscriptions: Stripe.Subscription[];
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
  readonly #paymentMethodTypes: string[] | undefined;
  readonly #now: () => Date;
  readonly #warn: (message: string, error: unknown) => void;
  #liveKey = false;

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
      this.#liveKey = /^(sk|rk)_live_/.test(options.secretKey);
      // The rejection is reported on first use; don't let it surface as unhandled before then.
      this.#client.catch(() => {});
    }
    this.#publishableKey = options.publishableKey;
    this.#verifyOnUpdate = options.verifyOnUpdate ?? false;
    this.#sinceKey = options.customerSinceMetadataKey;
    this.#greetingKey = options.greetingNameMetadataKey;
    this.#detachOldCard = options.detachOldCard ?? false;
    this.#paymentMethodTypes = options.paymentMethodTypes;
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
    const store = new StripeStore({ ...common, stripe });
    store.#liveKey = /^(sk|rk)_live_/.test(secretKey);
    return store;
  }

  /**
   * Test mode only (the demo): finds the demo shopper by e-mail or creates them, with a Visa
   * test card that expires this month as their default. Returns the customer id.
   */
  async ensureDemoCustomer(): Promise<string> {
    if (this.#liveKey) {
      throw new CardkeepError('server', 'ensureDemoCustomer refuses live keys', {
        retryable: false,
      });
    }
    return this.#call(async (stripe) => {
      const found = await stripe.customers.list({ email: DEMO_EMAIL, limit: 1 }, pinned);
      const customer =
        found.data[0] ??
        (await stripe.customers.create(
          { name: 'Hanako Yamada', email: DEMO_EMAIL, metadata: { cardkeep_demo: 'true' } },
          pinned,
        ));
      if (customer.livemode) {
        throw new CardkeepError('server', 'ensureDemoCustomer is for test mode', {
          retryable: false,
        });
      }
      if (defaultId(customer) === null) {
        const card = await stripe.paymentMethods.attach(
          'pm_card_visa',
          { customer: customer.id },
          pinned,
        );
        const now = this.#now();
        // Expiring this month, so the banner has something to say.
        await stripe.paymentMethods.update(
          card.id,
          { card: { exp_month: now.getUTCMonth() + 1, exp_year: now.getUTCFullYear() } },
          pinned,
        );
        await stripe.customers.update(
          customer.id,
          { invoice_settings: { default_payment_method: card.id } },
          pinned,
        );
      }
      return customer.id;
    });
  }

  /** The customer's default card: the customer's invoice default, else a subscription's. */
  async getCard(customerId: string): Promise<CardSummary | null> {
    return this.#call(async (stripe) => {
      const billing = await this.#billing(stripe, customerId, true);
      if (billing === null) return null;
      const card = currentCard(billing);
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
      const onFile = currentCard(billing);
      // Only the card the widget shows may change: not another customer's, not a stale one.
      if (onFile === null || onFile.id !== input.cardId) throw cardMismatch();
      const keys = derivedKeys(context);
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
              clientSecret: intent.client_secret!,
              publishableKey: this.#publishableKey,
            },
          };
        }
      }
      return this.#recover(stripe, billing, card, context);
    });
  }

  /** A SetupIntent for the replacement form (Stripe's Payment Element confirms it). */
  async createSetupSession(customerId: string, context: StoreContext): Promise<SetupSession> {
    return this.#call(async (stripe) => {
      const intent = await stripe.setupIntents.create(
        {
          customer: customerId,
          usage: 'off_session',
          ...(this.#paymentMethodTypes === undefined
            ? { automatic_payment_methods: { enabled: true } }
            : { allowed_payment_method_types: this.#paymentMethodTypes }),
          metadata: { cardkeep: 'replace_card' },
        },
        { ...pinned, ...derivedKeys(context)('setup') },
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
      const keys = derivedKeys(context);
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
      const result = await this.#recover(stripe, { customer, subscriptions }, card, context);
      if (this.#detachOldCard && oldCardId !== null && oldCardId !== card.id) {
        // Housekeeping: the new card is already in place, so a failure here must not undo it.
        await stripe.paymentMethods
          .detach(oldCardId, {}, { ...pinned, ...keys('detach') })
          .catch((error: unknown) => this.#warn('Could not detach the replaced card', error));
      }
      return result;
    });
  }

  /** Finishes a verification the shopper authenticated (3-D Secure), then retries a renewal. */
  async verify(
    customerId: string,
    input: { setupIntentId: string },
    context: StoreContext,
  ): Promise<UpdateResult> {
    return this.#call(async (stripe) => {
      const card = await this.#succeededCard(stripe, customerId, input.setupIntentId);
      return this.#recover(stripe, await this.#knownBilling(stripe, customerId), card, context);
    });
  }

  // --- Flows' building blocks -------------------------------------------------------------------

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
    if (pm.type !== 'card' || !pm.card) {
      throw new CardkeepError('card_declined', `A ${pm.type} payment method is not a card`, {
        retryable: false,
      });
    }
    return pm;
  }

  /**
   * Retries the failed renewals `card` pays for, then describes the card with the outcome. A
   * declined retry is an outcome (`payment.status: 'failed'`), not an error: the card itself
   * was updated.
   */
  async #recover(
    stripe: Stripe,
    billing: Billing,
    card: Stripe.PaymentMethod,
    context: StoreContext,
  ): Promise<UpdateResult> {
    const invoices = failingInvoices(billing, card.id);
    if (invoices.length === 0) return this.#summary(card, billing, false);
    const keys = derivedKeys(context);
    let failed = false;
    for (const invoice of invoices) {
      try {
        await stripe.invoices.pay(
          invoice.id,
          { payment_method: card.id },
          { ...pinned, ...keys(`pay:${invoice.id}`) },
        );
      } catch (error) {
        if (!isStripeError(error) || error.type !== 'StripeCardError') throw error;
        failed = true;
      }
    }
    const payment: PaymentOutcome = { status: failed ? 'failed' : 'succeeded' };
    const currencies = new Set(invoices.map((i) => i.currency));
    if (currencies.size === 1) {
      payment.amount = invoices.reduce((sum, i) => sum + i.amount_remaining, 0);
      payment.currency = invoices[0]!.currency;
    }
    return { ...this.#summary(card, billing, failed), payment };
  }

  #summary(card: Stripe.PaymentMethod, billing: Billing, paymentFailed: boolean): CardSummary {
    const details = card.card!;
    const summary: CardSummary = {
      id: card.id,
      brand: details.brand,
      last4: details.last4,
      expMonth: details.exp_month,
      expYear: details.exp_year,
      status: paymentFailed ? 'payment_failed' : 'ok',
    };
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

// --- Pure helpers ---------------------------------------------------------------------------------

const pinned = { apiVersion: STRIPE_API_VERSION };

async function loadClient(
  secretKey: string,
  options: Omit<Stripe.StripeConfig, 'apiVersion'>,
): Promise<Stripe> {
  let StripeClient: typeof Stripe;
  try {
    ({ default: StripeClient } = await import('stripe'));
  } catch (error) {
    // `stripe` is an optional peer dependency: say what to do, not Node's resolver message.
    const code = (error as { code?: unknown } | null)?.code;
    if (code === 'ERR_MODULE_NOT_FOUND' && /'stripe'/.test(String((error as Error).message))) {
      throw new Error('StripeStore needs the `stripe` package: npm install stripe', {
        cause: error,
      });
    }
    throw error;
  }
  return new StripeClient(secretKey, { ...options, apiVersion: STRIPE_API_VERSION });
}

/** `http://127.0.0.1:12111` → the client's host, port and protocol options. */
function apiAddress(apiUrl: string | undefined): Partial<Stripe.StripeConfig> {
  if (apiUrl === undefined) return {};
  const url = new URL(apiUrl);
  const protocol = url.protocol === 'http:' ? 'http' : 'https';
  return {
    host: url.hostname,
    protocol,
    port: url.port === '' ? (protocol === 'http' ? 80 : 443) : Number(url.port),
  };
}

/**
 * One Stripe idempotency key per write of a flow, derived from the request's key: a retried
 * request replays each step, while two steps never collide under one key.
 */
function derivedKeys(context: StoreContext): (step: string) => { idempotencyKey?: string } {
  const base = context.idempotencyKey;
  return (step) => (base === undefined ? {} : { idempotencyKey: `cardkeep:${base}:${step}` });
}

// The same wire codes as MemoryStore, so the widget behaves alike on either store.
const cardMismatch = () =>
  new ProtocolError(409, 'card_mismatch', 'That card is not the card on file.');
const setupIntentMismatch = () =>
  new ProtocolError(409, 'setup_intent_mismatch', 'Unknown SetupIntent.');

function idOf(value: string | { id: string } | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'string' ? value : value.id;
}

function defaultId(customer: Stripe.Customer): string | null {
  return idOf(customer.invoice_settings.default_payment_method);
}

/** The id of the card the customer pays with: their default, else their main subscription's. */
function currentCardId(billing: Billing): string | null {
  return (
    defaultId(billing.customer) ??
    billing.subscriptions.map((s) => idOf(s.default_payment_method)).find((id) => id !== null) ??
    null
  );
}

/** The expanded card {@link currentCardId} names, when it is a card. */
function currentCard(billing: Billing): Stripe.PaymentMethod | null {
  const candidates = [
    billing.customer.invoice_settings.default_payment_method,
    ...billing.subscriptions.map((s) => s.default_payment_method),
  ];
  const found = candidates.find((c) => c !== null && c !== undefined);
  if (found === undefined || typeof found === 'string') return null;
  return found.type === 'card' && found.card ? found : null;
}

/**
 * Open invoices whose renewal attempt failed, on subscriptions that `cardId` pays for (its own
 * default, or the customer's when it has none).
 */
function failingInvoices(billing: Billing, cardId: string): Stripe.Invoice[] {
  const customerDefault = defaultId(billing.customer);
  const invoices: Stripe.Invoice[] = [];
  for (const subscription of billing.subscriptions) {
    const paidWith = idOf(subscription.default_payment_method) ?? customerDefault;
    const invoice = subscription.latest_invoice;
    if (paidWith !== cardId || invoice === null || typeof invoice === 'string') continue;
    if (
      invoice.status === 'open' &&
      invoice.collection_method === 'charge_automatically' &&
      invoice.attempt_count > 0 &&
      invoice.amount_remaining > 0
    ) {
      invoices.push(invoice);
    }
  }
  return invoices;
}

interface StripeErrorLike {
  type: string;
  code?: string;
  decline_code?: string;
  statusCode?: number;
  requestId?: string;
  headers?: Record<string, string>;
}

/** A `stripe` library error, recognised by shape so this module needs no runtime import. */
function isStripeError(error: unknown): error is StripeErrorLike & Error {
  return (
    error instanceof Error &&
    typeof (error as unknown as { type?: unknown }).type === 'string' &&
    (error as unknown as { type: string }).type.startsWith('Stripe')
  );
}

function isMissing(error: unknown): boolean {
  return (
    isStripeError(error) &&
    error.type === 'StripeInvalidRequestError' &&
    error.code === 'resource_missing'
  );
}

function missingCustomerIsUnauthorized(error: unknown): CardkeepError | null {
  return isMissing(error)
    ? new CardkeepError('unauthorized', 'Unknown customer', { cause: error })
    : null;
}

/** Errors of the expiry update and of the issuer's check: a wrong date is `invalid_expiry`. */
function expiryError(error: unknown): unknown {
  if (
    isStripeError(error) &&
    (EXPIRY_CODES.has(error.code ?? '') || EXPIRY_CODES.has(error.decline_code ?? ''))
  ) {
    return new CardkeepError('invalid_expiry', 'The issuer did not accept this expiry date', {
      cause: error,
    });
  }
  return error;
}

/**
 * Maps a failure to the protocol's codes. Stripe's own message stays in `cause` (for the
 * merchant's logs), never in `message`: it can name objects, parameters or account details.
 */
export function toStoreError(error: unknown): CardkeepError {
  if (error instanceof CardkeepError) return error;
  if (!isStripeError(error)) {
    return new CardkeepError('server', 'Unexpected error', { cause: error });
  }
  switch (error.type) {
    case 'StripeCardError':
      return new CardkeepError('card_declined', 'The card was declined', {
        cause: error,
        status: 402,
      });
    case 'StripeRateLimitError': {
      const retryAfter = Number(error.headers?.['retry-after']);
      return new CardkeepError('rate_limited', 'Stripe asked us to slow down', {
        cause: error,
        ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfter } : {}),
      });
    }
    case 'StripeConnectionError':
    case 'StripeAPIError':
      return new CardkeepError('server', 'Stripe is unavailable', { cause: error });
    default:
      // Authentication, permission, idempotency and invalid requests: our bug or the merchant's
      // configuration. Retrying the same call cannot help.
      return new CardkeepError('server', 'The payment provider refused the request', {
        cause: error,
        retryable: false,
      });
  }
}

function defaultWarn(message: string, error: unknown): void {
  const detail = isStripeError(error)
    ? ` (${error.type}${error.code ? ` ${error.code}` : ''}${error.requestId ? `, ${error.requestId}` : ''})`
    : '';
  console.warn(`cardkeep: ${message}${detail}`);
}
