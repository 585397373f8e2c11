// Signed links: format, signature, expiry and the helpers a merchant calls.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  createLinkToken,
  createUpdateLink,
  parseTtl,
  verifyLinkToken,
} from '../../src/server/index.js';
import { SECRET } from './harness.js';

const at = (iso: string) => () => new Date(iso);

describe('signed links', () => {
  it('round-trips the customer id and expires after the ttl (72 h by default)', () => {
    const token = createLinkToken('cus_123', { secret: SECRET, now: at('2030-01-01T00:00:00Z') });
    const result = verifyLinkToken(token, { secret: SECRET, now: at('2030-01-03T23:59:59Z') });
    assert.ok(result.ok);
    assert.equal(result.claims.customerId, 'cus_123');
    assert.equal(result.claims.expires, Date.parse('2030-01-04T00:00:00Z') / 1000);
    const later = verifyLinkToken(token, { secret: SECRET, now: at('2030-01-04T00:00:00Z') });
    assert.deepEqual(later, { ok: false, problem: 'expired' });
  });

  it('has the documented shape: ck1.<customer>.<expires>.<nonce>.<mac>, all URL-safe', () => {
    const token = createLinkToken('ユーザー 1', { secret: SECRET });
    assert.match(token, /^ck1\.[A-Za-z0-9_-]+\.\d+\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/);
    const result = verifyLinkToken(token, { secret: SECRET });
    assert.ok(result.ok && result.claims.customerId === 'ユーザー 1');
  });

  it('gives every token its own nonce', () => {
    const nonces = new Set(
      Array.from({ length: 50 }, () => createLinkToken('c', { secret: SECRET }).split('.')[3]),
    );
    assert.equal(nonces.size, 50);
  });

  it('refuses any single-character change', () => {
    const token = createLinkToken('cus_123', { secret: SECRET });
    fc.assert(
      fc.property(fc.nat(token.length - 1), fc.constantFrom(...'AZaz09-_.x'), (i, c) => {
        fc.pre(token[i] !== c);
        const changed = token.slice(0, i) + c + token.slice(i + 1);
        assert.equal(verifyLinkToken(changed, { secret: SECRET }).ok, false);
      }),
    );
  });

  it('never throws on arbitrary input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 2000 }), (input) => {
        const result = verifyLinkToken(input, { secret: SECRET });
        assert.equal(result.ok, false);
      }),
    );
  });

  it('refuses short secrets and bad ttls', () => {
    assert.throws(() => createLinkToken('c', { secret: 'short' }), /at least 32/);
    assert.throws(() => createLinkToken('', { secret: SECRET }), /customer id/);
    assert.throws(() => parseTtl('3 weeks'), /invalid ttl/);
    assert.throws(() => parseTtl(0), /invalid ttl/);
    assert.equal(parseTtl('72h'), 259_200);
    assert.equal(parseTtl('30m'), 1800);
    assert.equal(parseTtl('7d'), 604_800);
    assert.equal(parseTtl('90'), 90);
  });

  it('builds an update link that keeps the page URL and adds cardkeep_token', () => {
    const link = createUpdateLink('cus_123', {
      secret: SECRET,
      baseUrl: 'https://shop.example/account?tab=billing#card',
      ttl: '24h',
    });
    const url = new URL(link);
    assert.equal(url.origin + url.pathname, 'https://shop.example/account');
    assert.equal(url.searchParams.get('tab'), 'billing');
    assert.equal(url.hash, '#card');
    const result = verifyLinkToken(url.searchParams.get('cardkeep_token')!, { secret: SECRET });
    assert.ok(result.ok && result.claims.customerId === 'cus_123');
  });
});
