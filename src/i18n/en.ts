import { enCore } from './en-core.js';
import { enForm } from './en-form.js';
import { enForms } from './en-forms.js';
import { enReplace } from './en-replace.js';
import { enThanks } from './en-thanks.js';
import type { Messages } from './messages.js';
import { lateMessages } from './late-messages.js';

/**
 * English messages, complete (the elements load them in parts: en-core.ts, en-form.ts, en-forms.ts,
 * en-replace.ts, en-thanks.ts, late-messages.ts).
 */
export const en: Messages = {
  ...enCore,
  ...enForm,
  ...enForms,
  ...enReplace,
  ...enThanks,
  ...lateMessages.en,
  errors: { ...enCore.errors, ...enForms.errors },
};
