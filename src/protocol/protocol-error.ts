import { CardkeepError } from '../core/errors.js';

/**
 * A failure with its own HTTP status and wire code (`card_mismatch`, `bad_request`, …) that the
 * seven widget codes do not name. Stores may throw it; the handler sends `status` and `wireCode`
 * as they are. To the widget it is a non-retryable `server` error: nothing a retry would fix.
 */
export class ProtocolError extends CardkeepError {
  /** The `error.code` sent on the wire. */
  readonly wireCode: string;
  /** Extra fields merged into the error body (e.g. `reason`). */
  readonly details: Readonly<Record<string, string | number>>;

  constructor(
    status: number,
    wireCode: string,
    message: string,
    details: Record<string, string | number> = {},
  ) {
    super('server', message, { status, retryable: false });
    this.wireCode = wireCode;
    this.details = details;
  }
}
