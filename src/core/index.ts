// cardkeep/core: the DOM-free domain logic. Runs in Node and browsers alike; importing it does
// nothing but define functions.
export {
  MAX_EXPIRY_YEARS_AHEAD,
  checkExpiry,
  formatExpiry,
  formatExpiryInput,
  normalizeExpiryText,
  parseExpiry,
} from './expiry.js';
export type {
  ExpiryErrorReason,
  ExpiryInputState,
  ExpiryResult,
  FormatExpiryInputOptions,
  FormatExpiryOptions,
} from './expiry.js';
export { expiresAt, isExpired } from './calendar.js';
export { cardStatus } from './card-status.js';
export type { CardStatus, CardStatusInput, CardStatusOptions } from './card-status.js';
export * from './errors.js';
export * from './error-codes.js';
