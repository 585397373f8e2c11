import type { Messages, ReplaceKey } from './messages.js';

/** The English strings only the replacement form shows: they load with it, not with every notice. */
export const enReplace: Pick<Messages, ReplaceKey> = {
  replaceTitle: 'Use a different card',
  replaceIntro:
    'Your card details go straight to Stripe, our payment provider, through a secure form. We never see the full number.',
  replaceLoading: 'Loading the secure card form…',
  replaceLoadFailed:
    'The secure card form couldn’t load. Check your connection or browser settings and try again.',
  replaceFallback: 'Update your card on our account page',
  saveCard: 'Save card',
};
