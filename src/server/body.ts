// The one request-body reader: the handler reads a web Request's stream with it, the Node
// adapter an IncomingMessage, the demo server its form posts and the browser tests' plugin its
// control requests. Each is an async iterable of byte chunks.

/**
 * Reads `source` to its end, or stops as soon as it holds more than `limit` bytes and answers
 * null: a larger body is refused however it is sent (declared, chunked, or lying about its
 * length), without being held in memory. Stopping calls the iterator's `return()`: a web
 * stream is cancelled; pass a Node stream as `req.iterator({ destroyOnReturn: false })` and
 * `resume()` it afterwards, so the refusal still reaches a client that is busy sending.
 */
export async function readBody(
  source: AsyncIterable<Uint8Array>,
  limit: number = Number.POSITIVE_INFINITY,
): Promise<Uint8Array | null> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of source) {
    size += chunk.byteLength;
    // Leaving the loop early runs the iterator's return(), which stops the source.
    if (size > limit) return null;
    chunks.push(chunk);
  }
  if (chunks.length === 1) return chunks[0]!;
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The bytes as text, or undefined when they are not UTF-8 (never a guess with U+FFFD). */
export function utf8Text(bytes: Uint8Array): string | undefined {
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}
