// Prints one plain "N passed, N failed, N skipped" line at the end of a browser run, and writes
// the same counts as JSON to the file named by CARDKEEP_TEST_COUNTS when `npm test` asks
// (scripts/test.mjs). A test file that fails to load (import error, syntax error) counts as one
// failure.
import { writeFileSync } from 'node:fs';

function walk(suite, counts) {
  for (const test of suite.tests ?? []) {
    if (test.skipped) counts.skipped += 1;
    else if (test.passed) counts.passed += 1;
    else counts.failed += 1;
  }
  for (const child of suite.suites ?? []) walk(child, counts);
}

export function countingReporter() {
  return {
    onTestRunFinished({ sessions }) {
      const counts = { passed: 0, failed: 0, skipped: 0 };
      for (const session of sessions) {
        if (session.testResults) walk(session.testResults, counts);
        const broken = !session.passed && (session.errors?.length ?? 0) > 0;
        if (broken) counts.failed += 1;
      }
      process.stdout.write(
        `\nbrowser: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped\n`,
      );
      const file = process.env.CARDKEEP_TEST_COUNTS;
      if (file) writeFileSync(file, `${JSON.stringify(counts)}\n`);
    },
  };
}
