// Mounts the web-standard handler in Node's http server, Express or Connect.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readBody, utf8Text } from './body.js';
import {
  createCardkeepHandler,
  type CardkeepHandler,
  type CardkeepHandlerOptions,
} from './handler.js';

/** A Node/Express/Connect request listener; calls `next` for paths outside the mount. */
export type NodeListener = (
  req: IncomingMessage,
  res: ServerResponse,
  next?: (error?: unknown) => void,
) => void;

const ERROR_BODY = (code: string, message: string) => JSON.stringify({ error: { code, message } });

/** Reads the body, stopping at `limit` bytes: null when it is larger. */
async function readNodeBody(req: IncomingMessage, limit: number): Promise<Uint8Array | null> {
  const body = await readBody(req.iterator({ destroyOnReturn: false }), limit);
  // Drain the rest so the 413 still reaches a client that is busy sending.
  if (body === null) req.resume();
  return body;
}

/**
 * Adapts a Cardkeep handler to Node's `(req, res)` signature. Express:
 * `app.use(toNodeListener(createCardkeepHandler({ store, basePath: '/cardkeep', … })))`.
 */
export function toNodeListener(handler: CardkeepHandler): NodeListener {
  const { basePath, maxBodyBytes } = handler;
  return (req, res, next) => {
    const path = (req.url ?? '/').split('?')[0]!;
    if (next && !(path === basePath || path.startsWith(`${basePath}/`))) {
      next();
      return;
    }
    void (async () => {
      try {
        const method = req.method ?? 'GET';
        let body: Uint8Array | null = null;
        if (method !== 'GET' && method !== 'HEAD') {
          body = await readNodeBody(req, maxBodyBytes);
          if (body === null) {
            res.writeHead(413, { 'Content-Type': 'application/json', Connection: 'close' });
            res.end(
              ERROR_BODY('payload_too_large', `Bodies are limited to ${maxBodyBytes} bytes.`),
            );
            return;
          }
        }
        const headers = new Headers();
        for (const [name, value] of Object.entries(req.headers)) {
          if (value === undefined) continue;
          for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
        }
        // Only the path matters to the handler; a bogus Host header must not break the URL.
        const host = /^[\w.:[\]-]{1,255}$/.test(req.headers.host ?? '')
          ? req.headers.host
          : 'localhost';
        let url: URL;
        try {
          url = new URL(req.url ?? '/', `http://${host}`);
        } catch {
          url = new URL('http://localhost/');
        }
        // Our own handler takes the body we hold as text (see CardkeepHandler.answer); bytes
        // that are not UTF-8, and any other handler, get it in the Request as usual.
        const { answer } = handler;
        const text = answer && body && body.length ? utf8Text(body) : undefined;
        const request = new Request(url, {
          method,
          headers,
          ...(body && body.length && text === undefined ? { body: new Uint8Array(body) } : {}),
        });
        const client = { ip: req.socket.remoteAddress };
        // Text we already hold goes out as a string: Node then sends the head and the body in
        // one write (a Buffer costs a writev). A known length: no chunked framing either.
        let status: number;
        let head: Record<string, string>;
        let payload: string | Buffer;
        if (answer) {
          ({ status, headers: head, text: payload } = await answer(request, client, text));
        } else {
          const response = await handler(request, client);
          status = response.status;
          head = Object.fromEntries(response.headers);
          payload = Buffer.from(await response.arrayBuffer());
        }
        res.writeHead(status, { ...head, 'Content-Length': String(Buffer.byteLength(payload)) });
        res.end(payload);
      } catch (error) {
        if (next) {
          next(error);
          return;
        }
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
