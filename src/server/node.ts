// Mounts a web-standard handler in Node's http server or any Node framework (Express, Connect,
// Fastify, Koa…), whatever ran before it: a body parser that already read the body, a mount path
// that the framework stripped from `req.url`, or nothing at all.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { utf8Text } from './body.js';
import {
  createCardkeepHandler,
  type CardkeepHandler,
  type CardkeepHandlerOptions,
  type ClientInfo,
} from './handler.js';

/** A Node/Express/Connect request listener; calls `next` for paths outside the mount. */
export type NodeListener = (
  req: IncomingMessage,
  res: ServerResponse,
  next?: (error?: unknown) => void,
) => void;

/** Any web-standard handler, e.g. `createStripeWebhookHandler(…)`'s. */
export type WebHandler = (request: Request, client?: ClientInfo) => Promise<Response>;

/** Options of {@link toNodeListener}. */
export interface NodeListenerOptions {
  /**
   * Largest body read for a handler that is not a Cardkeep handler (those bring their own
   * `maxBodyBytes`). Default 1 MiB, room for any Stripe event.
   */
  maxBodyBytes?: number;
}

/**
 * What a framework may have left on the request: Express/Connect set `originalUrl` (the path
 * before the mount was stripped) and body parsers set `body`.
 */
type FrameworkRequest = IncomingMessage & { originalUrl?: unknown; body?: unknown };

/**
 * After an oversized body is answered, the rest of the upload is read and dropped — at most this
 * many bytes, for as long as bytes keep coming (a pause of DRAIN_IDLE_MS ends it) and never
 * longer than DRAIN_MAX_MS — before the connection is closed. Closing at once would make the
 * kernel answer the client's remaining bytes with a reset, which destroys the 413 the client has
 * not read yet (a client that writes the whole body before reading never sees it). RFC 9112
 * §9.6; nginx's lingering_close works the same way.
 */
const DRAIN_BYTES = 4 * 1024 * 1024;
const DRAIN_IDLE_MS = 5_000;
const DRAIN_MAX_MS = 30_000;

const ERROR_BODY = (code: string, message: string) => JSON.stringify({ error: { code, message } });

/** The message a merchant sees when a parser ate the bytes a handler needs. */
const RAW_BODY_GONE_MESSAGE =
  'cardkeep: the request body was already read and parsed by a body parser (express.json() or ' +
  'similar) before this route, so its raw bytes are gone; a Stripe webhook needs them to check ' +
  "the signature. Register this route before the parser, or give it express.raw({ type: '*/*' }).";

/** A body a parser consumed and did not keep as bytes. */
class RawBodyGone extends Error {
  constructor() {
    super(RAW_BODY_GONE_MESSAGE);
  }
}

/** A body that is too large: how much of it was seen. */
class TooLarge {
  constructor(readonly seen: number) {}
}

/**
 * Reads the body, stopping at `limit` bytes: a {@link TooLarge} when it is larger, with the
 * stream paused where it stopped so the caller can answer first and drain after. Plain 'data'
 * events, not `req.iterator()`: on Node 20 the async iterator's machinery (a readable listener,
 * end-of-stream tracking, a promise per chunk) cost the write path more than the handler's
 * own checks did.
 */
function readNodeBody(req: IncomingMessage, limit: number): Promise<Buffer | TooLarge> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      stop();
      req.pause();
      resolve(new TooLarge(size));
    };
    const onEnd = () => {
      stop();
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    };
    const onError = (error: unknown) => {
      stop();
      reject(error);
    };
    // Destroyed before its end (the client went away): nothing to answer.
    const onClose = () => onError(new Error('cardkeep: the request closed before its body ended.'));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

/**
 * Answers 413 and then reads and drops the rest of the upload (bounded in bytes and time)
 * before ending the response, which is when Node closes the connection. The answer itself is
 * written at once: a client that reads while it sends stops early; one that sends first finds
 * it waiting once its last byte is out.
 */
function answerTooLarge(req: IncomingMessage, res: ServerResponse, seen: number, limit: number) {
  const body = ERROR_BODY('payload_too_large', `Bodies are limited to ${limit} bytes.`);
  res.writeHead(413, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(body)),
    'Cache-Control': 'no-store',
    Connection: 'close',
  });
  const declared = Number(req.headers['content-length']);
  if (req.readableEnded || declared > DRAIN_BYTES) {
    // Nothing left to read, or more than we would ever drain: close right away.
    res.end(body);
    return;
  }
  res.write(body);
  let drained = seen;
  const cutOff = () => {
    finish();
    req.socket.destroy();
  };
  const finish = () => {
    clearTimeout(idle);
    clearTimeout(deadline);
    req.off('data', onData);
    req.off('end', finish);
    req.off('error', finish);
    req.off('close', finish);
    if (!res.writableEnded) res.end();
  };
  // A client still sending past a bound is cut off (after the answer went out).
  const onData = (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > DRAIN_BYTES) cutOff();
    else idle.refresh();
  };
  const idle = setTimeout(cutOff, DRAIN_IDLE_MS).unref();
  const deadline = setTimeout(cutOff, DRAIN_MAX_MS).unref();
  req.on('data', onData);
  req.on('end', finish);
  req.on('error', finish);
  req.on('close', finish);
  req.resume();
}

/**
 * The URL the handler should see. Express and Connect strip a mount path from `req.url` and keep
 * the full one in `req.originalUrl`; the handler's `basePath` says which of the two is meant.
 */
function requestUrl(req: FrameworkRequest, basePath: string): string {
  const original = typeof req.originalUrl === 'string' ? req.originalUrl : undefined;
  const url = req.url ?? '/';
  if (!basePath || original === undefined) return url;
  return within(pathOf(original), basePath) ? original : url;
}

const pathOf = (url: string) => url.split('?')[0]!;
const within = (path: string, basePath: string) =>
  path === basePath || path.startsWith(`${basePath}/`);

/**
 * The body, however it arrives: bytes a parser left on the request (Buffer, string, or a parsed
 * value that `parsedAsText` lets us turn back into JSON text), or the stream itself when nobody
 * read it. A parser
 * that declined the body (express.json() meeting `text/plain`) leaves the stream unread, and
 * may still set `req.body = {}`: only a finished stream means the parser's value is the body.
 */
async function bodyOf(
  req: FrameworkRequest,
  limit: number,
  parsedAsText: boolean,
): Promise<Buffer | TooLarge | RawBodyGone> {
  if (!req.readableEnded) return readNodeBody(req, limit);
  const parsed = req.body;
  if (Buffer.isBuffer(parsed)) return parsed;
  if (parsed instanceof Uint8Array) return Buffer.from(parsed);
  if (typeof parsed === 'string') return Buffer.from(parsed, 'utf8');
  if (parsed === undefined || parsed === null) {
    // Read to the end by someone who kept nothing: an empty body is all we can honestly say,
    // and the handler's size and type checks still run from the headers.
    return Number(req.headers['content-length'] ?? 0) > 0 ? new RawBodyGone() : Buffer.alloc(0);
  }
  // A parsed JSON value: the Cardkeep routes only need its meaning; raw-byte consumers do not.
  return parsedAsText ? Buffer.from(JSON.stringify(parsed), 'utf8') : new RawBodyGone();
}

/**
 * The request's headers as a Request's `headers` init. Node has already joined repeated
 * headers into one string each, so the object itself usually is that init: filled into the
 * Request's Headers once, where a `Headers` built first was copied a second time. A list
 * (`set-cookie`) gives each value on its own, as `Headers.append` would; a missing one none.
 */
function headersOf(req: IncomingMessage): HeadersInit {
  const { headers } = req;
  for (const name of Object.keys(headers)) {
    if (typeof headers[name] !== 'string') {
      return Object.entries(headers).flatMap(([name, value]) =>
        value === undefined
          ? []
          : (Array.isArray(value) ? value : [value]).map((v): [string, string] => [name, v]),
      );
    }
  }
  return headers as Record<string, string>;
}

const HOST = /^[\w.:[\]-]{1,255}$/;
/** A request-target that is a plain path: no `//`, `/\` or tab and newline for the parser to fold. */
const PLAIN_PATH = /^\/(?![/\\])[^\t\n\r]*$/;

/**
 * The request, with an absolute URL a bogus Host header must not break: a Host that is no host
 * name (or one no URL can carry, `a:b:c`) becomes `localhost`, the path staying as it came. A
 * plain path is joined to the origin as text and parsed once, by the Request itself; anything
 * else (an absolute-form target, `//x`) is resolved against the origin, as the URL parser does.
 */
function requestOf(req: IncomingMessage, url: string, init: RequestInit): Request {
  const given = req.headers.host ?? '';
  for (const host of HOST.test(given) ? [given, 'localhost'] : ['localhost']) {
    try {
      return new Request(
        PLAIN_PATH.test(url) ? `http://${host}${url}` : new URL(url, `http://${host}`),
        init,
      );
    } catch {
      // Not a URL with this host: the next one.
    }
  }
  return new Request('http://localhost/', init);
}

const isCardkeepHandler = (handler: WebHandler | CardkeepHandler): handler is CardkeepHandler =>
  typeof (handler as Partial<CardkeepHandler>).basePath === 'string';

/**
 * Adapts a Cardkeep handler (or any web-standard handler, such as the Stripe webhook's) to
 * Node's `(req, res, next)` signature. Express: `app.use(toNodeListener(cardkeep))` or
 * `app.use('/cardkeep', toNodeListener(cardkeep))`, before or after `express.json()`.
 */
export function toNodeListener(
  handler: CardkeepHandler | WebHandler,
  options: NodeListenerOptions = {},
): NodeListener {
  const cardkeep = isCardkeepHandler(handler);
  const basePath = cardkeep ? handler.basePath : '';
  const limit = cardkeep ? handler.maxBodyBytes : (options.maxBodyBytes ?? 1024 * 1024);
  const answer = cardkeep ? handler.answer : undefined;
  return (req: FrameworkRequest, res, next) => {
    const url = cardkeep ? requestUrl(req, basePath) : (req.url ?? '/');
    if (cardkeep && next && !within(pathOf(url), basePath)) {
      next();
      return;
    }
    void (async () => {
      try {
        const method = req.method ?? 'GET';
        let body: Buffer | null = null;
        if (method !== 'GET' && method !== 'HEAD') {
          const read = await bodyOf(req, limit, cardkeep);
          if (read instanceof TooLarge) {
            answerTooLarge(req, res, read.seen, limit);
            return;
          }
          if (read instanceof RawBodyGone) throw read;
          body = read;
        }
        const client = { ip: req.socket.remoteAddress };
        // Our own handler takes the body we hold as text (see CardkeepHandler.answer); bytes
        // that are not UTF-8, and any other handler, get it in the Request as usual.
        const text = answer && body && body.length ? utf8Text(body) : undefined;
        const request = requestOf(req, url, {
          method,
          headers: headersOf(req),
          ...(body && body.length && text === undefined ? { body: new Uint8Array(body) } : {}),
        });
        // Text we already hold goes out as a string: Node then sends the head and the body in
        // one write (a Buffer costs a writev). A known length: no chunked framing either.
        let status: number;
        let head: Record<string, string>;
        let payload: string | Uint8Array;
        if (answer) {
          ({ status, headers: head, text: payload } = await answer(request, client, text));
        } else {
          const response = await handler(request, client);
          status = response.status;
          head = Object.fromEntries(response.headers);
          payload = Buffer.from(await response.arrayBuffer());
        }
        // A 304 has no body, and its length would describe the body it stands for.
        const length =
          status === 304 ? {} : { 'Content-Length': String(Buffer.byteLength(payload)) };
        res.writeHead(status, { ...head, ...length });
        res.end(status === 304 ? undefined : payload);
      } catch (error) {
        if (next) {
          next(error);
          return;
        }
        if (error instanceof RawBodyGone) console.error(error.message);
        if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'application/json' });
        res.end(ERROR_BODY('server', 'Something went wrong on our side.'));
      }
    })();
  };
}

/** A plain Node http server that answers the Cardkeep routes (and 404 for anything else). */
export function createNodeServer(handler: CardkeepHandler | CardkeepHandlerOptions): Server {
  const h = typeof handler === 'function' ? handler : createCardkeepHandler(handler);
  return createServer(toNodeListener(h));
}
