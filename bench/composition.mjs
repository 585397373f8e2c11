// Where the bytes of a built file come from: each minified character is counted to the source
// module its source map names (what follows an unmapped newline inside a template counts to the
// module before it), and each module's share of the file's gzip size is its share of the
// characters. Shares of a compressed file are an estimate (gzip packs some code better than
// other), but they sum to the file's size and they follow the code that really ships, after
// terser, unlike rollup's `renderedLength`.
//
// `node bench/composition.mjs` prints the table for every file of the script tag in dist/
// (after `npm run build`); `bench/bytes.mjs` puts the same into bench/results.json.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** The values of one source-map segment (Base64 VLQ). */
export function decodeSegment(text) {
  const values = [];
  let value = 0;
  let shift = 0;
  for (const char of text) {
    const digit = BASE64.indexOf(char);
    value += (digit & 31) << shift;
    if (digit & 32) shift += 5;
    else {
      values.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return values;
}

/** A module's path as people read it: `lit-html/lit-html.js`, `src/components/banner/banner.ts`. */
export const shortName = (source) =>
  source
    .replace(/^.*node_modules\//, '')
    .replace(/^(\.\.\/)+/, '')
    .replace(/^\.\//, '');

/**
 * The modules of `file` (a path; its source map next to it as `file.map`), largest first:
 * `{ module, minified, gzip }`, minified characters and the gzip share in bytes.
 */
export function composition(file) {
  const code = readFileSync(file, 'utf8');
  const map = JSON.parse(readFileSync(`${file}.map`, 'utf8'));
  const counts = new Map();
  let source = 0;
  let current = '(unmapped)';
  const mappings = map.mappings.split(';');
  const lines = code.split('\n');
  lines.forEach((text, index) => {
    const line = mappings[index] ?? '';
    if (text.startsWith('//# sourceMappingURL=')) current = '(source map comment)';
    let column = 0;
    let from = 0;
    const add = (to) => counts.set(current, (counts.get(current) ?? 0) + to - from);
    for (const segment of line ? line.split(',') : []) {
      const [columnDelta, sourceDelta] = decodeSegment(segment);
      column += columnDelta;
      add(column);
      from = column;
      if (sourceDelta !== undefined) {
        source += sourceDelta;
        current = shortName(map.sources[source]);
      }
    }
    // The rest of the line, and its newline.
    add(text.length + (index < lines.length - 1 ? 1 : 0));
  });
  const total = code.length;
  const gzip = gzipSync(code, { level: 9 }).length;
  return [...counts]
    .filter(([, minified]) => minified > 0)
    .map(([module, minified]) => ({
      module,
      minified,
      gzip: Math.round((minified / total) * gzip),
    }))
    .sort((a, b) => b.minified - a.minified);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dist = join(fileURLToPath(new URL('..', import.meta.url)), 'dist');
  const { files } = JSON.parse(readFileSync(join(dist, 'browser-files.json'), 'utf8'));
  for (const { file } of files.filter(({ file }) => file.endsWith('.js'))) {
    const rows = composition(join(dist, file));
    const gzip = rows.reduce((sum, row) => sum + row.gzip, 0);
    console.log(`\n${file}: ${gzip.toLocaleString('en-US')} B gzip`);
    for (const row of rows) {
      console.log(
        `${String(row.gzip).padStart(7)} B  ${String(row.minified).padStart(7)} min  ${row.module}`,
      );
    }
  }
}
