// How an expiry date is shown, `MM / YY`: apart from the parser (expiry.ts) so that a notice
// that names the card's date does not carry the parser with it (the script tag loads the
// expiry form, and with it the parser, only when the shopper opens it).

/** The separator the card shows and the field inserts. */
export const SEPARATOR = ' / ';

/** Options for {@link formatExpiry}, named after Intl.DateTimeFormat's. */
export interface FormatExpiryOptions {
  /** `2-digit` (default) shows `12 / 30`, `numeric` shows `12 / 2030`. */
  year?: '2-digit' | 'numeric';
}

/** Shows an expiry as on the card, `MM / YY`; years outside 2000–2099 always get four digits. */
export function formatExpiry(
  month: number,
  year: number,
  options: FormatExpiryOptions = {},
): string {
  // Two digits would read back as 20YY, so any other century keeps all four.
  const twoDigit = options.year !== 'numeric' && year >= 2000 && year <= 2099;
  const yearText = twoDigit ? String(year - 2000).padStart(2, '0') : String(year).padStart(4, '0');
  return `${String(month).padStart(2, '0')}${SEPARATOR}${yearText}`;
}
