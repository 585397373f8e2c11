// The thank-you after a save. It travels with the forms that show it (the script tag ships it
// in the expiry form's chunk); the banner imports it once a form says the card is saved.
import { html, nothing } from 'lit';
import type { TemplateResult } from 'lit';
import type { CardSummary, PaymentOutcome } from '../../adapter/types.js';
import { methodLabel } from '../../i18n/messages.js';
import { isCard } from '../../protocol/wire.js';
import { formatAmount } from '../../i18n/money.js';
import type { Messages } from '../../i18n/messages.js';
import { keepTogether } from './keep-together.js';

/** Its English strings, for the elements that show it (their `ownMessages`). */
export { enThanks } from '../../i18n/en-thanks.js';

/**
 * How a retried renewal went, in one sentence ("Your payment of ¥1,980 went through."); empty
 * when none was retried.
 */
export function paymentSentence(t: Messages, payment: PaymentOutcome | undefined): string {
  if (!payment) return '';
  const { status, challenge } = payment;
  const amount = paidAmount(t, payment);
  // After the bank's window (3-D Secure on the payment), whose words came with it.
  if (challenge === 'abandoned' || (challenge && status === 'requires_action')) {
    return t.paymentNotConfirmed(amount);
  }
  if (status === 'failed') return t.paymentStillFailed;
  if (challenge && status === 'pending') return t.paymentProcessing;
  if (challenge && status === 'succeeded') return t.paymentConfirmed(amount);
  if (status !== 'succeeded') return '';
  return amount ? t.paymentSucceeded(amount, payment.description) : t.paymentWentThrough;
}

/** The payment is still due after the retry: the shopper may want another card. */
const paymentDue = (payment: PaymentOutcome | undefined): boolean =>
  payment?.status === 'failed' || payment?.challenge === 'abandoned';

/** The amount of a retried payment as shown ("1,980円"); undefined when the backend gave none. */
function paidAmount(t: Messages, payment: PaymentOutcome | undefined): string | undefined {
  return payment?.amount !== undefined && payment.currency
    ? formatAmount(payment.amount, payment.currency, t.locale)
    : undefined;
}

/**
 * What the thank-you says, as `[saved, paid]`: the new expiry (or, for a `replaced` card, that
 * the new card is saved) and how a retried renewal went (empty when none was); then the card's
 * name and month, which stay on one line. The banner's live region says the same words.
 */
export function thanksText(
  t: Messages,
  card: CardSummary,
  payment: PaymentOutcome | undefined,
  replaced: boolean,
) {
  const label = methodLabel(card);
  const month = isCard(card) ? t.expiryMonth(card.expMonth, card.expYear) : '';
  // A replacement by another method (Link…) is named in words, with no expiry.
  const saved = !replaced
    ? t.updatedBody(label, month)
    : isCard(card)
      ? t.replaced(label)
      : t.replacedMethod(label);
  return [saved, paymentSentence(t, payment), label, month] as const;
}

/**
 * The thank-you after a successful update (see thanksText). `offerReplace` is the way to a
 * different card if the retried payment failed again.
 */
export function confirmation(
  t: Messages,
  card: CardSummary,
  payment: PaymentOutcome | undefined,
  offerReplace: () => void,
  replaced = false,
): TemplateResult {
  const failed = paymentDue(payment);
  const [saved, paid, label, month] = thanksText(t, card, payment, replaced);
  // The card, the month and the amount each stay on one line (keep-together.ts).
  return html`<h2 part="title">${t.updatedTitle}</h2>
    <p part="message">${keepTogether(saved, [label, month])}</p>
    ${paid ? html`<p part="payment" class=${failed ? 'error' : nothing}>${keepTogether(paid, [paidAmount(t, payment)])}</p>` : nothing}
    ${
      failed
        ? html`<div class="row">
            <button part="button" data-opens="replace" @click=${offerReplace}>
              ${t.useDifferentCard}
            </button>
          </div>`
        : nothing
    }`;
}
