// Serves the script tag's files (`{basePath}/cardkeep.min.js`, the files it loads later, their
// source maps) from the installed package, so a merchant's whole integration is one mount and one
// `<script src="/cardkeep/cardkeep.min.js" defer>`. Which files those are is the build's word:
// the build writes dist/browser-files.json, every file the browser build emitted with its SRI hash.
// Nothing else under dist/ (server code, ESM modules) is ever served.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

/** The list of browser files the build writes next to them. */
export const BROWSER_FILES_MANIFEST = 'browser-files.json';

/** An answer for an asset request, before it becomes a Response. */
export interface AssetReply {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array<ArrayBuffer>;
}

/**
 * Answers asset requests (`path` is the request URL's pathname); undefined, at once, for any
 * other request (the API routes), so those do not wait a turn of the event loop for a no.
 */
export type AssetResponder = (request: Request, path: string) => Promise<AssetReply> | undefined;

/** One file in its three encodings, made once on first request. */
interface Variants {
  identity: Uint8Array<ArrayBuffer>;
  gzip: Uint8Array<ArrayBuffer>;
  br: Uint8Array<ArrayBuffer>;
  tag: string;
}

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/**
 * The folder holding the browser build: `dist/` next to this module once built
 * (dist/server/assets.js → dist/), or the project's dist/ when running from src/ (tests, demo).
 */
export function findBrowserDir(): string | undefined {
  const candidates = [new URL('../', import.meta.url), new URL('../../dist/', import.meta.url)];
  for (const candidate of candidates) {
    const dir = fileURLToPath(candidate);
    if (existsSync(`${dir}${BROWSER_FILES_MANIFEST}`)) return dir;
  }
  return undefined;
}

/** The browser files listed by the build, relative to `dir`. */
export function browserFiles(dir: string): string[] {
  const manifest = JSON.parse(readFileSync(`${dir}${BROWSER_FILES_MANIFEST}`, 'utf8')) as {
    files?: unknown;
  };
  const list = Array.isArray(manifest.files)
    ? manifest.files.map((entry: { file?: unknown }) => entry?.file)
    : [];
  if (!list.length || !list.every((f) => typeof f === 'string' && !/\.\.|\//.test(f))) {
    throw new Error(`cardkeep: ${dir}${BROWSER_FILES_MANIFEST} does not list the browser files.`);
  }
  return list as string[];
}

/** The encodings the client accepts, by RFC 9110 §12.5.3 (a q of 0 refuses). */
function accepted(header: string | null): Set<string> {
  const result = new Set<string>();
  for (const part of (header ?? '').split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    if (name && (q === undefined || Number(q.slice(2)) > 0)) result.add(name.trim());
  }
  return result;
}

/** Whether an If-None-Match header names `etag` (weak comparison, as RFC 9110 §13.1.2 says). */
function matches(header: string | null, etag: string): boolean {
  if (header === null) return false;
  if (header.trim() === '*') return true;
  const bare = etag.replace(/^W\//, '');
  return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === bare);
}

/**
 * Creates the responder for `GET|HEAD {basePath}/<browser file>`. Returns undefined when the
 * browser build is missing (a clone that was never built): the routes then answer 404 as for
 * any unknown path.
 */
export function createAssetResponder(
  basePath: string,
  dir = findBrowserDir(),
): AssetResponder | undefined {
  if (dir === undefined) return undefined;
  const files = new Set(browserFiles(dir));
  const cache = new Map<string, Promise<Variants>>();

  const load = (name: string): Promise<Variants> => {
    let variants = cache.get(name);
    if (!variants) {
      variants = (async () => {
        const identity = new Uint8Array(await readFile(`${dir}${name}`));
        const [gz, br] = await Promise.all([
          gzipAsync(identity, { level: 9 }),
          brotli(identity, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
        ]);
        const hash = createHash('sha256').update(identity).digest('base64url').slice(0, 27);
        return { identity, gzip: new Uint8Array(gz), br: new Uint8Array(br), tag: hash };
      })();
      // A failed read (file removed under us) is tried again next time, not cached.
      variants.catch(() => cache.delete(name));
      cache.set(name, variants);
    }
    return variants;
  };

  const serve = async (request: Request, name: string): Promise<AssetReply> => {
    const variants = await load(name);
    const accepts = accepted(request.headers.get('accept-encoding'));
    const encoding = accepts.has('br') ? 'br' : accepts.has('gzip') ? 'gzip' : 'identity';
    // Each encoding is a different representation, so it gets its own strong tag.
    const etag = `"${variants.tag}${encoding === 'identity' ? '' : `-${encoding}`}"`;
    const headers: Record<string, string> = {
      'Content-Type': name.endsWith('.map')
        ? 'application/json; charset=utf-8'
        : 'text/javascript; charset=utf-8',
      // The URL carries no version, and the main file pins its companions by SRI hash: every
      // use revalidates (a cheap 304), so a deploy never pairs an old main file with a new
      // companion (which the browser would refuse).
      'Cache-Control': 'public, no-cache',
      ETag: etag,
      Vary: 'Accept-Encoding',
      'X-Content-Type-Options': 'nosniff',
      // Public files: a page on another origin (a CDN-style setup) may load them with SRI.
      'Access-Control-Allow-Origin': '*',
      'Cross-Origin-Resource-Policy': 'cross-origin',
    };
    // The build leaves the `//# sourceMappingURL` comment out (bytes on every page view):
    // developer tools find a file's map by this header instead.
    if (files.has(`${name}.map`)) headers.SourceMap = `${name}.map`;
    if (matches(request.headers.get('if-none-match'), etag)) {
      return { status: 304, headers, body: new Uint8Array(0) };
    }
    if (encoding !== 'identity') headers['Content-Encoding'] = encoding;
    return { status: 200, headers, body: variants[encoding] };
  };

  return (request, path) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return undefined;
    if (!path.startsWith(`${basePath}/`)) return undefined;
    const name = path.slice(basePath.length + 1);
    return files.has(name) ? serve(request, name) : undefined;
  };
}
