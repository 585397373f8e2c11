import { css } from 'lit';

/**
 * The sheet every Cardkeep element adopts. Host-page CSS cannot reach inside the shadow root,
 * but inherited properties still flow in, so `:host` resets them (`all: initial`) and takes
 * back only what a merchant wants inherited: the font family, unless `--cardkeep-font` says
 * otherwise. Sizes are in rem so a `font-size: 0` on the page's body does not shrink us.
 *
 * A page rule on the host element beats `:host`, though, even a plain `all: unset` (some CSS
 * resets do that to every element), and the page's text properties then reach us. Only this
 * sheet styles our top-level elements, so `:host > *` sets the ones readability needs again.
 * A busy or disabled button is the forms' alone: those rules travel with them.
 * (Comments inside the css`` template would ship in the bundle, so they stay out here.)
 */
export const baseStyles = css`
  :host {
    all: initial;
    display: block;
    font-family: var(--cardkeep-font, inherit);
    font-size: var(--cardkeep-font-size, 1rem);
    line-height: 1.5;
    color: var(--cardkeep-color-text, #1b1f24);
    word-break: auto-phrase;
    overflow-wrap: break-word;
    container-type: inline-size;
    --_text: var(--cardkeep-color-text, #1b1f24);
    --_accent: var(--cardkeep-color-accent, #1f2328);
    --_on-accent: var(--cardkeep-color-on-accent, #fff);
    --_danger: var(--cardkeep-color-danger, #b42318);
    --_border: var(--cardkeep-color-border, #6b7280);
    --_radius: var(--cardkeep-radius, 0.5rem);
    --_space: var(--cardkeep-space, 1rem);
  }
  :host([hidden]) {
    display: none;
  }
  :host > * {
    font-family: var(--cardkeep-font, inherit);
    font-size: var(--cardkeep-font-size, 1rem);
    line-height: 1.5;
    letter-spacing: normal;
    text-transform: none;
    color: var(--cardkeep-color-text, #1b1f24);
    visibility: visible;
    direction: ltr;
    word-break: auto-phrase;
  }
  *,
  ::before,
  ::after {
    box-sizing: border-box;
  }
  h2,
  p {
    margin: 0;
    font: inherit;
  }
  h2 {
    font-weight: 700;
    font-size: 1.0625em;
  }
  :focus-visible {
    outline: 2px solid var(--cardkeep-color-focus, var(--_text));
    outline-offset: 2px;
  }
  .primary:focus-visible {
    box-shadow: inset 0 0 0 2px var(--_on-accent);
  }
  [tabindex='-1']:focus {
    outline: none;
  }
  button {
    font: inherit;
    font-weight: 600;
    min-height: 2.75rem;
    min-width: 2.75rem;
    padding: 0.5em 1.1em;
    border: 1px solid var(--_accent);
    border-radius: var(--_radius);
    background: transparent;
    color: var(--_accent);
    cursor: pointer;
  }
  .primary {
    background: var(--_accent);
    color: var(--_on-accent);
  }
  .link {
    border-color: transparent;
    text-decoration: underline;
    font-weight: 400;
    padding-inline: 0.5em;
  }
  .row {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: calc(var(--_space) / 2);
  }
  @container (max-width: 26rem) {
    .row:not(:has(input)) > button:not(.link) {
      flex: 1 1 100%;
    }
  }
  .nowrap {
    white-space: nowrap;
  }
  .stack {
    display: grid;
    gap: calc(var(--_space) * 0.75);
  }
  .error {
    color: var(--_danger);
  }
`;
