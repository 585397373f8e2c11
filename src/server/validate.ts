// Input checks shared by the handler and the in-memory store. Platform-neutral (no Node APIs):
// MemoryAdapter runs the same rules in the browser.
import { parseExpiry } from '../core/expiry.js';

/** Why an expiry was refused: parseExpiry's reasons (`format`, `month`, `past`, `too_far`, …). */
export type ExpiryProblem = Extract<ReturnType<typeof parseExpiry>, { ok: false }>['reason'];

/**
 * Checks a `{month, year}` pair by the same rules the widget applies to what the shopper typed,
 * so a client that skips them (or lies) gets the same answer. Null when the date is acceptable.
 */
export function expiryProblem(month: unknown, year: unknown, now: Date): ExpiryProblem | null {
  if (typeof month !== 'number' || typeof year !== 'number') return 'format';
  // Two-digit years would be read as 20YY by parseExpiry; the protocol sends four digits.
  if (!Number.isInteger(month) || !Number.isInteger(year) || year < 1000 || year > 9999) {
    return 'format';
  }
  if (month < 1 || month > 12) return 'month';
  const parsed = parseExpiry(`${month}/${year}`, now);
  return parsed.ok ? null : parsed.reason;
}

/** A non-empty id of printable ASCII, at most 255 characters (card, SetupIntent, customer ids). */
export function isId(value: unknown): value is string {
  return typeof value === 'string' && /^[\x21-\x7e]{1,255}$/.test(value);
}
