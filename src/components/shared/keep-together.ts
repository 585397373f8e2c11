import { html } from 'lit';
import type { TemplateResult } from 'lit';

/**
 * `text` with every occurrence of `units` ("Visa •••• 4242", "2029年8月", "1,980円") wrapped in
 * a `nowrap` span, so a line never breaks inside one. A space is no reliable guard: Japanese
 * breaks between any two ideographs or digits, and `word-break: auto-phrase` is only a hint
 * (Chromium's phrase model split "2029年8/月"). Works on the finished string, so a merchant's
 * override of the message keeps it as long as it contains the unit verbatim.
 */
export function keepTogether(
  text: string,
  units: ReadonlyArray<string | undefined>,
): Array<string | TemplateResult> {
  const wanted = units.filter((unit): unit is string => !!unit);
  const out: Array<string | TemplateResult> = [];
  let rest = text;
  while (rest) {
    // The earliest unit next; of two starting at the same place, the longer one.
    let at = -1;
    let unit = '';
    for (const candidate of wanted) {
      const found = rest.indexOf(candidate);
      if (
        found >= 0 &&
        (at < 0 || found < at || (found === at && candidate.length > unit.length))
      ) {
        at = found;
        unit = candidate;
      }
    }
    if (at < 0) break;
    if (at > 0) out.push(rest.slice(0, at));
    out.push(html`<span class="nowrap">${unit}</span>`);
    rest = rest.slice(at + unit.length);
  }
  if (rest) out.push(rest);
  return out;
}
