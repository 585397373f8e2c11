// Who the shopper is: a signed link token when the request carries one (Authorization:
// Bearer), else the merchant's own session through `authenticate`. Every refusal is a 401
// whose `reason` tells the widget, the update page and the logs apart.
import { unauthorized } from './http-error.js';
import { assertLinkSecret, verifyLinkToken, type LinkClaims } from './signed-link.js';
import { isId } from './validate.js';

/** The customer, and the link token they came with, if any. */
export interface Shopper {
  customerId: string;
  link: LinkClaims | undefined;
}

/** How a handler recognises shoppers (its options of the same names). */
export interface IdentifyOptions {
  /** Link secrets, newest first (a rotation); none: links are refused. */
  linkSecret?: string | readonly string[] | undefined;
  /** The merchant's session: the customer id, or null when not signed in. */
  authenticate?: ((request: Request) => string | null | Promise<string | null>) | undefined;
}

const LINK_PROBLEMS = {
  malformed: 'The link is incomplete. Please open it again from your e-mail.',
  bad_signature: 'The link is not valid. Please open it again from your e-mail.',
  expired: 'The link has expired. Please ask for a new one.',
};

/**
 * What a dead link's 401 offers the shopper (the handler's `sendLink` and `loginUrl`):
 * `resend` only for a genuine link (its signature checks out but it expired), since a forged
 * or cut-short one names nobody to send to; `loginUrl` for every dead link.
 */
export type LinkWays = { resend?: string; loginUrl?: string };

/** The identify step of a handler; checks the secrets once, up front. */
export function identifier(options: IdentifyOptions, ways: LinkWays = {}) {
  const { linkSecret, authenticate } = options;
  const secrets =
    linkSecret === undefined ? [] : typeof linkSecret === 'string' ? [linkSecret] : [...linkSecret];
  for (const secret of secrets) assertLinkSecret(secret);

  return async function identify(request: Request, now: Date): Promise<Shopper> {
    const authorization = request.headers.get('authorization');
    if (authorization === null) {
      const customerId = authenticate ? await authenticate(request) : null;
      if (!isId(customerId)) throw unauthorized('no_session', 'Please sign in again.');
      return { customerId, link: undefined };
    }
    const token = /^Bearer +(\S+)\s*$/i.exec(authorization)?.[1];
    if (!token) throw unauthorized('malformed', 'The Authorization header is not a Bearer token.');
    if (!secrets.length) throw unauthorized('links_disabled', 'This server does not accept links.');
    // Each secret in turn (a rotation); only a signature no secret made is a bad signature.
    let result!: ReturnType<typeof verifyLinkToken>;
    for (const secret of secrets) {
      result = verifyLinkToken(token, { secret, now: () => now });
      if (result.ok || result.problem !== 'bad_signature') break;
    }
    // verifyLinkToken checks the signature before the expiry: `expired` means genuine.
    const signIn: LinkWays = ways.loginUrl === undefined ? {} : { loginUrl: ways.loginUrl };
    if (!result.ok) {
      const offered = result.problem === 'expired' ? ways : signIn;
      throw unauthorized(result.problem, LINK_PROBLEMS[result.problem], offered);
    }
    if (!isId(result.claims.customerId)) {
      throw unauthorized('malformed', 'The link is not valid.', signIn);
    }
    return { customerId: result.claims.customerId, link: result.claims };
  };
}
