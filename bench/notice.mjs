// 3. Time to notice: from the element script starting to the banner on screen, Cardkeep's
// script tag versus a hand-written plain-DOM element (bench/pages/plain-banner.js) that renders
// the same markup with the same style sheets. Same page, same load order, the same HTTP request
// (GET /cardkeep/card, a card whose renewal failed), same browser, loads interleaved; each load
// in a fresh browser context so no cache (HTTP or V8 code cache) carries over. Two profiles:
// loopback as it is, and a shopper's phone network (150 ms round trip, 1.6 Mbps down, 4× slower
// CPU, through the DevTools protocol).
import { readFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import {
  expiredCard,
  launchBrowser,
  root,
  round,
  roundSummary,
  serveStatic,
  summarize,
} from './lib.mjs';

/** Long tasks at or under this many milliseconds are fine (the RAIL guideline). */
export const LONG_TASK_MS = 50;
/** Cardkeep may take at most this multiple of the hand-written element's time. */
export const TARGET_RATIO = 1.3;

const VARIANTS = {
  cardkeep: { tag: 'cardkeep-banner', script: '/cardkeep.min.js' },
  // The page says up front it wants the notice: the elements come with the card, not after it.
  eager: { tag: 'cardkeep-banner', script: '/cardkeep.min.js', attrs: ' eager' },
  plain: { tag: 'plain-banner', script: '/plain-banner.js' },
  // Opened from a dunning e-mail's signed link: the elements and the expiry form come with the
  // card, and the banner opens its form at once (bench/waterfall.mjs only; the bench server
  // answers the card whatever the token).
  link: { tag: 'cardkeep-banner', script: '/cardkeep.min.js', query: '?cardkeep_token=bench' },
};
/** The variants the timing rows compare, loaded in rotation each round. */
const MEASURED = ['cardkeep', 'eager', 'plain'];

/** The network and CPU of each profile (null: as the machine is). */
export const PROFILES = {
  unthrottled: null,
  throttled: {
    label: '150 ms RTT, 1.6 Mbps, 4× CPU',
    network: {
      offline: false,
      latency: 150,
      downloadThroughput: (1.6 * 1024 * 1024) / 8,
      uploadThroughput: (750 * 1024) / 8,
    },
    cpu: 4,
  },
};

const TRACE_CATEGORIES = [
  'blink.user_timing',
  'devtools.timeline',
  'v8',
  'disabled-by-default-devtools.timeline',
  'disabled-by-default-v8.compile',
];

async function pageFor(variant) {
  const template = await readFile(join(root, 'bench/pages/notice.html'), 'utf8');
  const { tag, script, attrs = '' } = VARIANTS[variant];
  return template
    .replaceAll('{{tag}}', tag)
    .replaceAll('{{script}}', script)
    .replaceAll('{{element}}', `<${tag} endpoint="/cardkeep"${attrs}></${tag}>`);
}

/** Loads one variant in a fresh context and reads its marks, paints and long tasks. */
export async function loadOnce(browser, url, { trace = false, profile = null } = {}) {
  const context = await browser.createBrowserContext();
  try {
    const page = await context.newPage();
    const cdp = await page.createCDPSession();
    await cdp.send('Performance.enable');
    if (profile) {
      await cdp.send('Network.enable');
      await cdp.send('Network.emulateNetworkConditions', profile.network);
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: profile.cpu });
    }
    if (trace) await page.tracing.start({ categories: TRACE_CATEGORIES });
    await page.goto(url, { waitUntil: 'load' });
    // One call that waits in the page for its own signal (notice.html's `bench.done`): polling
    // from here would run the poller on the page's main thread while it is still loading.
    let timer;
    await Promise.race([
      page.evaluate(() => window.bench.done),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('bench: the notice never painted')), 30_000);
      }),
    ]).finally(() => clearTimeout(timer));
    // Long tasks are reported a little after they end; give the observer a frame or two.
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 100)));
    const traceBuffer = trace ? await page.tracing.stop() : undefined;
    const { metrics } = await cdp.send('Performance.getMetrics');
    const measured = await page.evaluate(() => {
      const mark = (name) => performance.getEntriesByName(name)[0]?.startTime;
      const start = mark('bench:script-start');
      const scriptStart = start;
      const element = document.body.querySelector('[endpoint]');
      // Every request the page made, from the Resource Timing API, in ms after script start.
      const resources = performance.getEntriesByType('resource').map((entry) => ({
        url: entry.name,
        start: entry.startTime - start,
        firstByte: entry.responseStart - start,
        end: entry.responseEnd - start,
        bytes: entry.transferSize,
        bodyBytes: entry.encodedBodySize,
      }));
      return {
        scriptStart,
        resources,
        rendered: mark('bench:rendered') - start,
        painted: window.bench.paint['first-contentful-paint'] - start,
        longTasks: window.bench.longTasks,
        // The text of every element without element children, in order: what a reader sees,
        // whatever whitespace the templates put between elements.
        text: [...element.shadowRoot.querySelectorAll('*')]
          .filter((node) => node.childElementCount === 0)
          .map((node) => node.textContent.replace(/\s+/g, ' ').trim())
          .join(' | '),
        html: element.shadowRoot.innerHTML
          .replace(/<!--[^]*?-->/g, '')
          .replace(/>\s+/g, '>')
          .replace(/\s+</g, '<'),
      };
    });
    const metric = (name) => metrics.find((m) => m.name === name)?.value ?? NaN;
    return {
      ...measured,
      scriptDuration: metric('ScriptDuration') * 1000,
      taskDuration: metric('TaskDuration') * 1000,
      trace: traceBuffer ? JSON.parse(Buffer.from(traceBuffer).toString('utf8')) : undefined,
    };
  } finally {
    await context.close();
  }
}

/**
 * Compile and evaluation time of one script from a trace: V8's compile and parse events
 * (main thread and background) for the script's URL, and the EvaluateScript task for it.
 */
function scriptCosts(trace, isScript) {
  const events = trace.traceEvents ?? trace;
  const urlOf = (event) =>
    event.args?.data?.url ?? event.args?.url ?? event.args?.fileName ?? event.args?.data?.fileName;
  const durationMs = (event) => (event.dur ?? 0) / 1000;
  let compile = 0;
  let evaluate = 0;
  for (const event of events) {
    if (event.ph !== 'X' || !isScript(urlOf(event) ?? '')) continue;
    if (event.name === 'EvaluateScript') evaluate += durationMs(event);
    else if (/compile|parse/i.test(event.name)) compile += durationMs(event);
  }
  return { compile, evaluate };
}

/** The ratio's interquartile range lies wholly on one side of the target: enough rounds. */
const decided = (ratios) => {
  const { q1, q3 } = summarize(ratios);
  return q3 < TARGET_RATIO || q1 > TARGET_RATIO;
};

/**
 * The bench server (the three pages, the card, the script tag's files and the baseline) and a
 * loopback-only browser. The baseline adopts Cardkeep's own banner style sheets (their source
 * text, as Lit keeps it), read from the built elements once.
 */
export async function setUp() {
  const { files } = JSON.parse(readFileSync(join(root, 'dist/browser-files.json'), 'utf8'));
  const routes = {
    '/cardkeep.html': () => pageFor('cardkeep'),
    '/plain.html': () => pageFor('plain'),
    '/eager.html': () => pageFor('eager'),
    '/link.html': () => pageFor('link'),
    '/cardkeep/card': () => ({
      type: 'application/json',
      body: JSON.stringify({ card: expiredCard() }),
    }),
  };
  // The script tag and every chunk it may import, as the build lists them.
  for (const { file } of files) routes[`/${file}`] = join(root, 'dist', file);
  // Compressed as a real server sends them (both sides alike).
  const server = await serveStatic(routes, { compress: true });
  let browser;
  try {
    browser = await launchBrowser();
    const probe = await browser.newPage();
    await probe.goto(`${server.url}/cardkeep.html`);
    await probe.waitForFunction(() => customElements.get('cardkeep-banner'));
    const css = await probe.evaluate(() =>
      customElements
        .get('cardkeep-banner')
        .elementStyles.map((s) => s.cssText ?? [...s.cssRules].map((r) => r.cssText).join('\n')),
    );
    await probe.close();
    const plainSource = await readFile(join(root, 'bench/pages/plain-banner.js'), 'utf8');
    routes['/plain-banner.js'] = () =>
      `const PLAIN_BANNER_CSS = ${JSON.stringify(css)};\n${plainSource}`;
  } catch (error) {
    await browser?.close();
    await server.close();
    throw error;
  }
  return {
    browser,
    url: (variant) => `${server.url}/${variant}.html${VARIANTS[variant].query ?? ''}`,
    /** Whether a URL is one of Cardkeep's files (the script tag or a chunk). */
    ours: (url) => files.some(({ file }) => url.endsWith(`/${file}`)),
    close: async () => {
      await browser.close();
      await server.close();
    },
  };
}

/**
 * Runs interleaved load rounds per profile — at least `rounds`, and more (up to `maxRounds`)
 * while the interquartile range of either painted ratio (the banner's, the `eager` banner's)
 * still straddles the target — and `traces` traced loads of each variant (unthrottled).
 */
export async function run({ rounds = 20, maxRounds = rounds * 3, traces = 5 } = {}) {
  const bench = await setUp();
  const { browser, url, ours } = bench;
  const busy = { atStart: loadavg()[0], cores: cpus().length };
  try {
    const byProfile = {};
    for (const [name, profile] of Object.entries(PROFILES)) {
      const samples = { cardkeep: [], eager: [], plain: [] };
      // One warm-up load of each (browser start-up effects), not recorded.
      for (const variant of MEASURED) await loadOnce(browser, url(variant), { profile });
      for (let i = 0; i < maxRounds; i += 1) {
        if (i >= rounds) {
          const ratios = (variant) =>
            samples[variant].map((c, k) => c.painted / samples.plain[k].painted);
          if (decided(ratios('cardkeep')) && decided(ratios('eager'))) break;
        }
        // The three variants back to back, in a rotating order.
        const order = MEASURED.map((_, k, all) => all[(i + k) % all.length]);
        for (const variant of order) {
          samples[variant].push(await loadOnce(browser, url(variant), { profile }));
        }
      }
      byProfile[name] = samples;
    }
    const costs = { cardkeep: [], plain: [] };
    for (let i = 0; i < traces; i += 1) {
      for (const variant of i % 2 === 0 ? ['cardkeep', 'plain'] : ['plain', 'cardkeep']) {
        const result = await loadOnce(browser, url(variant), { trace: true });
        costs[variant].push(
          scriptCosts(
            result.trace,
            variant === 'cardkeep' ? ours : (u) => u.endsWith('/plain-banner.js'),
          ),
        );
      }
    }
    busy.atEnd = loadavg()[0];
    return report(byProfile, costs, busy);
  } finally {
    await bench.close();
  }
}

function report(byProfile, costs, busy) {
  const samples = byProfile.unthrottled;
  const stat = (variant, key, from = samples) => summarize(from[variant].map((s) => s[key]));
  const costStat = (variant, key) => summarize(costs[variant].map((c) => c[key]));
  const compile = {
    cardkeep: costStat('cardkeep', 'compile'),
    plain: costStat('plain', 'compile'),
  };
  const evaluate = {
    cardkeep: costStat('cardkeep', 'evaluate'),
    plain: costStat('plain', 'evaluate'),
  };
  // Long tasks per variant, with when they started relative to the script (ms).
  const tasks = (variant) =>
    samples[variant].flatMap((s) =>
      s.longTasks.map((t) => ({ duration: t.duration, start: t.start - s.scriptStart })),
    );
  const over = (variant) => tasks(variant).filter((t) => t.duration > LONG_TASK_MS);
  const longestOf = (variant) => Math.max(0, ...tasks(variant).map((t) => t.duration));
  const longest = longestOf('cardkeep');
  const sameMarkup = samples.cardkeep[0]?.html === samples.plain[0]?.html;
  const sameText = samples.cardkeep[0]?.text === samples.plain[0]?.text;
  // A machine busier than its cores makes every figure noisier: the table says so.
  const overloaded = Math.max(busy.atStart, busy.atEnd ?? 0) > busy.cores;
  const busyNote = overloaded
    ? `machine busy: load average ${round(Math.max(busy.atStart, busy.atEnd ?? 0), 2)} > ${busy.cores} cores`
    : undefined;
  const ms = (s) => roundSummary(s, 1);
  // Each round loads both pages back to back, so a slow moment of the machine hits both: the
  // ratio is the median of the per-round ratios (paired), which such moments disturb least.
  const timing = (name, from) => {
    const label = PROFILES[name]?.label;
    const suffix = label ? ` (${label})` : ' (unthrottled)';
    const painted = {
      cardkeep: stat('cardkeep', 'painted', from),
      plain: stat('plain', 'painted', from),
    };
    const rendered = {
      cardkeep: stat('cardkeep', 'rendered', from),
      plain: stat('plain', 'rendered', from),
    };
    const paired = (key) => summarize(from.cardkeep.map((s, i) => s[key] / from.plain[i][key]));
    const ratio = { painted: paired('painted'), rendered: paired('rendered') };
    const notes = (extra) =>
      [extra, `${from.cardkeep.length} rounds`, busyNote].filter(Boolean).join('; ');
    const eager = {
      painted: stat('eager', 'painted', from),
      ratio: summarize(from.eager.map((s, i) => s.painted / from.plain[i].painted)),
    };
    /** One timing row: Cardkeep's `value` against the hand-written element's `baseline`. */
    const row = (id, title, value, baseline, paired, target, note) => ({
      id: `notice.${name}.${id}`,
      name: `${title}${suffix}`,
      value: value.median,
      unit: 'ms',
      spread: ms(value),
      baseline: baseline.median,
      baselineSpread: ms(baseline),
      baselineLabel: 'hand-written element, same request',
      ratio: paired.median,
      ratioSpread: roundSummary(paired, 2),
      target: target ? `≤ ${TARGET_RATIO}×` : 'report',
      pass: target ? paired.median <= TARGET_RATIO : null,
      note,
    });
    return [
      row(
        'painted',
        'Time to notice: script start → banner painted',
        painted.cardkeep,
        painted.plain,
        ratio.painted,
        true,
        // The comparison only holds if both elements show the same thing.
        notes(sameMarkup && sameText ? undefined : 'the markup differs from the baseline’s'),
      ),
      row(
        'rendered',
        'Time to notice: script start → banner in DOM',
        rendered.cardkeep,
        rendered.plain,
        ratio.rendered,
        false,
        busyNote,
      ),
      row(
        'eagerPainted',
        'Time to notice, banner with `eager`: script start → painted',
        eager.painted,
        painted.plain,
        eager.ratio,
        true,
        notes(),
      ),
    ];
  };
  const rows = [
    ...Object.entries(byProfile).flatMap(([name, from]) => timing(name, from)),
    {
      id: 'notice.compile',
      name: 'Script parse/compile (trace)',
      value: compile.cardkeep.median,
      unit: 'ms',
      spread: ms(compile.cardkeep),
      baseline: compile.plain.median,
      baselineSpread: ms(compile.plain),
      baselineLabel: 'hand-written element',
      ratio: compile.plain.median > 0 ? compile.cardkeep.median / compile.plain.median : null,
      target: 'report',
      pass: null,
    },
    {
      id: 'notice.evaluate',
      name: 'Script evaluation (trace)',
      value: evaluate.cardkeep.median,
      unit: 'ms',
      spread: ms(evaluate.cardkeep),
      baseline: evaluate.plain.median,
      baselineSpread: ms(evaluate.plain),
      baselineLabel: 'hand-written element',
      ratio: evaluate.plain.median > 0 ? evaluate.cardkeep.median / evaluate.plain.median : null,
      target: 'report',
      pass: null,
    },
    {
      id: 'notice.longTasks',
      name: `Main-thread tasks > ${LONG_TASK_MS} ms during load (all loads)`,
      value: over('cardkeep').length,
      unit: '',
      note: `in ${samples.cardkeep.filter((s) => s.longTasks.some((t) => t.duration > LONG_TASK_MS)).length} of ${samples.cardkeep.length} loads; longest ${round(longest, 0)} ms`,
      baseline: over('plain').length,
      baselineLabel: `hand-written element (longest ${round(longestOf('plain'), 0)} ms)`,
      target: 'none',
      pass: over('cardkeep').length === 0,
    },
  ];
  const scriptDuration = {
    cardkeep: ms(stat('cardkeep', 'scriptDuration')),
    plain: ms(stat('plain', 'scriptDuration')),
  };
  const perProfile = Object.fromEntries(
    Object.entries(byProfile).map(([name, from]) => [
      name,
      {
        rounds: from.cardkeep.length,
        painted: {
          cardkeep: ms(stat('cardkeep', 'painted', from)),
          plain: ms(stat('plain', 'painted', from)),
        },
        rendered: {
          cardkeep: ms(stat('cardkeep', 'rendered', from)),
          plain: ms(stat('plain', 'rendered', from)),
        },
        ratioPainted: roundSummary(
          summarize(from.cardkeep.map((s, i) => s.painted / from.plain[i].painted)),
          2,
        ),
      },
    ]),
  );
  return {
    rows,
    details: {
      profiles: perProfile,
      throttled: PROFILES.throttled,
      loadAverage: { ...busy, overloaded },
      tracedLoads: costs.cardkeep.length,
      sameMarkup,
      sameText,
      scriptDuration,
      compile: { cardkeep: ms(compile.cardkeep), plain: ms(compile.plain) },
      evaluate: { cardkeep: ms(evaluate.cardkeep), plain: ms(evaluate.plain) },
      longTasks: {
        cardkeep: tasks('cardkeep').map((t) => ({
          duration: round(t.duration, 0),
          start: round(t.start, 0),
        })),
        plain: tasks('plain').map((t) => ({
          duration: round(t.duration, 0),
          start: round(t.start, 0),
        })),
      },
    },
  };
}
