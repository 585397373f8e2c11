// A throwaway redis-server (Debian's) on a free loopback port, with no persistence: the bench
// and the tests start their own, kill it, pause it and bring it back to see what the Redis
// state does. Never the system service.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(() => resolve()));
  return port;
}

/** How long a redis-server may take to say it is ready before the launch fails. */
const READY_TIMEOUT_MS = 15_000;

/**
 * The environment for redis-server: ours without libfaketime. Under `faketime … npm test` the
 * preload is inherited, and in redis-server it recurses into clock_gettime while jemalloc
 * starts ("Unexpected recursive calls to clock_gettime()"), so Redis never gets ready. Redis
 * needs no fake calendar: Cardkeep passes its own clock's time to every Lua script and uses
 * Redis's clock only for relative expiries (PX), which a real clock measures right.
 */
function redisEnv() {
  const env = { ...process.env };
  for (const name of Object.keys(env)) {
    if (name.startsWith('FAKETIME') || name === 'DONT_FAKE_MONOTONIC') delete env[name];
  }
  const preload = (env.LD_PRELOAD ?? '')
    .split(/[:\s]+/)
    .filter((lib) => lib && !lib.includes('faketime'));
  if (preload.length) env.LD_PRELOAD = preload.join(':');
  else delete env.LD_PRELOAD;
  return env;
}

function launch(port) {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'pipe'], env: redisEnv() },
  );
  return new Promise((resolve, reject) => {
    let output = '';
    // Never wait for ever: a redis-server that cannot start fails the test that needs it.
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`redis-server was not ready after ${READY_TIMEOUT_MS} ms:\n${output}`));
    }, READY_TIMEOUT_MS);
    const onData = (chunk) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        child.stdout.off('data', onData);
        child.stdout.resume();
        resolve(child);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk) => (output += chunk.toString()));
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited (${code}) before it was ready:\n${output}`));
    });
  });
}

function exited(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Starts a redis-server on a free port; `stop()` it when done. */
export async function startRedis() {
  // Another process may take the port between the probe and the launch: try a few.
  let port = 0;
  let child;
  for (let attempt = 0; !child; attempt++) {
    port = await freePort();
    try {
      child = await launch(port);
    } catch (error) {
      if (attempt >= 4) throw error;
    }
  }
  let current = child;
  const kill = async () => {
    if (!current) return;
    const dying = current;
    current = null;
    dying.kill('SIGCONT');
    dying.kill('SIGKILL');
    await exited(dying);
  };
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    kill,
    async restart() {
      if (current) throw new Error('redis-server is still running');
      current = await launch(port);
    },
    pause() {
      current?.kill('SIGSTOP');
    },
    resume() {
      current?.kill('SIGCONT');
    },
    stop: kill,
  };
}
