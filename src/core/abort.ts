// How a Cardkeep call ends when its caller gave up: the platform's own AbortError (what fetch
// rejects with), so one check recognises ours and the browser's alike.

/** The AbortError a call rejects with once its signal aborts. */
export const abortError = (): DOMException =>
  new DOMException('The call was aborted.', 'AbortError');

/** True for an AbortError: the caller gave up, nothing failed. */
export function isAbort(error: unknown): boolean {
  return (error as Error | null)?.name === 'AbortError';
}
