import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  cardStatus,
  expiresAt,
  formatExpiry,
  isExpired,
  parseExpiry,
} from '../../src/core/index.js';
import type { CardStatus } from '../../src/core/index.js';

// 25 November 2026, 15:30 local time.
const NOW = new Date(2026, 10, 25, 15, 30);

const card = (expMonth: number, expYear: number, status?: 'ok' | 'payment_failed') =>
  status === undefined ? { expMonth, expYear } : { expMonth, expYear, status };

const URGENCY: Record<CardStatus, number> = {
  ok: 0,
  expiring: 1,
  expired: 2,
  payment_failed: 3,
};

/** Runs `body` with the process in another time zone. */
function inTimeZone(zone: string, body: () => void): void {
  const saved = process.env.TZ;
  process.env.TZ = zone;
  try {
    body();
  } finally {
    if (saved === undefined) delete process.env.TZ;
    else process.env.TZ = saved;
  }
}

const month = fc.integer({ min: 1, max: 12 });
const year = fc.integer({ min: 2000, max: 2060 });
const instant = fc.date({
  min: new Date(2000, 0, 1),
  max: new Date(2060, 0, 1),
  noInvalidDate: true,
});
const warnDays = fc.integer({ min: 0, max: 400 });

describe('cardStatus', () => {
  describe('table', () => {
    const cases: [string, ReturnType<typeof card>, number, CardStatus][] = [
      ['a card expiring this month', card(11, 2026), 0, 'ok'],
      ['a card that expired last month', card(10, 2026), 0, 'expired'],
      ['a card that expired years ago', card(1, 2020), 0, 'expired'],
      ['a card expiring next month', card(12, 2026), 0, 'ok'],
      ['a declined, valid card', card(12, 2030, 'payment_failed'), 0, 'payment_failed'],
      ['a declined, expired card', card(1, 2020, 'payment_failed'), 0, 'payment_failed'],
      ['a card marked ok', card(12, 2030, 'ok'), 0, 'ok'],
      // 11/2026 stops working on 1 December, six days after 25 November.
      ['this month, 6 days of warning', card(11, 2026), 6, 'expiring'],
      ['this month, 5 days of warning', card(11, 2026), 5, 'ok'],
      ['next month, 36 days of warning', card(12, 2026), 36, 'ok'],
      ['next month, 37 days of warning', card(12, 2026), 37, 'expiring'],
      ['expired, with warning', card(10, 2026), 30, 'expired'],
      ['declined, with warning', card(11, 2026, 'payment_failed'), 30, 'payment_failed'],
      ['month 13', card(13, 2030), 0, 'expired'],
      ['month 0', card(0, 2030), 0, 'expired'],
      ['a fractional month', card(1.5, 2030), 0, 'expired'],
      ['a NaN year', card(1, Number.NaN), 0, 'expired'],
    ];
    for (const [name, input, days, expected] of cases) {
      it(`${name} → ${expected}`, () => {
        assert.equal(cardStatus(input, NOW, { warnDays: days }), expected);
      });
    }
  });

  it('works with both optional arguments left out', () => {
    // The documented default is the machine's clock, so this test alone reads it: a year ahead
    // is valid at any moment, the turn of a year during the test included.
    const nextYear = new Date().getFullYear() + 1;
    assert.equal(cardStatus(card(1, 2000)), 'expired');
    assert.equal(cardStatus(card(12, nextYear)), 'ok');
    assert.equal(cardStatus(card(12, nextYear), new Date()), 'ok');
    assert.equal(cardStatus(card(12, nextYear), undefined, { warnDays: 0 }), 'ok');
    assert.equal(cardStatus(card(12, nextYear), undefined, {}), 'ok');
  });

  it('counts the whole last day of the month as valid', () => {
    assert.equal(cardStatus(card(11, 2026), new Date(2026, 10, 30, 23, 59, 59, 999)), 'ok');
    assert.equal(cardStatus(card(11, 2026), new Date(2026, 11, 1)), 'expired');
  });

  it('counts warning days as calendar days, whatever the hour', () => {
    for (const hour of [0, 12, 23]) {
      const now = new Date(2026, 10, 25, hour, 59);
      assert.equal(cardStatus(card(11, 2026), now, { warnDays: 6 }), 'expiring', `${hour}h`);
      assert.equal(cardStatus(card(11, 2026), now, { warnDays: 5 }), 'ok', `${hour}h`);
    }
  });

  it('counts warning days across a daylight-saving change', () => {
    inTimeZone('Europe/Berlin', () => {
      // Clocks go back on 25 October 2026: that week has 169 hours, still 7 days.
      const now = new Date(2026, 9, 25, 0, 30);
      assert.equal(cardStatus(card(10, 2026), now, { warnDays: 7 }), 'expiring');
      assert.equal(cardStatus(card(10, 2026), now, { warnDays: 6 }), 'ok');
    });
  });

  it("judges the month in now's local time zone", () => {
    const noonUtc = new Date(Date.UTC(2026, 10, 30, 12));
    inTimeZone('Pacific/Kiritimati', () => {
      assert.equal(cardStatus(card(11, 2026), noonUtc), 'expired');
    });
    inTimeZone('Pacific/Pago_Pago', () => {
      assert.equal(cardStatus(card(11, 2026), noonUtc), 'ok');
    });
  });

  it('turns the warning off for zero, negative, fractional and NaN days', () => {
    for (const days of [0, -1, -Infinity, 0.9, Number.NaN]) {
      assert.equal(cardStatus(card(11, 2026), NOW, { warnDays: days }), 'ok', String(days));
    }
    assert.equal(cardStatus(card(11, 2026), NOW, { warnDays: 6.9 }), 'expiring');
    assert.equal(cardStatus(card(12, 2046), NOW, { warnDays: Infinity }), 'expiring');
  });

  it('uses the current time for an invalid now', () => {
    // The default again: the machine's clock, with a date valid at any moment (see above).
    const nextYear = new Date().getFullYear() + 1;
    for (const now of [new Date(Number.NaN), null, 'now', {}]) {
      assert.equal(cardStatus(card(1, 2000), now as Date), 'expired');
      assert.equal(cardStatus(card(12, nextYear), now as Date), 'ok');
    }
  });

  it('lets a failed payment win over everything', () => {
    fc.assert(
      fc.property(
        fc.integer(),
        fc.integer(),
        instant,
        fc.oneof(warnDays, fc.double()),
        (m, y, now, days) => {
          assert.equal(
            cardStatus(card(m, y, 'payment_failed'), now, { warnDays: days }),
            'payment_failed',
          );
        },
      ),
    );
  });

  it('never says expiring without warning days', () => {
    fc.assert(
      fc.property(month, year, instant, (m, y, now) => {
        assert.notEqual(cardStatus(card(m, y), now), 'expiring');
        assert.notEqual(cardStatus(card(m, y), now, { warnDays: 0 }), 'expiring');
      }),
    );
  });

  it('only grows more urgent as time passes', () => {
    fc.assert(
      fc.property(month, year, instant, instant, warnDays, (m, y, a, b, days) => {
        const [earlier, later] = a <= b ? [a, b] : [b, a];
        const before = cardStatus(card(m, y), earlier, { warnDays: days });
        const after = cardStatus(card(m, y), later, { warnDays: days });
        assert.ok(URGENCY[before] <= URGENCY[after], `${before} then ${after}`);
      }),
    );
  });

  it('only grows more urgent with more warning days', () => {
    fc.assert(
      fc.property(month, year, instant, warnDays, warnDays, (m, y, now, a, b) => {
        const fewer = cardStatus(card(m, y), now, { warnDays: Math.min(a, b) });
        const more = cardStatus(card(m, y), now, { warnDays: Math.max(a, b) });
        assert.ok(URGENCY[fewer] <= URGENCY[more], `${fewer} then ${more}`);
      }),
    );
  });

  it('agrees with parseExpiry about which cards are past', () => {
    fc.assert(
      fc.property(month, year, instant, (m, y, now) => {
        const expired = cardStatus(card(m, y), now) === 'expired';
        const parsed = parseExpiry(formatExpiry(m, y), now);
        assert.equal(expired, !parsed.ok && parsed.reason === 'past');
      }),
    );
  });
});

describe('expiresAt and isExpired', () => {
  it('puts the end at local midnight starting the next month', () => {
    assert.deepEqual(expiresAt(11, 2026), new Date(2026, 11, 1));
    assert.deepEqual(expiresAt(12, 2026), new Date(2027, 0, 1));
    assert.deepEqual(expiresAt(2, 2028), new Date(2028, 2, 1));
  });

  it('does not read years below 100 as 19xx', () => {
    assert.equal(expiresAt(3, 30).getFullYear(), 30);
    assert.equal(isExpired(3, 30, NOW), true);
  });

  it('gives no date for a month that is not real', () => {
    for (const [m, y] of [
      [0, 2030],
      [13, 2030],
      [1.5, 2030],
      [1, 10_000],
      [1, -1],
      [Number.NaN, 2030],
    ] as const) {
      assert.ok(Number.isNaN(expiresAt(m, y).getTime()), `${m}/${y}`);
      assert.equal(isExpired(m, y, NOW), true, `${m}/${y}`);
    }
  });

  it('is expired exactly from expiresAt on', () => {
    fc.assert(
      fc.property(month, year, instant, (m, y, now) => {
        assert.equal(isExpired(m, y, now), now.getTime() >= expiresAt(m, y).getTime());
      }),
    );
    const end = expiresAt(11, 2026);
    assert.equal(isExpired(11, 2026, new Date(end.getTime() - 1)), false);
    assert.equal(isExpired(11, 2026, end), true);
  });
});
