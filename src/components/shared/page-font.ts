import { css } from 'lit';
import type { CSSResult } from 'lit';

/**
 * What a browser computes for a page that set no font at all: its built-in serif (Chromium and
 * Safari name it, Firefox says `serif`). A shop that chose a serif names it (`Georgia, serif`).
 */
const BROWSER_DEFAULT = /^(?:serif|"?times new roman"?|"?times"?)$/i;

/** A neutral UI stack, CJK included, for pages that never chose a font. */
const neutralFont: CSSResult = css`
  :host,
  :host > * {
    font-family: var(
      --cardkeep-font,
      system-ui,
      -apple-system,
      'Segoe UI',
      Roboto,
      'Hiragino Sans',
      'Noto Sans CJK JP',
      'Noto Sans JP',
      'Yu Gothic UI',
      sans-serif
    );
  }
`;

/**
 * The elements inherit the page's font. A page with no font of its own would hand them the
 * browser's Times, which reads as broken next to buttons, so there (and only there) they take a
 * neutral UI font instead. `--cardkeep-font` still wins either way.
 */
export function usePageFont(host: HTMLElement, root: Node): void {
  if (!(root instanceof ShadowRoot) || !host.parentElement) return;
  const inherited = getComputedStyle(host.parentElement).fontFamily.trim();
  const sheet = neutralFont.styleSheet;
  if (!sheet) return;
  const sheets = root.adoptedStyleSheets;
  const has = sheets.includes(sheet);
  if (BROWSER_DEFAULT.test(inherited) && !has) root.adoptedStyleSheets = [...sheets, sheet];
  else if (!BROWSER_DEFAULT.test(inherited) && has) {
    root.adoptedStyleSheets = sheets.filter((s) => s !== sheet);
  }
}
