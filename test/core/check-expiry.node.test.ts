// checkExpiry: the one judgement of a { month, year } pair, which parseExpiry ends with and the
// server runs on what the widget sends. Both must agree on every pair a shopper can type.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { checkExpiry, parseExpiry } from '../../src/core/index.js';
import { TODAY } from '../support/clock.js';

describe('checkExpiry', () => {
  it('agrees with parseExpiry on every typed month and four-digit year', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 99 }), fc.integer({ min: 1000, max: 9999 }), (m, y) => {
        assert.deepEqual(checkExpiry(m, y, TODAY), parseExpiry(`${m}/${y}`, TODAY));
      }),
      { numRuns: 2000 },
    );
  });

  it('names each reason', () => {
    assert.deepEqual(checkExpiry(11, 2026, TODAY), { ok: true, month: 11, year: 2026 });
    assert.deepEqual(checkExpiry(10, 2026, TODAY), { ok: false, reason: 'past' });
    assert.deepEqual(checkExpiry(13, 2027, TODAY), { ok: false, reason: 'month' });
    assert.deepEqual(checkExpiry(0, 2027, TODAY), { ok: false, reason: 'month' });
    assert.deepEqual(checkExpiry(12, 2046, TODAY), { ok: true, month: 12, year: 2046 });
    assert.deepEqual(checkExpiry(1, 2047, TODAY), { ok: false, reason: 'too_far' });
  });

  it('refuses what is not a whole number as format, whatever a caller passes', () => {
    for (const [month, year] of [
      [1.5, 2030],
      [1, 2030.5],
      [Number.NaN, 2030],
      [1, Number.POSITIVE_INFINITY],
      ['1', 2030],
      [1, null],
    ] as Array<[number, number]>) {
      assert.deepEqual(checkExpiry(month, year, TODAY), { ok: false, reason: 'format' });
    }
  });
});
