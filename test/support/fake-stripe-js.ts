// A stand-in for the browser's Stripe object (what `loadStripe` resolves to): it records every
// call and answers from scripts the test sets, so browser tests step through the replacement
// and 3-D Secure flows without Stripe's servers. Like the real Payment Element, it puts an
// iframe into the node it mounts on, and refuses a node inside a shadow root (Stripe throws
// "Elements cannot be mounted in a ShadowRoot. Please mount in the Light DOM.").
import type { Stripe, StripeError } from '@stripe/stripe-js';
import type { StripeLoader } from '../../src/stripe/loader.js';

/** One call to the stand-in: the method's dotted name and its arguments. */
export interface StripeCall {
  method: string;
  args: unknown[];
}

/** What an answer may be: a value now, or a promise the test settles by hand. */
type Answer<T> = T | Promise<T>;

type SubmitResult = { error?: StripeError };
type SetupResult =
  { setupIntent: { id: string; status: string }; error?: undefined } | { error: StripeError };

/** A promise with its resolve and reject exposed, to hold a call until the test lets it go. */
export function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** A Stripe.js error as `confirmSetup` and friends resolve with it. */
export function stripeError(
  type: StripeError['type'],
  message: string,
  extra: Partial<StripeError> = {},
): StripeError {
  return { type, message, ...extra } as StripeError;
}

/** The id part of a SetupIntent client secret. */
const idOf = (clientSecret: string) => clientSecret.split('_secret_')[0]!;

/** A scripted stand-in for the Stripe object. */
export class FakeStripe {
  /** Every call, in order. */
  readonly calls: StripeCall[] = [];
  /** Publishable keys the loader was asked for. */
  readonly loads: string[] = [];
  /** How the Payment Element behaves once mounted: gets ready, fails to load, or stays silent. */
  element: 'ready' | 'loaderror' | 'silent' = 'ready';
  /** Answers for `elements.submit()`, used in order; `{}` (valid) once empty. */
  readonly submitResults: Answer<SubmitResult>[] = [];
  /** Answers for `confirmSetup`, in order; success for the elements' SetupIntent once empty. */
  readonly confirmResults: Answer<SetupResult>[] = [];
  /** Answers for `handleNextAction`, in order; success once empty. */
  readonly nextActionResults: Answer<SetupResult>[] = [];
  /** Answers for `retrieveSetupIntent`, in order; a succeeded SetupIntent once empty. */
  readonly retrieveResults: Answer<SetupResult>[] = [];
  /** The node the Payment Element is mounted on, while it is. */
  mountedOn: HTMLElement | undefined;

  #clientSecret = '';
  #handlers = new Map<string, (event: unknown) => void>();

  /** The names of the calls made so far. */
  get methods(): string[] {
    return this.calls.map((call) => call.method);
  }

  /** A loader to inject (`stripeLoader` property or `setStripeLoader`). */
  readonly loader: StripeLoader = (publishableKey) => {
    this.loads.push(publishableKey);
    return Promise.resolve(this.stripe);
  };

  /** The object Stripe.js would give (the same one every time, like Stripe's). */
  get stripe(): Stripe {
    return (this.#stripe ??= this.#create());
  }

  #stripe: Stripe | undefined;

  #create(): Stripe {
    const record = (method: string, ...args: unknown[]) => this.calls.push({ method, args });
    const paymentElement = {
      mount: (node: HTMLElement) => {
        record('paymentElement.mount', node);
        if (node.getRootNode() !== node.ownerDocument) {
          throw new Error(
            'Elements cannot be mounted in a ShadowRoot. Please mount in the Light DOM.',
          );
        }
        const frame = document.createElement('iframe');
        frame.title = 'Secure payment input frame';
        node.append(frame);
        this.mountedOn = node;
        setTimeout(() => {
          if (this.element === 'ready') this.#emit('ready', { elementType: 'payment' });
          if (this.element === 'loaderror') {
            this.#emit('loaderror', {
              elementType: 'payment',
              error: stripeError('invalid_request_error', 'No such setupintent'),
            });
          }
        });
      },
      on: (event: string, handler: (event: unknown) => void) => {
        this.#handlers.set(event, handler);
        return paymentElement;
      },
      destroy: () => {
        record('paymentElement.destroy');
        this.mountedOn?.replaceChildren();
        this.mountedOn = undefined;
        this.#handlers.clear();
      },
      focus: () => record('paymentElement.focus'),
    };
    const elements = {
      create: (type: string, options?: unknown) => {
        record('elements.create', type, options);
        return paymentElement;
      },
      submit: () => {
        record('elements.submit');
        return Promise.resolve(this.submitResults.shift() ?? {});
      },
    };
    const stripe = {
      elements: (options: { clientSecret: string }) => {
        record('elements', options);
        this.#clientSecret = options.clientSecret;
        return elements;
      },
      confirmSetup: (options: unknown) => {
        record('confirmSetup', options);
        return Promise.resolve(
          this.confirmResults.shift() ?? {
            setupIntent: { id: idOf(this.#clientSecret), status: 'succeeded' },
          },
        );
      },
      retrieveSetupIntent: (clientSecret: string) => {
        record('retrieveSetupIntent', clientSecret);
        return Promise.resolve(
          this.retrieveResults.shift() ?? {
            setupIntent: { id: idOf(clientSecret), status: 'succeeded' },
          },
        );
      },
      handleNextAction: (options: { clientSecret: string }) => {
        record('handleNextAction', options);
        return Promise.resolve(
          this.nextActionResults.shift() ?? {
            setupIntent: { id: idOf(options.clientSecret), status: 'succeeded' },
          },
        );
      },
    };
    return stripe as unknown as Stripe;
  }

  #emit(event: string, detail: unknown) {
    this.#handlers.get(event)?.(detail);
  }
}
