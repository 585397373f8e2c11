// What the widget loads only when a shopper needs it: the full replacement form (registered
// here under its tag) and the Stripe.js helpers used by it and by 3-D Secure.
import { CardkeepReplaceCard } from './components/replace-card/replace-card.js';
import { defineOnce } from './components/shared/define-once.js';
import { addMessages } from './i18n/add-messages.js';
import { lateMessages } from './i18n/late-messages.js';

export { CardkeepReplaceCard };
export { finishBankSteps } from './stripe/loader.js';
export { pageStripeJs } from './stripe/page-stripe.js';

defineOnce([['cardkeep-replace-card', CardkeepReplaceCard]]);
// The words of a renewal payment the bank wants confirmed come with the code that confirms it.
addMessages(lateMessages);
