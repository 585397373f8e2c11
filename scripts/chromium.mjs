// Locates the system Chromium. Browser downloads are not possible on our machines,
// so every browser test and benchmark runs the Debian `chromium` package (or CHROME_PATH).
import { existsSync } from 'node:fs';

const CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/lib/chromium/chromium',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
];

/** Returns the path of a Chromium binary, or throws a message that says how to get one. */
export function findChromium() {
  const fromEnv = process.env.CHROME_PATH;
  if (fromEnv) {
    if (existsSync(fromEnv)) return fromEnv;
    throw new Error(`CHROME_PATH is set to "${fromEnv}", but no file exists there.`);
  }
  const found = CANDIDATES.find((path) => existsSync(path));
  if (found) return found;
  throw new Error(
    'No Chromium found. Install the Debian package "chromium" (apt-get install -y chromium) ' +
      'or set CHROME_PATH to a Chromium/Chrome binary.',
  );
}

/**
 * Flags for a headless Chromium that never reaches a host outside loopback.
 * `allowHosts` are exempted from the resolver block (the test server's host).
 */
export function chromiumArgs({ allowHosts = ['localhost', '127.0.0.1'] } = {}) {
  const exclude = allowHosts.map((h) => `EXCLUDE ${h}`).join(', ');
  const args = [
    '--headless=new',
    '--disable-gpu',
    '--disable-dev-shm-usage',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-quic',
    '--disable-features=Translate,OptimizationHints,MediaRouter',
    `--host-resolver-rules=MAP * ~NOTFOUND, ${exclude}`,
  ];
  if (process.getuid?.() === 0) args.push('--no-sandbox');
  return args;
}
