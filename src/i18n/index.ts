// Messages for both languages and how a merchant customises them. An element picks its
// language with `langOf` (src/components/shared/cardkeep-element.ts), which looks through
// shadow roots to the nearest \`lang\`.
import { en } from './en.js';
import { ja } from './ja.js';
import { cardLabel, mergeMessages } from './messages.js';
import type { Locale, MessageOverrides, Messages } from './messages.js';

export { en, ja, cardLabel, mergeMessages };
export type { Locale, MessageOverrides, Messages };
