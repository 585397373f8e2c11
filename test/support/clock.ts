// The one calendar every test runs on, in Node and in the browser. Tests never read the
// machine's date: a suite started on the 1st of a 31-day month, on 29 February or at 23:59 on
// New Year's Eve (when the year turns over mid-run) must see the same "today" as any other.

/**
 * "Today" for every test: 25 November 2026, 15:30 local time. Mid-month and mid-afternoon, so
 * no run, however slow, crosses a day or month boundary; the card expiring "this month" is five
 * days from its end, inside any warning window.
 */
export const TODAY = new Date(2026, 10, 25, 15, 30);

/** This month (1–12) and year on the test calendar. */
export const MONTH = TODAY.getMonth() + 1;
export const YEAR = TODAY.getFullYear();

/**
 * A clock that reads `start` now and then runs at the machine's pace: the calendar is fixed,
 * while durations (rate-limit windows, link lifetimes, timeouts) pass as they really do.
 */
export function testClock(start: Date = TODAY): () => Date {
  const offset = start.getTime() - Date.now();
  return () => new Date(Date.now() + offset);
}

/** The month before `date`'s as `{ month, year }` (December of the year before in January). */
export function monthBefore(date: Date = TODAY): { month: number; year: number } {
  const before = new Date(date.getFullYear(), date.getMonth() - 1, 1);
  return { month: before.getMonth() + 1, year: before.getFullYear() };
}

/** The test calendar's clock for this process (or page), started when it was first imported. */
export const clock = testClock();

/**
 * Puts `root` and every Cardkeep element in its light DOM on the test calendar (their `now`
 * property), before they load a card: call it between creating the elements and connecting them.
 */
export function onTestCalendar<T extends Element>(root: T): T {
  for (const el of [root, ...root.querySelectorAll('*')]) {
    if (el.localName.startsWith('cardkeep-')) (el as Element & { now: () => Date }).now = clock;
  }
  return root;
}

/**
 * Source of a script that puts a page on the test calendar: `Date` (and `Date.now()`) read
 * `start`, then run at the machine's pace, like {@link testClock}. For end-to-end tests that
 * drive built pages, whose elements read the page's clock: installed before any page script
 * (puppeteer's `evaluateOnNewDocument`). A string, so the test runner's transpiler cannot wrap
 * it in helpers that do not exist in the page.
 */
export function pageClockScript(start: Date = TODAY): string {
  return `(() => {
  const Real = Date;
  const offset = ${start.getTime()} - Real.now();
  function TestDate(...args) {
    if (!new.target) return new Real(Real.now() + offset).toString();
    return args.length ? new Real(...args) : new Real(Real.now() + offset);
  }
  TestDate.prototype = Real.prototype;
  TestDate.now = () => Real.now() + offset;
  TestDate.parse = Real.parse;
  TestDate.UTC = Real.UTC;
  globalThis.Date = TestDate;
})();`;
}
