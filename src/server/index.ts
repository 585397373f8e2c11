// `cardkeep/server`: the Node reference backend for the Cardkeep widget.
export {
  createCardkeepHandler,
  type CardkeepHandler,
  type CardkeepHandlerOptions,
  type CardkeepLogger,
  type ClientInfo,
} from './handler.js';
export { toNodeListener, createNodeServer, type NodeListener } from './node.js';
export {
  createLinkToken,
  verifyLinkToken,
  createUpdateLink,
  parseTtl,
  DEFAULT_LINK_TTL,
  type LinkClaims,
  type LinkTokenOptions,
  type LinkTokenProblem,
  type UpdateLinkOptions,
} from './signed-link.js';
export {
  MemoryStore,
  demoCustomer,
  DEMO_CUSTOMER_ID,
  type DemoSeed,
  type MemoryCard,
  type MemoryCustomer,
  type MemoryStoreOptions,
} from './memory-store.js';
export { ProtocolError } from './protocol-error.js';
export type { RateLimitOptions } from './rate-limit.js';
export { createMemoryState, type MemoryStateOptions } from './memory-state.js';
export {
  StateUnavailableError,
  type CardkeepState,
  type IdempotentResult,
  type IdempotentWork,
  type SpentLink,
  type StoredResponse,
} from './state.js';
export type { CardStore, StoreContext } from './store.js';
export { CardkeepError, type CardkeepErrorCode } from '../core/errors.js';
export { runLinkCli, type CliStreams } from './cli.js';
export {
  StripeStore,
  STRIPE_API_VERSION,
  type StripeStoreOptions,
  type StripeStoreCommonOptions,
} from './stripe-store.js';
export {
  createStripeWebhookHandler,
  HANDLED_STRIPE_EVENTS,
  type StripeWebhookOptions,
  type PaymentFailedContext,
  type CardAutoUpdatedContext,
} from './stripe-webhooks.js';
export {
  renderDunningEmail,
  type DunningEmail,
  type DunningEmailInput,
  type DunningReason,
  type DunningShop,
} from './email.js';
