import { waitIn } from './messages.js';
import type { FormsKey, Messages } from './messages.js';

/**
 * The English strings both forms show and the notice does not: they load with the forms (the
 * elements' `ownMessages`), not with every notice. The banner has them once a form is open.
 */
export const enForms: Pick<Messages, FormsKey> & {
  errors: Omit<Messages['errors'], 'network'>;
} = {
  saving: 'Saving…',
  cancel: 'Cancel',
  tryAgain: 'Try again',
  rateLimitedFor: (seconds) => {
    const { unit, value } = waitIn(seconds);
    const wait = new Intl.NumberFormat('en', { style: 'unit', unit, unitDisplay: 'long' });
    return `Too many attempts. Please try again in ${wait.format(value)}.`;
  },
  authenticating: 'Please confirm with your bank to finish.',
  authFailed: 'Your bank couldn’t confirm the card. Try again, or use a different card.',
  // What a form says about a failed call; `network` is the notice's too (./en-core.ts).
  errors: {
    timeout: 'The shop is taking too long to answer. Please try again.',
    unauthorized:
      'This link has expired or was already used. Please sign in to your account to update your card.',
    invalid_expiry: 'The shop didn’t accept this date. Check the expiry date on your new card.',
    card_declined:
      'Your bank declined this card. It may have issued you a new card number — use the new card instead.',
    rate_limited: 'Too many attempts. Please wait a moment, then try again.',
    server: 'Something went wrong on our side. Please try again.',
  },
};
