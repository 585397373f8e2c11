import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  formatExpiry,
  formatExpiryInput,
  normalizeExpiryText,
  parseExpiry,
} from '../../src/core/index.js';
import type { ExpiryInputState, ExpiryResult } from '../../src/core/index.js';

// 25 November 2026, local time: November 2026 is the current month.
const NOW = new Date(2026, 10, 25, 15, 30);
const FIRST_VALID = 2026 * 12 + 10; // month index of Nov 2026
const LAST_VALID = 2046 * 12 + 11; // Dec 2046, the last month of the 20th year ahead

const ok = (month: number, year: number): ExpiryResult => ({ ok: true, month, year });

const FULL_WIDTH: Record<string, string> = { '/': '／', '-': '－', '.': '．', ' ': '　' };
const fullWidth = (text: string): string =>
  text
    .replace(/[0-9]/g, (d) => String.fromCharCode(0xff10 + Number(d)))
    .replace(/[/\-. ]/g, (c) => FULL_WIDTH[c] ?? c);

/** Every way parseExpiry promises to read a month and a year. */
const STYLES: Record<string, (month: number, year: number) => string> = {
  'MM/YY': (m, y) => `${pad(m)}/${pad(y % 100)}`,
  'M/YY': (m, y) => `${m}/${pad(y % 100)}`,
  'MM/YYYY': (m, y) => `${pad(m)}/${y}`,
  'M/YYYY': (m, y) => `${m}/${y}`,
  MMYY: (m, y) => `${pad(m)}${pad(y % 100)}`,
  MMYYYY: (m, y) => `${pad(m)}${y}`,
  'MM-YY': (m, y) => `${pad(m)}-${pad(y % 100)}`,
  'M-YYYY': (m, y) => `${m}-${y}`,
  'MM.YY': (m, y) => `${pad(m)}.${pad(y % 100)}`,
  'MM YY': (m, y) => `${pad(m)} ${pad(y % 100)}`,
  'M YYYY': (m, y) => `${m} ${y}`,
  'MM / YY': (m, y) => `${pad(m)} / ${pad(y % 100)}`,
  'M - YYYY': (m, y) => `${m} - ${y}`,
  'YYYY-MM': (m, y) => `${y}-${pad(m)}`,
  'YYYY/M': (m, y) => `${y}/${m}`,
  'YYYY - M': (m, y) => `${y} - ${m}`,
};

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

const validMonth = fc
  .integer({ min: FIRST_VALID, max: LAST_VALID })
  .map((index) => ({ month: (index % 12) + 1, year: Math.floor(index / 12) }));

const style = fc.constantFrom(...Object.keys(STYLES));

// Whatever may surround or sit inside an entry without changing what it says.
const noise = fc.constantFrom(
  '',
  ' ',
  '\t',
  '\n',
  '\u00a0',
  '\u3000',
  '\u200b',
  '\ufeff',
  '\u200e',
);

/** A valid entry in any accepted style, possibly full-width and padded with blanks. */
const validEntry = fc
  .record({ expiry: validMonth, style, wide: fc.boolean(), before: noise, after: noise })
  .map(({ expiry, style: name, wide, before, after }) => {
    const text = STYLES[name]!(expiry.month, expiry.year);
    return { ...expiry, text: `${before}${wide ? fullWidth(text) : text}${after}` };
  });

/** Text made of what an expiry field sees: digits, separators, blanks, a few strays. */
const fieldText = fc.string({
  unit: fc.constantFrom(
    ...'0123456789',
    ...'0123456789',
    '/',
    '-',
    '.',
    ' ',
    ' / ',
    '１',
    '／',
    '\u3000',
    '\u00a0',
    '\u200b',
    '\t',
    'a',
    '٣',
  ),
  maxLength: 12,
});

describe('normalizeExpiryText', () => {
  const cases: [string, string][] = [
    ['１２／３０', '12/30'],
    ['１２　／　３０', '12 / 30'],
    ['１２－２０３０', '12-2030'],
    ['０１．３０', '01.30'],
    ['1\u200b2/3\ufeff0', '12/30'],
    ['\u200e12/30\u200f', '12/30'],
    ['12\u00a0/\t30', '12 / 30'],
    ['  12 \n\n / \r\n 30  ', '12 / 30'],
    ['\u2060\u00ad', ''],
  ];
  for (const [input, expected] of cases) {
    it(`${JSON.stringify(input)} → ${JSON.stringify(expected)}`, () => {
      assert.equal(normalizeExpiryText(input), expected);
    });
  }

  it('is idempotent', () => {
    const idempotent = (text: string) => {
      const once = normalizeExpiryText(text);
      assert.equal(normalizeExpiryText(once), once);
    };
    const short = { maxLength: 40 } as const;
    fc.assert(fc.property(fc.string({ unit: 'binary', ...short }), idempotent), { numRuns: 2000 });
    fc.assert(fc.property(fc.string({ unit: 'grapheme', ...short }), idempotent));
    // Format characters between a letter and a combining mark are the trap for a naive order.
    const tricky = fc.string({
      unit: fc.constantFrom('e', 'A', '\u0301', '\u0308', '\u200b', '\u00ad', ' ', '\u3000', '¨'),
    });
    fc.assert(fc.property(tricky, idempotent), { numRuns: 2000 });
  });
});

describe('parseExpiry', () => {
  describe('accepts', () => {
    const cases: [string, number, number][] = [
      ['12/30', 12, 2030],
      ['1/30', 1, 2030],
      ['01/2030', 1, 2030],
      ['1-2030', 1, 2030],
      ['01.30', 1, 2030],
      ['1 30', 1, 2030],
      ['12 / 30', 12, 2030],
      ['12 -30', 12, 2030],
      ['0130', 1, 2030],
      ['012030', 1, 2030],
      ['2030-01', 1, 2030],
      ['2030/1', 1, 2030],
      ['2030 - 12', 12, 2030],
      ['１２／３０', 12, 2030],
      ['１２　／　３０', 12, 2030],
      ['０１．２０３０', 1, 2030],
      ['12\u3000/\u300030', 12, 2030],
      ['1\u200b2/30', 12, 2030],
      ['\ufeff12/30', 12, 2030],
      ['\u200e12/30\u200f', 12, 2030],
      ['12\u00a0/\u00a030', 12, 2030],
      ['12\t/\t30', 12, 2030],
      ['  12/30\n', 12, 2030],
      ['11/26', 11, 2026],
      ['11/2026', 11, 2026],
      ['12/46', 12, 2046],
      ['01/2046', 1, 2046],
    ];
    for (const [input, month, year] of cases) {
      it(`${JSON.stringify(input)} as ${month}/${year}`, () => {
        assert.deepEqual(parseExpiry(input, NOW), ok(month, year));
      });
    }
  });

  describe('rejects', () => {
    const cases: [unknown, string][] = [
      ['', 'empty'],
      ['   ', 'empty'],
      ['\t\n\u00a0\u3000', 'empty'],
      ['\u200b\ufeff', 'empty'],
      [null, 'empty'],
      [undefined, 'empty'],
      ['130', 'format'],
      ['01203', 'format'],
      ['12', 'format'],
      ['1', 'format'],
      ['1 2/30', 'format'],
      ['12/030', 'format'],
      ['12/20301', 'format'],
      ['12/3', 'format'],
      ['01/12/30', 'format'],
      ['12//30', 'format'],
      ['/12/30', 'format'],
      ['12/30/', 'format'],
      ['12_30', 'format'],
      ['12,30', 'format'],
      ['2030.01', 'format'],
      ['2030 01', 'format'],
      ['2030-001', 'format'],
      ['Dec 2030', 'format'],
      ['12/3O', 'format'],
      ['١٢/٣٠', 'format'],
      ['۱۲/۳۰', 'format'],
      ['१२/३०', 'format'],
      ['4242 4242 4242 4242', 'format'],
      ['4242424242424242', 'format'],
      ['12/30\u0301', 'format'],
      ['\ud800', 'format'],
      ['12/30\udc00', 'format'],
      ['12 /', 'format'],
      ['0', 'format'],
      ['1 /', 'format'],
      ['13 /', 'month'],
      ['13', 'month'],
      ['13/2', 'month'],
      ['13/203', 'month'],
      ['0 /', 'month'],
      ['00', 'month'],
      ['00/30', 'month'],
      ['0/30', 'month'],
      ['13/30', 'month'],
      ['22/12', 'month'],
      ['99/2030', 'month'],
      ['0030', 'month'],
      ['2030-13', 'month'],
      ['2030-0', 'month'],
      ['10/26', 'past'],
      ['10/2026', 'past'],
      ['12/25', 'past'],
      ['12/1999', 'past'],
      ['01/0000', 'past'],
      ['2026-10', 'past'],
      ['01/47', 'too_far'],
      ['12/2047', 'too_far'],
      ['01/9999', 'too_far'],
      [1230, 'format'],
      [0, 'format'],
      [true, 'format'],
      [{}, 'format'],
      [['12/30'], 'format'],
      [{ toString: () => '12/30' }, 'format'],
      [new String('12/30'), 'format'],
      [Symbol('12/30'), 'format'],
      [12n, 'format'],
      [() => '12/30', 'format'],
    ];
    for (const [input, reason] of cases) {
      const label = typeof input === 'string' ? JSON.stringify(input) : String(typeof input);
      it(`${label} as ${reason}`, () => {
        assert.deepEqual(parseExpiry(input, NOW), { ok: false, reason });
      });
    }
  });

  it('checks empty, then format, then month, then the date', () => {
    assert.deepEqual(parseExpiry('  ', NOW), { ok: false, reason: 'empty' });
    // 99 is no month, but a three-digit year is not even a date.
    assert.deepEqual(parseExpiry('99/030', NOW), { ok: false, reason: 'format' });
    // 13/20 is both no month and in the past: the month is what the shopper must fix first.
    assert.deepEqual(parseExpiry('13/20', NOW), { ok: false, reason: 'month' });
    assert.deepEqual(parseExpiry('13/99', NOW), { ok: false, reason: 'month' });
  });

  it('treats the current month as valid through its last day, in local time', () => {
    const lastMoment = new Date(2026, 10, 30, 23, 59, 59, 999);
    const nextMonth = new Date(2026, 11, 1, 0, 0, 0, 0);
    assert.deepEqual(parseExpiry('11/26', lastMoment), ok(11, 2026));
    assert.deepEqual(parseExpiry('11/26', nextMonth), { ok: false, reason: 'past' });
    assert.deepEqual(parseExpiry('12/26', nextMonth), ok(12, 2026));
  });

  it("reads the month in now's local time zone, not UTC", () => {
    const saved = process.env.TZ;
    // Noon UTC on 30 November is already 1 December on Kiritimati (UTC+14).
    const instant = new Date(Date.UTC(2026, 10, 30, 12));
    try {
      process.env.TZ = 'Pacific/Kiritimati';
      assert.deepEqual(parseExpiry('11/26', instant), { ok: false, reason: 'past' });
      process.env.TZ = 'Pacific/Pago_Pago';
      assert.deepEqual(parseExpiry('11/26', instant), ok(11, 2026));
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });

  it('allows exactly 20 years ahead, and not 21', () => {
    assert.deepEqual(parseExpiry('12/2046', NOW), ok(12, 2046));
    assert.deepEqual(parseExpiry('01/2047', NOW), { ok: false, reason: 'too_far' });
    const january = new Date(2026, 0, 1);
    assert.deepEqual(parseExpiry('12/46', january), ok(12, 2046));
    assert.deepEqual(parseExpiry('01/47', january), { ok: false, reason: 'too_far' });
  });

  it('defaults now to the current time, also for an invalid now', () => {
    // The documented default is the machine's clock, so this test alone reads it: a year ahead
    // is valid at any moment, the turn of a year during the test included.
    const nextYear = new Date().getFullYear() + 1;
    const expected = ok(6, nextYear);
    const entry = `06/${nextYear}`;
    assert.deepEqual(parseExpiry(entry), expected);
    for (const now of [new Date(Number.NaN), null, 'tomorrow', 0, {}, Date]) {
      assert.deepEqual(parseExpiry(entry, now as Date), expected);
    }
    const { proxy, revoke } = Proxy.revocable(new Date(2020, 0, 1), {});
    revoke();
    assert.deepEqual(parseExpiry(entry, proxy), expected);
  });

  it('rejects a huge entry without reading it', () => {
    assert.deepEqual(parseExpiry(' '.repeat(300) + '12/30', NOW), { ok: false, reason: 'format' });
    assert.deepEqual(parseExpiry('\ufdfa'.repeat(1_000_000), NOW), {
      ok: false,
      reason: 'format',
    });
  });

  it('reads every accepted style of every valid month back as that month', () => {
    fc.assert(
      fc.property(validEntry, ({ month, year, text }) => {
        assert.deepEqual(parseExpiry(text, NOW), ok(month, year), text);
      }),
      { numRuns: 3000 },
    );
  });

  it('reads formatExpiry output back, in both year styles', () => {
    fc.assert(
      fc.property(validMonth, fc.constantFrom('2-digit', 'numeric'), (expiry, yearStyle) => {
        const text = formatExpiry(expiry.month, expiry.year, { year: yearStyle });
        assert.deepEqual(parseExpiry(text, NOW), ok(expiry.month, expiry.year));
      }),
    );
  });

  it('blames the month of an unfinished entry only when no year could make it right', () => {
    const separator = fc.constantFrom('/', ' / ', '-', '.', ' ', '／', ' /');
    const yearDigits = fc.oneof(fc.constantFrom(''), fc.stringMatching(/^([0-9]|2[0-9]{2})$/));
    const badMonth = fc.oneof(
      fc.constantFrom('0', '00'),
      fc.integer({ min: 13, max: 99 }).map(String),
    );
    fc.assert(
      fc.property(badMonth, separator, yearDigits, (month, sep, year) => {
        // `0 ` is a lone 0 once trimmed, which may still become 01–09.
        fc.pre(month.length === 2 || `${sep}${year}`.trim() !== '');
        assert.deepEqual(parseExpiry(`${month}${sep}${year}`, NOW), { ok: false, reason: 'month' });
      }),
    );
    // Every step of typing a valid date, as the field formats it, is at most unfinished.
    fc.assert(
      fc.property(validMonth, fc.constantFrom('2-digit', 'numeric'), (expiry, yearStyle) => {
        const full = formatExpiry(expiry.month, expiry.year, {
          year: yearStyle as '2-digit' | 'numeric',
        });
        for (let end = 1; end < full.length; end += 1) {
          const result = parseExpiry(full.slice(0, end), NOW);
          if (!result.ok) assert.notEqual(result.reason, 'month', full.slice(0, end));
        }
      }),
    );
  });

  it('never throws, whatever it is given', () => {
    const isResult = (result: ExpiryResult) =>
      result.ok
        ? Number.isInteger(result.month) && Number.isInteger(result.year)
        : ['empty', 'format', 'month', 'past', 'too_far'].includes(result.reason);
    const now = fc.oneof(fc.date({ noInvalidDate: false }), fc.anything());
    fc.assert(fc.property(fc.string(), now, (s, n) => isResult(parseExpiry(s, n as Date))));
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => isResult(parseExpiry(s, NOW))),
      { numRuns: 2000 },
    );
    fc.assert(fc.property(fc.anything(), now, (s, n) => isResult(parseExpiry(s, n as Date))));
    fc.assert(
      fc.property(fieldText, now, (s, n) => isResult(parseExpiry(s, n as Date))),
      {
        numRuns: 2000,
      },
    );
  });

  it('accepts only years 0 to 20 ahead, and months 1 to 12', () => {
    fc.assert(
      fc.property(fieldText, (text) => {
        const result = parseExpiry(text, NOW);
        if (!result.ok) return;
        const index = result.year * 12 + result.month - 1;
        assert.ok(result.month >= 1 && result.month <= 12);
        assert.ok(index >= FIRST_VALID && result.year <= 2046, text);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('formatExpiry', () => {
  const cases: [number, number, 'numeric' | undefined, string][] = [
    [12, 2030, undefined, '12 / 30'],
    [1, 2030, undefined, '01 / 30'],
    [1, 2005, undefined, '01 / 05'],
    [1, 2030, 'numeric', '01 / 2030'],
    [12, 1999, undefined, '12 / 1999'],
    [12, 2100, undefined, '12 / 2100'],
    [3, 30, undefined, '03 / 0030'],
  ];
  for (const [month, year, yearStyle, expected] of cases) {
    it(`${month}, ${year}${yearStyle ? `, ${yearStyle}` : ''} → ${expected}`, () => {
      const options = yearStyle ? { year: yearStyle } : undefined;
      assert.equal(formatExpiry(month, year, options), expected);
    });
  }
});

/** What the field shows after typing `text` at the caret, one character at a time. */
function type(state: ExpiryInputState, text: string): ExpiryInputState {
  let { value, caret } = state;
  for (const char of text) {
    ({ value, caret } = formatExpiryInput(
      value.slice(0, caret) + char + value.slice(caret),
      caret + char.length,
    ));
  }
  return { value, caret };
}

/** What the field shows after Backspace. */
function backspace({ value, caret }: ExpiryInputState): ExpiryInputState {
  if (caret === 0) return { value, caret };
  return formatExpiryInput(value.slice(0, caret - 1) + value.slice(caret), caret - 1, {
    deleting: true,
  });
}

/** What the field shows after Delete (forward). */
function forwardDelete({ value, caret }: ExpiryInputState): ExpiryInputState {
  if (caret === value.length) return { value, caret };
  return formatExpiryInput(value.slice(0, caret) + value.slice(caret + 1), caret, {
    deleting: true,
  });
}

const EMPTY: ExpiryInputState = { value: '', caret: 0 };
const at = (value: string, caret = value.length): ExpiryInputState => ({ value, caret });

describe('formatExpiryInput', () => {
  describe('formats a whole value', () => {
    const cases: [string, string][] = [
      ['', ''],
      ['1', '1'],
      ['0', '0'],
      ['12', '12 / '],
      ['123', '12 / 3'],
      ['1234', '12 / 34'],
      ['12345', '12 / 345'],
      ['122030', '12 / 2030'],
      ['4', '04 / '],
      ['9', '09 / '],
      // Two digits arriving at once are the month the shopper wrote, as in parseExpiry.
      ['45', '45 / '],
      ['1/', '01 / '],
      ['1 ', '01 / '],
      ['1-', '01 / '],
      ['1/30', '01 / 30'],
      ['1/2030', '01 / 2030'],
      ['12/30', '12 / 30'],
      ['12-2030', '12 / 2030'],
      ['12.30', '12 / 30'],
      ['12 30', '12 / 30'],
      ['12/', '12 / '],
      ['12 / ', '12 / '],
      ['12 / /', '12 / '],
      ['13', '13 / '],
      ['00', '00 / '],
      ['22/12', '22 / 12'],
      ['/', ''],
      ['  ', ''],
      ['１２３０', '12 / 30'],
      ['１２／３０', '12 / 30'],
      ['１２　／　３０', '12 / 30'],
      ['1\u200b2\u200b30', '12 / 30'],
      ['12\u00a0/\u00a030', '12 / 30'],
      ['\t12/30\n', '12 / 30'],
      ['2030-01', '01 / 30'],
      ['2030/1', '01 / 30'],
      ['2030-12', '12 / 30'],
      ['1999-12', '12 / 1999'],
      ['2030-13', '13 / 30'],
      // Left exactly as typed: parseExpiry then says what is wrong.
      ['Dec 2030', 'Dec 2030'],
      ['12/3a', '12/3a'],
      ['١٢/٣٠', '١٢/٣٠'],
      ['12 / 20301', '12 / 20301'],
      ['4242 4242 4242 4242', '4242 4242 4242 4242'],
    ];
    for (const [raw, expected] of cases) {
      it(`${JSON.stringify(raw)} → ${JSON.stringify(expected)}`, () => {
        assert.equal(formatExpiryInput(raw).value, expected);
      });
    }
  });

  describe('while typing', () => {
    it('builds MM / YY from four digits, caret at the end', () => {
      assert.deepEqual(type(EMPTY, '1'), at('1'));
      assert.deepEqual(type(EMPTY, '12'), at('12 / '));
      assert.deepEqual(type(EMPTY, '123'), at('12 / 3'));
      assert.deepEqual(type(EMPTY, '1230'), at('12 / 30'));
      assert.deepEqual(type(EMPTY, '122030'), at('12 / 2030'));
    });

    it('pads a month that cannot take a second digit', () => {
      assert.deepEqual(type(EMPTY, '4'), at('04 / '));
      assert.deepEqual(type(EMPTY, '428'), at('04 / 28'));
      assert.deepEqual(type(EMPTY, '1/'), at('01 / '));
      assert.deepEqual(type(EMPTY, '1/30'), at('01 / 30'));
      assert.deepEqual(type(EMPTY, '1 30'), at('01 / 30'));
    });

    it('swallows a separator typed after the automatic one', () => {
      assert.deepEqual(type(EMPTY, '12/'), at('12 / '));
      assert.deepEqual(type(EMPTY, '12 / 30'), at('12 / 30'));
    });

    it('normalises full-width digits from an IME', () => {
      assert.deepEqual(type(EMPTY, '１２３０'), at('12 / 30'));
      assert.deepEqual(type(EMPTY, '１／３０'), at('01 / 30'));
    });

    it('keeps a seventh digit and a letter as typed', () => {
      assert.deepEqual(type(at('12 / 2030'), '1'), at('12 / 20301'));
      assert.deepEqual(type(at('12 / 3'), 'x'), at('12 / 3x'));
    });

    it('puts a digit typed into the month in the month', () => {
      assert.deepEqual(type(at('1 / 30', 1), '1'), at('11 / 30', 5));
      assert.deepEqual(type(at('2 / 30', 0), '1'), at('12 / 30', 1));
    });
  });

  describe('while deleting', () => {
    it('empties the field one visible step per Backspace', () => {
      const steps = [at('12 / 30')];
      while (steps[steps.length - 1]!.value !== '') steps.push(backspace(steps[steps.length - 1]!));
      assert.deepEqual(
        steps.map((s) => s.value),
        ['12 / 30', '12 / 3', '12 / ', '12', '1', ''],
      );
      assert.deepEqual(backspace(at('04 / ')), at('04'));
    });

    it('removes the automatic separator instead of putting it back', () => {
      assert.deepEqual(formatExpiryInput('12 /', 4, { deleting: true }), at('12'));
      assert.deepEqual(formatExpiryInput('12 ', 3, { deleting: true }), at('12'));
      assert.deepEqual(formatExpiryInput('12/ ', 2, { deleting: true }), at('12'));
      // Without the hint the formatter cannot tell deleting from typing.
      assert.deepEqual(formatExpiryInput('12 /', 4), at('12 / '));
    });

    it('steps the caret back over the separator in the middle', () => {
      const afterSeparator = at('12 / 30', 5);
      assert.deepEqual(backspace(afterSeparator), at('12 / 30', 2));
      assert.deepEqual(backspace(backspace(afterSeparator)), at('1 / 30', 1));
    });

    it('lets the shopper retype the month without sliding the year', () => {
      const noMonth = backspace(at('1 / 30', 1));
      assert.deepEqual(noMonth, at(' / 30', 0));
      const zero = type(noMonth, '0');
      assert.deepEqual(zero, at('0 / 30', 1));
      assert.deepEqual(type(zero, '9'), at('09 / 30', 5));
      assert.deepEqual(type(noMonth, '7'), at('07 / 30', 5));
      assert.deepEqual(backspace(at('12 / 30', 1)), at('2 / 30', 0));
    });

    it('does not pad or add anything back', () => {
      assert.deepEqual(formatExpiryInput('4', 1, { deleting: true }), at('4'));
      assert.deepEqual(formatExpiryInput('1 / 30', 1, { deleting: true }), at('1 / 30', 1));
    });

    it('keeps the separator on Delete before it', () => {
      assert.deepEqual(forwardDelete(at('12 / 30', 2)), at('12 / 30', 2));
      assert.deepEqual(forwardDelete(at('12 / 30', 5)), at('12 / 0', 5));
    });
  });

  describe('caret', () => {
    const cases: [string, number, number][] = [
      ['12', 1, 1],
      ['123', 1, 1],
      ['123', 2, 5],
      ['123', 0, 0],
      ['4', 1, 5],
      ['45', 1, 1],
      ['45', 2, 5],
      ['1/30', 2, 5],
      ['1/30', 3, 6],
      ['12 / 30', 6, 6],
      ['1\u200b2', 3, 5],
      ['2030-01', 0, 7],
      ['12 / 3x', 4, 4],
      ['1234', -5, 0],
      ['1234', 99, 7],
      ['1234', Number.NaN, 7],
    ];
    for (const [raw, caret, expected] of cases) {
      it(`${JSON.stringify(raw)} at ${caret} → ${expected}`, () => {
        assert.equal(formatExpiryInput(raw, caret).caret, expected);
      });
    }
  });

  it('formats every valid entry to one that parses the same', () => {
    fc.assert(
      fc.property(validEntry, ({ month, year, text }) => {
        const { value } = formatExpiryInput(text);
        assert.deepEqual(parseExpiry(value, NOW), ok(month, year), `${text} → ${value}`);
      }),
      { numRuns: 3000 },
    );
    fc.assert(
      fc.property(fieldText, (text) => {
        const before = parseExpiry(text, NOW);
        if (!before.ok) return;
        assert.deepEqual(parseExpiry(formatExpiryInput(text).value, NOW), before, text);
      }),
      { numRuns: 5000 },
    );
  });

  it('leaves its own output as it is, value and caret', () => {
    const text = fc.oneof(fieldText, fc.string({ unit: 'binary', maxLength: 12 }));
    const caret = fc.integer({ min: -2, max: 20 });
    fc.assert(
      fc.property(text, caret, fc.boolean(), (raw, position, deleting) => {
        const once = formatExpiryInput(raw, position, { deleting });
        assert.deepEqual(formatExpiryInput(once.value, once.caret, { deleting }), once, raw);
      }),
      { numRuns: 5000 },
    );
  });

  it('keeps the caret inside the value', () => {
    const caret = fc.oneof(fc.integer(), fc.constant(Number.NaN), fc.constant(undefined));
    fc.assert(
      fc.property(
        fc.oneof(fieldText, fc.string({ unit: 'binary' })),
        caret,
        fc.boolean(),
        (raw, position, deleting) => {
          const { value, caret: result } = formatExpiryInput(raw, position, { deleting });
          assert.ok(Number.isInteger(result) && result >= 0 && result <= value.length);
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('types any valid month and year into their display form', () => {
    fc.assert(
      fc.property(validMonth, fc.boolean(), ({ month, year }, short) => {
        const digits = `${pad(month)}${short ? pad(year % 100) : year}`;
        const expected = formatExpiry(month, year, short ? {} : { year: 'numeric' });
        assert.deepEqual(type(EMPTY, digits), at(expected));
        const slash = `${month}/${pad(year % 100)}`;
        assert.deepEqual(type(EMPTY, slash), at(formatExpiry(month, year)));
      }),
    );
  });

  it('never loses a typed digit', () => {
    const typed = fc.string({ unit: fc.constantFrom(...'0123456789'), maxLength: 10 });
    fc.assert(
      fc.property(typed, (digits) => {
        const shown = type(EMPTY, digits).value.replace(/[^0-9]/g, '');
        assert.ok(shown === digits || shown === `0${digits}`, `${digits} → ${shown}`);
      }),
    );
  });

  it('empties any field it produced with Backspace, shorter every time', () => {
    fc.assert(
      fc.property(fieldText, (text) => {
        let state = type(EMPTY, text);
        for (let presses = 0; state.value !== ''; presses += 1) {
          assert.ok(presses < 40, `stuck at ${JSON.stringify(state)}`);
          const next = backspace(at(state.value));
          assert.ok(next.value.length < state.value.length, JSON.stringify(state));
          state = next;
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws on any value', () => {
    fc.assert(
      fc.property(fc.anything(), fc.anything(), (raw, caret) => {
        formatExpiryInput(raw as string, caret as number);
      }),
    );
  });
});
