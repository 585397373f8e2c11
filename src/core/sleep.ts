// Waits a caller can give up on, for the adapters (the in-memory one waits to act like a network;
// HttpAdapter before a retry, and for the answer the script tag handed over): apart from
// ./abort.ts, which every element needs.
import { abortError } from './abort.js';

/**
 * Settles as `promise` does, or rejects with an AbortError as soon as `signal` aborts (at once if
 * it has), as fetch would; `stop` then ends what `promise` waited for (a timer). The listener
 * goes once it has settled either way.
 */
export function abortable<T>(
  promise: Promise<T>,
  signal?: AbortSignal,
  stop?: () => void,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const abort = () => {
      stop?.();
      reject(abortError());
    };
    if (signal?.aborted) abort();
    signal?.addEventListener('abort', abort);
    promise.then(resolve, reject).finally(() => signal?.removeEventListener('abort', abort));
  });
}

/** Waits `ms`, or rejects with an AbortError as soon as `signal` aborts (or at once if it has). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return abortable(new Promise<void>((resolve) => (timer = setTimeout(resolve, ms))), signal, () =>
    clearTimeout(timer),
  );
}
