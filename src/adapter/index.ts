// The browser side of the backend: the adapter interface, the HTTP adapter and an in-memory one.
export type * from './types.js';
export { HttpAdapter, type HttpAdapterOptions } from './http-adapter.js';
export { MemoryAdapter, type MemoryAdapterOptions } from './memory-adapter.js';
export { takeLinkToken, hasLinkToken } from './link-token.js';
export {
  defineAdapterContract,
  type ContractApi,
  type ContractSetup,
  type ContractSubject,
} from './contract.js';
export { CardkeepError, type CardkeepErrorCode } from '../core/errors.js';
