// Stripe's Payment Element for <cardkeep-replace-card>: where its frame goes (Stripe refuses to
// mount inside a shadow root), how it is themed, and the wait until it is ready.
import type { Appearance, StripeElements, StripePaymentElement } from '@stripe/stripe-js';
import { CardkeepError } from '../../core/errors.js';
import type { Stripe, StripeError } from '../../stripe/loader.js';

/** The slot Stripe's frame is shown through; forward it when you nest the element. */
export const SLOT = 'payment-element';
/** How long Stripe's frame may take to say it is ready before we call it a failed load. */
const READY_TIMEOUT = 20_000;

/** A Payment Element mounted for one setup session. */
export interface StripeFrame {
  stripe: Stripe;
  elements: StripeElements;
  /** Resolves once Stripe says the frame is ready; rejects with a CardkeepError otherwise. */
  ready: Promise<void>;
  /** Removes the frame and its light-DOM container. */
  destroy(): void;
}

/**
 * Where the frame's light-DOM container goes: our own child, or — through slots forwarded by
 * the shadow roots we sit in — the document-level host's, with the slot name to take there.
 */
function mountPoint(host: Element): [Element, string] {
  let slot = SLOT;
  for (let root = host.getRootNode(); root instanceof ShadowRoot; root = host.getRootNode()) {
    const forward = host.querySelector<HTMLSlotElement>(`:scope > slot[slot="${slot}"]`);
    if (!forward) break;
    slot = forward.name;
    host = root.host;
  }
  return [host, slot];
}

/** `host`'s theme, in the terms of Stripe's Appearance API (its frame cannot see our CSS). */
function appearanceOf(host: Element): Appearance {
  const style = getComputedStyle(host);
  const read = (name: string) => style.getPropertyValue(name).trim();
  const variables = Object.fromEntries(
    Object.entries({
      colorPrimary: read('--_accent'),
      colorDanger: read('--_danger'),
      colorText: style.color,
      colorBackground: read('--cardkeep-color-surface'),
      borderRadius: read('--_radius'),
    }).filter(([, value]) => value),
  );
  return { variables };
}

/**
 * Mounts a Payment Element for `clientSecret` where `host` can show it, themed like `host`.
 * The frame is returned at once (so an owner giving up can destroy it); wait on `ready`.
 */
export function mountStripeFrame(
  host: HTMLElement,
  stripe: Stripe,
  clientSecret: string,
  locale: 'en' | 'ja',
): StripeFrame {
  const elements = stripe.elements({ clientSecret, appearance: appearanceOf(host), locale });
  const payment: StripePaymentElement = elements.create('payment');
  const [parent, slot] = mountPoint(host);
  const mount = document.createElement('div');
  mount.slot = slot;
  parent.append(mount);
  const destroy = () => {
    payment.destroy();
    mount.remove();
  };
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new CardkeepError('timeout', 'Stripe’s form did not get ready')),
      READY_TIMEOUT,
    );
    const settle = (error?: StripeError) => {
      clearTimeout(timer);
      if (error) reject(new CardkeepError('network', error.message, { cause: error }));
      else resolve();
    };
    payment.on('ready', () => settle());
    payment.on('loaderror', (event) => settle(event.error));
    try {
      payment.mount(mount);
    } catch (error) {
      clearTimeout(timer);
      reject(error);
    }
  });
  return { stripe, elements, ready, destroy };
}
