// The banner's notices that only some pages need, with their words: a signed link that no
// longer works (or whose card needs nothing), a card saved from a wallet, and a failed payment
// by a method other than a card (Link…). Loaded by the
// banner with import() once it knows it must show one, so the script tag's first files carry
// neither these templates nor their words (src/i18n/link-messages.ts, wallet-messages.ts).
import { html, nothing } from 'lit';
import type { CardOnFile, CardSummary } from '../../adapter/types.js';
import { isCard } from '../../protocol/wire.js';
import { linkMessages } from '../../i18n/link-messages.js';
import type { Locale } from '../../i18n/messages.js';
import { walletMessages, walletName } from '../../i18n/wallet-messages.js';
import { cardLabel, methodName, proseMonth } from '../../i18n/messages.js';
import { keepTogether } from '../shared/keep-together.js';

/** What a page opened from a link says instead of the form: the link's fate, or "all fine". */
export type LinkNotice = 'expired' | 'used' | 'invalid' | 'up_to_date';

/** The link notice a 401's `reason` stands for; undefined for a refusal that is not the link's. */
export function linkNoticeOf(reason: string | undefined): LinkNotice | undefined {
  if (reason === 'expired' || reason === 'used') return reason;
  return reason === 'bad_signature' || reason === 'malformed' ? 'invalid' : undefined;
}

/** The ways forward a link notice can offer (from the read's `link`, docs/protocol.md). */
export interface LinkWays {
  /** Where "Send me a new link" posts; offered only for a genuine link. */
  resend?: string | undefined;
  /** The merchant's sign-in page. */
  loginUrl?: string | undefined;
  /** The link's token, posted to `resend` so the server knows whose link it was. */
  token?: string | null | undefined;
}

/**
 * A dead link's notice (expired, used, not valid) or, for a used link whose card is fine,
 * "your card is up to date". Plain words in a live region, never an expiry field: a "Send me a
 * new link" form (POST, as on the update page) for a genuine link, and "Sign in" when set.
 */
export function linkNotice(
  lang: Locale,
  notice: LinkNotice,
  card: CardSummary | null,
  ways: LinkWays,
) {
  const m = linkMessages[lang];
  const fine = notice === 'up_to_date' && card && isCard(card);
  const units =
    card && isCard(card)
      ? [cardLabel(card.brand, card.last4), proseMonth(lang, card.expMonth, card.expYear)]
      : [];
  const [title, body] = fine
    ? [m.upToDateTitle, m.upToDateBody(units[0]!, units[1]!)]
    : notice === 'expired'
      ? [m.linkExpiredTitle, m.linkExpiredBody]
      : notice === 'used'
        ? [m.linkUsedTitle, m.linkUsedBody]
        : [m.linkInvalidTitle, m.linkInvalidBody];
  // A forged or cut-short link gets only the sign-in way: nothing to resend for.
  const resend =
    !fine && notice !== 'invalid' && ways.resend && ways.token
      ? html`<form method="post" action=${ways.resend}>
          <input type="hidden" name="cardkeep_token" .value=${ways.token} />
          <input type="hidden" name="lang" .value=${lang} />
          <button part="button primary" class="primary">${m.sendNewLink}</button>
        </form>`
      : nothing;
  const signIn =
    !fine && ways.loginUrl
      ? html`<a part="button" class="button" href=${ways.loginUrl}>${m.signIn}</a>`
      : nothing;
  return html`<section part="base" class="stack ${fine ? 'done' : 'expired'}">
    <div class="stack" role=${fine ? 'status' : 'alert'}>
      <h2 part="title">${title}</h2>
      <p part="message">${keepTogether(body, units)}</p>
    </div>
    ${resend === nothing && signIn === nothing ? nothing : html`<div part="actions" class="row">${resend}${signIn}</div>`}
  </section>`;
}

/** A wallet card's message: update it in the wallet, or use a different card here. */
export function walletBody(lang: Locale, card: CardOnFile & { wallet: string }): string {
  return walletMessages[lang].walletBody(
    walletName(card.wallet),
    cardLabel(card.brand, card.last4),
  );
}

/** A failed payment by a method other than a card (`kind` `link`…): pay by card instead. */
export function methodBody(lang: Locale, kind: string): string {
  return walletMessages[lang].methodBody(methodName(kind));
}
