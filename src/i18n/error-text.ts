// What a form tells the shopper about a failed call. Only the forms show it: it travels with
// them (in the script tag, in the expiry form's chunk), not with every notice.
import type { CardkeepErrorCode } from '../core/errors.js';
import type { Messages } from './messages.js';

/** What to tell the shopper about a failed call: the code's text, with the wait when known. */
export function errorText(
  t: Messages,
  error: { code: CardkeepErrorCode; retryAfter?: number | undefined },
): string {
  const wait = error.retryAfter;
  if (error.code === 'rate_limited' && wait !== undefined && Number.isFinite(wait) && wait > 0) {
    return t.rateLimitedFor(Math.ceil(wait));
  }
  return t.errors[error.code];
}
