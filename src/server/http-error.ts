// The one way the handler says "this request ends with an error": an HttpError carries the
// status, the wire code, the message and what goes into headers. Whatever a store or the state
// throws becomes one in `toHttpError`, and the headers that go with a status (Retry-After,
// WWW-Authenticate, Allow) are written by `headers` and nowhere else.
import { CardkeepError, type CardkeepErrorCode } from '../core/errors.js';
import { ProtocolError } from '../protocol/protocol-error.js';
import type { ErrorBody } from '../protocol/wire.js';
import { StateUnavailableError, type StoredResponse } from './state.js';

/** What an error may add to its wire body and headers. */
export interface HttpErrorOptions {
  /** Extra fields of the wire error (`reason`, …). */
  details?: Readonly<Record<string, string | number>>;
  /** Seconds before a retry is worth it: the `Retry-After` header and `retryAfter` field. */
  retryAfter?: number | undefined;
  /** The methods a route takes (405). */
  allow?: string;
  /** What went wrong underneath, for debugging; never sent. */
  cause?: unknown;
}

/** An HTTP error answer, thrown from any step of a request (modelled on Hono's HTTPException). */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  /** The HTTP status, 4xx or 5xx. */
  readonly status: number;
  /** The wire `error.code`: one of the widget's codes or a more precise one (`card_mismatch`). */
  readonly code: string;
  readonly #options: HttpErrorOptions;

  constructor(status: number, code: string, message: string, options: HttpErrorOptions = {}) {
    super(message, options.cause === undefined ? {} : { cause: options.cause });
    this.status = status;
    this.code = code;
    this.#options = options;
  }

  /** The wire body: `{ error: { code, message, …details, retryAfter? } }`. */
  get body(): ErrorBody {
    const { details = {}, retryAfter } = this.#options;
    return {
      error: {
        code: this.code,
        message: this.message,
        ...details,
        ...(retryAfter === undefined ? {} : { retryAfter }),
      },
    };
  }

  /** The headers this error's status calls for. */
  get headers(): Record<string, string> {
    const { retryAfter, allow } = this.#options;
    return {
      ...(this.status === 401 ? { 'WWW-Authenticate': 'Bearer' } : {}),
      ...(retryAfter === undefined ? {} : { 'Retry-After': String(retryAfter) }),
      ...(allow === undefined ? {} : { Allow: allow }),
    };
  }

  /**
   * Whether a retry with the same Idempotency-Key should run the request again instead of
   * replaying this answer: auth, limits and server-side failures may well pass next time.
   */
  get redo(): boolean {
    return this.status >= 500 || this.status === 429 || this.status === 401;
  }

  /** The error of a stored (replayed) response, so a replay gets the same headers. */
  static fromStored(response: StoredResponse): HttpError | null {
    const error = (response.body as Partial<ErrorBody> | null)?.error as
      (Record<string, unknown> & { code: string; message: string }) | undefined;
    if (response.status < 400 || !error) return null;
    const { code, message, retryAfter, ...details } = error;
    return new HttpError(response.status, code, message, {
      details: details as Record<string, string | number>,
      ...(typeof retryAfter === 'number' ? { retryAfter } : {}),
    });
  }
}

/** The HTTP status of each widget error code a store may throw. */
const STATUS_OF: Record<Exclude<CardkeepErrorCode, 'server'>, number> = {
  unauthorized: 401,
  invalid_expiry: 422,
  card_declined: 422,
  rate_limited: 429,
  network: 502,
  timeout: 504,
};

/**
 * Whatever a step threw, as the HttpError to answer with; null for an unexpected failure,
 * which the caller logs and answers with an opaque 500.
 */
export function toHttpError(error: unknown): HttpError | null {
  if (error instanceof HttpError) return error;
  if (error instanceof StateUnavailableError) {
    return new HttpError(503, 'unavailable', 'Please try again in a moment.', {
      retryAfter: error.retryAfter,
      cause: error,
    });
  }
  // Before CardkeepError: a ProtocolError is one, with its own status and wire code.
  if (error instanceof ProtocolError) {
    return new HttpError(error.status ?? 400, error.wireCode, error.message, {
      details: error.details,
    });
  }
  if (error instanceof CardkeepError && error.code !== 'server') {
    return new HttpError(STATUS_OF[error.code], error.code, error.message, {
      retryAfter: error.retryAfter,
    });
  }
  return null;
}

/** The answer to an unexpected failure: nothing about it leaves the server. */
export const serverError = (): HttpError =>
  new HttpError(500, 'server', 'Something went wrong on our side. Please try again.');

/**
 * 401 `unauthorized` with the reason the widget and the update page tell apart, and for a link
 * that no longer works, the ways forward to offer (`resend`, `loginUrl`: docs/protocol.md).
 */
export const unauthorized = (
  reason: string,
  message: string,
  ways: Readonly<Record<string, string>> = {},
): HttpError => new HttpError(401, 'unauthorized', message, { details: { reason, ...ways } });

/** 400 `bad_request`: the request is not what the protocol describes. */
export const badRequest = (message: string): HttpError =>
  new HttpError(400, 'bad_request', message);
