// A wait a caller can give up on, for adapters (the in-memory one waits to act like a network;
// HttpAdapter waits its retry through its own abortable helper): apart from ./abort.ts, which
// every element needs.
import { abortError } from './abort.js';

/** Waits `ms`, or rejects with an AbortError as soon as `signal` aborts (or at once if it has). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError());
    const abort = () => {
      clearTimeout(timer);
      reject(abortError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', abort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', abort, { once: true });
  });
}
