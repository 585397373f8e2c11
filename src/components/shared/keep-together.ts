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
  const wanted = units
    .filter((unit) => !!unit)
    .map((unit) => unit!.replace(/[$()*+.?[\\\]^{|}]/g, '\\$&'));
  // Split around a capturing group: the units are the odd parts.
  return wanted.length
    ? text
        .split(new RegExp(`(${wanted.join('|')})`))
        .map((part, i) => (i % 2 ? html`<span class="nowrap">${part}</span>` : part))
    : [text];
}
