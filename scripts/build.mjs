// Builds dist/: ESM + .d.ts with tsc, the script-tag IIFE with rollup, and the
// custom elements manifest. Fails loudly on the first step that fails.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';

function run(command, args) {
  const started = Date.now();
  const result = spawnSync(command, args, { stdio: 'inherit', shell: false });
  if (result.status !== 0) {
    console.error(`\nbuild: "${command} ${args.join(' ')}" failed (exit ${result.status}).`);
    process.exit(result.status ?? 1);
  }
  console.log(`build: ${args[0] === '-p' ? 'tsc' : args[0]} done in ${Date.now() - started} ms`);
}

const bin = (name) => `node_modules/.bin/${name}`;

/**
 * `stripe` is an optional peer dependency, but the declarations of `cardkeep/server` name its
 * types. A consumer without it, checking with `skipLibCheck: false`, would fail on the import;
 * marked, the import resolves to nothing there (the Stripe-typed options become `any`) and to
 * the real types wherever `stripe` is installed.
 */
function markOptionalImports(dir, packages) {
  for (const file of listFiles(dir).filter((f) => f.endsWith('.d.ts'))) {
    const path = `${dir}/${file}`;
    const text = readFileSync(path, 'utf8');
    let marked = text;
    for (const name of packages) {
      marked = marked.replace(
        new RegExp(`^(import type .* from '${name}';)$`, 'gm'),
        `// @ts-ignore -- optional peer dependency "${name}"; typed when installed\n$1`,
      );
    }
    if (marked !== text) writeFileSync(path, marked);
  }
}

/** Paths of every file under `dir`, relative to it, sorted. */
function listFiles(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => `${entry.parentPath ?? entry.path}/${entry.name}`.slice(dir.length + 1))
    .sort();
}
rmSync('dist', { recursive: true, force: true });
run(bin('tsc'), ['-p', 'tsconfig.build.json']);
markOptionalImports('dist', ['stripe']);
const serverSide = new Set(listFiles('dist'));
run(bin('rollup'), ['-c', 'rollup.config.mjs', '--silent']);
// Every file the browser build added (the script tag, what it loads later, source maps) is
// listed for the reference server, which serves exactly these (src/server/assets.ts): however
// the bundler names or splits its output, nothing of the server side is ever served.
// rollup's own manifest (rollup.config.mjs) lists the JavaScript with its SRI hashes; the
// source maps join it here, so the one list holds every file and its hash.
const manifest = JSON.parse(readFileSync('dist/browser-files.json', 'utf8'));
const hashed = new Map(manifest.files.map(({ file, integrity }) => [file, integrity]));
const sri = (file) =>
  `sha384-${createHash('sha384')
    .update(readFileSync(`dist/${file}`))
    .digest('base64')}`;
manifest.files = listFiles('dist')
  .filter((file) => !serverSide.has(file) && file !== 'browser-files.json')
  .map((file) => ({ file, integrity: hashed.get(file) ?? sri(file) }));
writeFileSync('dist/browser-files.json', `${JSON.stringify(manifest, null, 2)}\n`);
run(bin('cem'), [
  'analyze',
  '--litelement',
  '--globs',
  'src/**/*.ts',
  '--exclude',
  'src/server/**',
]);
