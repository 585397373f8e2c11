// Registers Cardkeep's elements. The script-tag bundle's entry; the only module with side effects.
import { CardkeepBanner } from './components/banner/banner.js';
import { CardkeepExpiryForm } from './components/expiry-form/expiry-form.js';
import { CardkeepReplaceCard } from './components/replace-card/replace-card.js';

// Each tag is defined only if nothing holds it yet, so a page that loads the bundle twice (or
// the bundle next to an npm build) keeps working: the first definition wins.
for (const [tag, element] of [
  ['cardkeep-expiry-form', CardkeepExpiryForm],
  ['cardkeep-replace-card', CardkeepReplaceCard],
  ['cardkeep-banner', CardkeepBanner],
] as const) {
  if (!customElements.get(tag)) customElements.define(tag, element);
}
