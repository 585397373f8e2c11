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
 * The thank-you after a successful update: the new expiry (or, for a `replaced` card, that the
 * new card is saved) and, when a failed renewal was retried, how that went. `offerReplace` is
 * the way to a different card if it failed again.
 */
export function confirmation(
  t: Messages,
  card: CardSummary,
  payment: PaymentOutcome | undefined,
  offerReplace: () => void,
  replaced = false,
): TemplateResult {
  const failed = paymentDue(payment);
  const paid = paymentSentence(t, payment);
  const label = methodLabel(card);
  const month = isCard(card) ? t.expiryMonth(card.expMonth, card.expYear) : '';
  // A replacement by another method (Link…) is named in words, with no expiry.
  const saved = !replaced
    ? t.updatedBody(label, month)
    : isCard(card)
      ? t.replaced(label)
      : t.replacedMethod(label);
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
