import type { Messages, ThanksKey } from './messages.js';

/**
 * The English strings of the thank-you after a save: they travel with it (the forms, and the
 * banner once a form has saved; src/components/shared/confirmation.ts), not with every notice.
 */
export const enThanks: Pick<Messages, ThanksKey> = {
  updatedTitle: 'Thank you — your card is up to date',
  updatedBody: (card, expiry) => `Your ${card} is now valid through ${expiry}.`,
  paymentSucceeded: (amount, description) =>
    description
      ? `Your payment of ${amount} for ${description} went through.`
      : `Your payment of ${amount} went through.`,
  paymentStillFailed:
    'The payment still didn’t go through. Your bank may have issued a new card number — try a different card.',
  replaced: (card) => `Your new ${card} is saved.`,
  close: 'Close',
  paymentWentThrough: 'Your payment went through.',
};
