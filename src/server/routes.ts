// The protocol's routes as a table (docs/protocol.md, "Routes"): each says its method and path,
// what body it takes, how that body becomes its typed input, whether it spends a link token,
// and the store call it runs. The handler (handler.ts) does the rest the same way for all:
// limits, who the shopper is, idempotency, the per-customer lock.
import type { UpdateResult } from '../protocol/wire.js';
import type { CardStore, StoreContext } from './store.js';
import { parseExpiryUpdate, parseSetupIntent, parseVerify, type JsonObject } from './validate.js';

/** One route of the protocol. A GET is a read; a POST is a write (idempotent, locked). */
export interface Route<Input = unknown> {
  readonly method: 'GET' | 'POST';
  /** The path under the handler's basePath. */
  readonly path: string;
  /**
   * The body it reads: none (GET), a JSON object, or a JSON object that may be left out (then
   * no Content-Type is fine too).
   */
  readonly body: 'none' | 'json' | 'optional-json';
  /** The typed input, from the body (`{}` for an optional body left out); throws HttpError. */
  parse(body: JsonObject, now: Date): Input;
  /**
   * Whether finishing spends the link token it was called with. One that only starts
   * something (a setup session, an answer that asks for 3-D Secure) does not.
   */
  readonly spendsLink: boolean;
  /** The work; resolves to the body of the 200 answer. */
  run(
    store: CardStore,
    customerId: string,
    input: Input,
    context: StoreContext,
  ): Promise<JsonObject>;
}

/**
 * A route that changes the card on file: a JSON body, spends the link once finished, and
 * answers `{ card, action?, payment? }`.
 */
function change<Input>(
  path: string,
  parse: (body: JsonObject, now: Date) => Input,
  call: (
    store: CardStore,
    customerId: string,
    input: Input,
    context: StoreContext,
  ) => Promise<UpdateResult>,
): Route<Input> {
  return {
    method: 'POST',
    path,
    body: 'json',
    parse,
    spendsLink: true,
    run: async (store, customerId, input, context) => {
      const { action, payment, ...card } = await call(store, customerId, input, context);
      return { card, ...(action ? { action } : {}), ...(payment ? { payment } : {}) };
    },
  };
}

/** The input of a route that takes none. */
type NoInput = Record<string, never>;
const noInput = (): NoInput => ({});

/** Every route, by path. */
export const ROUTES: ReadonlyMap<string, Route> = new Map(
  [
    {
      method: 'GET',
      path: '/card',
      body: 'none',
      parse: noInput,
      spendsLink: false,
      run: async (store, customerId) => ({ card: await store.getCard(customerId) }),
    } satisfies Route<NoInput>,
    change('/card/expiry', parseExpiryUpdate, (store, customerId, input, context) =>
      store.updateExpiry(customerId, input, context),
    ),
    {
      method: 'POST',
      path: '/setup-session',
      body: 'optional-json',
      parse: noInput,
      spendsLink: false,
      run: async (store, customerId, _input, context) => {
        // Only these two fields: a store's session object may carry more than the wire should.
        const { clientSecret, publishableKey } = await store.createSetupSession(
          customerId,
          context,
        );
        return { clientSecret, publishableKey };
      },
    } satisfies Route<NoInput>,
    change('/card/replace', parseSetupIntent, (store, customerId, input, context) =>
      store.completeReplacement(customerId, input, context),
    ),
    change('/card/verify', parseVerify, (store, customerId, input, context) =>
      store.verify(customerId, input, context),
    ),
  ].map((route) => [route.path, route as Route] as const),
);
