import { css } from 'lit';

/**
 * Styles of `<cardkeep-banner>`, over the shared base sheet. `a.button`: "Sign in" on a dead
 * link's notice is a way forward like "Send me a new link" beside it, so it looks like a button
 * in the accent, never like the browser's default blue link; in a narrow box both stack at full
 * width, as the notice's own buttons do.
 */
export const bannerStyles = css`
  :host(:state(quiet)) {
    display: none;
  }
  section {
    --_tone: var(--cardkeep-color-warning, #9a6700);
    padding: var(--_space);
    border: 1px solid var(--cardkeep-color-banner-border, #d0d7de);
    border-inline-start: 0.375rem solid var(--_tone);
    border-radius: var(--_radius);
    background: var(--cardkeep-color-surface, #fff);
  }
  .expired,
  .payment_failed {
    --_tone: var(--_danger);
  }
  .done {
    --_tone: var(--cardkeep-color-success, #1a7f37);
  }
  /* The notice right above already names the card: "New expiry date for your Visa •••• 4242"
     would only repeat it and push the field down. On its own the form still shows it. */
  cardkeep-expiry-form::part(card) {
    display: none;
  }
  a.button {
    display: inline-flex;
    align-items: center;
    min-height: 2.75rem;
    padding: 0.5em 1.1em;
    border: 1px solid var(--_accent);
    border-radius: var(--_radius);
    color: var(--_accent);
    justify-content: center;
    font-weight: 600;
    text-decoration: none;
  }
  @container (max-width: 26rem) {
    .row > form,
    .row > a.button,
    .row > form > button {
      flex: 1 1 100%;
      width: 100%;
    }
  }
  /* The live region: read by screen readers, not shown (the thank-you shows the same words). */
  :host > .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
`;
