// Where the time to notice goes: for each variant of bench/notice.mjs (Cardkeep's banner as
// pasted, with `eager`, and the hand-written baseline), the requests in order — when each
// started, its first byte, its end and its bytes (Resource Timing, medians over the loads) —
// then the main thread's work from one traced load (each task over a few ms, named after what
// took most of it), and which source modules the page's JavaScript spent its time in (V8's
// sampling profiler, mapped back through the built files' source maps).
//
//   node bench/waterfall.mjs [--loads=5] [--profile=throttled|unthrottled]
//                            [--variants=cardkeep,eager,plain,link] [--json]
//
// Run it after `npm run build`. It is a diagnostic, not a figure for the table: tracing and
// profiling slow a page down, so only the untraced loads give the request times.
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeSegment, shortName } from './composition.mjs';
import { round, root, summarize } from './lib.mjs';
import { loadOnce, PROFILES, setUp } from './notice.mjs';

/** Main-thread tasks shorter than this are left out of the timeline. */
const TASK_MS = 4;

/** What a trace event's name says it is, most telling first; an event's label is its own. */
const KINDS = [
  [/^(EvaluateScript|v8\.evaluateModule|v8\.compileModule|v8\.compile)$/, 'script'],
  [/^FunctionCall$/, 'script'],
  [/^(ParseHTML)$/, 'parse HTML'],
  [/^(UpdateLayoutTree|RecalculateStyles)$/, 'style'],
  [/^Layout$/, 'layout'],
  [/^(Paint|PaintImage|Layerize|PrePaint|Commit)$/, 'paint'],
  [/GC|GCEvent|V8\.GC/, 'GC'],
];

const fileOf = (url) => (url ? String(url).split('/').pop().split('?')[0] : '');

/**
 * The page's main-thread tasks from a trace, from script start until `until` ms after it: each
 * with its start, duration and what took most of it (the longest descendant of a known kind,
 * with the file it ran, when the trace says).
 */
export function mainThread(trace, until) {
  const events = trace.traceEvents ?? trace;
  const mark = events.find((e) => e.name === 'bench:script-start');
  if (!mark) return [];
  const mine = events
    .filter((e) => e.ph === 'X' && e.pid === mark.pid && e.tid === mark.tid)
    .sort((a, b) => a.ts - b.ts || b.dur - a.dur);
  const ms = (ts) => (ts - mark.ts) / 1000;
  const tasks = [];
  for (const task of mine.filter((e) => e.name === 'RunTask')) {
    const start = ms(task.ts);
    const duration = task.dur / 1000;
    if (start + duration < -1 || start > until || duration < TASK_MS) continue;
    const inside = mine.filter((e) => e.ts >= task.ts && e.ts + e.dur <= task.ts + task.dur);
    const parts = new Map();
    for (const event of inside) {
      const kind = KINDS.find(([pattern]) => pattern.test(event.name))?.[1];
      if (!kind) continue;
      const url = fileOf(event.args?.data?.url ?? event.args?.url ?? event.args?.fileName);
      const label = kind === 'script' ? `script ${url || '(module)'}` : kind;
      // Nested events of one kind (a function call inside a script's evaluation) count once.
      const covered = [...parts.values()].some(
        (p) => p.label === label && p.ts <= event.ts && event.ts < p.ts + p.dur,
      );
      if (!covered)
        parts.set(`${label}@${event.ts}`, { label, ts: event.ts, dur: event.dur / 1000 });
    }
    const byLabel = new Map();
    for (const { label, dur } of parts.values())
      byLabel.set(label, (byLabel.get(label) ?? 0) + dur);
    const what = [...byLabel]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 2)
      .map(([label, dur]) => `${label} ${round(dur, 0)}`)
      .join(', ');
    tasks.push({ start: round(start, 0), duration: round(duration, 0), what: what || 'other' });
  }
  return tasks;
}

/** A source-map lookup for the built files: `(file, line, column)` → the module it came from. */
function sourceMaps() {
  const cache = new Map();
  const load = (file) => {
    const path = join(root, 'dist', file);
    const map = JSON.parse(readFileSync(`${path}.map`, 'utf8'));
    // Per generated line: [column, module] at each segment that names a source.
    let source = 0;
    const lines = map.mappings.split(';').map((line) => {
      let column = 0;
      const segments = [];
      for (const segment of line ? line.split(',') : []) {
        const [columnDelta, sourceDelta] = decodeSegment(segment);
        column += columnDelta;
        if (sourceDelta !== undefined) source += sourceDelta;
        segments.push([column, shortName(map.sources[source] ?? '?')]);
      }
      return segments;
    });
    return lines;
  };
  return (file, line, column) => {
    if (!cache.has(file)) {
      try {
        cache.set(file, load(file));
      } catch {
        cache.set(file, null);
      }
    }
    const lines = cache.get(file);
    if (!lines) return file;
    let module = file;
    for (const [at, name] of lines[line] ?? []) {
      if (at > column) break;
      module = name;
    }
    return module;
  };
}

/** Self time per source module from a V8 CPU profile (Profiler.stop), largest first. */
export function selfTime(profile, lookup) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const totals = new Map();
  profile.samples.forEach((id, i) => {
    const { callFrame } = byId.get(id);
    const file = fileOf(callFrame.url);
    const where = file.endsWith('.min.js')
      ? lookup(file, callFrame.lineNumber, callFrame.columnNumber)
      : file || callFrame.functionName || '(native)';
    const us = profile.timeDeltas[i + 1] ?? 0;
    totals.set(where, (totals.get(where) ?? 0) + us);
  });
  return [...totals]
    .map(([where, us]) => ({ where, ms: round(us / 1000, 1) }))
    .sort((a, b) => b.ms - a.ms);
}

/** One load with V8's sampling profiler on (a fresh context, the profile's throttling). */
async function profiledLoad(browser, url, profile) {
  const context = await browser.createBrowserContext();
  try {
    const page = await context.newPage();
    const cdp = await page.createCDPSession();
    if (profile) {
      await cdp.send('Network.enable');
      await cdp.send('Network.emulateNetworkConditions', profile.network);
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: profile.cpu });
    }
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
    await cdp.send('Profiler.start');
    await page.goto(url, { waitUntil: 'load' });
    await page.evaluate(() => window.bench.done);
    const { profile: result } = await cdp.send('Profiler.stop');
    return result;
  } finally {
    await context.close();
  }
}

/** The waterfall of each variant: requests (medians), main-thread tasks, JavaScript by module. */
export async function waterfall({
  loads = 5,
  profile: profileName = 'throttled',
  variants = ['cardkeep', 'eager', 'plain'],
} = {}) {
  const profile = PROFILES[profileName];
  const bench = await setUp();
  const lookup = sourceMaps();
  const busy = { atStart: loadavg()[0], cores: cpus().length };
  try {
    const samples = Object.fromEntries(variants.map((v) => [v, []]));
    for (const variant of variants) await loadOnce(bench.browser, bench.url(variant), { profile });
    for (let i = 0; i < loads; i += 1) {
      for (const variant of variants) {
        samples[variant].push(await loadOnce(bench.browser, bench.url(variant), { profile }));
      }
    }
    const result = {};
    for (const variant of variants) {
      const runs = samples[variant];
      const median = (pick) => round(summarize(runs.map(pick)).median, 0);
      const names = [...new Set(runs.flatMap((r) => r.resources.map((x) => fileOf(x.url))))];
      const requests = names
        .map((name) => {
          const of = runs.map((r) => r.resources.find((x) => fileOf(x.url) === name));
          const present = of.filter(Boolean);
          const m = (key) => round(summarize(present.map((x) => x[key])).median, 0);
          return {
            request: name,
            start: m('start'),
            firstByte: m('firstByte'),
            end: m('end'),
            bytes: m('bytes'),
            body: m('bodyBytes'),
            inLoads: present.length,
          };
        })
        .sort((a, b) => a.start - b.start);
      const painted = median((r) => r.painted);
      const traced = await loadOnce(bench.browser, bench.url(variant), { profile, trace: true });
      const cpu = await profiledLoad(bench.browser, bench.url(variant), profile);
      result[variant] = {
        rendered: median((r) => r.rendered),
        painted,
        requests,
        mainThread: mainThread(traced.trace, traced.painted + 5),
        tracedPainted: round(traced.painted, 0),
        javascript: selfTime(cpu, lookup).slice(0, 12),
      };
    }
    busy.atEnd = loadavg()[0];
    return { profile: profileName, loads, loadAverage: busy, variants: result };
  } finally {
    await bench.close();
  }
}

function print({ profile, loads, loadAverage, variants }) {
  const lines = [
    `Time to notice, waterfall (${PROFILES[profile]?.label ?? 'unthrottled'}; medians of ${loads} loads; ms after script start)`,
    `load average ${round(loadAverage.atStart, 2)} → ${round(loadAverage.atEnd, 2)} on ${loadAverage.cores} cores`,
  ];
  for (const [variant, v] of Object.entries(variants)) {
    lines.push('', `## ${variant}: in DOM ${v.rendered}, painted ${v.painted}`);
    lines.push('| request | start | first byte | end | bytes (body) |', '|---|---|---|---|---|');
    for (const r of v.requests) {
      lines.push(
        `| ${r.request} | ${r.start} | ${r.firstByte} | ${r.end} | ${r.bytes} (${r.body})${r.inLoads < loads ? ` in ${r.inLoads} loads` : ''} |`,
      );
    }
    lines.push(`main thread (one traced load, painted at ${v.tracedPainted}):`);
    for (const t of v.mainThread) {
      lines.push(`  ${String(t.start).padStart(6)} +${String(t.duration).padEnd(4)} ${t.what}`);
    }
    lines.push('JavaScript self time by module (one profiled load):');
    for (const j of v.javascript) lines.push(`  ${String(j.ms).padStart(7)} ms  ${j.where}`);
  }
  return lines.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const option = (name) =>
    process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const result = await waterfall({
    loads: Number(option('loads') ?? 5),
    profile: option('profile') ?? 'throttled',
    variants: option('variants')?.split(',') ?? ['cardkeep', 'eager', 'plain'],
  });
  console.log(process.argv.includes('--json') ? JSON.stringify(result, null, 2) : print(result));
}
