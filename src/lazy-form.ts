// The expiry form, loaded when it is first needed: a shopper opens it from the banner, or the
// page has a `<cardkeep-expiry-form>` of its own. The notice itself never waits for it.
import { CardkeepExpiryForm } from './components/expiry-form/expiry-form.js';
import { defineOnce } from './components/shared/define-once.js';

defineOnce([['cardkeep-expiry-form', CardkeepExpiryForm]]);
