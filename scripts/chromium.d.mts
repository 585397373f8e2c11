// Types for scripts/chromium.mjs, so TypeScript tests can launch the system Chromium too.
export function findChromium(): string;
export function chromiumArgs(options?: { allowHosts?: string[] }): string[];
