// The script-tag build, minified:
//   dist/cardkeep.min.js            the first file (src/script-tag.ts): a classic script without
//                                   Lit that asks for the card and imports the rest only when
//                                   the page needs it
//   dist/cardkeep-*-<hash>.min.js   ES modules from rollup's own code splitting: the elements
//                                   (src/script-tag-ui.ts), Japanese, the replacement form with
//                                   Stripe's loader, each behind a dynamic import()
//   dist/browser-files.json         every file above with its SRI hash, for servers and CDNs
// The chunks are built first; the first file then gets their names and hashes (it pins them
// with an import map when served from another origin). The ESM build for bundlers is tsc's
// output (dist/*.js), which keeps Lit external.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve as resolvePath } from 'node:path';
import { rollup } from 'rollup';
import resolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import esbuild from 'rollup-plugin-esbuild';
import ts from 'typescript';
import { transformSync as esbuildTransform } from 'esbuild';

const root = resolvePath('.');
const FIRST = 'cardkeep.min.js';
/** Chunk names by the module each is built around (a stable name, then a content hash). */
const NAMES = {
  [join(root, 'src/script-tag-ui.ts')]: 'ui',
  [join(root, 'src/lazy-form.ts')]: 'expiry-form',
  [join(root, 'src/i18n/ja.ts')]: 'ja',
  [join(root, 'src/lazy-parts.ts')]: 'replace-card',
};

/** A chunk's stable name: the module it is built around, or its manual chunk's name. */
const nameOf = (chunk) => NAMES[chunk.facadeModuleId] ?? chunk.name;

/** Modules that travel in the expiry form's chunk, besides what it imports itself. */
const WITH_FORM = new Set(
  [
    'src/lazy-form.ts',
    'src/components/shared/confirmation.ts',
    'src/components/banner/banner-forms.ts',
    'src/adapter/http-adapter.ts',
    'src/events/updated.ts',
    'src/events/open.ts',
    'src/i18n/en-forms.ts',
    'src/i18n/error-text.ts',
  ].map((file) => join(root, file)),
);

const sri = (code) => `sha384-${createHash('sha384').update(code).digest('base64')}`;

/**
 * A whole `css` template (backticks included) minified by esbuild's CSS minifier, which keeps
 * what the rules mean (it only drops spaces, comments, zeros and the like). The newlines it
 * took out are put back at the end, so the lines after it still match the source maps.
 */
const minifyCss = (text) => {
  const css = esbuildTransform(text.slice(1, -1), { loader: 'css', minify: true }).code.trim();
  return `\`${css}${'\n'.repeat(text.split('\n').length - 1)}\``;
};

/**
 * Drops the indentation inside our `html` templates and minifies our `css` ones: the browser
 * reads a newline and a run of spaces alike there, and terser leaves template text alone.
 * Newlines stay, so line numbers (and the source maps) still match the source.
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
            const out =
              tag === 'css' && ts.isNoSubstitutionTemplateLiteral(t)
                ? minifyCss(text)
                : text.replace(/\n[ \t]*/g, '\n').replace(/[ \t]+\n/g, '\n');
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

const minify = (module, preamble) =>
  terser({
    ecma: 2022,
    module,
    compress: { passes: 2 },
    format: { comments: false, ...(preamble ? { preamble } : {}) },
  });

/**
 * Chromium's per-file compile hint (V8's explicit compile hints): the functions of a file that
 * runs at once when it arrives are compiled on the thread that streams it in, rather than one by
 * one on the main thread the first time each runs. Other browsers read a comment.
 */
const CALLED_ON_LOAD = '//# allFunctionsCalledOnLoad';

const onwarn = (warning, warn) =>
  warning.code === 'CIRCULAR_DEPENDENCY' ? undefined : warn(warning);

/** Builds the chunks with rollup's code splitting and writes them; returns rollup's chunks. */
async function buildChunks() {
  const bundle = await rollup({
    input: { ui: 'src/script-tag-ui.ts' },
    // The entry chunk may export what the later chunks import from it: no facade module.
    preserveEntrySignatures: 'allow-extension',
    onwarn,
    plugins: plugins(),
  });
  const named = (chunk) => `cardkeep-${nameOf(chunk)}-[hash].min.js`;
  const { output } = await bundle.write({
    dir: 'dist',
    format: 'es',
    entryFileNames: named,
    chunkFileNames: named,
    // Each map is written beside its file, without a `//# sourceMappingURL` comment (~30 B gzip
    // a file, fetched on every page): the reference server names the map in a `SourceMap`
    // header, which browsers' developer tools read as they read the comment (README: a CDN sets
    // the same header).
    sourcemap: 'hidden',
    // The events the elements fire are a few bytes: one request less to keep them in the entry,
    // but for `cardkeep-updated` and `cardkeep-open`, which fire only once a form is here. What
    // goes with the expiry form (WITH_FORM), which every fix loads anyway, is not a file of its
    // own, one request more.
    // (The replacement form imports it from there.)
    manualChunks: (id) => {
      if (WITH_FORM.has(id)) return 'expiry-form';
      if (id === join(root, 'src/script-tag-ui.ts') || id.startsWith(join(root, 'src/events/'))) {
        return 'ui';
      }
      return undefined;
    },
    plugins: [minify(true, CALLED_ON_LOAD)],
  });
  await bundle.close();
  return output.filter((item) => item.type === 'chunk');
}

export default async () => {
  mkdirSync('dist', { recursive: true });
  const chunks = await buildChunks();
  const fileOf = (name) => {
    const chunk = chunks.find((c) => nameOf(c) === name);
    if (!chunk) throw new Error(`rollup.config.mjs: no chunk for ${name}`);
    return chunk.fileName;
  };
  // A module the UI needs must never land in a later chunk (manualChunks pulls dependencies
  // along): the notice would then fetch that chunk too.
  const ui = chunks.find((c) => nameOf(c) === 'ui');
  if (ui?.imports.length) {
    throw new Error(`rollup.config.mjs: the UI chunk imports ${ui.imports.join(', ')} statically`);
  }
  const files = {
    ui: fileOf('ui'),
    form: fileOf('expiry-form'),
    ja: fileOf('ja'),
    replace: fileOf('replace-card'),
    integrity: Object.fromEntries(chunks.map((c) => [c.fileName, sri(c.code)])),
  };
  return [
    {
      input: 'src/script-tag.ts',
      onwarn,
      output: {
        file: `dist/${FIRST}`,
        format: 'iife',
        // As the chunks': named by a `SourceMap` response header, not a comment.
        sourcemap: 'hidden',
        plugins: [minify(false, CALLED_ON_LOAD)],
      },
      plugins: [
        ...plugins(),
        {
          name: 'browser-files',
          // After esbuild, which has dropped the `declare const`.
          transform(code, id) {
            if (id !== join(root, 'src/script-tag.ts')) return null;
            return { code: code.replace('__CARDKEEP_FILES__', JSON.stringify(files)), map: null };
          },
          // What a server (cardkeep/server's handler) or a CDN upload serves: every file a page
          // may ask for, with its SRI hash. `entry` is the one merchants paste.
          writeBundle(_options, bundle) {
            const hashes = { [FIRST]: sri(bundle[FIRST].code), ...files.integrity };
            const list = Object.entries(hashes).map(([file, integrity]) => ({ file, integrity }));
            writeFileSync(
              join('dist', 'browser-files.json'),
              `${JSON.stringify({ entry: FIRST, files: list }, null, 2)}\n`,
            );
          },
        },
      ],
    },
  ];
};
