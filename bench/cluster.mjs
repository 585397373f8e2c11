// Several reference-server instances, each in its own process, over one card store and one
// Redis, as a merchant runs them behind a load balancer. The card store is a MemoryStore in the
// calling process, reached by the instances over a small HTTP RPC (a stand-in for the database
// every instance of a real deployment shares); everything else the instances must agree on
// (spent links, idempotency, the per-customer lock, rate limits) is in Redis, through
// `createRedisState`. Used by the two-instance load test, the Redis protocol tests and the bench.
//
//   node bench/cluster.mjs --instance '<json>'   (the child; started by startInstance)
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { Agent, createServer, request } from 'node:http';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';

const root = join(import.meta.dirname, '..');

/** The store methods the handler calls; nothing else crosses the RPC. */
const STORE_METHODS = [
  'getCard',
  'updateExpiry',
  'createSetupSession',
  'completeReplacement',
  'verify',
];

/**
 * Serves `store` over HTTP: POST /rpc `{ method, args }` → `{ value }` or `{ error }` with a
 * CardkeepError's code, so the instance's handler sees the same errors a local store throws.
 */
export async function serveStore(store) {
  const http = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    let answer;
    try {
      const { method, args } = JSON.parse(body);
      if (!STORE_METHODS.includes(method)) throw new Error(`no store method ${method}`);
      answer = { value: (await store[method](...args)) ?? null };
    } catch (error) {
      answer = {
        error: {
          name: error?.name ?? 'Error',
          code: error?.code,
          message: error?.message ?? String(error),
          retryable: error?.retryable,
        },
      };
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(answer));
  });
  http.listen(0, '127.0.0.1');
  await once(http, 'listening');
  return {
    url: `http://127.0.0.1:${http.address().port}/rpc`,
    close: async () => {
      http.closeAllConnections();
      http.close();
    },
  };
}

/** POSTs `body` to `url` over a kept-alive connection (lighter than fetch), resolving to the reply. */
function post(url, body, agent) {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      url,
      { method: 'POST', agent, headers: { 'content-type': 'application/json' } },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk) => (text += chunk));
        response.on('end', () => resolve(text));
        response.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/** A CardStore whose every call goes to `serveStore` at `url`. */
function remoteStore(url, CardkeepError) {
  const agent = new Agent({ keepAlive: true });
  const call = async (method, args) => {
    const { value, error } = JSON.parse(await post(url, JSON.stringify({ method, args }), agent));
    if (!error) return value;
    if (error.name === 'CardkeepError') {
      throw new CardkeepError(error.code, error.message, { retryable: error.retryable });
    }
    throw new Error(`store: ${error.message}`);
  };
  return Object.fromEntries(STORE_METHODS.map((m) => [m, (...args) => call(m, args)]));
}

/**
 * Starts one instance in a child process: `createCardkeepHandler` over the remote store and
 * `createRedisState({ url: redisUrl })` (without `redisUrl`: the default in-memory state, for
 * comparison). `from: 'src'` runs the TypeScript sources (tests), `'dist'` the build (bench).
 * `handler` holds extra handler options (JSON: rate limits, link secret). With `now`, the
 * instance's handler and Redis state run on that calendar: the child cannot be handed a
 * function, so it gets the calendar's distance from the machine's clock and keeps it.
 */
export async function startInstance({
  storeUrl,
  redisUrl,
  from = 'dist',
  handler = {},
  now = undefined,
}) {
  const offsetMs = now ? now().getTime() - Date.now() : 0;
  const config = JSON.stringify({ storeUrl, redisUrl, from, handler, offsetMs });
  const child = spawn(
    process.execPath,
    [...(from === 'src' ? ['--import', 'tsx'] : []), import.meta.filename, '--instance', config],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const lines = createInterface({ input: child.stdout });
  const [line] = await Promise.race([
    once(lines, 'line'),
    once(child, 'exit').then(([code]) => {
      throw new Error(`cluster: an instance exited (${code}) before it listened`);
    }),
  ]);
  const { base } = JSON.parse(line);
  return {
    base,
    url: `${base}/card/expiry`,
    close: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill();
      await once(child, 'exit');
    },
  };
}

/**
 * The load test's target (see bench/load.mjs) spread over `instances` processes on one Redis:
 * `urls` lists every instance's write URL and runLoad sends each request to one at random.
 */
export async function startCluster(server, { redisUrl, instances = 2, customers, from, now }) {
  const { seedLoadStore } = await import('./load.mjs');
  const seeded = seedLoadStore(server, { customers, ...(now ? { now } : {}) });
  const host = await serveStore(seeded.store);
  const started = await Promise.all(
    Array.from({ length: instances }, () =>
      startInstance({ storeUrl: host.url, redisUrl, from, handler: { rateLimit: false }, now }),
    ),
  );
  return {
    url: started[0].url,
    urls: started.map((instance) => instance.url),
    ids: seeded.ids,
    heap: async () => null,
    verify: seeded.verify,
    close: async () => {
      await Promise.all(started.map((instance) => instance.close()));
      await host.close();
    },
  };
}

if (process.argv[2] === '--instance') {
  // The child: one handler instance, printing `{ base }` once it listens.
  const { storeUrl, redisUrl, from, handler, offsetMs } = JSON.parse(process.argv[3]);
  const now = () => new Date(Date.now() + offsetMs);
  const entry = (name) =>
    pathToFileURL(join(root, from === 'src' ? `src/server/${name}.ts` : `dist/server/${name}.js`))
      .href;
  const server = await import(entry('index'));
  const state = redisUrl
    ? await (await import(entry('redis'))).createRedisState({ url: redisUrl }, { now })
    : undefined;
  const http = server.createNodeServer(
    server.createCardkeepHandler({
      store: remoteStore(storeUrl, server.CardkeepError),
      ...(state ? { state } : {}),
      authenticate: (request) => request.headers.get('x-customer'),
      logger: false,
      now,
      ...handler,
    }),
  );
  http.listen(0, '127.0.0.1');
  await once(http, 'listening');
  process.stdout.write(`${JSON.stringify({ base: `http://127.0.0.1:${http.address().port}` })}\n`);
  process.on('SIGTERM', () => {
    http.closeAllConnections();
    http.close();
    void Promise.resolve(state?.close()).finally(() => process.exit(0));
  });
}
