// 1. Bytes: what the script tag costs a merchant's page, against the floor of Lit itself.
// Sizes are deterministic, so one build each is enough (no spread to report). The figures of
// dist/ are read as `npm run build` made them; the other builds (ESM, the Lit floor, the script
// tag without its split, where the bytes come from) are made here with the same plugins.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { rollup } from 'rollup';
import resolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import esbuild from 'rollup-plugin-esbuild';
import { LAZY_CHUNK, root } from './lib.mjs';

/** Issue 7's target for the script tag, and the size we aim for. */
export const TARGET_GZIP = 14_000;
export const AIM_GZIP = 12_000;

/** The budgets `npm test` enforces (read from scripts/test.mjs, so the table shows them). */
function ciBudgets() {
  try {
    const text = readFileSync(join(root, 'scripts/test.mjs'), 'utf8');
    const budget = (file) => {
      const match = new RegExp(`'${file.replaceAll('.', '\\.')}':\\s*([\\d_]+)`).exec(text);
      return match ? Number(match[1].replaceAll('_', '')) : undefined;
    };
    return { main: budget('dist/cardkeep.min.js'), lazy: budget(LAZY_CHUNK) };
  } catch {
    return {};
  }
}

const fmt = (n) => n.toLocaleString('en-US');

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

/**
 * Bundles `source` with the script tag's plugins and minifier. Returns the chunks, or with
 * `composition` each module's share as rollup renders it (before terser and compression:
 * indicative of where the bytes come from, not a sum of the final figure). `dynamicExternal`
 * leaves matching dynamic imports out, as the script-tag build does with its companion file.
 */
async function build({
  source,
  format,
  external = () => false,
  dynamicExternal = () => false,
  composition = false,
}) {
  const bundle = await rollup({
    input: 'bench-entry',
    external,
    plugins: [
      virtualEntry(source),
      {
        name: 'bench-dynamic-external',
        resolveDynamicImport: (specifier) =>
          typeof specifier === 'string' && dynamicExternal(specifier) ? false : null,
      },
      ...scriptTagPlugins(),
    ],
    onwarn: () => {},
  });
  try {
    const { output } = await bundle.generate({
      format,
      name: format === 'iife' ? 'Bench' : undefined,
      // An IIFE is one file: a dynamic import that is not left out is inlined.
      inlineDynamicImports: format === 'iife',
      plugins: [minifier(format === 'es')],
    });
    const chunks = output.filter((chunk) => chunk.type === 'chunk');
    if (!composition) return chunks;
    return chunks
      .flatMap((chunk) => Object.entries(chunk.modules))
      .map(([id, module]) => ({ id, module: shortName(id), bytes: module.renderedLength }))
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

/** Every TypeScript file under `dir`. */
function sourceFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/**
 * What Cardkeep's browser code imports from Lit (values only, not types), module by module,
 * read from src/ so the floor follows the code (decorators in, or static properties instead).
 */
export function litImports() {
  const used = new Map();
  const pattern = /^import\s+(type\s+)?\{([^}]*)\}\s+from\s+'((?:lit|@lit)[^']*)'/gm;
  for (const file of sourceFiles(join(root, 'src'))) {
    if (file.includes(`${join(root, 'src/server')}`)) continue;
    for (const [, typeOnly, names, from] of readFileSync(file, 'utf8').matchAll(pattern)) {
      if (typeOnly) continue;
      for (const spec of names.split(',').map((name) => name.trim())) {
        if (!spec || spec.startsWith('type ')) continue;
        if (!used.has(from)) used.set(from, new Set());
        used.get(from).add(spec.split(/\s+as\s+/)[0]);
      }
    }
  }
  return [...used].map(([from, names]) => ({ from, names: [...names].sort() }));
}

/** The lazily loaded replacement form's bundle, if the build has one. */
function lazyChunk() {
  const path = join(root, LAZY_CHUNK);
  return existsSync(path) ? sizes(readFileSync(path, 'utf8')) : null;
}

const src = (path) => JSON.stringify(join(root, 'src', path));
const isLazyParts = (specifier) => /(^|\/)lazy-parts(\.js|\.ts)?$/.test(specifier);

/** Measures the builds; returns table rows and the raw figures. */
export async function run() {
  const scriptTag = sizes(readFileSync(join(root, 'dist/cardkeep.min.js'), 'utf8'));
  const lazy = lazyChunk();
  const budgets = ciBudgets();
  const split = existsSync(join(root, 'src/script-tag.ts'));

  // The script tag as one file with all three elements (src/define.ts): what the first load
  // would weigh without the split, to show what the split saves.
  const whole = sizes(
    (await build({ source: `import ${src('define.ts')};\n`, format: 'iife' }))
      .map((c) => c.code)
      .join('\n'),
  );

  // What an app's bundler ships of Cardkeep with `import 'cardkeep/define'` when the app
  // already has Lit: that entry minified, Lit left out. A chunk split off behind a dynamic
  // import is what loads later.
  const esmChunks = await build({
    source: `import ${src('define.ts')};\n`,
    format: 'es',
    external: isLit,
  });
  const esmEntry = sizes(
    esmChunks
      .filter((c) => c.isEntry)
      .map((c) => c.code)
      .join('\n'),
  );
  const esmLater = esmChunks.filter((c) => !c.isEntry);
  const esmLazy = esmLater.length ? sizes(esmLater.map((c) => c.code).join('\n')) : null;

  // The floor: Lit's runtime with exactly what Cardkeep imports from it, built like the script
  // tag and kept alive through a global so tree-shaking cannot drop it.
  const imports = litImports();
  const litChunks = await build({
    source: [
      ...imports.map(
        ({ from, names }, i) =>
          `import { ${names.map((n) => `${n} as m${i}_${n}`).join(', ')} } from '${from}';`,
      ),
      `window.__lit = [${imports.flatMap(({ names }, i) => names.map((n) => `m${i}_${n}`)).join(', ')}];`,
    ].join('\n'),
    format: 'iife',
  });
  const lit = sizes(litChunks.map((c) => c.code).join('\n'));

  // Where the bytes come from: the first load (the script tag's entry, its companion file left
  // out), and what the companion adds (the lazy parts, without what the first load has).
  const firstLoad = await build({
    source: `import ${src(split ? 'script-tag.ts' : 'define.ts')};\n`,
    format: 'iife',
    dynamicExternal: isLazyParts,
    composition: true,
  });
  const inFirstLoad = new Set(firstLoad.map((m) => m.id));
  const onDemand = split
    ? await build({
        source: `import ${src('lazy-parts.ts')};\n`,
        format: 'iife',
        external: (id, _importer, isResolved) => isResolved && inFirstLoad.has(id),
        composition: true,
      })
    : [];
  const shares = (list) => list.map(({ module, bytes }) => ({ module, bytes }));

  const own = scriptTag.gzip - lit.gzip;
  const target =
    `≤ ${fmt(TARGET_GZIP)} B (aim ${fmt(AIM_GZIP)})` +
    (budgets.main ? `; CI budget ${fmt(budgets.main)}` : '');
  const rows = [
    {
      id: 'bytes.scriptTag.gzip',
      name: 'Script tag, first load, gzip (dist/cardkeep.min.js)',
      value: scriptTag.gzip,
      unit: 'B',
      baseline: lit.gzip,
      baselineLabel: 'Lit alone',
      ratio: scriptTag.gzip / lit.gzip,
      target,
      pass: scriptTag.gzip <= TARGET_GZIP,
    },
    {
      id: 'bytes.scriptTag.brotli',
      name: 'Script tag, first load, brotli',
      value: scriptTag.brotli,
      unit: 'B',
      baseline: lit.brotli,
      baselineLabel: 'Lit alone',
      ratio: scriptTag.brotli / lit.brotli,
      target: 'report',
      pass: null,
    },
    lazy
      ? {
          id: 'bytes.lazy.gzip',
          name: `Replacement form, loaded on demand, gzip (${LAZY_CHUNK})`,
          value: lazy.gzip,
          unit: 'B',
          note: `brotli ${fmt(lazy.brotli)} B`,
          target: budgets.lazy ? `CI budget ${fmt(budgets.lazy)}` : 'report',
          pass: budgets.lazy ? lazy.gzip <= budgets.lazy : null,
        }
      : {
          id: 'bytes.lazy.gzip',
          name: 'Replacement form, loaded on demand',
          value: null,
          unit: 'B',
          note: `no ${LAZY_CHUNK}: the form is in the first load`,
          target: 'report',
          pass: null,
        },
    {
      id: 'bytes.unsplit.gzip',
      name: 'The split: first load vs one file with all three elements, gzip',
      value: scriptTag.gzip,
      unit: 'B',
      baseline: whole.gzip,
      baselineLabel: 'one file',
      ratio: scriptTag.gzip / whole.gzip,
      note: lazy
        ? `first load + form ${fmt(scriptTag.gzip + lazy.gzip)} B`
        : 'no split in this build',
      target: lazy ? 'smaller first load' : 'report',
      pass: lazy ? scriptTag.gzip < whole.gzip : null,
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
      name: "ESM build ('cardkeep/define'), Lit external, min+gzip",
      value: esmEntry.gzip,
      unit: 'B',
      baseline: lit.gzip,
      baselineLabel: 'Lit alone',
      ratio: esmEntry.gzip / lit.gzip,
      note: esmLazy ? `+ ${fmt(esmLazy.gzip)} B in a chunk loaded on demand` : undefined,
      target: 'report',
      pass: null,
    },
  ];
  return {
    rows,
    details: {
      scriptTag,
      lazyChunk: lazy,
      oneFile: whole,
      ciBudgets: budgets,
      esm: { entry: esmEntry, onDemand: esmLazy, chunks: esmChunks.length },
      litFloor: { ...lit, imports },
      ownGzip: own,
      composition: { firstLoad: shares(firstLoad), onDemand: shares(onDemand) },
    },
  };
}
