// The script-tag bundle, minified, in two files:
//   dist/cardkeep.min.js                 banner + expiry form + HTTP adapter + en/ja + Lit
//   dist/cardkeep-replace-card.min.js    the replacement form and Stripe's loader, fetched by
//                                        the first on first use (pinned by its SRI hash)
// The companion file is built first, with every module the main file already has left out and
// read from a runtime object the main file publishes under a build-unique global name; then the
// main file is built with exactly those bindings published. The ESM build for bundlers is tsc's
// output (dist/*.js), which keeps Lit external.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve as resolvePath } from 'node:path';
import { rollup } from 'rollup';
import resolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import esbuild from 'rollup-plugin-esbuild';
import ts from 'typescript';

const root = resolvePath('.');
const CHUNK = 'cardkeep-replace-card.min.js';
const LAZY_PARTS = join(root, 'src/lazy-parts.ts');

/** Modules that live only in the companion file. */
const chunkOnly = (id) =>
  id === LAZY_PARTS ||
  id.startsWith(join(root, 'src/components/replace-card/')) ||
  id.startsWith(join(root, 'src/stripe/')) ||
  id.includes('/node_modules/@stripe/');

/** A key unique to this source tree, so two different builds on one page never mix. */
function buildKey() {
  const hash = createHash('sha256');
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      // Paths relative to the project, so every checkout of one commit builds the same bytes.
      else hash.update(relative(root, path)).update(readFileSync(path));
    }
  };
  walk(join(root, 'src'));
  hash.update(readFileSync('package-lock.json'));
  return `__cardkeep_${hash.digest('hex').slice(0, 12)}`;
}

/**
 * Drops the indentation inside our `html` and `css` templates (and comments in `css`): the
 * browser reads a newline and a run of spaces alike there, and terser leaves template text
 * alone. Newlines stay, so line numbers (and the source maps) still match the source.
 */
const templates = () => ({
  name: 'template-whitespace',
  transform(code, id) {
    if (!id.startsWith(join(root, 'src/')) || !id.endsWith('.ts')) return null;
    if (!code.includes('html`') && !code.includes('css`')) return null;
    const file = ts.createSourceFile(id, code, ts.ScriptTarget.Latest, true);
    const edits = [];
    const visit = (node) => {
      if (ts.isTaggedTemplateExpression(node)) {
        const tag = node.tag.getText(file);
        if (tag === 'html' || tag === 'css') {
          const t = node.template;
          const parts = ts.isNoSubstitutionTemplateLiteral(t)
            ? [t]
            : [t.head, ...t.templateSpans.map((span) => span.literal)];
          for (const part of parts) {
            const start = part.getStart(file);
            const text = code.slice(start, part.getEnd());
            let out = tag === 'css' ? text.replace(/\/\*[^]*?\*\//g, '') : text;
            out = out.replace(/\n[ \t]*/g, '\n').replace(/[ \t]+\n/g, '\n');
            if (out !== text) edits.push({ start, end: part.getEnd(), out });
          }
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(file);
    if (!edits.length) return null;
    let result = code;
    for (const { start, end, out } of edits.sort((a, b) => b.start - a.start)) {
      result = result.slice(0, start) + out + result.slice(end);
    }
    return { code: result, map: null };
  },
});

const plugins = () => [
  templates(),
  resolve({ browser: true, exportConditions: ['production', 'browser', 'default'] }),
  esbuild({ target: 'es2022', tsconfig: 'tsconfig.json', minify: false }),
];

const minify = () => terser({ ecma: 2022, compress: { passes: 2 }, format: { comments: false } });

/** A virtual entry module. */
const virtual = (name, code) => ({
  name: `virtual-${name}`,
  resolveId: (id) => (id === name ? `\0${name}` : null),
  load: (id) => (id === `\0${name}` ? code : null),
});

/** Replaces build-time placeholders in our sources. */
const placeholders = (values) => ({
  name: 'placeholders',
  transform(code, id) {
    if (!id.startsWith(join(root, 'src/'))) return null;
    let out = code;
    for (const [from, to] of Object.entries(values)) out = out.split(from).join(to);
    return out === code ? null : { code: out, map: null };
  },
});

/** Builds the companion file; returns its code and the bindings it reads from the main file. */
async function buildChunk(key) {
  const shared = new Map(); // module id -> global name
  const bundle = await rollup({
    input: 'chunk-entry',
    // After resolution, every module the main file has is left out and read from the runtime.
    external(id, _importer, isResolved) {
      if (!isResolved || id.startsWith('\0') || chunkOnly(id)) return false;
      return true;
    },
    onwarn: (warning, warn) => (warning.code === 'CIRCULAR_DEPENDENCY' ? undefined : warn(warning)),
    plugins: [
      virtual(
        'chunk-entry',
        `import * as parts from ${JSON.stringify(LAZY_PARTS)};\n${key}.resolve(parts);\n`,
      ),
      ...plugins(),
    ],
  });
  const { output } = await bundle.generate({
    format: 'iife',
    // node-resolve hands back bare package names for externals; either spelling gets a name.
    globals: (id) => {
      if (!shared.has(id)) shared.set(id, `${key}.m${shared.size}`);
      return shared.get(id);
    },
    plugins: [minify()],
  });
  await bundle.close();
  const [chunk] = output;
  // importedBindings names absolute externals by their path relative to `/`.
  const imports = Object.entries(chunk.importedBindings).map(([rendered, names]) => {
    const id = shared.has(rendered) ? rendered : `/${rendered}`;
    return { id, global: shared.get(id).split('.').pop(), names };
  });
  return { code: chunk.code, imports };
}

/** The main file's entry: our script-tag module, plus the bindings the companion file reads. */
function mainEntry(key, imports) {
  const lines = [`import ${JSON.stringify(join(root, 'src/script-tag.ts'))};`];
  const modules = [];
  imports.forEach(({ id, global, names }, index) => {
    if (names.includes('*')) {
      lines.push(`import * as s${index} from ${JSON.stringify(id)};`);
      modules.push(`${global}: s${index}`);
    } else {
      const locals = names.map((name, n) => `${name} as s${index}_${n}`);
      lines.push(`import { ${locals.join(', ')} } from ${JSON.stringify(id)};`);
      modules.push(
        `${global}: { ${names.map((name, n) => `${JSON.stringify(name)}: s${index}_${n}`).join(', ')} }`,
      );
    }
  });
  // A second copy of this build leaves the first copy's modules in place.
  lines.push(`const runtime = globalThis.${key};`);
  for (const entry of modules) {
    const [name, value] = entry.split(/: (.*)/s);
    lines.push(`runtime.${name} ??= ${value};`);
  }
  return lines.join('\n');
}

export default async () => {
  const key = buildKey();
  const chunk = await buildChunk(key);
  mkdirSync('dist', { recursive: true });
  writeFileSync(join('dist', CHUNK), chunk.code);
  const integrity = `sha384-${createHash('sha384').update(chunk.code).digest('base64')}`;
  return [
    {
      input: 'main-entry',
      onwarn: (warning, warn) =>
        warning.code === 'CIRCULAR_DEPENDENCY' ? undefined : warn(warning),
      output: {
        file: 'dist/cardkeep.min.js',
        format: 'iife',
        name: 'Cardkeep',
        sourcemap: true,
        plugins: [minify()],
      },
      plugins: [
        virtual('main-entry', mainEntry(key, chunk.imports)),
        placeholders({
          __CARDKEEP_RUNTIME__: key,
          __CARDKEEP_CHUNK__: CHUNK,
          __CARDKEEP_INTEGRITY__: integrity,
        }),
        {
          // The ESM default loader (`import('./lazy-parts.js')`) is replaced at run time, so it
          // stays out of the bundle, under a fixed name: left to rollup it became the build
          // machine's absolute path (bytes that differed per checkout, and a path leaked).
          name: 'lazy-parts-external',
          resolveDynamicImport: (specifier) =>
            typeof specifier === 'string' && specifier.endsWith('lazy-parts.js')
              ? { id: 'cardkeep-lazy-parts', external: true }
              : null,
        },
        ...plugins(),
      ],
    },
  ];
};
