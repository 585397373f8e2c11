/**
 * `bytes` random bytes as lowercase hex (default 16: 128 bits, an Idempotency-Key). Uses
 * `crypto.getRandomValues`, which, unlike `randomUUID`, also works on plain-http pages.
 */
export const randomId = (bytes = 16): string =>
  Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) =>
    b.toString(16).padStart(2, '0'),
  ).join('');
