// Dev-server plugins for the browser suite. Runs in Node inside the test runner process.
import type { Plugin } from '@web/dev-server-core';

/** Plugins the browser tests rely on (the reference server mount is added by the server work). */
export function testPlugins(): Plugin[] {
  return [];
}
