// Preloaded into every Node test file's process (scripts/node-tests.mjs passes `--import` to the
// runner, which hands it on to each file's child). When a file's tests and its own `after` hooks
// have all finished, its process should end on its own; if something it opened (a server, a
// socket, a child process, a timer) still holds it open a few seconds later, this fails the file
// loudly, naming what is open, instead of letting it hang CI.
//
// Why not `--test-force-exit`: on Node 20 it ends a file's process before the report stream has
// been written out, so the runner silently loses some of that file's tests (the expiry file
// counted 186, 194 and 203 of its 203 tests). Here nothing exits until every result was sent
// long ago.
import { after } from 'node:test';

/** How long a finished file may take to let go of what it opened before it fails. */
const GRACE_MS = 10_000;

// The runner sets NODE_TEST_CONTEXT in the children it starts for each file; the runner's own
// process (which also loads this file) must not grow a test tree of its own.
if (process.env.NODE_TEST_CONTEXT) {
  // A hook registered here runs before the test file's own top-level `after` hooks (they are
  // registered later, and root hooks run in order). Registered from inside it through the root's
  // context, `t.after` appends one more root hook, which runs after all of the file's.
  after((t) => {
    t.after(() => {
      const timer = setTimeout(() => {
        // stdout/stderr are the runner's pipes, not something the file left open.
        const open = process
          .getActiveResourcesInfo()
          .filter((kind) => kind !== 'PipeWrap' && kind !== 'TTYWrap');
        const tally = Object.entries(
          open.reduce((acc, kind) => ({ ...acc, [kind]: (acc[kind] ?? 0) + 1 }), {}),
        )
          .map(([kind, n]) => `${kind} ×${n}`)
          .join(', ');
        process.stderr.write(
          `\n✖ ${process.argv[1]}: all of its tests finished, but ${GRACE_MS / 1000} s later its ` +
            `process is still held open${tally ? ` by ${tally}` : ''}. A server, socket, child ` +
            `process or timer was left open; close it in the test (or an after hook).\n`,
        );
        process.exit(1);
      }, GRACE_MS);
      // The watchdog itself must never be what keeps the process alive.
      timer.unref();
    });
  });
}
