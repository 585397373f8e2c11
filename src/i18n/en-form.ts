import type { FormKey, Messages } from './messages.js';

/** The English strings only the expiry form shows: they load with it, not with every notice. */
export const enForm: Pick<Messages, FormKey> = {
  formTitle: (card) => `New expiry date for your ${card}`,
  formHint: 'It’s printed on your renewed card. The card number stays the same.',
  expiryLabel: 'Expiry date (MM / YY)',
  expiryPlaceholder: 'MM / YY',
  save: 'Save',
  invalid: {
    empty: 'Enter the expiry date printed on your card, as MM / YY.',
    format: 'Enter the date as MM / YY, for example 08 / 29.',
    month: 'The month must be 01–12.',
    past: 'This date has passed — check the new card.',
    too_far: 'That date is too far ahead — check the new card.',
  },
  cardNumberNotNeeded:
    'That looks like a card number, so we cleared it. Just enter the expiry date.',
};
