import { css } from 'lit';

/** Styles of `<cardkeep-expiry-form>`, over the shared base sheet. */
export const expiryFormStyles = css`
  label {
    display: block;
    font-weight: 600;
  }
  .hint {
    font-size: 0.9375em;
  }
  .field > .row {
    margin-top: 0.5em;
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
  .error:not(:empty) {
    margin-top: 0.5em;
  }
`;
