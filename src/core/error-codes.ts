// Telling the protocol's error codes from anything else a backend may send. Only HttpAdapter
// needs it, which the script tag loads with the first form: apart from ./errors.ts, which every
// element needs, so the notice does not carry it.
import type { CardkeepErrorCode } from './errors.js';

/** True for every error code the protocol knows. */
export function isCardkeepErrorCode(value: unknown): value is CardkeepErrorCode {
  return (
    value === 'network' ||
    value === 'timeout' ||
    value === 'unauthorized' ||
    value === 'invalid_expiry' ||
    value === 'card_declined' ||
    value === 'rate_limited' ||
    value === 'server'
  );
}
