// The request-body reader for async iterables of byte chunks: the handler reads a web Request's
// stream with it, the demo server its form posts and the browser tests' plugin its control
// requests. (The Node adapter reads its IncomingMessage with plain events: node.ts says why.)
// And how a write's body becomes the JSON object its route parses.
import { badRequest, HttpError } from './http-error.js';
import type { JsonObject } from './validate.js';

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

/** How {@link readJsonBody} reads. */
export interface JsonBodyOptions {
  /** Largest accepted body in bytes. */
  limit: number;
  /** The body may be left out (and then so may the Content-Type): answer `{}`. */
  optional: boolean;
  /** The body as text, when a host adapter has already read it. */
  known?: string | undefined;
}

/**
 * A write's body as a JSON object, read once and at most `limit` bytes. Only JSON, so a
 * cross-site HTML form (which can send cookies but never this type without a CORS preflight,
 * which we do not answer) cannot write. Throws the 415, 413 or 400 to answer with.
 */
export async function readJsonBody(
  request: Request,
  options: JsonBodyOptions,
): Promise<JsonObject> {
  const { limit, optional, known } = options;
  const type = request.headers.get('content-type');
  const isJson = type?.split(';')[0]!.trim().toLowerCase() === 'application/json';
  // An optional body may come with no Content-Type at all, but never a form's type.
  if (!isJson && (!optional || type !== null)) {
    throw new HttpError(415, 'unsupported_media_type', 'Send the body as application/json.');
  }
  const tooLarge = () =>
    new HttpError(413, 'payload_too_large', `Bodies are limited to ${limit} bytes.`);
  if (Number(request.headers.get('content-length')) > limit) throw tooLarge();
  let text = known;
  if (text === undefined) {
    const bytes = request.body
      ? await readBody(request.body as unknown as AsyncIterable<Uint8Array>, limit)
      : new Uint8Array();
    if (bytes === null) throw tooLarge();
    text = utf8Text(bytes);
    if (text === undefined) throw badRequest('The body is not valid UTF-8.');
  } else if (Buffer.byteLength(text) > limit) throw tooLarge();
  if (optional && text === '') return {};
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw badRequest('The body is not valid JSON.');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest('The body must be a JSON object.');
  }
  return body as JsonObject;
}
