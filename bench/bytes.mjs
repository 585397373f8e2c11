// 1. Bytes: what the script tag costs a merchant's page in each of its three states (card fine,
// notice shown, expiry fixed), against the floor of Lit itself. Sizes are deterministic, so one
// build each is enough (no spread to report). The figures of dist/ are read as `npm run build`
// made them (dist/browser-files.json lists the files); the other builds (ESM, the Lit floor,
// everything as one file, where the bytes come from) are made here with the same plugins.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { rollup } from 'rollup';
import resolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import esbuild from 'rollup-plugin-esbuild';
import { composition } from './composition.mjs';
import { root } from './lib.mjs';

/** Issue 17's goals, gzip: what each page state may fetch of Cardkeep's JavaScript in all. */
export const STATES = [
  {
    id: 'fine',
    name: 'Card fine: the first file only',
    files: ['cardkeep.min.js'],
    goal: 4_096,
    budget: 'card fine (first file only)',
  },
  {
    id: 'notice',
    name: 'Notice shown: everything fetched until painted',
    files: ['cardkeep.min.js', 'cardkeep-ui-'],
    goal: 14_000,
    budget: 'notice painted',
  },
  {
    id: 'fix',
    name: 'Expiry fix, notice to thank-you, in all',
    files: ['cardkeep.min.js', 'cardkeep-ui-', 'cardkeep-expiry-form-'],
    goal: 16_000,
    budget: 'expiry fix, notice to thank-you',
  },
];

/** The budgets `npm test` enforces (read from scripts/test.mjs, so the table shows them). */
function ciBudgets() {
  try {
    const text = readFileSync(join(root, 'scripts/test.mjs'), 'utf8');
    const budgets = {};
    for (const [, key, value] of text.matchAll(/'([^']+)':\s*(?:\[\s*\[[^\]]*\],\s*)?([\d_]+)/g)) {
      budgets[key] = Number(value.replaceAll('_', ''));
    }
    return budgets;
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
 * Bundles `source` with the script tag's plugins and minifier; returns the chunks.
 * `dynamicExternal` leaves matching dynamic imports out, as the script-tag build does with its
 * companion file.
 */
async function build({ source, format, external = () => false, dynamicExternal = () => false }) {
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
    return output.filter((chunk) => chunk.type === 'chunk');
  } finally {
    await bundle.close();
  }
}

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

const src = (path) => JSON.stringify(join(root, 'src', path));

/** Measures the builds; returns table rows and the raw figures. */
export async function run() {
  const { files } = JSON.parse(readFileSync(join(root, 'dist/browser-files.json'), 'utf8'));
  // The JavaScript; the source maps beside it are listed too, but no browser fetches them.
  const measured = files
    .filter(({ file }) => file.endsWith('.js'))
    .map(({ file }) => ({
      file,
      ...sizes(readFileSync(join(root, 'dist', file), 'utf8')),
    }));
  const byPrefix = (prefix) => measured.find((m) => m.file === prefix || m.file.startsWith(prefix));
  const budgets = ciBudgets();

  // Everything as one file (src/define.ts, all three elements): what the split is weighed against.
  const whole = sizes(
    (await build({ source: `import ${src('define.ts')};\n`, format: 'iife' }))
      .map((c) => c.code)
      .join('\n'),
  );

  // What an app's bundler ships of Cardkeep with `import 'cardkeep/define'` when the app
  // already has Lit: that entry minified, Lit left out. Chunks split off behind a dynamic
  // import (the replacement form, Japanese) load later.
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

  // Where the bytes come from: every file of the script tag, module by module, read from the
  // built files' source maps (./composition.mjs).
  const where = Object.fromEntries(
    files
      .filter(({ file }) => file.endsWith('.js'))
      .map(({ file }) => [file, composition(join(root, 'dist', file))]),
  );

  const rows = STATES.map((state) => {
    const parts = state.files.map(byPrefix);
    const gz = parts.reduce((sum, part) => sum + (part?.gzip ?? NaN), 0);
    const br = parts.reduce((sum, part) => sum + (part?.brotli ?? NaN), 0);
    const budget = budgets[state.budget];
    return {
      id: `bytes.${state.id}.gzip`,
      name: `${state.name}, gzip`,
      value: gz,
      unit: 'B',
      baseline: state.id === 'fine' ? undefined : lit.gzip,
      baselineLabel: state.id === 'fine' ? undefined : 'Lit alone',
      ratio: state.id === 'fine' ? undefined : gz / lit.gzip,
      note: `${parts.map((p) => p?.file ?? '?').join(' + ')} · brotli ${fmt(br)} B`,
      target: `≤ ${fmt(state.goal)} B` + (budget ? `; CI budget ${fmt(budget)}` : ''),
      pass: gz <= state.goal,
    };
  });
  for (const m of measured) {
    const key = Object.keys(budgets).find((k) => m.file === k || m.file.startsWith(k));
    rows.push({
      id: `bytes.file.${m.file.replace(/-[\w-]{8}\.min\.js$/, '')}`,
      name: `File: ${m.file}`,
      value: m.gzip,
      unit: 'B',
      note: `brotli ${fmt(m.brotli)} B`,
      target: key ? `CI budget ${fmt(budgets[key])}` : 'report',
      pass: key ? m.gzip <= budgets[key] : null,
    });
  }
  rows.push(
    {
      id: 'bytes.unsplit.gzip',
      name: 'Everything as one file (all three elements, en + ja), gzip',
      value: whole.gzip,
      unit: 'B',
      baseline: lit.gzip,
      baselineLabel: 'Lit alone',
      ratio: whole.gzip / lit.gzip,
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
      note: esmLazy ? `+ ${fmt(esmLazy.gzip)} B in chunks loaded on demand` : undefined,
      target: 'report',
      pass: null,
    },
  );
  return {
    rows,
    details: {
      files: measured,
      states: STATES.map((state) => ({
        ...state,
        gzip: state.files.reduce((sum, prefix) => sum + (byPrefix(prefix)?.gzip ?? NaN), 0),
      })),
      oneFile: whole,
      ciBudgets: budgets,
      esm: { entry: esmEntry, onDemand: esmLazy, chunks: esmChunks.length },
      litFloor: { ...lit, imports },
      composition: where,
    },
  };
}
