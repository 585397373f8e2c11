import { css } from 'lit';

/**
 * Styles of `<cardkeep-replace-card>`, over the shared base sheet (a disabled button is styled
 * here, not there: the banner's notice has none).
 */
export const replaceCardStyles = css`
  [hidden] {
    display: none !important;
  }
  button:disabled {
    cursor: default;
    opacity: 0.6;
  }
  /* Busy is said by aria-busy and the status line; fading the button would fail contrast. */
  button[aria-busy='true'] {
    opacity: 1;
    cursor: progress;
  }
  .payment {
    min-height: 3rem;
  }
  /* Stripe's frame lives in the light DOM, where the page's CSS reaches it. An !important
     declaration from a shadow tree beats the page's, even the page's own !important. */
  ::slotted(*) {
    all: initial !important;
    display: block !important;
  }
  a {
    color: var(--_accent);
    min-height: 2.75rem;
    display: inline-flex;
    align-items: center;
  }
  /* Live regions stay in the accessibility tree (else their first message may go unheard),
     but an empty one takes no room in the layout. */
  [role]:empty {
    position: absolute;
  }
`;
