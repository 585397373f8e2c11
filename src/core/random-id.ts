// Random ids for things the protocol hands out (SetupIntents and cards of the in-memory
// backend, attempt keys). Letters only: an id that happened to hold twelve digits in a row
// would look like a card number to anyone scanning for one (the adapter contract does), and
// hex does that about 2 % of the time at 24 characters.

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz';
// The largest multiple of 26 a byte can hold; bytes at or above it are drawn again, so every
// letter is equally likely.
const UNBIASED_BELOW = 256 - (256 % ALPHABET.length);

/**
 * `length` random lowercase letters (4.7 bits each: the default 26 give 122 bits, as much as a
 * UUID). Web Crypto only, so it runs in browsers (plain http pages included) and in Node.
 */
export function randomId(length = 26): string {
  let id = '';
  while (id.length < length) {
    // getRandomValues gives at most 65 536 bytes a call.
    const bytes = new Uint8Array(Math.min(length - id.length + 4, 65_536));
    for (const byte of globalThis.crypto.getRandomValues(bytes)) {
      if (byte < UNBIASED_BELOW && id.length < length) id += ALPHABET[byte % ALPHABET.length];
    }
  }
  return id;
}
