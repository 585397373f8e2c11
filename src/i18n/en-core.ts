import { proseMonth, waitIn } from './messages.js';
import type { Messages, LateKey, ReplaceKey } from './messages.js';

/**
 * English messages, but for the replacement form's own (./en-replace.ts, which travel with that
 * form) and the 3-D Secure payment steps' (./en-payment.ts, which travel with Stripe.js's
 * helpers): what every element needs, always in the script tag's elements chunk.
 */
export const enCore: Omit<Messages, ReplaceKey | LateKey> = {
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
  updatedTitle: 'Thank you — your card is up to date',
  updatedBody: (card, expiry) => `Your ${card} is now valid through ${expiry}.`,
  paymentSucceeded: (amount, description) =>
    description
      ? `Your payment of ${amount} for ${description} went through.`
      : `Your payment of ${amount} went through.`,
  paymentStillFailed:
    'The payment still didn’t go through. Your bank may have issued a new card number — try a different card.',
  formTitle: (card) => `New expiry date for your ${card}`,
  formHint: 'It’s printed on your renewed card. The card number stays the same.',
  expiryLabel: 'Expiry date (MM / YY)',
  expiryPlaceholder: 'MM / YY',
  save: 'Save',
  saving: 'Saving…',
  cancel: 'Cancel',
  tryAgain: 'Try again',
  invalid: {
    empty: 'Enter the expiry date printed on your card, as MM / YY.',
    format: 'Enter the date as MM / YY, for example 08 / 29.',
    month: 'The month must be 01–12.',
    past: 'This date has passed — check the new card.',
    too_far: 'That date is too far ahead — check the new card.',
  },
  cardNumberNotNeeded:
    'That looks like a card number, so we cleared it. Just enter the expiry date.',
  errors: {
    network: 'We couldn’t reach the shop. Check your connection and try again.',
    timeout: 'The shop is taking too long to answer. Please try again.',
    unauthorized:
      'This link has expired or was already used. Please sign in to your account to update your card.',
    invalid_expiry: 'The shop didn’t accept this date. Check the expiry date on your new card.',
    card_declined:
      'Your bank declined this card. It may have issued you a new card number — use the new card instead.',
    rate_limited: 'Too many attempts. Please wait a moment, then try again.',
    server: 'Something went wrong on our side. Please try again.',
  },
  rateLimitedFor: (seconds) => {
    const { unit, value } = waitIn(seconds);
    const wait = new Intl.NumberFormat('en', { style: 'unit', unit, unitDisplay: 'long' });
    return `Too many attempts. Please try again in ${wait.format(value)}.`;
  },
  replaced: (card) => `Your new ${card} is saved.`,
  authenticating: 'Please confirm with your bank to finish.',
  authFailed: 'Your bank couldn’t confirm the card. Try again, or use a different card.',
  close: 'Close',
  paymentWentThrough: 'Your payment went through.',
};
