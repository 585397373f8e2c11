// Types for scripts/chromium.mjs, for TypeScript tests that drive Chromium themselves.

/** The path of a Chromium binary, or throws a message that says how to get one. */
export function findChromium(): string;

/** Flags for a headless Chromium that never reaches a host outside loopback. */
export function chromiumArgs(options?: { allowHosts?: string[] }): string[];
