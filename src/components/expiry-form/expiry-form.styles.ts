import { css } from 'lit';

/**
 * Styles of `<cardkeep-expiry-form>`, over the shared base sheet. The field's parts sit 0.5em
 * apart (the label and its hint closer); the live regions under the field (the entry's error,
 * "Saving…") are always in the page but leave the flow while empty, so the space under Save is
 * the same in every state and the next block starts one stack gap below whatever shows last.
 * A busy or disabled button is styled here, not in the base sheet: the banner's notice has none.
 */
export const expiryFormStyles = css`
  button[aria-busy='true'] {
    cursor: progress;
  }
  button:disabled {
    cursor: default;
    opacity: 0.6;
  }
  label {
    display: block;
    font-weight: 600;
  }
  .hint {
    font-size: 0.9375em;
  }
  input {
    font: inherit;
    font-size: 1.125em;
    font-variant-numeric: tabular-nums;
    width: 8.5em;
    min-height: 2.75rem;
    padding: 0.4em 0.6em;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--cardkeep-color-field, #fff);
    color: var(--cardkeep-color-field-text, #1b1f24);
  }
  input[aria-invalid='true'] {
    border: 2px solid var(--_danger);
  }
  input[aria-invalid='true']:focus-visible {
    outline-color: var(--_danger);
  }
  input:disabled {
    opacity: 0.6;
  }
  .field > * + * {
    margin-top: 0.5em;
  }
  .field > label + .hint {
    margin-top: 0;
  }
  .field > [data-empty] {
    position: absolute;
    margin: 0;
  }
`;
