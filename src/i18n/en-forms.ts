import { waitIn } from './messages.js';
import type { FormsKey, Messages } from './messages.js';

/**
 * The English strings both forms show and the notice does not: they load with the forms (the
 * elements' `ownMessages`), not with every notice. The banner has them once a form is open.
 */
export const enForms: Pick<Messages, FormsKey> = {
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
};
