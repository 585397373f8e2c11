// `npm run bench`: builds dist/ (the npm script does), runs the five benchmarks of issue 7 one
// after another, prints one table and writes bench/results.json. `--quick` runs fewer rounds
// (a smoke test of the bench, not figures to quote); `--only=bytes,flows,notice,server` runs a
// subset; `--rounds=N` sets the rounds of the parts that have them (a shorter run while the
// machine is shared). Quick, partial and re-rounded runs write bench/results/ (ignored by git),
// not bench/results.json.
// `--docs` (full runs only) puts the table into docs/performance.md and README.md.
// Nothing here asserts a timing: targets are reported as met or missed, and the exit code is 0
// unless a benchmark could not run at all.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, platform, release } from 'node:os';
import { join } from 'node:path';
import { findChromium } from '../scripts/chromium.mjs';
import { root } from './lib.mjs';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args
  .find((arg) => arg.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');
/** `--rounds=N`: the parts that take rounds take N (a shorter run while the machine is shared). */
const rounds = Number(
  args.find((arg) => arg.startsWith('--rounds='))?.slice('--rounds='.length) ?? NaN,
);

/** Each part: its module and its settings, full and quick. */
const PARTS = [
  { key: 'bytes', title: '1. Bytes', module: './bytes.mjs', full: {}, quick: {} },
  {
    key: 'flows',
    title: '2. Stripe cost of the common path · 4. Shopper effort',
    module: './flows.mjs',
    full: { repeats: 3 },
    quick: { repeats: 1 },
  },
  {
    key: 'notice',
    title: '3. Time to notice',
    module: './notice.mjs',
    full: { rounds: 30, traces: 6 },
    quick: { rounds: 4, traces: 2 },
  },
  {
    key: 'server',
    title: '5. Reference server',
    module: './server.mjs',
    full: { rounds: 6, duration: 2, warmup: 2, connections: 10 },
    quick: { rounds: 1, duration: 1, warmup: 1, connections: 10 },
  },
];

function git(...command) {
  try {
    return execFileSync('git', command, { cwd: root, encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
}

function chromiumVersion() {
  try {
    return execFileSync(findChromium(), ['--version'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return undefined;
  }
}

const number = (value, unit) => {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  const digits = unit === 'ms' ? 1 : 0;
  const text = value.toLocaleString('en-US', {
    maximumFractionDigits: Number.isInteger(value) ? 0 : digits,
  });
  return unit ? `${text} ${unit}` : text;
};

/** "12.3 ms (11.9–13.0)": the median and its interquartile range when there is a spread. */
const withSpread = (value, unit, spread) =>
  spread && spread.n > 1 && spread.q1 !== spread.q3
    ? `${number(value, unit)} (${spread.q1}–${spread.q3})`
    : number(value, unit);

function cells(row) {
  return [
    row.name,
    withSpread(row.value, row.unit, row.spread) + (row.note ? ` · ${row.note}` : ''),
    row.baseline === undefined
      ? ''
      : `${withSpread(row.baseline, row.unit, row.baselineSpread)} ${row.baselineLabel ?? ''}`.trim(),
    row.ratio === undefined || row.ratio === null
      ? ''
      : row.ratioSpread && row.ratioSpread.q1 !== row.ratioSpread.q3
        ? `${row.ratio.toFixed(2)}× (${row.ratioSpread.q1.toFixed(2)}–${row.ratioSpread.q3.toFixed(2)})`
        : `${row.ratio.toFixed(2)}×`,
    row.target === 'report' ? '' : row.target,
    row.pass === true ? 'met' : row.pass === false ? 'MISSED' : '',
  ];
}

/** The table as Markdown, so it can go straight into the README. */
function table(sections) {
  const head = ['Measure', 'Cardkeep', 'Baseline', 'Ratio', 'Target', ''];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => ' --- ').join('|')}|`];
  for (const { title, rows } of sections) {
    lines.push(`| **${title}** | | | | | |`);
    for (const row of rows) lines.push(`| ${cells(row).join(' | ')} |`);
  }
  return lines.join('\n');
}

if (!existsSync(join(root, 'dist/cardkeep.min.js'))) {
  console.error(
    'bench: dist/ is missing. Run `npm run bench` (it builds first) or `npm run build`.',
  );
  process.exit(1);
}

const started = Date.now();
const startLoad = loadavg().map((n) => Math.round(n * 100) / 100);
const sections = [];
const details = {};
let failed = false;
for (const part of PARTS) {
  if (only && !only.includes(part.key)) continue;
  const base = quick ? part.quick : part.full;
  const settings = rounds > 0 && 'rounds' in base ? { ...base, rounds } : base;
  const t0 = Date.now();
  process.stdout.write(`bench: ${part.title} …`);
  try {
    const { run } = await import(part.module);
    const result = await run(settings);
    sections.push({ title: part.title, rows: result.rows });
    details[part.key] = { settings, seconds: Math.round((Date.now() - t0) / 100) / 10, ...result };
    process.stdout.write(` ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
  } catch (error) {
    failed = true;
    process.stdout.write(' failed\n');
    console.error(error);
    details[part.key] = { settings, error: String(error?.stack ?? error) };
  }
}

const results = {
  generatedAt: new Date().toISOString(),
  mode: quick ? 'quick' : 'full',
  commit: git('rev-parse', '--short', 'HEAD'),
  dirty: Boolean(git('status', '--porcelain', '--', 'src', 'bench', 'demo')),
  environment: {
    node: process.version,
    chromium: chromiumVersion(),
    cpu: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}`,
    os: `${platform()} ${release()}`,
    // Other work on the machine shows here: timings are only as quiet as the machine was.
    loadAverage: { atStart: startLoad, atEnd: loadavg().map((n) => Math.round(n * 100) / 100) },
  },
  seconds: Math.round((Date.now() - started) / 1000),
  table: sections.flatMap(({ title, rows }) => rows.map((row) => ({ section: title, ...row }))),
  parts: Object.fromEntries(
    Object.entries(details).map(([key, { rows: _rows, ...rest }]) => [key, rest]),
  ),
};

console.log(`\n${table(sections)}\n`);
const footer =
  `${results.mode === 'full' ? 'Full' : 'Quick'} run of ${results.generatedAt.slice(0, 10)} at ` +
  `${results.commit ?? 'an unknown commit'}${results.dirty ? ' (with local changes)' : ''}, ` +
  `${results.seconds} s · ${results.environment.chromium ?? 'Chromium'} · ` +
  `Node ${process.version} · ${results.environment.cpu} · load average ${startLoad[0]} at the start`;
console.log(footer);
// Only a full run of everything replaces the committed figures; the rest go to bench/results/
// (ignored by git).
const partial = quick || only || rounds > 0;
const file = partial ? `bench/results/${quick ? 'quick' : 'partial'}.json` : 'bench/results.json';
mkdirSync(join(root, 'bench/results'), { recursive: true });
writeFileSync(join(root, file), `${JSON.stringify(results, null, 2)}\n`);
console.log(`bench: wrote ${file}`);

/**
 * Puts the table between the bench-table markers of the docs that show it (`--docs`), then
 * formats the file with the repository's Prettier settings so `npm test` stays green.
 */
async function updateDocs(markdown) {
  const prettier = await import('prettier');
  for (const doc of ['docs/performance.md', 'README.md']) {
    const path = join(root, doc);
    const text = readFileSync(path, 'utf8');
    const pattern = /(<!-- bench-table:start -->\n)[^]*?(<!-- bench-table:end -->)/;
    if (!pattern.test(text)) {
      console.log(`bench: ${doc} has no bench-table markers; left as it was`);
      continue;
    }
    const updated = text.replace(pattern, (_, start, end) => `${start}\n${markdown}\n\n${end}`);
    const options = (await prettier.resolveConfig(path)) ?? {};
    writeFileSync(path, await prettier.format(updated, { ...options, filepath: path }));
    console.log(`bench: updated the table in ${doc}`);
  }
}

if (args.includes('--docs')) {
  if (partial || failed) console.log('bench: --docs needs a full, successful run');
  else await updateDocs(`${table(sections)}\n\n${footer}`);
}
if (failed) process.exitCode = 1;
