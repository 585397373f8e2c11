// A local stand-in for api.stripe.com, small enough to read and strict where Stripe is strict.
//
// Tests point the official `stripe` client at it (`host`, `port`, `protocol: 'http'`), so the real
// library encodes the requests, parses the responses and raises its real error classes. The fake
// models only the resources Cardkeep uses: customers, payment methods, setup intents,
// subscriptions and invoices, plus the publishable-key calls Stripe.js makes from the browser.
// It rejects what Stripe rejects (unknown parameters, a card number on a PaymentMethod update,
// an expiry in the past, another customer's PaymentMethod, a reused idempotency key with other
// parameters) and records every request so tests can assert the exact calls of each flow.
import { createHmac, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  coerceParams,
  stripeSchema,
  validateParams,
  type Coerced,
} from './stripe-schema/schema.js';

/** A decoded form or query value: Stripe's bracket notation nests objects and arrays. */
export type FormValue = string | FormObject | FormValue[];
/** A decoded form body. */
export interface FormObject {
  [key: string]: FormValue;
}

/** One request the fake received, as the tests assert it. */
export interface RecordedRequest {
  method: string;
  /** Path without the query string, e.g. `/v1/payment_methods/pm_123`. */
  path: string;
  /** Decoded body (POST) or query (GET) parameters. */
  params: FormObject;
  idempotencyKey: string | undefined;
  /** The `Stripe-Version` header. */
  apiVersion: string | undefined;
  /** `secret` or `publishable`: which key authenticated the call. */
  auth: 'secret' | 'publishable' | 'none';
  status: number;
  /** True when the response was an idempotent replay of an earlier one. */
  replayed: boolean;
}

/** How a test card behaves, after Stripe's documented test PaymentMethods. */
type CardBehaviour =
  /** Sets up and charges without fuss (4242…, 5555…, 3566…). */
  | 'succeed'
  /** Needs 3-D Secure to be set up; off-session charges afterwards succeed (…3155). */
  | 'authenticate_on_setup'
  /** Needs 3-D Secure for every transaction, off-session charges included (…3184). */
  | 'authenticate_always'
  /** Declined, both set-up and charges (…0002 generic, …9995 funds, …0069 expired). */
  | { decline: string; code: string }
  /** Attaches and sets up, but every charge is declined (…0341). */
  | 'charge_fails';

interface TestCard {
  brand: string;
  last4: string;
  country: string;
  funding: string;
  behaviour: CardBehaviour;
}

/** Stripe's test PaymentMethod tokens this fake knows (https://docs.stripe.com/testing). */
export const TEST_CARDS = {
  pm_card_visa: {
    brand: 'visa',
    last4: '4242',
    country: 'US',
    funding: 'credit',
    behaviour: 'succeed',
  },
  pm_card_mastercard: {
    brand: 'mastercard',
    last4: '4444',
    country: 'US',
    funding: 'credit',
    behaviour: 'succeed',
  },
  pm_card_jcb: {
    brand: 'jcb',
    last4: '0505',
    country: 'JP',
    funding: 'credit',
    behaviour: 'succeed',
  },
  pm_card_authenticationRequiredOnSetup: {
    brand: 'visa',
    last4: '3155',
    country: 'IE',
    funding: 'credit',
    behaviour: 'authenticate_on_setup',
  },
  pm_card_authenticationRequired: {
    brand: 'visa',
    last4: '3184',
    country: 'US',
    funding: 'credit',
    behaviour: 'authenticate_always',
  },
  pm_card_chargeDeclined: {
    brand: 'visa',
    last4: '0002',
    country: 'US',
    funding: 'credit',
    behaviour: { decline: 'generic_decline', code: 'card_declined' },
  },
  pm_card_chargeDeclinedInsufficientFunds: {
    brand: 'visa',
    last4: '9995',
    country: 'US',
    funding: 'credit',
    behaviour: { decline: 'insufficient_funds', code: 'card_declined' },
  },
  pm_card_chargeDeclinedExpiredCard: {
    brand: 'visa',
    last4: '0069',
    country: 'US',
    funding: 'credit',
    behaviour: { decline: 'expired_card', code: 'expired_card' },
  },
  pm_card_chargeCustomerFail: {
    brand: 'visa',
    last4: '0341',
    country: 'US',
    funding: 'credit',
    behaviour: 'charge_fails',
  },
} as const satisfies Record<string, TestCard>;

/**
 * The fake's own token for "the shopper chose Link in the Payment Element": confirming with it
 * makes a `type: 'link'` PaymentMethod (Stripe has no public test token for that).
 */
export const LINK_TOKEN = 'pm_link';

/** The wallets a card PaymentMethod can come from (`card.wallet.type`). */
export type WalletType = 'apple_pay' | 'google_pay' | 'samsung_pay' | 'link';

/** The name of a test card token, e.g. `pm_card_visa`. */
export type TestCardName = keyof typeof TEST_CARDS;

type StripeObject = Record<string, unknown> & { id: string; object: string };

/** What `errorResponse` sends: Stripe's `{ error: { … } }` body and its status. */
class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
  ) {
    super(String(body.message));
  }
}

function toApiError(error: unknown): ApiError {
  return error instanceof ApiError
    ? error
    : new ApiError(500, { type: 'api_error', message: `Fake Stripe crashed: ${String(error)}` });
}

function invalidRequest(message: string, extra: Record<string, unknown> = {}): ApiError {
  return new ApiError(400, { type: 'invalid_request_error', message, ...extra });
}

function noSuch(kind: string, id: string, param?: string): ApiError {
  return new ApiError(404, {
    type: 'invalid_request_error',
    code: 'resource_missing',
    message: `No such ${kind}: '${id}'`,
    ...(param === undefined ? {} : { param }),
  });
}

function cardError(code: string, message: string, extra: Record<string, unknown> = {}): ApiError {
  return new ApiError(402, { type: 'card_error', code, message, ...extra });
}

const DECLINE_MESSAGES: Record<string, string> = {
  generic_decline: 'Your card was declined.',
  insufficient_funds: 'Your card has insufficient funds.',
  expired_card: 'Your card has expired.',
};

// ---------------------------------------------------------------------------------------------
// Form decoding: `card[exp_month]=12&expand[0]=customer&expand[]=x` → nested objects and arrays.

/** Decodes an `application/x-www-form-urlencoded` body with Stripe's bracket notation. */
export function parseStripeForm(body: string): FormObject {
  const root: FormObject = {};
  if (body === '') return root;
  for (const pair of body.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const rawKey = eq === -1 ? pair : pair.slice(0, eq);
    const rawValue = eq === -1 ? '' : pair.slice(eq + 1);
    const key = decodeURIComponent(rawKey.replace(/\+/g, ' '));
    const value = decodeURIComponent(rawValue.replace(/\+/g, ' '));
    const match = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(key);
    if (match === null) throw invalidRequest(`Invalid parameter name: ${key}`);
    const path = [match[1]!, ...[...match[2]!.matchAll(/\[([^[\]]*)\]/g)].map((m) => m[1]!)];
    let node: FormObject = root;
    for (let i = 0; i < path.length; i++) {
      let segment = path[i]!;
      // `a[]` appends: give it the next free index, arrays are rebuilt below.
      if (segment === '') segment = String(Object.keys(node).length);
      if (i === path.length - 1) {
        node[segment] = value;
      } else {
        const next = node[segment];
        if (next === undefined || typeof next === 'string' || Array.isArray(next)) {
          node[segment] = {};
        }
        node = node[segment] as FormObject;
      }
    }
  }
  return toArrays(root) as FormObject;
}

function toArrays(value: FormValue): FormValue {
  if (typeof value === 'string' || Array.isArray(value)) return value;
  const keys = Object.keys(value);
  const entries = keys.map((k) => [k, toArrays(value[k]!)] as const);
  if (keys.length > 0 && keys.every((k) => /^\d+$/.test(k))) {
    return entries.sort((a, b) => Number(a[0]) - Number(b[0])).map(([, v]) => v);
  }
  return Object.fromEntries(entries);
}

// ---------------------------------------------------------------------------------------------
// Parameters: every request is checked against the schema derived from the installed `stripe`
// library's types (stripe-schema/), so the fake refuses unknown names, missing required fields
// and enum values the API version does not know, as Stripe does.

type Checked = Coerced;

/** The parameters of `route` (`POST /v1/setup_intents/:id/confirm`), checked and typed. */
function checkParams(route: string, params: FormObject): Record<string, Checked> {
  const schema = stripeSchema().endpoints[route];
  if (schema === undefined) throw invalidRequest(`Unrecognized request URL (${route}).`);
  const problem = validateParams(schema, params);
  if (problem !== null) {
    throw invalidRequest(problem.message, {
      param: problem.param,
      ...(problem.code === 'invalid' ? {} : { code: problem.code }),
    });
  }
  return coerceParams(schema, params) as Record<string, Checked>;
}

// ---------------------------------------------------------------------------------------------

/** Seed data for {@link FakeStripe.addCustomer}. */
export interface CustomerSeed {
  id?: string;
  name?: string | null;
  email?: string | null;
  /** Unix seconds. */
  created?: number;
  metadata?: Record<string, string>;
  deleted?: boolean;
}

/** Seed data for {@link FakeStripe.addSubscription}. */
export interface SubscriptionSeed {
  customer: string;
  status?: 'active' | 'past_due' | 'unpaid' | 'trialing' | 'canceled' | 'incomplete';
  default_payment_method?: string | null;
  /** The latest invoice; `attempt_count > 0` with status `open` is a failed renewal. */
  latestInvoice?: {
    amount: number;
    currency: string;
    status?: 'open' | 'paid' | 'draft' | 'void' | 'uncollectible';
    attempt_count?: number;
  };
}

/** Options of {@link FakeStripe.start}. */
export interface FakeStripeOptions {
  /** The secret key the fake accepts (default: a random `sk_test_…`). */
  secretKey?: string;
  /** The publishable key Stripe.js calls carry (default: a random `pk_test_…`). */
  publishableKey?: string;
  /** The fake's clock (default: the real one). */
  now?: () => Date;
}

/**
 * The fake Stripe server. Start it with {@link FakeStripe.start}, seed objects with the `add…`
 * methods, point a `stripe` client at it with {@link FakeStripe.clientConfig}, and read
 * {@link FakeStripe.requests} to see exactly what the code under test asked of Stripe.
 */
export class FakeStripe {
  /** The secret key the fake accepts. */
  readonly secretKey: string;
  /** The publishable key Stripe.js-style calls must carry. */
  readonly publishableKey: string;
  /** Every request received, in order. */
  readonly requests: RecordedRequest[] = [];

  readonly #server: Server;
  readonly #now: () => Date;
  readonly #objects = new Map<string, StripeObject>();
  readonly #cards = new Map<string, CardBehaviour>();
  readonly #faults: {
    pathPrefix: string;
    status: number;
    error: Record<string, unknown>;
    headers?: Record<string, string>;
  }[] = [];
  readonly #before: { pathPrefix: string; change: () => void }[] = [];
  /** Invoice id → its PaymentIntent id, and back. */
  readonly #intentOf = new Map<string, string>();
  readonly #invoiceOf = new Map<string, string>();
  readonly #idempotency = new Map<
    string,
    { method: string; path: string; params: string; status: number; body: string }
  >();

  private constructor(server: Server, options: FakeStripeOptions) {
    this.#server = server;
    this.secretKey = options.secretKey ?? `sk_test_${randomBytes(12).toString('hex')}`;
    this.publishableKey = options.publishableKey ?? `pk_test_${randomBytes(12).toString('hex')}`;
    this.#now = options.now ?? (() => new Date());
  }

  /** Starts a fake on 127.0.0.1 with a free port. */
  static async start(options: FakeStripeOptions = {}): Promise<FakeStripe> {
    const server = createServer();
    const fake = new FakeStripe(server, options);
    server.on(
      'request',
      (req: IncomingMessage, res: ServerResponse) => void fake.#handle(req, res),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  /** The port the fake listens on. */
  get port(): number {
    return (this.#server.address() as AddressInfo).port;
  }

  /** `http://127.0.0.1:<port>`: where Stripe.js-style calls go. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Options for `new Stripe(secretKey, …)` that send every call here and never retry. */
  clientConfig(): {
    host: string;
    port: number;
    protocol: 'http';
    maxNetworkRetries: number;
    telemetry: boolean;
  } {
    return {
      host: '127.0.0.1',
      port: this.port,
      protocol: 'http',
      maxNetworkRetries: 0,
      telemetry: false,
    };
  }

  /** Stops the server. */
  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  /** Each request as `METHOD /path`, the shape most assertions want. */
  calls(): string[] {
    return this.requests.map((r) => `${r.method} ${r.path}`);
  }

  /** Forgets the requests recorded so far (seeding and setup stay out of a flow's list). */
  clearRequests(): void {
    this.requests.length = 0;
  }

  // --- Seeding ---------------------------------------------------------------------------------

  /** Adds a customer. */
  addCustomer(seed: CustomerSeed = {}): StripeObject {
    const id = seed.id ?? this.#id('cus');
    if (seed.deleted) {
      return this.#put({ id, object: 'customer', deleted: true });
    }
    return this.#put({
      id,
      object: 'customer',
      created: seed.created ?? this.#unix(),
      email: seed.email ?? null,
      name: seed.name ?? null,
      metadata: { ...seed.metadata },
      invoice_settings: {
        custom_fields: null,
        default_payment_method: null,
        footer: null,
        rendering_options: null,
      },
      default_source: null,
      delinquent: false,
      description: null,
      livemode: false,
      balance: 0,
      currency: null,
      shipping: null,
    });
  }

  /**
   * Creates a PaymentMethod from a test card, as `pm_card_visa` does in Stripe's API, and
   * optionally attaches it (and makes it the customer's default).
   */
  addPaymentMethod(
    card: TestCardName,
    options: {
      customer?: string;
      default?: boolean;
      exp_month?: number;
      exp_year?: number;
      /** Saved from a wallet: the card's details are the device token's (`card.wallet`). */
      wallet?: WalletType;
    } = {},
  ): StripeObject {
    const pm = this.#createPaymentMethod(card, options.exp_month, options.exp_year);
    if (options.wallet !== undefined) {
      const card = pm.card as Record<string, unknown>;
      card.wallet = {
        type: options.wallet,
        [options.wallet]: {},
        dynamic_last4: String(1000 + (pm.id.charCodeAt(3) % 9000)).slice(-4),
      };
    }
    this.#attachSeeded(pm, options);
    return pm;
  }

  /** A Link PaymentMethod (`type: 'link'`, no `card`), optionally the customer's default. */
  addLinkPaymentMethod(options: { customer?: string; default?: boolean } = {}): StripeObject {
    const pm = this.#createLinkPaymentMethod();
    this.#attachSeeded(pm, options);
    return pm;
  }

  #attachSeeded(pm: StripeObject, options: { customer?: string; default?: boolean }): void {
    if (options.customer !== undefined) {
      pm.customer = options.customer;
      if (options.default) {
        const customer = this.#get('customer', options.customer);
        (customer.invoice_settings as Record<string, unknown>).default_payment_method = pm.id;
      }
    }
  }

  /** Marks an invoice `void` or `uncollectible` (the merchant did, in the Dashboard). */
  setInvoiceStatus(invoiceId: string, status: 'void' | 'uncollectible' | 'paid'): void {
    const invoice = this.#get('invoice', invoiceId);
    if (status === 'paid') this.#invoicePaid(invoice);
    else {
      invoice.status = status;
      invoice.next_payment_attempt = null;
    }
  }

  /** The PaymentIntent Stripe made for an invoice. */
  invoicePaymentIntent(invoiceId: string): StripeObject {
    return structuredClone(this.#invoiceIntent(this.#get('invoice', invoiceId)));
  }

  /** Adds a subscription, and its latest invoice when given. */
  addSubscription(seed: SubscriptionSeed): {
    subscription: StripeObject;
    invoice: StripeObject | null;
  } {
    const id = this.#id('sub');
    const now = this.#unix();
    let invoice: StripeObject | null = null;
    if (seed.latestInvoice !== undefined) {
      const { amount, currency, status = 'open', attempt_count = 0 } = seed.latestInvoice;
      invoice = this.#put({
        id: this.#id('in'),
        object: 'invoice',
        amount_due: amount,
        amount_paid: status === 'paid' ? amount : 0,
        amount_remaining: status === 'paid' ? 0 : amount,
        attempt_count,
        attempted: attempt_count > 0,
        billing_reason: 'subscription_cycle',
        collection_method: 'charge_automatically',
        created: now,
        currency,
        customer: seed.customer,
        default_payment_method: null,
        hosted_invoice_url: `https://invoice.stripe.com/i/test_${randomBytes(6).toString('hex')}`,
        livemode: false,
        next_payment_attempt: status === 'open' && attempt_count > 0 ? now + 3 * 86400 : null,
        parent: {
          type: 'subscription_details',
          quote_details: null,
          subscription_details: { metadata: {}, subscription: id },
        },
        status,
        status_transitions: { finalized_at: now, paid_at: status === 'paid' ? now : null },
      });
    }
    const subscription = this.#put({
      id,
      object: 'subscription',
      customer: seed.customer,
      collection_method: 'charge_automatically',
      created: now,
      currency: seed.latestInvoice?.currency ?? 'usd',
      default_payment_method: seed.default_payment_method ?? null,
      latest_invoice: invoice?.id ?? null,
      livemode: false,
      metadata: {},
      status: seed.status ?? 'active',
    });
    return { subscription, invoice };
  }

  /** A stored object as the API would return it unexpanded, or undefined. */
  object(id: string): StripeObject | undefined {
    const found = this.#objects.get(id);
    return found === undefined ? undefined : structuredClone(found);
  }

  /**
   * Makes the next request whose path starts with `pathPrefix` fail as Stripe does under load or
   * in an outage (429 `rate_limit`, 500 `api_error`), before it touches any object.
   */
  failNext(
    pathPrefix: string,
    failure: { status: number; error: Record<string, unknown>; headers?: Record<string, string> },
  ): void {
    this.#faults.push({ pathPrefix, ...failure });
  }

  /**
   * Runs `change` just before the next request whose path starts with `pathPrefix` is handled:
   * what happened at Stripe meanwhile (the merchant voided the invoice, a webhook paid it…).
   */
  beforeNext(pathPrefix: string, change: () => void): void {
    this.#before.push({ pathPrefix, change });
  }

  // --- What the browser does -------------------------------------------------------------------

  /**
   * Confirms a SetupIntent the way Stripe.js's `confirmSetup` does from the shopper's browser:
   * a POST with the publishable key and the client secret, never the secret key.
   */
  async confirmSetupAsBrowser(
    clientSecret: string,
    card: TestCardName | typeof LINK_TOKEN,
  ): Promise<Record<string, unknown>> {
    const id = clientSecret.split('_secret_')[0]!;
    const body = new URLSearchParams({
      client_secret: clientSecret,
      payment_method: card,
      return_url: 'https://shop.example/account',
    });
    const response = await fetch(`${this.url}/v1/setup_intents/${id}/confirm`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${this.publishableKey}`,
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body,
    });
    return (await response.json()) as Record<string, unknown>;
  }

  /**
   * Finishes the 3-D Secure challenge of a SetupIntent in `requires_action`, as the issuer's
   * page does when the shopper approves (`succeed`) or fails/cancels (`fail`) it.
   */
  completeAuthentication(setupIntentId: string, outcome: 'succeed' | 'fail'): void {
    const si = this.#get('setup_intent', setupIntentId);
    if (si.status !== 'requires_action') {
      throw new Error(`SetupIntent ${setupIntentId} is ${String(si.status)}, not requires_action`);
    }
    si.next_action = null;
    if (outcome === 'succeed') {
      this.#setupSucceeded(si);
    } else {
      si.status = 'requires_payment_method';
      si.last_setup_error = {
        type: 'invalid_request_error',
        code: 'setup_intent_authentication_failure',
        message:
          'We are unable to authenticate your payment method. Please choose a different payment method and try again.',
        payment_method: this.#objects.get(String(si.payment_method)) ?? null,
      };
      si.payment_method = null;
    }
  }

  /**
   * Finishes the 3-D Secure challenge of an invoice's PaymentIntent in `requires_action`, as
   * Stripe.js's handleNextAction does when the shopper approves (`succeed`: the invoice is
   * paid) or fails/cancels (`fail`) it.
   */
  completePaymentAuthentication(paymentIntentId: string, outcome: 'succeed' | 'fail'): void {
    const intent = this.#get('payment_intent', paymentIntentId);
    if (intent.status !== 'requires_action') {
      throw new Error(
        `PaymentIntent ${paymentIntentId} is ${String(intent.status)}, not requires_action`,
      );
    }
    intent.next_action = null;
    const invoice = this.#get('invoice', this.#invoiceOf.get(intent.id)!);
    if (outcome === 'succeed') {
      this.#invoicePaid(invoice);
    } else {
      intent.status = 'requires_payment_method';
      intent.last_payment_error = {
        type: 'invalid_request_error',
        code: 'payment_intent_authentication_failure',
        message:
          'We are unable to authenticate your payment method. Please choose a different payment method and try again.',
      };
    }
  }

  // --- Webhooks --------------------------------------------------------------------------------

  /** An event as Stripe would POST it to a webhook endpoint. */
  event(type: string, object: Record<string, unknown>): Record<string, unknown> {
    return {
      id: this.#id('evt'),
      object: 'event',
      api_version: '2026-10-28.endive',
      created: this.#unix(),
      data: { object: structuredClone(object) },
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      type,
    };
  }

  /** The `Stripe-Signature` header Stripe sends with `payload`, signed with `secret`. */
  signWebhook(payload: string, secret: string, timestamp = this.#unix()): string {
    const signature = createHmac('sha256', secret).update(`${timestamp}.${payload}`).digest('hex');
    return `t=${timestamp},v1=${signature}`;
  }

  // --- HTTP --------------------------------------------------------------------------------------

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    const record: RecordedRequest = {
      method,
      path: url.pathname,
      params: {},
      idempotencyKey: header(req, 'idempotency-key'),
      apiVersion: header(req, 'stripe-version'),
      auth: 'none',
      status: 0,
      replayed: false,
    };
    this.requests.push(record);
    const send = (status: number, body: string, replayed = false): void => {
      record.status = status;
      record.replayed = replayed;
      res.writeHead(status, {
        'Content-Type': 'application/json',
        'Request-Id': `req_${randomBytes(7).toString('hex')}`,
        // Stripe's API answers browsers from any origin (Stripe.js calls it from the shop's page).
        ...CORS_HEADERS,
        ...(replayed ? { 'Idempotent-Replayed': 'true' } : {}),
      });
      res.end(body);
    };
    try {
      record.params =
        method === 'POST'
          ? parseStripeForm(Buffer.concat(chunks).toString('utf8'))
          : parseStripeForm(url.search.slice(1));
      record.auth = this.#authenticate(req, record.params);
      this.#checkHeaders(record);
      const key = method === 'POST' ? record.idempotencyKey : undefined;
      const paramsJson = JSON.stringify(record.params);
      if (key !== undefined) {
        const previous = this.#idempotency.get(key);
        if (previous !== undefined) {
          if (
            previous.method !== method ||
            previous.path !== url.pathname ||
            previous.params !== paramsJson
          ) {
            throw new ApiError(400, {
              type: 'idempotency_error',
              message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
            });
          }
          send(previous.status, previous.body, true);
          return;
        }
      }
      const before = this.#before.findIndex((b) => url.pathname.startsWith(b.pathPrefix));
      if (before !== -1) this.#before.splice(before, 1)[0]!.change();
      let result: { status: number; body: string };
      const fault = this.#faults.findIndex((f) => url.pathname.startsWith(f.pathPrefix));
      if (fault !== -1) {
        const { status, error, headers = {} } = this.#faults.splice(fault, 1)[0]!;
        for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
        result = { status, body: JSON.stringify({ error }) };
      } else {
        result = this.#attempt(method, url.pathname, record.params, record.auth);
      }
      // Stripe saves a result once the endpoint started executing — successes, card errors and
      // server errors alike (a retry under the same key gets the stored 500, it does not run
      // again) — but not requests refused before that: parameter validation, rate limiting.
      if (
        key !== undefined &&
        (result.status === 200 || result.status === 402 || result.status >= 500)
      ) {
        this.#idempotency.set(key, {
          method,
          path: url.pathname,
          params: paramsJson,
          status: result.status,
          body: result.body,
        });
      }
      send(result.status, result.body);
    } catch (error) {
      const failure = toApiError(error);
      send(failure.status, JSON.stringify({ error: failure.body }));
    }
  }

  /** Runs the endpoint; its failures become the error response Stripe would send. */
  #attempt(
    method: string,
    path: string,
    params: FormObject,
    auth: RecordedRequest['auth'],
  ): { status: number; body: string } {
    try {
      return this.#run(method, path, params, auth);
    } catch (error) {
      const failure = toApiError(error);
      return { status: failure.status, body: JSON.stringify({ error: failure.body }) };
    }
  }

  /** The headers Stripe checks before anything else: the API version and the key's length. */
  #checkHeaders(record: RecordedRequest): void {
    const version = record.apiVersion;
    // Stripe.js calls carry no header (the account's default version). A server-side call must
    // name the version this fake's schema describes: another one would have other shapes.
    if (version !== undefined && version !== stripeSchema().apiVersion) {
      throw invalidRequest(
        `Invalid Stripe API version: ${version}. This API speaks ${stripeSchema().apiVersion}.`,
        { code: 'invalid_api_version' },
      );
    }
    const key = record.idempotencyKey;
    if (key !== undefined && key.length > 255) {
      throw invalidRequest(
        `Invalid Idempotency-Key: it is ${key.length} characters long, the maximum is 255.`,
        { param: 'Idempotency-Key' },
      );
    }
  }

  /**
   * Which key a request carries: the `Authorization` header, or — as Stripe.js sends it from the
   * browser, a form post without custom headers (no CORS preflight) — a `key` body parameter,
   * which is taken out of `params` so the endpoint's schema never sees it.
   */
  #authenticate(req: IncomingMessage, params: FormObject): RecordedRequest['auth'] {
    const authorization = header(req, 'authorization');
    let bearer = /^Bearer (\S+)$/.exec(authorization ?? '')?.[1];
    if (authorization === undefined && typeof params.key === 'string') {
      bearer = params.key;
      delete params.key;
      if (bearer !== this.publishableKey) {
        throw new ApiError(401, {
          type: 'invalid_request_error',
          message: 'Only a publishable key may be sent as the `key` parameter.',
        });
      }
    }
    if (bearer === this.secretKey) return 'secret';
    if (bearer === this.publishableKey) return 'publishable';
    throw new ApiError(401, {
      type: 'invalid_request_error',
      message:
        bearer === undefined
          ? 'You did not provide an API key.'
          : `Invalid API Key provided: ${bearer.slice(0, 8)}${'*'.repeat(Math.max(0, bearer.length - 12))}${bearer.slice(-4)}`,
    });
  }

  #run(
    method: string,
    path: string,
    params: FormObject,
    auth: RecordedRequest['auth'],
  ): { status: number; body: string } {
    const parts = path.split('/').filter((p) => p !== '');
    if (parts[0] !== 'v1') throw invalidRequest(`Unrecognized request URL (${method}: ${path}).`);
    const [, resource, id, action] = parts;
    const route = `${method} ${resource}${id === undefined ? '' : '/:id'}${action === undefined ? '' : `/${action}`}`;
    const schemaRoute = `${method} /v1/${route.slice(method.length + 1)}`;
    // Stripe.js may only read and confirm SetupIntents, and only with their client secret.
    if (
      auth === 'publishable' &&
      !((resource === 'setup_intents' || resource === 'payment_intents') && id !== undefined)
    ) {
      throw new ApiError(401, {
        type: 'invalid_request_error',
        message:
          'This API call cannot be made with a publishable API key. Please use a secret API key.',
      });
    }
    const ok = (object: unknown): { status: number; body: string } => ({
      status: 200,
      body: JSON.stringify(object),
    });
    switch (route) {
      case 'POST customers': {
        const p = checkParams(schemaRoute, params);
        const customer = this.addCustomer({
          ...(p.name === undefined ? {} : { name: p.name as string }),
          ...(p.email === undefined ? {} : { email: p.email as string }),
          ...(p.metadata === undefined ? {} : { metadata: p.metadata as Record<string, string> }),
        });
        return ok(this.#render(customer, p.expand));
      }
      case 'GET customers': {
        const p = checkParams(schemaRoute, params);
        const matches = [...this.#objects.values()].filter(
          (o) =>
            o.object === 'customer' &&
            o.deleted !== true &&
            (p.email === undefined || o.email === p.email),
        );
        return ok(this.#list('/v1/customers', matches, p));
      }
      case 'GET customers/:id': {
        const p = checkParams(schemaRoute, params);
        return ok(this.#render(this.#get('customer', id!), p.expand));
      }
      case 'POST customers/:id':
        return ok(this.#updateCustomer(id!, checkParams(schemaRoute, params)));
      case 'GET payment_methods/:id': {
        const p = checkParams(schemaRoute, params);
        return ok(this.#render(this.#get('payment_method', id!), p.expand));
      }
      case 'POST payment_methods/:id':
        return ok(this.#updatePaymentMethod(id!, checkParams(schemaRoute, params)));
      case 'POST payment_methods/:id/attach':
        return ok(this.#attach(id!, checkParams(schemaRoute, params)));
      case 'POST payment_methods/:id/detach':
        return ok(this.#detach(id!, checkParams(schemaRoute, params)));
      case 'POST setup_intents':
        return ok(this.#createSetupIntent(checkParams(schemaRoute, params)));
      case 'GET setup_intents/:id': {
        const p = checkParams(schemaRoute, params);
        const si = this.#get('setup_intent', id!);
        this.#checkClientSecret(si, p, auth);
        return ok(this.#render(si, p.expand));
      }
      case 'POST setup_intents/:id/confirm': {
        // Stripe.js sends the client secret with its confirmation; server-side calls cannot.
        const { client_secret: secret, ...rest } = params;
        if (auth !== 'publishable' && secret !== undefined) {
          throw invalidRequest('Received unknown parameter: client_secret', {
            param: 'client_secret',
            code: 'parameter_unknown',
          });
        }
        const p = checkParams(schemaRoute, rest);
        const si = this.#get('setup_intent', id!);
        this.#checkClientSecret(
          si,
          { client_secret: typeof secret === 'string' ? secret : '' },
          auth,
        );
        return ok(this.#confirmSetupIntent(si, p));
      }
      case 'GET subscriptions':
        return ok(this.#listSubscriptions(checkParams(schemaRoute, params)));
      case 'GET subscriptions/:id': {
        const p = checkParams(schemaRoute, params);
        return ok(this.#render(this.#get('subscription', id!), p.expand));
      }
      case 'POST subscriptions/:id':
        return ok(this.#updateSubscription(id!, checkParams(schemaRoute, params)));
      case 'GET invoices':
        return ok(this.#listInvoices(checkParams(schemaRoute, params)));
      case 'GET invoices/:id': {
        const p = checkParams(schemaRoute, params);
        const invoice = this.#get('invoice', id!);
        // `confirmation_secret` is never in an invoice unless asked for by name.
        const expand = ((p.expand as string[] | undefined) ?? []).filter(
          (path) => path !== 'confirmation_secret',
        );
        const rendered = this.#render(invoice, expand);
        if (expand.length !== ((p.expand as string[] | undefined) ?? []).length) {
          const intent = this.#invoiceIntent(invoice);
          rendered.confirmation_secret = {
            client_secret: intent.client_secret,
            type: 'payment_intent',
          };
        }
        return ok(rendered);
      }
      case 'POST invoices/:id': {
        const p = checkParams(schemaRoute, params);
        const invoice = this.#get('invoice', id!);
        if (
          Object.keys(p).some((k) => k !== 'metadata' && k !== 'expand') &&
          invoice.status !== 'draft'
        ) {
          throw invalidRequest('You can only update the metadata of a finalized invoice.', {
            code: 'invoice_not_editable',
          });
        }
        if (p.metadata !== undefined) mergeMetadata(invoice, p.metadata);
        return ok(this.#render(invoice, p.expand));
      }
      case 'GET payment_intents/:id': {
        const p = checkParams(schemaRoute, params);
        const intent = this.#get('payment_intent', id!);
        if (auth === 'publishable' && p.client_secret !== intent.client_secret) {
          throw noSuch('payment_intent', id!);
        }
        return ok(this.#render(intent, p.expand));
      }
      case 'POST invoices/:id/pay':
        return ok(this.#payInvoice(id!, checkParams(schemaRoute, params)));
      default:
        throw invalidRequest(`Unrecognized request URL (${method}: ${path}).`);
    }
  }

  // --- Resources ---------------------------------------------------------------------------------

  #updateCustomer(id: string, p: Record<string, Checked>): Record<string, unknown> {
    const customer = this.#get('customer', id);
    if (customer.deleted) throw invalidRequest('No such customer: the customer has been deleted');
    const settings = p.invoice_settings as Record<string, string> | undefined;
    if (settings?.default_payment_method !== undefined) {
      const pmId = settings.default_payment_method;
      const pm = this.#objects.get(pmId);
      if (pmId !== '' && (pm === undefined || pm.customer !== id)) {
        throw invalidRequest(
          `The customer does not have a payment method with the ID ${pmId}. The payment method must be attached to the customer.`,
          { code: 'resource_missing', param: 'invoice_settings[default_payment_method]' },
        );
      }
      (customer.invoice_settings as Record<string, unknown>).default_payment_method =
        pmId === '' ? null : pmId;
    }
    for (const key of ['name', 'email', 'description', 'phone'] as const) {
      if (p[key] !== undefined) customer[key] = p[key];
    }
    if (p.metadata !== undefined) mergeMetadata(customer, p.metadata);
    return this.#render(customer, p.expand);
  }

  #updatePaymentMethod(id: string, p: Record<string, Checked>): Record<string, unknown> {
    const pm = this.#get('payment_method', id);
    if (pm.customer === null) {
      throw invalidRequest(
        'You must save this PaymentMethod to a customer before you can update it.',
      );
    }
    const update = p.card as { exp_month?: number; exp_year?: number } | undefined;
    if (update !== undefined && pm.type !== 'card') {
      throw invalidRequest(
        `You cannot update the card details of a PaymentMethod of type ${String(pm.type)}.`,
        { param: 'card' },
      );
    }
    if (update !== undefined) {
      const card = pm.card as Record<string, unknown>;
      const month = update.exp_month ?? (card.exp_month as number);
      const year = update.exp_year ?? (card.exp_year as number);
      // Stripe checks the expiry like a card number entry: a card error naming the field.
      if (month < 1 || month > 12) {
        throw cardError('invalid_expiry_month', "Your card's expiration month is invalid.", {
          param: 'card[exp_month]',
        });
      }
      const now = this.#now();
      const thisYear = now.getUTCFullYear();
      if (year < thisYear || year > thisYear + 50) {
        throw cardError('invalid_expiry_year', "Your card's expiration year is invalid.", {
          param: 'card[exp_year]',
        });
      }
      if (year === thisYear && month < now.getUTCMonth() + 1) {
        throw cardError('invalid_expiry_month', "Your card's expiration month is invalid.", {
          param: 'card[exp_month]',
        });
      }
      card.exp_month = month;
      card.exp_year = year;
    }
    if (p.metadata !== undefined) mergeMetadata(pm, p.metadata);
    if (p.billing_details !== undefined) {
      Object.assign(pm.billing_details as object, p.billing_details);
    }
    return this.#render(pm, p.expand);
  }

  #attach(id: string, p: Record<string, Checked>): Record<string, unknown> {
    const pm = this.#paymentMethodParam(id, 'payment_method');
    const customerId = p.customer;
    if (typeof customerId !== 'string') {
      throw invalidRequest('Missing required param: customer.', {
        code: 'parameter_missing',
        param: 'customer',
      });
    }
    this.#get('customer', customerId, 'customer');
    if (pm.customer !== null && pm.customer !== customerId) {
      throw invalidRequest(
        'The payment method you provided has already been attached to a customer.',
      );
    }
    pm.customer = customerId;
    return this.#render(pm, p.expand);
  }

  #detach(id: string, p: Record<string, Checked>): Record<string, unknown> {
    const pm = this.#get('payment_method', id);
    const customerId = pm.customer;
    if (customerId === null) {
      throw invalidRequest(
        'The payment method you provided is not attached to a customer so detachment is impossible.',
      );
    }
    pm.customer = null;
    // A detached PaymentMethod stops being anyone's default.
    const customer = this.#objects.get(String(customerId));
    const settings = customer?.invoice_settings as Record<string, unknown> | undefined;
    if (settings?.default_payment_method === id) settings.default_payment_method = null;
    for (const object of this.#objects.values()) {
      if (object.object === 'subscription' && object.default_payment_method === id) {
        object.default_payment_method = null;
      }
    }
    return this.#render(pm, p.expand);
  }

  #createSetupIntent(p: Record<string, Checked>): Record<string, unknown> {
    const customerId = p.customer as string | undefined;
    if (customerId !== undefined) this.#get('customer', customerId, 'customer');
    const automatic = p.automatic_payment_methods as
      { enabled?: boolean; allow_redirects?: string } | undefined;
    if (
      automatic !== undefined &&
      p.allowed_payment_method_types !== undefined &&
      automatic.enabled
    ) {
      throw invalidRequest(
        'You may only specify one of these parameters: allowed_payment_method_types, automatic_payment_methods.',
      );
    }
    if (p.confirm !== true) {
      for (const param of ['return_url', 'use_stripe_sdk'] as const) {
        if (p[param] !== undefined) {
          throw invalidRequest(`You may only specify ${param} when confirm is true.`, { param });
        }
      }
    }
    // Since 2023-08-16 a SetupIntent without explicit types takes the Dashboard's methods.
    const automaticEnabled =
      p.allowed_payment_method_types === undefined && automatic?.enabled !== false;
    const id = this.#id('seti');
    const si = this.#put({
      id,
      object: 'setup_intent',
      automatic_payment_methods: automaticEnabled
        ? { enabled: true, allow_redirects: automatic?.allow_redirects ?? 'always' }
        : null,
      cancellation_reason: null,
      client_secret: `${id}_secret_${randomBytes(12).toString('hex')}`,
      created: this.#unix(),
      customer: customerId ?? null,
      description: (p.description as string | undefined) ?? null,
      last_setup_error: null,
      latest_attempt: null,
      livemode: false,
      metadata: { ...(p.metadata as Record<string, string> | undefined) },
      next_action: null,
      payment_method: null,
      // Automatic methods: what a typical Dashboard enables for SetupIntents, cards and Link.
      payment_method_types:
        (p.allowed_payment_method_types as string[] | undefined) ??
        (automaticEnabled ? ['card', 'link'] : ['card']),
      status: 'requires_payment_method',
      usage: (p.usage as string | undefined) ?? 'off_session',
    });
    if (p.payment_method !== undefined) {
      si.payment_method = this.#paymentMethodFor(si, p.payment_method as string).id;
      si.status = 'requires_confirmation';
    }
    if (p.confirm === true) {
      return this.#confirmSetupIntent(si, {
        ...(p.return_url === undefined ? {} : { return_url: p.return_url }),
        ...(p.use_stripe_sdk === undefined ? {} : { use_stripe_sdk: p.use_stripe_sdk }),
        ...(p.expand === undefined ? {} : { expand: p.expand }),
      });
    }
    return this.#render(si, p.expand);
  }

  #confirmSetupIntent(si: StripeObject, p: Record<string, Checked>): Record<string, unknown> {
    if (si.status === 'succeeded') {
      throw invalidRequest(
        'You cannot confirm this SetupIntent because it has already succeeded.',
        { code: 'setup_intent_unexpected_state', setup_intent: structuredClone(si) },
      );
    }
    if (p.payment_method !== undefined) {
      si.payment_method = this.#paymentMethodFor(si, p.payment_method as string).id;
    }
    if (si.payment_method === null) {
      throw invalidRequest(
        "You cannot confirm this SetupIntent because it's missing a payment method. Update the SetupIntent with a payment method and then confirm it again.",
        { code: 'setup_intent_unexpected_state' },
      );
    }
    const automatic = si.automatic_payment_methods as { allow_redirects: string } | null;
    if (automatic !== null && automatic.allow_redirects !== 'never' && p.return_url === undefined) {
      throw invalidRequest(
        "This SetupIntent is configured to accept payment methods enabled in your Dashboard. Because some of these payment methods might redirect your customer off of your page, you must provide a `return_url`. If you don't want to accept redirect-based payment methods, set `automatic_payment_methods[enabled]` to `true` and `automatic_payment_methods[allow_redirects]` to `never` when creating Setup Intents and Payment Intents.",
        { param: 'return_url' },
      );
    }
    const pm = this.#get('payment_method', String(si.payment_method));
    const allowed = si.payment_method_types as string[];
    if (!allowed.includes(String(pm.type))) {
      // Refused before any attempt: the SetupIntent does not accept this kind of method.
      si.payment_method = null;
      throw invalidRequest(
        `The PaymentMethod provided (${String(pm.type)}) is not allowed for this SetupIntent. Please attach a PaymentMethod of one of the following types: ${allowed.join(', ')}.`,
        { param: 'payment_method', code: 'setup_intent_invalid_parameter' },
      );
    }
    const behaviour = this.#cards.get(pm.id) ?? 'succeed';
    const decline = this.#expiredOrDeclined(pm, behaviour);
    if (decline !== null) {
      si.status = 'requires_payment_method';
      si.last_setup_error = {
        type: 'card_error',
        code: decline.code,
        decline_code: decline.decline,
        message: DECLINE_MESSAGES[decline.decline] ?? 'Your card was declined.',
        payment_method: structuredClone(pm),
      };
      si.payment_method = null;
      throw cardError(
        decline.code,
        DECLINE_MESSAGES[decline.decline] ?? 'Your card was declined.',
        {
          decline_code: decline.decline,
          payment_method: structuredClone(pm),
          setup_intent: structuredClone(si),
        },
      );
    }
    if (behaviour === 'authenticate_on_setup' || behaviour === 'authenticate_always') {
      si.status = 'requires_action';
      si.next_action =
        p.return_url !== undefined && p.use_stripe_sdk !== true
          ? {
              type: 'redirect_to_url',
              redirect_to_url: {
                return_url: p.return_url,
                url: `https://hooks.stripe.com/3d_secure_2/hosted?setup_intent=${si.id}`,
              },
            }
          : {
              type: 'use_stripe_sdk',
              use_stripe_sdk: {
                type: 'stripe_3ds2_fingerprint',
                three_d_secure_2_source: this.#id('src'),
              },
            };
      return this.#render(si, p.expand);
    }
    this.#setupSucceeded(si);
    return this.#render(si, p.expand);
  }

  #setupSucceeded(si: StripeObject): void {
    si.status = 'succeeded';
    si.last_setup_error = null;
    const pm = this.#get('payment_method', String(si.payment_method));
    // A SetupIntent for a customer saves the card to that customer once it succeeds.
    if (si.customer !== null) pm.customer = si.customer;
  }

  #checkClientSecret(
    si: StripeObject,
    p: Record<string, Checked>,
    auth: RecordedRequest['auth'],
  ): void {
    if (auth !== 'publishable') return;
    if (p.client_secret !== si.client_secret) {
      throw noSuch('setupintent', si.id);
    }
  }

  #listSubscriptions(p: Record<string, Checked>): Record<string, unknown> {
    const status = (p.status as string | undefined) ?? 'not_canceled';
    const ended = new Set(['canceled', 'incomplete_expired']);
    const matches = [...this.#objects.values()].filter(
      (o) =>
        o.object === 'subscription' &&
        (p.customer === undefined || o.customer === p.customer) &&
        (status === 'all' ||
          (status === 'not_canceled' && !ended.has(String(o.status))) ||
          (status === 'ended' && ended.has(String(o.status))) ||
          o.status === status),
    );
    return this.#list('/v1/subscriptions', matches, p);
  }

  #updateSubscription(id: string, p: Record<string, Checked>): Record<string, unknown> {
    const sub = this.#get('subscription', id);
    if (p.default_payment_method !== undefined) {
      const pmId = p.default_payment_method as string;
      const pm = this.#objects.get(pmId);
      if (pmId !== '' && (pm === undefined || pm.customer !== sub.customer)) {
        throw invalidRequest(
          `The customer does not have a payment method with the ID ${pmId}. The payment method must be attached to the customer.`,
          { code: 'resource_missing', param: 'default_payment_method' },
        );
      }
      sub.default_payment_method = pmId === '' ? null : pmId;
    }
    if (p.description !== undefined) sub.description = p.description;
    if (p.metadata !== undefined) mergeMetadata(sub, p.metadata);
    return this.#render(sub, p.expand);
  }

  #listInvoices(p: Record<string, Checked>): Record<string, unknown> {
    const matches = [...this.#objects.values()].filter(
      (o) =>
        o.object === 'invoice' &&
        (p.customer === undefined || o.customer === p.customer) &&
        (p.status === undefined || o.status === p.status) &&
        (p.subscription === undefined ||
          (o.parent as { subscription_details?: { subscription?: string } } | null)
            ?.subscription_details?.subscription === p.subscription),
    );
    return this.#list('/v1/invoices', matches, p);
  }

  #payInvoice(id: string, p: Record<string, Checked>): Record<string, unknown> {
    const invoice = this.#get('invoice', id);
    if (invoice.status === 'paid') throw invalidRequest('Invoice is already paid');
    if (invoice.status !== 'open') {
      throw invalidRequest(
        `You can only pay an invoice that is open. This invoice is ${String(invoice.status)}.`,
      );
    }
    const customer = this.#get('customer', String(invoice.customer));
    const sub = this.#invoiceSubscription(invoice);
    const pmId =
      (p.payment_method as string | undefined) ??
      (invoice.default_payment_method as string | null) ??
      (sub?.default_payment_method as string | null | undefined) ??
      ((customer.invoice_settings as Record<string, unknown>).default_payment_method as
        string | null);
    if (pmId === null || pmId === undefined) {
      throw invalidRequest(
        'This customer has no attached payment source or default payment method. Please consider adding a default payment method.',
      );
    }
    const pm = this.#objects.get(pmId);
    if (pm === undefined || pm.object !== 'payment_method')
      throw noSuch('PaymentMethod', pmId, 'payment_method');
    if (pm.customer !== customer.id) {
      throw invalidRequest(
        `The PaymentMethod provided (${pmId}) is not attached to this Invoice's Customer (${customer.id}).`,
        { param: 'payment_method' },
      );
    }
    invoice.attempt_count = (invoice.attempt_count as number) + 1;
    invoice.attempted = true;
    const intent = this.#invoiceIntent(invoice);
    intent.payment_method = pm.id;
    intent.next_action = null;
    const behaviour = this.#cards.get(pm.id) ?? 'succeed';
    const offSession = p.off_session !== false;
    let decline = this.#expiredOrDeclined(pm, behaviour);
    if (decline === null && behaviour === 'charge_fails') {
      decline = { decline: 'generic_decline', code: 'card_declined' };
    }
    const wantsAuthentication =
      behaviour === 'authenticate_always' || (!offSession && behaviour === 'authenticate_on_setup');
    if (decline === null && wantsAuthentication && !offSession) {
      // The shopper is present: the invoice's PaymentIntent waits for 3-D Secure in their
      // browser (Stripe.js handleNextAction with the invoice's confirmation secret). The pay
      // call itself reports this as a card error (402) with its own code, as Stripe does:
      // `invoice_payment_intent_requires_action` is in Stripe's list of error codes ("This
      // payment requires additional user action before it can be completed successfully.
      // Payment can be completed using the PaymentIntent associated with the invoice."), and
      // `invoices.pay` returns an invoice only once it is paid.
      intent.status = 'requires_action';
      intent.next_action = {
        type: 'use_stripe_sdk',
        use_stripe_sdk: {
          type: 'stripe_3ds2_fingerprint',
          three_d_secure_2_source: this.#id('src'),
        },
      };
      intent.last_payment_error = null;
      throw cardError(
        'invoice_payment_intent_requires_action',
        'This payment requires additional user action before it can be completed successfully. Payment can be completed using the PaymentIntent associated with the invoice.',
      );
    }
    if (decline === null && wantsAuthentication) {
      decline = { decline: 'authentication_required', code: 'authentication_required' };
    }
    if (decline !== null) {
      const message =
        decline.code === 'authentication_required'
          ? 'Your card was declined. This transaction requires authentication.'
          : (DECLINE_MESSAGES[decline.decline] ?? 'Your card was declined.');
      intent.status = 'requires_payment_method';
      intent.last_payment_error = {
        type: 'card_error',
        code: decline.code,
        decline_code: decline.decline,
        message,
      };
      throw cardError(decline.code, message, { decline_code: decline.decline });
    }
    this.#invoicePaid(invoice);
    return this.#render(invoice, p.expand);
  }

  /** The invoice's PaymentIntent, made on first need (Stripe makes it at finalisation). */
  #invoiceIntent(invoice: StripeObject): StripeObject {
    const known = this.#intentOf.get(invoice.id);
    if (known !== undefined) return this.#get('payment_intent', known);
    const id = this.#id('pi');
    const intent = this.#put({
      id,
      object: 'payment_intent',
      amount: invoice.amount_due,
      amount_received: 0,
      client_secret: `${id}_secret_${randomBytes(12).toString('hex')}`,
      created: this.#unix(),
      currency: invoice.currency,
      customer: invoice.customer,
      description: `Invoice ${invoice.id}`,
      last_payment_error: null,
      livemode: false,
      metadata: {},
      next_action: null,
      payment_method: null,
      payment_method_types: ['card'],
      status: 'requires_payment_method',
    });
    this.#intentOf.set(invoice.id, id);
    this.#invoiceOf.set(id, invoice.id);
    return intent;
  }

  #invoiceSubscription(invoice: StripeObject): StripeObject | undefined {
    const subId = (invoice.parent as { subscription_details?: { subscription?: string } } | null)
      ?.subscription_details?.subscription;
    return subId === undefined ? undefined : this.#objects.get(subId);
  }

  #invoicePaid(invoice: StripeObject): void {
    invoice.status = 'paid';
    invoice.amount_paid = invoice.amount_due;
    invoice.amount_remaining = 0;
    invoice.next_payment_attempt = null;
    (invoice.status_transitions as Record<string, unknown>).paid_at = this.#unix();
    const intent = this.#invoiceIntent(invoice);
    intent.status = 'succeeded';
    intent.amount_received = intent.amount;
    intent.last_payment_error = null;
    intent.next_action = null;
    const sub = this.#invoiceSubscription(invoice);
    if (sub !== undefined && (sub.status === 'past_due' || sub.status === 'unpaid'))
      sub.status = 'active';
  }

  // --- Helpers -------------------------------------------------------------------------------------

  #expiredOrDeclined(
    pm: StripeObject,
    behaviour: CardBehaviour,
  ): { decline: string; code: string } | null {
    if (typeof behaviour === 'object') return behaviour;
    if (pm.type !== 'card') return null;
    const card = pm.card as { exp_month: number; exp_year: number };
    const now = this.#now();
    const current = now.getUTCFullYear() * 12 + now.getUTCMonth();
    if (card.exp_year * 12 + card.exp_month - 1 < current) {
      return { decline: 'expired_card', code: 'expired_card' };
    }
    return null;
  }

  /** Resolves a `payment_method` parameter: an id, or a test token that mints a new one. */
  #paymentMethodParam(value: string, param: string): StripeObject {
    if (value in TEST_CARDS) return this.#createPaymentMethod(value as TestCardName);
    if (value === LINK_TOKEN) return this.#createLinkPaymentMethod();
    const pm = this.#objects.get(value);
    if (pm === undefined || pm.object !== 'payment_method')
      throw noSuch('PaymentMethod', value, param);
    return pm;
  }

  /** The PaymentMethod a SetupIntent may use: not another customer's. */
  #paymentMethodFor(si: StripeObject, value: string): StripeObject {
    const pm = this.#paymentMethodParam(value, 'payment_method');
    if (pm.customer !== null && pm.customer !== si.customer) {
      throw invalidRequest(
        `The provided PaymentMethod ${pm.id} belongs to a different Customer than the one on this SetupIntent. Use a PaymentMethod attached to the SetupIntent's Customer.`,
        { param: 'payment_method' },
      );
    }
    return pm;
  }

  #createPaymentMethod(card: TestCardName, expMonth?: number, expYear?: number): StripeObject {
    const test = TEST_CARDS[card] as TestCard;
    const pm = this.#put({
      id: this.#id('pm'),
      object: 'payment_method',
      allow_redisplay: 'unspecified',
      billing_details: { address: null, email: null, name: null, phone: null },
      card: {
        brand: test.brand,
        checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: 'pass' },
        country: test.country,
        display_brand: test.brand,
        exp_month: expMonth ?? 12,
        exp_year: expYear ?? this.#now().getUTCFullYear() + 3,
        fingerprint: createHmac('sha256', 'fingerprint')
          .update(card)
          .digest('base64url')
          .slice(0, 16),
        funding: test.funding,
        last4: test.last4,
        networks: { available: [test.brand], preferred: null },
        three_d_secure_usage: { supported: true },
        wallet: null,
      },
      created: this.#unix(),
      customer: null,
      livemode: false,
      metadata: {},
      type: 'card',
    });
    this.#cards.set(pm.id, test.behaviour);
    return pm;
  }

  #createLinkPaymentMethod(): StripeObject {
    return this.#put({
      id: this.#id('pm'),
      object: 'payment_method',
      allow_redisplay: 'unspecified',
      billing_details: { address: null, email: 'shopper@example.invalid', name: null, phone: null },
      created: this.#unix(),
      customer: null,
      link: { email: 'shopper@example.invalid' },
      livemode: false,
      metadata: {},
      type: 'link',
    });
  }

  #list(url: string, objects: StripeObject[], p: Record<string, Checked>): Record<string, unknown> {
    const limit = (p.limit as number | undefined) ?? 10;
    if (limit < 1 || limit > 100) {
      throw invalidRequest('Invalid limit: must be between 1 and 100', { param: 'limit' });
    }
    const sorted = [...objects].sort((a, b) => (b.created as number) - (a.created as number));
    const list = {
      object: 'list',
      data: sorted.slice(0, limit),
      has_more: sorted.length > limit,
      url,
    };
    return this.#render(list as unknown as StripeObject, p.expand);
  }

  /** A deep copy of `object` with the `expand` paths replaced by the objects they name. */
  #render(object: StripeObject, expand: Checked | undefined): Record<string, unknown> {
    const copy = structuredClone(object) as Record<string, unknown>;
    // A deleted object is only a tombstone; Stripe returns it as is whatever was asked.
    if (copy.deleted === true) return copy;
    for (const path of (expand as string[] | undefined) ?? []) {
      this.#expand(copy, path.split('.'), path);
    }
    return copy;
  }

  #expand(target: Record<string, unknown>, path: string[], full: string): void {
    const [head, ...rest] = path;
    if (head === undefined) return;
    if (head === 'data' && Array.isArray(target.data)) {
      for (const item of target.data as Record<string, unknown>[]) this.#expand(item, rest, full);
      return;
    }
    const value = target[head];
    if (rest.length === 0) {
      if (!EXPANDABLE.has(head)) {
        throw invalidRequest(`This property cannot be expanded (${full}).`, { param: 'expand' });
      }
      if (value === null) return;
      const found = typeof value === 'string' ? this.#objects.get(value) : undefined;
      if (found === undefined) {
        throw invalidRequest(`This property cannot be expanded (${full}).`, { param: 'expand' });
      }
      target[head] = structuredClone(found);
      return;
    }
    if (typeof value === 'string') {
      const found = this.#objects.get(value);
      if (found === undefined) {
        throw invalidRequest(`This property cannot be expanded (${full}).`, { param: 'expand' });
      }
      target[head] = structuredClone(found);
    }
    const next = target[head];
    if (next === null) return;
    if (typeof next !== 'object') {
      throw invalidRequest(`This property cannot be expanded (${full}).`, { param: 'expand' });
    }
    this.#expand(next as Record<string, unknown>, rest, full);
  }

  #get(kind: string, id: string, param?: string): StripeObject {
    const found = this.#objects.get(id);
    if (found === undefined || found.object !== kind) {
      const names: Record<string, string> = {
        payment_method: 'PaymentMethod',
        setup_intent: 'setupintent',
      };
      throw noSuch(names[kind] ?? kind, id, param);
    }
    return found;
  }

  #put(object: StripeObject): StripeObject {
    this.#objects.set(object.id, object);
    return object;
  }

  #id(prefix: string): string {
    return `${prefix}_${randomBytes(12).toString('base64url').replace(/[-_]/g, 'x')}`;
  }

  #unix(): number {
    return Math.floor(this.#now().getTime() / 1000);
  }
}

/** What api.stripe.com sends every browser, so Stripe.js may read its answers from any page. */
const CORS_HEADERS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Expose-Headers': 'Request-Id',
};

/** Fields holding an object id that Stripe can expand, for the objects this fake knows. */
const EXPANDABLE = new Set([
  'customer',
  'default_payment_method',
  'default_source',
  'latest_attempt',
  'latest_invoice',
  'mandate',
  'payment_method',
  'pending_setup_intent',
  'subscription',
]);

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Stripe's metadata update: keys merge, an empty value deletes its key. */
function mergeMetadata(object: Record<string, unknown>, update: Checked): void {
  const metadata = (object.metadata ?? {}) as Record<string, unknown>;
  const entries = Object.entries(update as Record<string, string>);
  if (entries.length === 0) {
    object.metadata = {};
    return;
  }
  for (const [key, value] of entries) {
    if (value === '') delete metadata[key];
    else metadata[key] = value;
  }
  object.metadata = metadata;
}
