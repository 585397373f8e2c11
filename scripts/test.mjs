// `npm test`: every check the project has, in one run, ending with one plain line
// "N passed, N failed, N skipped". Type check, lint, build and the size budget count as one
// test each; the Node and browser suites count their own tests.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

// Bytes are deterministic, so CI holds them (gzip level 9, as docs/performance.md counts):
// each file of the script tag (the chunks' names end in a content hash, so they are matched by
// their stable prefix in dist/browser-files.json), and what each page state fetches in all.
// Issue 17's goals: card fine ≤ 4,096; notice painted ≤ 14,000; expiry fix in all ≤ 16,000. The
// budgets hold today's sizes where a goal is not reached yet, so they can only shrink.
const FILE_BUDGETS_GZIP = {
  'cardkeep.min.js': 2_400,
  'cardkeep-ui-': 13_600,
  'cardkeep-expiry-form-': 3_900,
  'cardkeep-ja-': 1_800,
  'cardkeep-replace-card-': 4_700,
};
const PAGE_BUDGETS_GZIP = {
  'card fine (first file only)': [['cardkeep.min.js'], 4_096],
  'notice painted': [['cardkeep.min.js', 'cardkeep-ui-'], 15_900],
  'expiry fix, notice to thank-you': [
    ['cardkeep.min.js', 'cardkeep-ui-', 'cardkeep-expiry-form-'],
    19_700,
  ],
};
const totals = { passed: 0, failed: 0, skipped: 0 };
const failures = [];

function run(name, command, args, env = {}) {
  return new Promise((resolve) => {
    console.log(`\n━━ ${name}: ${command} ${args.join(' ')}`);
    const child = spawn(command, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, FORCE_COLOR: '0', ...env },
    });
    let output = '';
    const tee = (stream, sink) =>
      stream.on('data', (chunk) => {
        output += chunk;
        sink.write(chunk);
      });
    tee(child.stdout, process.stdout);
    tee(child.stderr, process.stderr);
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

function check(name, ok, detail = '') {
  if (ok) totals.passed += 1;
  else {
    totals.failed += 1;
    failures.push(`${name}${detail ? `: ${detail}` : ''}`);
  }
}

function count(name, code, output, parse) {
  const counts = parse(output);
  if (!counts) {
    check(name, false, `no test summary found (exit ${code})`);
    return;
  }
  totals.passed += counts.passed;
  totals.failed += counts.failed;
  totals.skipped += counts.skipped;
  if (counts.failed > 0) failures.push(`${name}: ${counts.failed} failed`);
  else if (code !== 0) check(name, false, `exit ${code}`);
}

const last = (output, re) => {
  const all = [...output.matchAll(re)];
  return all.length ? Number(all[all.length - 1][1]) : undefined;
};

const bin = (name) => `node_modules/.bin/${name}`;

const typecheck = await run('typecheck', bin('tsc'), ['-p', 'tsconfig.json', '--noEmit']);
check('typecheck', typecheck.code === 0);

const eslint = await run('lint', bin('eslint'), ['.', '--max-warnings', '0']);
check('eslint', eslint.code === 0);
const prettier = await run('format', bin('prettier'), ['--check', '.']);
check('prettier', prettier.code === 0, 'run `npm run format`');

const build = await run('build', process.execPath, ['scripts/build.mjs']);
check('build', build.code === 0);

if (build.code === 0) {
  const { files } = JSON.parse(readFileSync('dist/browser-files.json', 'utf8'));
  const sizes = new Map(
    files.map(({ file }) => [file, gzipSync(readFileSync(`dist/${file}`), { level: 9 }).length]),
  );
  const sizeOf = (prefix) => {
    const matches = [...sizes].filter(([file]) => file === prefix || file.startsWith(prefix));
    return matches.length === 1 ? matches[0] : [prefix, NaN];
  };
  for (const [prefix, budget] of Object.entries(FILE_BUDGETS_GZIP)) {
    const [file, bytes] = sizeOf(prefix);
    console.log(`\n━━ size budget: dist/${file} is ${bytes} bytes gzip (budget ${budget})`);
    check(`size budget ${file}`, bytes <= budget, `${bytes} > ${budget} bytes gzip`);
  }
  const unbudgeted = [...sizes.keys()].filter(
    (file) => !Object.keys(FILE_BUDGETS_GZIP).some((p) => file === p || file.startsWith(p)),
  );
  check('every browser file has a budget', unbudgeted.length === 0, unbudgeted.join(', '));
  for (const [state, [prefixes, budget]] of Object.entries(PAGE_BUDGETS_GZIP)) {
    const bytes = prefixes.reduce((sum, prefix) => sum + sizeOf(prefix)[1], 0);
    console.log(`━━ size budget: ${state}: ${bytes} bytes gzip (budget ${budget})`);
    check(`size budget ${state}`, bytes <= budget, `${bytes} > ${budget} bytes gzip`);
  }
}

const node = await run('node tests', process.execPath, ['scripts/node-tests.mjs']);
count('node tests', node.code, node.output, (out) => {
  const passed = last(out, /ℹ pass (\d+)/g);
  const failed = last(out, /ℹ fail (\d+)/g);
  if (passed === undefined || failed === undefined) return undefined;
  return {
    passed,
    failed,
    skipped: (last(out, /ℹ skipped (\d+)/g) ?? 0) + (last(out, /ℹ todo (\d+)/g) ?? 0),
  };
});

const browser = await run('browser tests', process.execPath, [
  '--import',
  'tsx',
  'node_modules/@web/test-runner/dist/bin.js',
]);
count('browser tests', browser.code, browser.output, (out) => {
  const m = [...out.matchAll(/browser: (\d+) passed, (\d+) failed, (\d+) skipped/g)].pop();
  return m ? { passed: +m[1], failed: +m[2], skipped: +m[3] } : undefined;
});

if (failures.length) console.log(`\nFailed:\n${failures.map((f) => `  - ${f}`).join('\n')}`);
console.log(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(totals.failed > 0 ? 1 : 0);
