import { enCore } from './en-core.js';
import { enReplace } from './en-replace.js';
import type { Messages } from './messages.js';
import { lateMessages } from './late-messages.js';

/** English messages, complete (the elements load them in parts: en-core.ts, en-replace.ts, late-messages.ts). */
export const en: Messages = { ...enCore, ...enReplace, ...lateMessages.en };
