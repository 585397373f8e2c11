/** Why a call to the merchant's backend failed. The widget picks its message from this. */
export type CardkeepErrorCode =
  | 'network'
  | 'timeout'
  | 'unauthorized'
  | 'invalid_expiry'
  | 'card_declined'
  | 'rate_limited'
  | 'server';

/** Codes worth one more try without the shopper changing anything. */
const RETRYABLE: ReadonlySet<CardkeepErrorCode> = new Set([
  'network',
  'timeout',
  'rate_limited',
  'server',
]);

/** Options for {@link CardkeepError}. */
export interface CardkeepErrorOptions {
  /** Overrides the default for the code (network, timeout, rate_limited and server retry). */
  retryable?: boolean;
  /** Seconds the server asked us to wait (429 Retry-After). */
  retryAfter?: number;
  /** HTTP status, when the failure came from a response. */
  status?: number;
  /** The server's `reason` (e.g. a dead link's `expired`, `used`, `bad_signature`). */
  reason?: string;
  /**
   * For a dead link, where "Send me a new link" posts and the merchant's sign-in page, when the
   * server offers them (docs/protocol.md, "Link state").
   */
  resend?: string;
  loginUrl?: string;
  /** The underlying error, kept for debugging; never shown to the shopper. */
  cause?: unknown;
}

/**
 * The one error type every adapter rejects with. `message` is for developers;
 * shoppers see a localised text chosen by `code`.
 */
export class CardkeepError extends Error {
  /** What went wrong, in terms the widget can act on. */
  readonly code: CardkeepErrorCode;
  /** Whether trying the same call again may succeed. */
  readonly retryable: boolean;
  /** Seconds to wait before retrying, when the server said so. */
  readonly retryAfter: number | undefined;
  /** HTTP status, when there was a response. */
  readonly status: number | undefined;
  /** The server's `reason`, when it gave one (a 401's tells a dead link's kind). */
  readonly reason: string | undefined;
  /** A dead link's way to a fresh one (a URL to POST a form to), when the server offers it. */
  readonly resend: string | undefined;
  /** A dead link's way to sign in instead, when the server offers it. */
  readonly loginUrl: string | undefined;

  constructor(code: CardkeepErrorCode, message?: string, options: CardkeepErrorOptions = {}) {
    super(message ?? code, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CardkeepError';
    this.code = code;
    this.retryable = options.retryable ?? RETRYABLE.has(code);
    this.retryAfter = options.retryAfter;
    this.status = options.status;
    this.reason = options.reason;
    this.resend = options.resend;
    this.loginUrl = options.loginUrl;
  }
}

/**
 * Whatever was thrown, as a CardkeepError: anything else (an AbortError too) becomes a `server`
 * error with the original as its cause. Callers leave aborts out first (see core/abort.ts).
 */
export function toCardkeepError(error: unknown): CardkeepError {
  if (error instanceof CardkeepError) return error;
  return new CardkeepError('server', 'Unexpected error', { cause: error });
}
