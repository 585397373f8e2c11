// The ESM entry: classes, types and pure helpers. Importing it registers nothing
// (import `cardkeep/define` for that).
export * from './core/index.js';
export type * from './adapter/types.js';
export { isCard } from './adapter/types.js';
export { HttpAdapter, type HttpAdapterOptions } from './adapter/http-adapter.js';
export { MemoryAdapter, type MemoryAdapterOptions } from './adapter/memory-adapter.js';
export {
  defineAdapterContract,
  type ContractApi,
  type ContractSetup,
  type ContractSubject,
} from './adapter/contract.js';
export { takeLinkToken, hasLinkToken, forgetLinkToken } from './adapter/link-token.js';
export { CardkeepBanner, type BannerView } from './components/banner/banner.js';
export { CardkeepExpiryForm, type ExpiryFormStatus } from './components/expiry-form/expiry-form.js';
export { CardkeepReplaceCard } from './components/replace-card/replace-card.js';
export { CardkeepElement } from './components/shared/cardkeep-element.js';
export * from './events/index.js';
export { en, ja, cardLabel, mergeMessages } from './i18n/index.js';
export type { Locale, MessageOverrides, Messages } from './i18n/index.js';
export type { StripeLoader } from './stripe/loader.js';
export { setStripeLoader } from './stripe/page-stripe.js';
