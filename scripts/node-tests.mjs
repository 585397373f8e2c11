// Runs every test/**/*.node.test.ts with node:test (Node 20's --test does not expand globs).
// Extra arguments narrow the run to paths containing any of them: `npm run test:node -- server`.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return walk(path);
    return entry.name.endsWith('.node.test.ts') ? [path] : [];
  });
}

const filters = process.argv.slice(2);
const files = walk('test')
  .filter((file) => !filters.length || filters.some((f) => file.includes(f)))
  .sort();
if (!files.length) {
  console.error('node tests: no test files found');
  process.exit(1);
}
// `npm test` asks for the counts as JSON in a file of its own (scripts/test.mjs); the counting
// reporter writes it itself and prints nothing.
const countsFile = process.env.CARDKEEP_TEST_COUNTS;
const reporters = countsFile
  ? [
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      '--test-reporter=./scripts/node-counting-reporter.mjs',
      '--test-reporter-destination=stdout',
    ]
  : ['--test-reporter=spec'];
const child = spawn(
  process.execPath,
  [
    '--import',
    'tsx',
    // A file that leaves a server, socket, child process or timer open once its tests are done
    // fails within seconds, naming what is open (not `--test-force-exit`: on Node 20 that loses
    // test results; see the watchdog's header).
    '--import',
    './scripts/node-test-watchdog.mjs',
    '--test',
    ...reporters,
    // A test that never settles fails here. The limit also applies to each file as a whole (the
    // runner then kills the file's process and names it): the demo's end-to-end file takes over
    // two minutes on a busy machine, so it is a bound on hanging, not a speed test.
    '--test-timeout=600000',
    ...files,
  ],
  { stdio: 'inherit' },
);
child.on('close', (code) => process.exit(code ?? 1));
