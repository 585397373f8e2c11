// `cardkeep-link`: what a merchant sees when they print a link for a dunning e-mail.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runLinkCli, verifyLinkToken } from '../../src/server/index.js';
import { SECRET } from './harness.js';

function run(args: string[], env: Record<string, string> = { CARDKEEP_LINK_SECRET: SECRET }) {
  const out: string[] = [];
  const err: string[] = [];
  const code = runLinkCli(args, env, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('cardkeep-link', () => {
  it('prints a working update link', () => {
    const before = Math.floor(Date.now() / 1000);
    const result = run(['cus_123', '--base-url', 'https://shop.example/account', '--ttl', '24h']);
    assert.equal(result.code, 0, result.err);
    const url = new URL(result.out);
    assert.equal(url.origin + url.pathname, 'https://shop.example/account');
    const verified = verifyLinkToken(url.searchParams.get('cardkeep_token')!, { secret: SECRET });
    assert.ok(verified.ok);
    assert.equal(verified.claims.customerId, 'cus_123');
    assert.ok(
      verified.claims.expires - before >= 86_400 && verified.claims.expires - before <= 86_401,
    );
  });

  it('--page links to the self-hosted update page, in the language asked for', () => {
    const result = run(['cus_123', '--page', 'https://shop.example/cardkeep/', '--lang', 'ja']);
    assert.equal(result.code, 0, result.err);
    const url = new URL(result.out);
    assert.equal(url.origin + url.pathname, 'https://shop.example/cardkeep/update');
    assert.equal(url.searchParams.get('lang'), 'ja');
    assert.ok(verifyLinkToken(url.searchParams.get('cardkeep_token')!, { secret: SECRET }).ok);
    const both = ['cus_1', '--page', 'https://a.example', '--base-url', 'https://a.example'];
    assert.equal(run(both).code, 2);
  });

  it('defaults to 72 hours and can print the token alone', () => {
    const result = run(['cus_123', '--token-only']);
    assert.equal(result.code, 0);
    const verified = verifyLinkToken(result.out, { secret: SECRET });
    assert.ok(verified.ok);
    assert.ok(verified.claims.expires - Date.now() / 1000 > 71 * 3600);
  });

  it('explains what is missing', () => {
    assert.match(run(['cus_1', '--base-url', 'https://x.example'], {}).err, /CARDKEEP_LINK_SECRET/);
    assert.match(run(['--base-url', 'https://x.example']).err, /one customer id/);
    assert.match(run(['cus_1']).err, /give --page or --base-url/);
    assert.match(run(['cus_1', '--base-url', 'http://shop.example']).err, /must be https/);
    assert.match(run(['cus_1', '--token-only', '--ttl', 'soon']).err, /invalid ttl/);
    assert.match(run(['cus_1', '--bogus']).err, /Usage/);
    assert.equal(run(['cus_1']).code, 2);
    assert.equal(run(['--help']).code, 0);
  });

  it('takes durations with units, and refuses a bare number with a hint', () => {
    for (const [ttl, seconds] of [
      ['30m', 1800],
      ['72h', 259_200],
      ['7d', 604_800],
      ['45s', 45],
    ] as const) {
      const result = run(['cus_1', '--token-only', '--ttl', ttl]);
      assert.equal(result.code, 0, result.err);
      const verified = verifyLinkToken(result.out, { secret: SECRET });
      assert.ok(verified.ok);
      const left = verified.claims.expires - Math.floor(Date.now() / 1000);
      assert.ok(left <= seconds && left >= seconds - 1, `${ttl} → ${left} s`);
    }
    const bare = run(['cus_1', '--token-only', '--ttl', '3']);
    assert.equal(bare.code, 2);
    assert.equal(bare.out, '', 'no link is printed');
    assert.match(bare.err, /--ttl needs a unit/);
    assert.match(bare.err, /3h \(hours\)/);
    assert.match(run(['cus_1', '--token-only', '--ttl', '0h']).err, /invalid ttl/);
  });

  it('refuses --secret and says where the secret comes from', () => {
    const result = run(['cus_1', '--token-only', '--secret', SECRET]);
    assert.equal(result.code, 2);
    assert.equal(result.out, '');
    assert.match(result.err, /the secret comes from CARDKEEP_LINK_SECRET/);
    assert.doesNotMatch(result.err, /Unknown option|Usage/);
    assert.ok(!result.err.includes(SECRET), 'the secret is not echoed back');
  });
});
