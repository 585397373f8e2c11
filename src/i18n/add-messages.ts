// Strings that travel with a lazily loaded part, added to the languages: with that part (the
// replacement form's chunk), so the notice's chunk does not carry this.
import { extras, loaded } from './locales.js';
import type { Locale, SomeMessages } from './messages.js';

/**
 * Adds strings that travel with a lazily loaded part (the 3-D Secure payment steps,
 * ./late-messages.ts) to each language, now or when it loads, so every element has them
 * from its next render.
 */
export function addMessages(part: Record<Locale, SomeMessages>): void {
  for (const locale of ['en', 'ja'] as const) {
    extras[locale] = { ...extras[locale], ...part[locale] };
    const have = loaded[locale];
    if (have) loaded[locale] = { ...have, ...(have.locale === locale ? part[locale] : part.en) };
  }
}
