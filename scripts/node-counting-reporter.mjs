// A node:test reporter that keeps the run's counts, `{"passed":N,"failed":N,"skipped":N}`, in
// the file named by CARDKEEP_TEST_COUNTS (scripts/test.mjs reads it). Counted from the runner's
// own events as its summary counts them: tests, not suites; `skip` and `todo` as skipped. A
// test file that fails to load, or that the watchdog (scripts/node-test-watchdog.mjs) or the
// file timeout ends, arrives as a failed test of its own, so it counts. Written synchronously
// after every test, so that a runner killed midway still leaves the counts so far.
import { writeFileSync } from 'node:fs';

export default async function* countingReporter(source) {
  const file = process.env.CARDKEEP_TEST_COUNTS;
  const counts = { passed: 0, failed: 0, skipped: 0 };
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    if (event.data.details?.type === 'suite') continue;
    if (event.data.skip || event.data.todo) counts.skipped += 1;
    else if (event.type === 'test:pass') counts.passed += 1;
    else counts.failed += 1;
    if (file) writeFileSync(file, `${JSON.stringify(counts)}\n`);
  }
  if (file) writeFileSync(file, `${JSON.stringify(counts)}\n`);
  yield* [];
}
