// Imported first by every browser test file. Fails the current test when Lit warns in dev
// mode (other than the one "dev mode is on" notice), when anything logs a console error, or
// when a promise rejection goes unhandled: a shopper's console should stay clean.
declare global {
  var litIssuedWarnings: Set<string | undefined> | undefined;
}

globalThis.litIssuedWarnings ??= new Set();
globalThis.litIssuedWarnings.add('dev-mode');

const problems: string[] = [];
const originalWarn = console.warn.bind(console);
const originalError = console.error.bind(console);

console.warn = (...args: unknown[]) => {
  problems.push(`console.warn: ${args.map(String).join(' ')}`);
  originalWarn(...args);
};
console.error = (...args: unknown[]) => {
  problems.push(`console.error: ${args.map(String).join(' ')}`);
  originalError(...args);
};
window.addEventListener('unhandledrejection', (event) => {
  problems.push(`unhandled rejection: ${String(event.reason)}`);
});
window.addEventListener('error', (event) => {
  problems.push(`uncaught error: ${String(event.message)}`);
});

/**
 * One macrotask: every promise continuation already queued (a settled call's, and the
 * re-render it causes) has run. A MessageChannel task, unlike setTimeout and
 * requestAnimationFrame, is not throttled while the test page is in the background.
 */
export function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve();
    channel.port2.postMessage(0);
  });
}

/** Lets a test that provokes an expected console message take it off the list. */
export function takeConsoleProblems(): string[] {
  return problems.splice(0, problems.length);
}

afterEach(async function checkConsole() {
  // Give late rejections of the test's own promises a chance to surface.
  await new Promise((resolve) => setTimeout(resolve, 0));
  const found = takeConsoleProblems();
  if (found.length) {
    throw new Error(`The test left console problems:\n${found.join('\n')}`);
  }
});
