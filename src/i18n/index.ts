// Messages for both languages and how a merchant customises them. An element picks its
// language with `langOf` (src/components/shared/cardkeep-element.ts), which looks through
// shadow roots to the nearest \`lang\`.
import { en } from './en.js';
import { ja as jaLoaded } from './ja.js';
import { lateMessages } from './late-messages.js';
import { errorText } from './error-text.js';
import { cardLabel, greetingNameFor } from './messages.js';
import { mergeMessages } from './merge-messages.js';
import type { Locale, MessageOverrides, Messages } from './messages.js';

/** Japanese messages, complete (the elements load the 3-D Secure payment steps' with Stripe.js's helpers). */
const ja: Messages = { ...jaLoaded, ...lateMessages.ja };

export { en, ja, cardLabel, errorText, greetingNameFor, mergeMessages };
export type { Locale, MessageOverrides, Messages };
