// `cardkeep/define` for bundlers: the banner and the expiry form are registered at once, the
// replacement form (with Stripe's loader) only when the page has one, as the script tag does.
import '../support/setup.js';
import { expect } from '@open-wc/testing';
import '../../src/define.js';

describe('cardkeep/define', () => {
  it('registers the banner and the form at once, the replacement form when one appears', async () => {
    expect(customElements.get('cardkeep-banner')).to.be.a('function');
    expect(customElements.get('cardkeep-expiry-form')).to.be.a('function');
    expect(customElements.get('cardkeep-replace-card')).to.equal(undefined);
    const holder = document.createElement('div');
    holder.innerHTML = '<section><cardkeep-replace-card></cardkeep-replace-card></section>';
    document.body.append(holder);
    try {
      await customElements.whenDefined('cardkeep-replace-card');
      const element = holder.querySelector('cardkeep-replace-card')!;
      expect(element.shadowRoot, 'the element in the page upgraded').to.not.equal(null);
    } finally {
      holder.remove();
    }
  });
});
