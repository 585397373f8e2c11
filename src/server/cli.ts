// `cardkeep-link`: prints a signed update link for a dunning e-mail.
import { parseArgs } from 'node:util';
import { createLinkToken, createUpdateLink, parseTtl } from './signed-link.js';

const USAGE = `Usage: cardkeep-link <customerId> (--page <url> | --base-url <url>) [--lang ja] [--ttl 72h] [--token-only]

Prints a link that lets the customer fix their card without signing in. The link is
single use and expires after --ttl (default 72h; units s, m, h, d).
The HMAC secret comes from the CARDKEEP_LINK_SECRET environment variable (at least 32
characters; the same value as the server's linkSecret), never from the command line.

  --page        the Cardkeep handler's public URL, e.g. https://shop.example/cardkeep: the link
                opens its self-hosted update page ({page}/update), which needs no script
  --base-url    or a page of yours that shows <cardkeep-banner>, e.g. https://shop.example/account
  --lang        ja or en: the language the page opens in
  --ttl         how long the link works (default 72h)
  --token-only  print just the token (for your own URL building)`;

/** Where the CLI writes. */
export interface CliStreams {
  out: (line: string) => void;
  err: (line: string) => void;
}

/** Runs `cardkeep-link` with `args` (without node and the script) and returns the exit code. */
export function runLinkCli(
  args: string[],
  env: Record<string, string | undefined>,
  { out, err }: CliStreams,
): number {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(args);
  } catch (error) {
    err(`cardkeep-link: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    out(USAGE);
    return 0;
  }
  if (values.secret !== undefined) {
    // A secret on the command line lands in shell history and `ps` output.
    err(
      'cardkeep-link: --secret is not accepted: the secret comes from CARDKEEP_LINK_SECRET ' +
        '(an environment variable, so it stays out of shell history and process lists).',
    );
    return 2;
  }
  const ttlProblem = values.ttl === undefined ? undefined : durationProblem(values.ttl);
  if (ttlProblem) {
    err(`cardkeep-link: ${ttlProblem}`);
    return 2;
  }
  const [customerId, ...extra] = positionals;
  if (!customerId || extra.length) {
    err(`cardkeep-link: give exactly one customer id.\n\n${USAGE}`);
    return 2;
  }
  const secret = env.CARDKEEP_LINK_SECRET;
  if (!secret || secret.length < 32) {
    err("cardkeep-link: set CARDKEEP_LINK_SECRET to the server's link secret (≥ 32 characters).");
    return 2;
  }
  try {
    const ttl = parseTtl(values.ttl ?? '72h');
    if (values['token-only']) {
      out(createLinkToken(customerId, { secret, ttl }));
      return 0;
    }
    const target = values.page ?? values['base-url'];
    if (!target || (values.page && values['base-url'])) {
      err(`cardkeep-link: give --page or --base-url (or use --token-only).\n\n${USAGE}`);
      return 2;
    }
    const url = new URL(target);
    if (url.protocol !== 'https:' && url.hostname !== 'localhost' && url.hostname !== '127.0.0.1') {
      err('cardkeep-link: the URL must be https (a token must not travel in clear text).');
      return 2;
    }
    const lang = values.lang === undefined ? {} : { lang: values.lang };
    out(
      values.page
        ? createUpdateLink(customerId, { secret, ttl, page: url.href, ...lang })
        : createUpdateLink(customerId, { secret, ttl, baseUrl: url.href, ...lang }),
    );
    return 0;
  } catch (error) {
    err(`cardkeep-link: ${(error as Error).message.replace(/^cardkeep: /, '')}`);
    return 2;
  }
}

/**
 * Why a --ttl value is refused, or undefined. The unit is required: a bare `3` could mean hours
 * to the person typing it and would silently mean 3 seconds.
 */
function durationProblem(ttl: string): string | undefined {
  const value = ttl.trim();
  if (/^\d+$/.test(value)) {
    return `--ttl needs a unit: "${value}" alone is ambiguous. Write e.g. ${value}h (hours), ${value}m (minutes), ${value}d (days) or ${value}s (seconds).`;
  }
  if (!/^\d+\s*[smhd]$/.test(value) || Number.parseInt(value, 10) === 0) {
    return `invalid ttl ${JSON.stringify(ttl)}: write a number and a unit, e.g. 72h, 30m, 7d or 45s.`;
  }
  return undefined;
}

function parse(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    options: {
      'base-url': { type: 'string' },
      page: { type: 'string' },
      lang: { type: 'string' },
      ttl: { type: 'string' },
      // Declared only to be refused with a clear word (see runLinkCli).
      secret: { type: 'string' },
      'token-only': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
