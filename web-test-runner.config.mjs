// Browser tests: real elements in the system Chromium, TypeScript through esbuild, and the
// real reference server mounted in the same process (see test/support/wtr-plugins.ts).
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { defaultReporter } from '@web/test-runner';
import { findChromium, chromiumArgs } from './scripts/chromium.mjs';
import { countingReporter } from './scripts/counting-reporter.mjs';
import { testPlugins } from './test/support/wtr-plugins.ts';

const executablePath = findChromium();

export default {
  files: ['test/**/*.browser.test.ts'],
  nodeResolve: true,
  hostname: '127.0.0.1',
  rootDir: '.',
  // One page at a time: focus and keyboard tests need the page to be the focused one.
  concurrency: 1,
  browserStartTimeout: 60_000,
  testsStartTimeout: 60_000,
  testsFinishTimeout: 180_000,
  testFramework: { config: { timeout: 10_000 } },
  plugins: [esbuildPlugin({ ts: true, target: 'es2022' }), ...testPlugins()],
  browsers: [
    chromeLauncher({
      launchOptions: {
        executablePath,
        headless: true,
        args: chromiumArgs({ allowHosts: ['127.0.0.1'] }),
      },
    }),
  ],
  reporters: [
    defaultReporter({ reportTestResults: true, reportTestProgress: false }),
    countingReporter(),
  ],
};
