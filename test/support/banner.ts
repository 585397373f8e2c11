// A <cardkeep-banner> walked by hand: mounted in a wrapper of the given language, on the test
// calendar, with a FakeAdapter whose first getCard is answered as the test says.
import { waitUntil } from '@open-wc/testing';
import type { CardkeepBanner } from '../../src/components/banner/banner.js';
import type { CardSummary } from '../../src/adapter/types.js';
import { CardkeepError } from '../../src/core/errors.js';
import { testClock } from './clock.js';
import { FakeAdapter } from './fake-adapter.js';

/**
 * Mounts a banner with a FakeAdapter, in a wrapper of language `lang`, on the test calendar;
 * its first getCard is left for the test to answer. The wrapper goes into `mounted`, for the
 * test's afterEach to remove.
 */
export function mountBanner({ lang = 'en', mounted }: { lang?: string; mounted: Element[] }): {
  el: CardkeepBanner;
  adapter: FakeAdapter;
} {
  const adapter = new FakeAdapter();
  const wrapper = document.createElement('div');
  wrapper.lang = lang;
  document.body.append(wrapper);
  mounted.push(wrapper);
  wrapper.innerHTML = '<cardkeep-banner></cardkeep-banner>';
  const el = wrapper.firstElementChild as CardkeepBanner;
  el.adapter = adapter;
  el.now = testClock();
  return { el, adapter };
}

/**
 * Mounts a banner (as {@link mountBanner}) whose getCard resolves with `answer` (or rejects with
 * it, for an error) and resolves once its heading is shown.
 */
export async function bannerAnswering(
  answer: CardSummary | null | CardkeepError,
  options: { lang?: string; mounted: Element[] },
): Promise<{ el: CardkeepBanner; adapter: FakeAdapter }> {
  const { el, adapter } = mountBanner(options);
  const call = await adapter.next('getCard');
  if (answer instanceof CardkeepError) call.reject(answer);
  else call.resolve(answer);
  await waitUntil(
    () => getComputedStyle(el).display !== 'none' && el.shadowRoot!.querySelector('h2'),
    'the banner shows its notice',
  );
  await el.updateComplete;
  return { el, adapter };
}
