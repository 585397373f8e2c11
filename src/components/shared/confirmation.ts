import { html, nothing } from 'lit';
import type { TemplateResult } from 'lit';
import type { CardSummary, PaymentOutcome } from '../../adapter/types.js';
import { isExpired } from '../../core/calendar.js';
import { cardLabel } from '../../i18n/messages.js';
import type { Messages } from '../../i18n/messages.js';
import { keepTogether } from './keep-together.js';

/**
 * An amount in the currency's smallest unit (Stripe's convention) as the shopper reads it:
 * 198000 JPY is ¥198,000 and 1999 USD is $19.99. Intl knows which currencies have no minor
 * unit. Undefined when the currency code is not one Intl knows.
 */
export function formatAmount(amount: number, currency: string, locale: string): string | undefined {
  try {
    const code = currency.toUpperCase();
    // A Japanese shop writes yen as 1,980円, not ￥1,980 (Intl's symbol form).
    const format = new Intl.NumberFormat(locale, {
      style: 'currency',
      currency: code,
      ...(locale === 'ja' && code === 'JPY' ? { currencyDisplay: 'name' } : {}),
    });
    return format.format(amount / 10 ** (format.resolvedOptions().maximumFractionDigits ?? 2));
  } catch {
    return undefined;
  }
}

/**
 * "Visa •••• 4242", its expiry as prose ("March 2025", 2025年3月) and whether that has passed
 * by `now`: the arguments of the notice and thank-you messages, in their order.
 */
export function describe(
  t: Pick<Messages, 'expiryMonth'>,
  card: { brand: string; last4: string; expMonth: number; expYear: number },
  now: Date = new Date(),
) {
  return [
    cardLabel(card.brand, card.last4),
    t.expiryMonth(card.expMonth, card.expYear),
    isExpired(card.expMonth, card.expYear, now),
  ] as const;
}

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
  const label = cardLabel(card.brand, card.last4);
  const month = t.expiryMonth(card.expMonth, card.expYear);
  // The card, the month and the amount each stay on one line (keep-together.ts).
  return html`<h2 part="title">${t.updatedTitle}</h2>
    <p part="message">
      ${keepTogether(replaced ? t.replaced(label) : t.updatedBody(label, month), [label, month])}
    </p>
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
