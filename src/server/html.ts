// Server-side HTML for the e-mail and the update page: one tagged template that escapes every
// interpolated value unless it is already markup made by this module. Whatever a merchant or a
// shopper passes (shop name, customer name, a typed expiry) therefore reaches the page as text.

/** Markup this module produced (or a caller vouched for with {@link unsafeRaw}). */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text made safe for element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

function piece(value: unknown): string {
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(piece).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(String(value));
}

/** `html\`<p>${name}</p>\``: interpolations are escaped; SafeHtml and arrays of it are kept. */
export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0]!;
  values.forEach((value, i) => {
    out += piece(value) + strings[i + 1]!;
  });
  return new SafeHtml(out);
}

/** Markup the caller made itself and vouches for (constant strings, never input). */
export const unsafeRaw = (markup: string): SafeHtml => new SafeHtml(markup);

/** A `#rgb` or `#rrggbb` colour, or undefined: only such values ever reach a style attribute. */
export function hexColor(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(value.trim());
  if (!match) return undefined;
  const hex = match[1]!;
  const full = hex.length === 3 ? [...hex].map((c) => c + c).join('') : hex;
  return `#${full.toLowerCase()}`;
}

/** WCAG relative luminance of a `#rrggbb` colour. */
function luminance(hex: string): number {
  const channel = (i: number) => {
    const c = parseInt(hex.slice(1 + 2 * i, 3 + 2 * i), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2);
}

/** White or near-black text, whichever reads better on `background` (`#rrggbb`). */
export function textOn(background: string): '#ffffff' | '#111111' {
  const l = luminance(background);
  // Contrast with white is 1.05/(l+0.05); with #111 it is (l+0.05)/(0.0056+0.05).
  return 1.05 / (l + 0.05) >= (l + 0.05) / 0.0556 ? '#ffffff' : '#111111';
}

/** An absolute http(s) URL as text, or a TypeError: a `javascript:` link never reaches a page. */
export function httpUrl(value: unknown, what: string): string {
  let url: URL;
  try {
    url = new URL(String(value));
  } catch {
    throw new TypeError(`cardkeep: ${what} must be an absolute http(s) URL.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new TypeError(`cardkeep: ${what} must be an absolute http(s) URL.`);
  }
  return url.href;
}

/** A plausible e-mail address (one @, no spaces or markup), or undefined. */
export function emailAddress(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  return /^[^\s@<>"'(),;:]+@[^\s@<>"'(),;:]+\.[^\s@<>"'(),;:]+$/.test(text) ? text : undefined;
}
