// Where input enters the server: a JSON body becomes a route's typed input here, checked once
// (the client is never trusted). Stores then take it as it is, as store.ts promises.
import { checkExpiry, type ExpiryResult } from '../core/expiry.js';
import type { ExpiryUpdate, VerifyInput } from '../protocol/wire.js';
import { badRequest, HttpError } from './http-error.js';

/** A parsed JSON request body: always an object. */
export type JsonObject = Record<string, unknown>;

/** A non-empty id of printable ASCII, at most 255 characters (card, SetupIntent, customer ids). */
export function isId(value: unknown): value is string {
  return typeof value === 'string' && /^[\x21-\x7e]{1,255}$/.test(value);
}

/**
 * `{ cardId, month, year }`, judged by the rules the widget applies to what the shopper typed
 * (core's checkExpiry), so a client that skips them (or lies) gets the same answer.
 */
export function parseExpiryUpdate(body: JsonObject, now: Date): ExpiryUpdate {
  const { cardId, month, year } = body;
  if (!isId(cardId)) throw badRequest('cardId must be a non-empty id string.');
  if (typeof month !== 'number' || typeof year !== 'number') {
    throw badRequest('month and year must be numbers.');
  }
  // The protocol carries four-digit years; `30` is a client bug, not the year 30.
  const checked: ExpiryResult =
    Number.isInteger(year) && year >= 1000 && year <= 9999
      ? checkExpiry(month, year, now)
      : { ok: false, reason: 'format' };
  if (!checked.ok) {
    const { reason } = checked;
    throw new HttpError(422, 'invalid_expiry', `The expiry date is not acceptable (${reason}).`, {
      details: { reason },
    });
  }
  return { cardId, month, year };
}

/**
 * `{ setupIntentId }` or `{ paymentIntentId }` of a verification: the intent of the
 * authentication the shopper finished (the card check, or the retried renewal's payment).
 */
export function parseVerify(body: JsonObject): VerifyInput {
  if (body.setupIntentId === undefined && body.paymentIntentId !== undefined) {
    const { paymentIntentId } = body;
    if (!isId(paymentIntentId)) throw badRequest('paymentIntentId must be a non-empty id string.');
    return { paymentIntentId };
  }
  return parseSetupIntent(body);
}

/** `{ setupIntentId }` of a replacement or a verification. */
export function parseSetupIntent(body: JsonObject): { setupIntentId: string } {
  const { setupIntentId } = body;
  if (!isId(setupIntentId)) throw badRequest('setupIntentId must be a non-empty id string.');
  return { setupIntentId };
}
