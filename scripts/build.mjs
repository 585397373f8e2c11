// Builds dist/: ESM + .d.ts with tsc, the script-tag IIFE with rollup, and the
// custom elements manifest. Fails loudly on the first step that fails.
import { spawnSync } from 'node:child_process';
import { readdirSync, rmSync, writeFileSync } from 'node:fs';

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

/** Paths of every file under `dir`, relative to it, sorted. */
function listFiles(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => `${entry.parentPath ?? entry.path}/${entry.name}`.slice(dir.length + 1))
    .sort();
}
rmSync('dist', { recursive: true, force: true });
run(bin('tsc'), ['-p', 'tsconfig.build.json']);
const serverSide = new Set(listFiles('dist'));
run(bin('rollup'), ['-c', 'rollup.config.mjs', '--silent']);
// Every file the browser build added (the script tag, what it loads later, source maps) is
// listed for the reference server, which serves exactly these (src/server/assets.ts): however
// the bundler names or splits its output, nothing of the server side is ever served.
const browserFiles = listFiles('dist').filter((file) => !serverSide.has(file));
writeFileSync('dist/browser-files.json', `${JSON.stringify(browserFiles, null, 2)}\n`);
run(bin('cem'), [
  'analyze',
  '--litelement',
  '--globs',
  'src/**/*.ts',
  '--exclude',
  'src/server/**',
]);
