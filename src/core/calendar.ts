// The one definition of when a card stops working, shared by parseExpiry and cardStatus.
// Everything is in the local time of `now`: the shopper judges "is my card still valid?" by
// their own calendar, and so does the banner that warns them.

/** A valid time to judge expiry against: `now` when it is a valid Date, else the current time. */
export function resolveNow(now: unknown): Date {
  let time = Number.NaN;
  try {
    // The built-in getter checks the internal slot: it accepts Dates from other realms and
    // subclasses, calls no user code, and throws on anything that is not a Date.
    time = Date.prototype.getTime.call(now);
  } catch {
    // Not a Date: fall through to the current time rather than throw at a caller that only
    // wanted a default.
  }
  return new Date(Number.isNaN(time) ? Date.now() : time);
}

// Four-digit years are what cards print and what the protocol carries; outside that range the
// Date arithmetic below stops meaning anything.
function isRealMonth(month: number, year: number): boolean {
  return (
    Number.isInteger(month) &&
    month >= 1 &&
    month <= 12 &&
    Number.isInteger(year) &&
    year >= 0 &&
    year <= 9999
  );
}

/** The first moment a card expiring in `month`/`year` stops working: midnight after its month. */
export function expiresAt(month: number, year: number): Date {
  if (!isRealMonth(month, year)) return new Date(Number.NaN);
  const date = new Date(0);
  // setFullYear, unlike the Date constructor, does not read years 0–99 as 1900–1999. `month` is
  // 1-based, so as a 0-based index it already names the following month.
  date.setFullYear(year, month, 1);
  date.setHours(0, 0, 0, 0);
  return date;
}

/** Whether a card expiring in `month`/`year` no longer works at `now`; a bogus month has expired. */
export function isExpired(month: number, year: number, now: Date = new Date()): boolean {
  // A date that cannot be a card's expiry must never pass for a working card.
  if (!isRealMonth(month, year)) return true;
  return resolveNow(now).getTime() >= expiresAt(month, year).getTime();
}
