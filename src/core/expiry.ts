// Card expiry dates: the model is `{ month, year }`, the view is whatever the shopper typed.
// parseExpiry turns a view into the model (or a reason it can't); formatExpiryInput keeps the
// view tidy while the shopper types; formatExpiry shows a model. No DOM here: components wire
// these up, and Node tests pin them down.

import { isExpired, resolveNow } from './calendar.js';
import { SEPARATOR, formatExpiry } from './format-expiry.js';

// formatExpiry has a module of its own: the banner's notice needs it, the parser can wait.
export { formatExpiry, type FormatExpiryOptions } from './format-expiry.js';

/** Why an entry is not a usable expiry date; each reason has its own message for the shopper. */
export type ExpiryErrorReason = 'empty' | 'format' | 'month' | 'past' | 'too_far';

/** What {@link parseExpiry} returns: the model, with a four-digit year, or why there is none. */
export type ExpiryResult =
  { ok: true; month: number; year: number } | { ok: false; reason: ExpiryErrorReason };

/** How many years past the current one an expiry may lie; further is surely a typo. */
export const MAX_EXPIRY_YEARS_AHEAD = 20;

/** What an expiry input field should show after an edit, and where its caret goes. */
export interface ExpiryInputState {
  /** The formatted field value. */
  value: string;
  /** The caret position in `value`, in UTF-16 code units as `selectionStart` counts. */
  caret: number;
}

/** Options for {@link formatExpiryInput}. */
export interface FormatExpiryInputOptions {
  /** The edit removed text (`InputEvent.inputType` starts with `delete`): add nothing back. */
  deleting?: boolean;
}

// Far longer than any honest entry. Capping keeps NFKC (which can expand one character
// eighteen-fold, and so throw on a huge string) and the regexes cheap on whatever gets pasted.
const MAX_INPUT_LENGTH = 256;

// What the input formatter puts between month and year; formatExpiry shows the same.

// Spelled [0-9] so that no reader wonders whether other scripts' digits count: they don't, and
// read as `format` (NFKC has already made full-width ones ASCII). Normalised text has at most
// one space in a row, so ` ?` is "any spaces".
const MONTH_FIRST = /^([0-9]{1,2}) ?[/.\- ] ?([0-9]{2}|[0-9]{4})$/;
const MONTH_FIRST_COMPACT = /^([0-9]{2})([0-9]{2}|[0-9]{4})$/;
// What <input type="month"> and autofill produce; a bare space is not allowed here, since
// "2030 1" reads as nothing a person writes.
const YEAR_FIRST = /^([0-9]{4}) ?[/-] ?([0-9]{1,2})$/;
// A month-first entry the shopper has not finished: a lone two-digit month, or a month, a
// separator and the start of a year (none, one digit, or 20x on its way to 20xx): `13`,
// `13 /`, `13/2`, `13/203`, `0 /`. A lone digit is not here (`0` or `1` may still become
// 01–12), nor 3 or 5 digits (ambiguous: which is the month?), nor `99/030` (no year at all).
const MONTH_FIRST_PARTIAL = /^(?:([0-9]{2})|([0-9]{1,2}) ?[/.\- ] ?(?:[0-9]|2[0-9]{2})?)$/;

const FORMAT_CHARS = /\p{Cf}/gu;
const SEPARATOR_CHAR = /^[/.\-\s]$/u;

/** The text parseExpiry reads: NFKC, no Unicode format characters, one space per run, trimmed. */
export function normalizeExpiryText(input: string): string {
  // Format characters go first: left in place, a zero-width space between a letter and a
  // combining mark would block a composition that a second pass would then make.
  return input.replace(FORMAT_CHARS, '').normalize('NFKC').replace(/\s+/gu, ' ').trim();
}

function fail(reason: ExpiryErrorReason): ExpiryResult {
  return { ok: false, reason };
}

/**
 * Reads a card expiry date as a shopper may write it (`12/30`, `1 / 2030`, `１２／３０`,
 * `2030-12`, …) and judges it against `now` in local time. Never throws: null and undefined
 * are `empty`, other non-strings and entries over 256 characters are `format`, and an invalid
 * `now` means the current time.
 */
export function parseExpiry(input: unknown, now: Date = new Date()): ExpiryResult {
  if (input === null || input === undefined) return fail('empty');
  // A number is not accepted as text: 0130 would already have lost its leading zero.
  if (typeof input !== 'string' || input.length > MAX_INPUT_LENGTH) return fail('format');
  const text = normalizeExpiryText(input);
  if (text === '') return fail('empty');
  const monthFirst = MONTH_FIRST.exec(text) ?? MONTH_FIRST_COMPACT.exec(text);
  if (monthFirst) {
    const [, month, year] = monthFirst;
    // Two-digit years are 20YY.
    return checkExpiry(Number(month), Number(year) + (year.length === 2 ? 2000 : 0), now);
  }
  const yearFirst = YEAR_FIRST.exec(text);
  if (yearFirst) return checkExpiry(Number(yearFirst[2]), Number(yearFirst[1]), now);
  // An unfinished entry whose month can never be right ("13 /") is told about the month, the
  // part to fix, rather than the format; one whose month is fine is told how to finish it.
  const partial = MONTH_FIRST_PARTIAL.exec(text);
  const month = partial ? Number(partial[1] ?? partial[2]) : 1;
  return fail(month < 1 || month > 12 ? 'month' : 'format');
}

/**
 * Judges a `{ month, year }` pair (four-digit year) against `now` in local time: the check
 * parseExpiry ends with, and the one a backend runs on what the widget sends. A non-integer is
 * `format`, a month outside 1–12 `month`, an expired card `past`, more than
 * {@link MAX_EXPIRY_YEARS_AHEAD} years ahead `too_far`.
 */
export function checkExpiry(month: number, year: number, now: Date = new Date()): ExpiryResult {
  if (!Number.isInteger(month) || !Number.isInteger(year)) return fail('format');
  if (month < 1 || month > 12) return fail('month');
  const today = resolveNow(now);
  if (isExpired(month, year, today)) return fail('past');
  if (year - today.getFullYear() > MAX_EXPIRY_YEARS_AHEAD) return fail('too_far');
  return { ok: true, month, year };
}

/**
 * Formats an expiry field as the shopper types: digits become `MM / YY` (or `MM / YYYY`) and
 * the caret stays after the same digit. Autofill's `2030-01` becomes `01 / 30`; anything that
 * cannot be an expiry (letters, a fifth year digit, a pasted card number) is left as typed.
 * Pure: call it on `input` with the field's value, `selectionStart` and whether it was a delete.
 */
export function formatExpiryInput(
  raw: string,
  caret?: number,
  options: FormatExpiryInputOptions = {},
): ExpiryInputState {
  const text = typeof raw === 'string' ? raw : '';
  // Anything but a number (a caller's null selectionStart included) means the end.
  const at =
    typeof caret === 'number' && !Number.isNaN(caret)
      ? Math.min(Math.max(Math.trunc(caret), 0), text.length)
      : text.length;
  // Dropping what we don't understand would change what the shopper meant ("Dec 2030" is not
  // "02 / 030"); left alone, it stays visible and parseExpiry says what is wrong with it.
  const asTyped: ExpiryInputState = { value: text, caret: at };
  if (text.length > MAX_INPUT_LENGTH) return asTyped;

  const yearFirst = YEAR_FIRST.exec(normalizeExpiryText(text));
  if (yearFirst) {
    const value = formatExpiry(Number(yearFirst[2]), Number(yearFirst[1]));
    return { value, caret: value.length };
  }

  // One pass over the code points, each normalised on its own so that offsets into `text`
  // stay known. Only the digits are kept, and whether a separator ended a one-digit month.
  let digits = '';
  let split = false;
  let leadingSeparator = false;
  let digitsBeforeCaret = 0;
  let afterDigitBeforeCaret = 0;
  let afterLastDigit = 0;
  let offset = 0;
  for (const codePoint of text) {
    const start = offset;
    offset += codePoint.length;
    // A format character (zero-width space, bidi mark) leaves nothing to read.
    for (const char of codePoint.replace(FORMAT_CHARS, '').normalize('NFKC')) {
      if (char >= '0' && char <= '9') {
        digits += char;
        afterLastDigit = offset;
        if (start < at) {
          digitsBeforeCaret += 1;
          afterDigitBeforeCaret = offset;
        }
      } else if (!SEPARATOR_CHAR.test(char)) {
        return asTyped;
      } else if (digits === '') {
        leadingSeparator ||= char.trim() !== '';
      } else if (digits.length === 1) {
        split = true;
      }
    }
  }
  if (digits === '') return { value: '', caret: 0 };
  // Text between the caret and the last digit before it, invisible characters aside.
  const beforeCaret = text.slice(afterDigitBeforeCaret, at).replace(FORMAT_CHARS, '');

  // A second digit or a typed separator ends the month; a lone 0 or 1 may still grow. After a
  // leading separator there is no month: the shopper deleted the month of `1 / 30`, and the
  // year stays where it is rather than slide its digits into the month, so that typing a new
  // month puts things right.
  const closed = split || digits.length > 1;
  const monthDigits = leadingSeparator ? 0 : split || !closed ? 1 : 2;
  const year = digits.slice(monthDigits);
  if (year.length > 4) return asTyped;

  const deleting = options.deleting === true;
  // A lone 2–9 can only be 02–09. A lone 0 or 1 before a separator is padded too, unless the
  // caret sits right after it: the shopper is fixing the month of `1 / 30` and may type on.
  // While deleting nothing is added back, or backspace would fight the shopper.
  const editingMonth = digitsBeforeCaret === 1 && beforeCaret === '';
  const pad = !deleting && monthDigits === 1 && (digits >= '2' || (closed && !editingMonth));
  const month = (pad ? '0' : '') + digits.slice(0, monthDigits);
  const complete = monthDigits === 2 || pad;
  // When deleting, a trailing separator survives only while it is whole: backspace right after
  // `12 / ` removes the separator instead of having it put back.
  const tail = text.slice(afterLastDigit).replace(FORMAT_CHARS, '');
  const showSeparator = year !== '' || (deleting ? closed && tail === SEPARATOR : closed || pad);
  const value = `${month}${showSeparator ? SEPARATOR : ''}${year}`;

  // The caret stays after the same digit: the padding zero and the separator shift it. At the
  // end of the month, typing steps past the separator once the month is complete; deleting
  // steps back before it unless the caret was past a whole one, so backspace over the
  // separator moves the caret instead of being undone.
  const pastSeparator =
    digitsBeforeCaret > monthDigits ||
    (digitsBeforeCaret === monthDigits &&
      showSeparator &&
      (deleting ? beforeCaret === SEPARATOR : complete));
  const position =
    digitsBeforeCaret &&
    digitsBeforeCaret + month.length - monthDigits + (pastSeparator ? SEPARATOR.length : 0);
  return { value, caret: position };
}
