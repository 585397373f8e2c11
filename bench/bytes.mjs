// 1. Bytes: what the script tag costs a merchant's page, against the floor of Lit itself.
// Sizes are deterministic, so one build each is enough (no spread to report).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { rollup } from 'rollup';
import resolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import esbuild from 'rollup-plugin-esbuild';
import { root } from './lib.mjs';

/** The hard budget `npm test` enforces, and the size we aim for. */
export const BUDGET_GZIP = 14_000;
export const AIM_GZIP = 12_000;

const gzip = (code) => gzipSync(code, { level: 9 }).length;
const brotli = (code) =>
  brotliCompressSync(code, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: 11,
      [constants.BROTLI_PARAM_SIZE_HINT]: Buffer.byteLength(code),
    },
  }).length;

const sizes = (code) => ({ raw: Buffer.byteLength(code), gzip: gzip(code), brotli: brotli(code) });

/** A one-module entry given as source text, so the bench needs no files of its own to build. */
function virtualEntry(source) {
  const id = '\0bench-entry.js';
  return {
    name: 'bench-entry',
    resolveId: (name) => (name === 'bench-entry' ? id : null),
    load: (name) => (name === id ? source : null),
  };
}

/**
 * Plugins as rollup.config.mjs sets them up for the script tag: node-resolve with the browser
 * and production conditions, esbuild to ES2022, terser with two passes and no comments.
 */
const scriptTagPlugins = () => [
  resolve({ browser: true, exportConditions: ['production', 'browser', 'default'] }),
  esbuild({ target: 'es2022', tsconfig: join(root, 'tsconfig.json'), minify: false }),
];
const minifier = (module) =>
  terser({ ecma: 2022, module, compress: { passes: 2 }, format: { comments: false } });

async function build({ source, format, external = () => false, composition = false }) {
  const bundle = await rollup({
    input: 'bench-entry',
    external,
    plugins: [virtualEntry(source), ...scriptTagPlugins()],
    onwarn: () => {},
  });
  try {
    const { output } = await bundle.generate({
      format,
      name: format === 'iife' ? 'Bench' : undefined,
      plugins: [minifier(format === 'es')],
    });
    const chunks = output.filter((chunk) => chunk.type === 'chunk');
    if (!composition) return chunks.map((chunk) => chunk.code);
    // Each module's share of the bundle as rollup renders it, before terser and compression:
    // indicative of where the bytes come from, not a sum of the final figure.
    return chunks
      .flatMap((chunk) => Object.entries(chunk.modules))
      .map(([id, module]) => ({ module: shortName(id), bytes: module.renderedLength }))
      .filter((entry) => entry.bytes > 0)
      .sort((a, b) => b.bytes - a.bytes);
  } finally {
    await bundle.close();
  }
}

const shortName = (id) =>
  id
    .replace(/^\0/, '')
    .replace(`${root}/`, '')
    .replace(/^node_modules\//, '');

const isLit = (id) => /^(lit|lit-html|lit-element|@lit\/reactive-element|@lit\/)(\/|$)/.test(id);

/** Measures the three builds; returns table rows and the raw figures. */
export async function run() {
  const iife = readFileSync(join(root, 'dist/cardkeep.min.js'), 'utf8');
  const scriptTag = sizes(iife);

  const src = (path) => JSON.stringify(join(root, 'src', path));
  // What an app's bundler ships of Cardkeep when Lit is already in the app: every export plus
  // the element registrations, minified, with Lit left out.
  const esmChunks = await build({
    source: `export * from ${src('index.ts')};\nimport ${src('define.ts')};\n`,
    format: 'es',
    external: isLit,
  });
  const esm = sizes(esmChunks.join('\n'));

  // The floor: Lit's runtime with everything Cardkeep uses of it, built like the script tag.
  // Kept alive through a global so tree-shaking cannot drop it.
  const litChunks = await build({
    source: [
      "import { LitElement, html, css, nothing } from 'lit';",
      "import { customElement, property, state, query } from 'lit/decorators.js';",
      'window.__lit = { LitElement, html, css, nothing, customElement, property, state, query };',
    ].join('\n'),
    format: 'iife',
  });
  const lit = sizes(litChunks.join('\n'));

  // Where the script tag's bytes come from, for whoever has to make it smaller.
  const composition = await build({
    source: `import ${src('define.ts')};\n`,
    format: 'iife',
    composition: true,
  });

  const own = scriptTag.gzip - lit.gzip;
  const rows = [
    {
      id: 'bytes.scriptTag.gzip',
      name: 'Script tag gzip (dist/cardkeep.min.js)',
      value: scriptTag.gzip,
      unit: 'B',
      baseline: lit.gzip,
      baselineLabel: 'Lit alone',
      ratio: scriptTag.gzip / lit.gzip,
      target: `≤ ${BUDGET_GZIP} B (aim ${AIM_GZIP})`,
      pass: scriptTag.gzip <= BUDGET_GZIP,
    },
    {
      id: 'bytes.scriptTag.brotli',
      name: 'Script tag brotli',
      value: scriptTag.brotli,
      unit: 'B',
      baseline: lit.brotli,
      baselineLabel: 'Lit alone',
      ratio: scriptTag.brotli / lit.brotli,
      target: 'report',
      pass: null,
    },
    {
      id: 'bytes.ownCode.gzip',
      name: 'Cardkeep over Lit (script tag − Lit, gzip)',
      value: own,
      unit: 'B',
      target: 'report',
      pass: null,
    },
    {
      id: 'bytes.esm.gzip',
      name: 'ESM build, Lit external, min+gzip',
      value: esm.gzip,
      unit: 'B',
      baseline: lit.gzip,
      baselineLabel: 'Lit alone',
      ratio: esm.gzip / lit.gzip,
      target: 'report',
      pass: null,
    },
  ];
  return {
    rows,
    details: {
      scriptTag,
      esm: { ...esm, chunks: esmChunks.length },
      litFloor: lit,
      ownGzip: own,
      composition,
    },
  };
}
