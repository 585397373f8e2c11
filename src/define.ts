// `cardkeep/define`: registers the banner and the expiry form at once, and the replacement form
// when it is first needed — a `<cardkeep-replace-card>` in the page, "Use a different card", a
// decline or 3-D Secure — so an app's bundler splits it (and Stripe's loader) into a chunk of
// its own, as the script tag does. Japanese messages load the same way (src/i18n/locales.ts).
import { provideHttpAdapter } from './adapter/deferred-http.js';
import { HttpAdapter } from './adapter/http-adapter.js';
import { CardkeepBanner } from './components/banner/banner.js';
import * as bannerForms from './components/banner/banner-forms.js';
import { CardkeepExpiryForm } from './components/expiry-form/expiry-form.js';
import { defineOnce } from './components/shared/define-once.js';
import { defineOnDemand, provideBannerForms } from './lazy.js';

defineOnce([
  ['cardkeep-expiry-form', CardkeepExpiryForm],
  ['cardkeep-banner', CardkeepBanner],
]);
defineOnDemand();
// The banner's views of an open form come with the expiry form, which is registered here: the
// banner opens it in the same task as the click.
provideBannerForms(bannerForms);
// HttpAdapter too, so the elements' first request leaves at once (the script tag loads it with
// the first form: src/adapter/deferred-http.ts).
provideHttpAdapter(HttpAdapter);
