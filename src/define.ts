// `cardkeep/define`: registers all three elements at once. (The script-tag bundle's entry is
// src/script-tag.ts, which loads the replacement form on first use.)
import { CardkeepBanner } from './components/banner/banner.js';
import { CardkeepExpiryForm } from './components/expiry-form/expiry-form.js';
import { CardkeepReplaceCard } from './components/replace-card/replace-card.js';
import { defineOnce } from './components/shared/define-once.js';

defineOnce([
  ['cardkeep-expiry-form', CardkeepExpiryForm],
  ['cardkeep-replace-card', CardkeepReplaceCard],
  ['cardkeep-banner', CardkeepBanner],
]);
