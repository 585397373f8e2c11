import { proseMonth } from './messages.js';
import type { FormKey, FormsKey, LateKey, Messages, ReplaceKey, ThanksKey } from './messages.js';

/**
 * English messages, but for the two forms' own and the thank-you's (./en-form.ts,
 * ./en-replace.ts, ./en-forms.ts, ./en-thanks.ts, which travel with them) and the 3-D Secure payment steps'
 * (./late-messages.ts, which travel with Stripe.js's helpers): what every notice needs, in the
 * script tag's UI chunk.
 */
export const enCore: Omit<
  Messages,
  FormKey | FormsKey | ReplaceKey | ThanksKey | LateKey | 'errors'
> & {
  errors: Pick<Messages['errors'], 'network'>;
} = {
  locale: 'en',
  greeting: (name) => `Hi ${name},`,
  customerSince: (year) => `Thank you for being with us since ${year}.`,
  expiredTitle: 'Your card has expired',
  expiryMonth: (month, year) => proseMonth('en', month, year),
  expiredBody: (card, expiry) =>
    `Your ${card} expired in ${expiry}. If your bank sent you a new one with the same number, just enter its new expiry date.`,
  paymentFailedTitle: 'We couldn’t take your last payment',
  paymentFailedBody: (card, expiry, expired) =>
    expired
      ? `We couldn’t charge your ${card}: it expired in ${expiry}. Enter the new card’s expiry date and we’ll try again.`
      : `We couldn’t charge your ${card}. If your bank sent you a renewed card, enter its new expiry date and we’ll try again.`,
  expiringTitle: 'Your card expires soon',
  expiringBody: (card, expiry) =>
    `Your ${card} expires in ${expiry}. When the new card arrives, enter its expiry date here.`,
  updateExpiry: 'Update expiry date',
  useDifferentCard: 'Use a different card',
  remindLater: 'Remind me later',
  // The notice's own error (a form's code could not be loaded); the forms bring the others.
  errors: { network: 'We couldn’t reach the shop. Check your connection and try again.' },
};
