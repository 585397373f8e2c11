import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { isAbort } from '../../core/abort.js';
import type { CardkeepError } from '../../core/errors.js';

/**
 * Where one asynchronous job of an element is, as one value: a result exists only on success,
 * an error only on failure, and a `step` (e.g. `authenticating`) only while pending or, as the
 * step it failed at, with the error.
 */
export type AsyncState<T, S = never> =
  | { readonly status: 'idle' }
  | { readonly status: 'pending'; readonly step?: S | undefined }
  | { readonly status: 'success'; readonly value: T }
  | { readonly status: 'error'; readonly error: CardkeepError; readonly step?: S | undefined };

/** What a job receives: the signal of its call and a way to say which step it has reached. */
export interface AsyncCall<S> {
  readonly signal: AbortSignal;
  /** Moves the pending state to `step`; does nothing once the call is stale. */
  step(step: S): void;
}

/** The state before the first job, and after an abandoned one. */
export const IDLE = { status: 'idle' } as const;

/**
 * Runs one job at a time for a Lit element (the shape of `@lit/task`, a few hundred bytes
 * smaller): starting a job aborts the one before, a stale job's result or error is dropped,
 * an abort is no failure, and the host re-renders on every change. Disconnecting the host
 * aborts the job in flight.
 *
 * `report` turns what a job threw into the CardkeepError the state keeps (elements fire
 * `cardkeep-error` there); it is called only for the latest job, and never for an abort.
 */
export class AsyncController<T, S = never> implements ReactiveController {
  /** The current state; replaced, never mutated. */
  state: AsyncState<T, S> = IDLE;
  readonly #host: ReactiveControllerHost;
  readonly #report: (error: unknown) => CardkeepError;
  #call: AbortController | undefined;

  constructor(host: ReactiveControllerHost, report: (error: unknown) => CardkeepError) {
    this.#host = host;
    this.#report = report;
    host.addController(this);
  }

  /**
   * Starts `job`, abandoning the one in flight. Resolves once it settled with the state it
   * left, or with `undefined` when it was abandoned (then someone else owns the state).
   */
  async run(job: (call: AsyncCall<S>) => Promise<T>): Promise<AsyncState<T, S> | undefined> {
    this.#call?.abort();
    const call = (this.#call = new AbortController());
    // Only the latest call may change the state; an abandoned one has no say.
    // Only the latest call may change the state; an abandoned one has no say.
    const settle = (state: AsyncState<T, S>) =>
      this.#call === call ? this.#set(state) : undefined;
    let step: S | undefined;
    settle({ status: 'pending' });
    try {
      const value = await job({
        signal: call.signal,
        step: (next) => settle({ status: 'pending', step: (step = next) }),
      });
      return settle({ status: 'success', value });
    } catch (error) {
      // An AbortError we did not cause (the adapter gave up by itself) is no failure either;
      // only the latest call's failure is reported.
      if (this.#call !== call) return undefined;
      return settle(isAbort(error) ? IDLE : { status: 'error', error: this.#report(error), step });
    }
  }

  /**
   * Abandons the job in flight (its outcome is dropped) and puts `state` in place; without
   * one, a pending state becomes idle and a settled one stays.
   */
  reset(state?: AsyncState<T, S>): void {
    this.#call?.abort();
    this.#call = undefined;
    if (state || this.state.status === 'pending') this.#set(state ?? IDLE);
  }

  /** Puts `state` in place and asks the host to render it. */
  #set(state: AsyncState<T, S>): AsyncState<T, S> {
    this.state = state;
    this.#host.requestUpdate();
    return state;
  }

  hostDisconnected(): void {
    this.reset();
  }
}
