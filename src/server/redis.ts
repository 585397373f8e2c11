// The shared state of several handler instances, on Redis (`cardkeep/server/redis`).
//
// Every rule that one process kept in memory holds across processes here, each with one atomic
// Redis command or Lua script, never a read-then-write from Node:
// - spent links: SET NX PX, so exactly one instance spends a link;
// - idempotency records: a hash per scoped key, first a pending marker with an owner token
//   (renewed while the work runs, so a dead holder's marker expires), then the stored answer;
//   a duplicate that finds the marker polls until the answer is there, bounded;
// - per-customer write lock: SET NX PX with an owner token, renewed while the work runs,
//   released only by its owner (Lua); waiters queue in-process and poll Redis, bounded;
// - rate limits: a sliding window in a sorted set (Lua), the same rule as the in-memory one;
// - webhook event ids: SET NX PX.
// Every key carries the prefix and an expiry. When Redis cannot answer in time every method
// rejects with `StateUnavailableError` (503 `unavailable` for the shopper), and a client this
// module created reconnects on its own.
//
// The `redis` package (node-redis) is an optional peer dependency, loaded only when a URL is
// given; any client with node-redis's `sendCommand(args, options)` works.
//
// Over 300 lines on purpose: one class behind the CardkeepState interface whose methods share
// the client, its deadlines and the Lua scripts (~70 lines), each script beside its one caller.

import { createHash, randomBytes } from 'node:crypto';
import {
  StateUnavailableError,
  type CardkeepState,
  type IdempotentResult,
  type IdempotentWork,
  type SpentLink,
  type StoredResponse,
} from './state.js';

/** The part of a node-redis client this module uses (node-redis 6: `createClient()`). */
export interface RedisClientLike {
  sendCommand(
    args: string[],
    options?: { timeout?: number; rejectInFlight?: boolean },
  ): Promise<unknown>;
  readonly isOpen?: boolean;
  connect?(): Promise<unknown>;
}

/** Where the state lives: a Redis URL (this module makes and owns the client), or your client. */
export type RedisStateSource = { url: string } | { client: RedisClientLike };

/** Tuning; the defaults keep every answer within about five seconds. */
export interface RedisStateOptions {
  /** Prefix of every key. Default `cardkeep:`. */
  prefix?: string;
  /** How long one Redis command may take before the call fails as unavailable. Default 2000 ms. */
  commandTimeoutMs?: number;
  /** Expiry of a write lock; renewed while its holder runs, so it bounds a dead holder. Default 5000 ms. */
  lockTtlMs?: number;
  /** How long a write waits for the lock before failing as unavailable. Default 4000 ms. */
  lockWaitMs?: number;
  /** Expiry of a running request's idempotency marker; renewed while it runs. Default 6000 ms. */
  pendingTtlMs?: number;
  /** How long a duplicate request waits for the first one's answer. Default 4000 ms. */
  idempotencyWaitMs?: number;
  /** Retry-After (seconds) of the errors this state raises. Default 3. */
  retryAfter?: number;
  /** The clock of link expiries and rate windows: give it the handler's. Default the real one. */
  now?: () => Date;
  /** Connection errors of a client made from a URL (the client reconnects by itself). */
  onError?: (error: unknown) => void;
}

const MISSING_PACKAGE = 'createRedisState needs the `redis` package: npm install redis';

// Lua scripts. Each is one atomic step on the server. Keys and values come in as KEYS/ARGV.

/** Spends nothing if the record exists (returns its state, fingerprint, answer); else marks it pending. */
const IDEM_BEGIN = `
if redis.call('EXISTS', KEYS[1]) == 1 then
  return redis.call('HMGET', KEYS[1], 's', 'f', 'r')
end
redis.call('HSET', KEYS[1], 's', 'p', 'o', ARGV[1], 'f', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return false`;

/** The owner stores its answer (ARGV[2] non-empty) or forgets its marker (empty). */
const IDEM_FINISH = `
if redis.call('HGET', KEYS[1], 'o') ~= ARGV[1] then return 0 end
if ARGV[2] == '' then
  redis.call('DEL', KEYS[1])
else
  redis.call('HSET', KEYS[1], 's', 'd', 'r', ARGV[2])
  redis.call('HDEL', KEYS[1], 'o')
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
end
return 1`;

/** Extends a pending marker while its owner still holds it. */
const IDEM_RENEW = `
if redis.call('HGET', KEYS[1], 'o') ~= ARGV[1] then return 0 end
return redis.call('PEXPIRE', KEYS[1], ARGV[2])`;

/** Extends a lock while its owner still holds it. */
const LOCK_RENEW = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
return redis.call('PEXPIRE', KEYS[1], ARGV[2])`;

/** Releases a lock only if its owner asks: an expired holder must not free its successor's lock. */
const LOCK_RELEASE = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
return redis.call('DEL', KEYS[1])`;

/**
 * Sliding window: drops hits older than the window, refuses when `limit` remain (answering the
 * seconds until the oldest leaves), else records the hit. ARGV: now, window, limit, member.
 */
const RATE_HIT = `
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return math.max(1, math.ceil((tonumber(oldest[2]) + window - now) / 1000))
end
redis.call('ZADD', KEYS[1], now, ARGV[4])
redis.call('PEXPIRE', KEYS[1], window)
return 0`;

interface Script {
  source: string;
  sha: string;
}

const script = (source: string): Script => ({
  source,
  sha: createHash('sha1').update(source).digest('hex'),
});

const SCRIPTS = {
  idemBegin: script(IDEM_BEGIN),
  idemFinish: script(IDEM_FINISH),
  idemRenew: script(IDEM_RENEW),
  lockRenew: script(LOCK_RENEW),
  lockRelease: script(LOCK_RELEASE),
  rateHit: script(RATE_HIT),
};

/** A reply as text: RESP2 gives strings, a RESP3 client with a type mapping may give Buffers. */
function text(reply: unknown): string | null {
  if (reply === null || reply === undefined) return null;
  if (typeof reply === 'string') return reply;
  if (reply instanceof Uint8Array) return Buffer.from(reply).toString('utf8');
  return String(reply);
}

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

/** Scopes carry merchant-chosen keys: hash long ones so a key name stays small. */
const keyPart = (value: string) => (value.length > 200 ? `#${sha256(value)}` : value);

const token = () => randomBytes(16).toString('base64url');

/** A promise that resolves after `ms`, for polling; unref'd so it never keeps a process alive. */
function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/** Poll delays grow from a few milliseconds (a short write) to 50 ms, with jitter against herds. */
const backoff = (attempt: number) => Math.min(50, 4 * 2 ** attempt) * (0.5 + Math.random() / 2);

async function loadRedis(): Promise<{ createClient: (options: object) => unknown }> {
  try {
    // A variable specifier keeps bundlers and tsc from requiring the optional peer dependency.
    const name = 'redis';
    return (await import(name)) as { createClient: (options: object) => unknown };
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      throw new Error(MISSING_PACKAGE, { cause: error });
    }
    throw error;
  }
}

interface OwnedClient extends RedisClientLike {
  connect(): Promise<unknown>;
  on(event: 'error', listener: (error: unknown) => void): unknown;
  close?(): Promise<unknown>;
  quit?(): Promise<unknown>;
  destroy(): void;
}

/**
 * The shared state on Redis. With `{ url }` this makes a node-redis client (reconnecting, and
 * failing commands at once while disconnected rather than queueing them) and closes it in
 * `close()`; with `{ client }` it uses yours and leaves it open. Rejects with
 * `StateUnavailableError` when Redis cannot be reached within the command timeout.
 */
export async function createRedisState(
  source: RedisStateSource,
  options: RedisStateOptions = {},
): Promise<CardkeepState> {
  const commandTimeoutMs = options.commandTimeoutMs ?? 2000;
  if ('client' in source) {
    const client = source.client;
    if (client.isOpen === false && client.connect) {
      await bounded(client.connect(), commandTimeoutMs, options.retryAfter);
    }
    return new RedisState(client, null, options);
  }
  const { createClient } = await loadRedis();
  const client = createClient({
    url: source.url,
    // Fail a command at once while the connection is down (the handler answers 503) instead of
    // holding it until Redis returns, and bound every command, sent or not.
    disableOfflineQueue: true,
    commandOptions: { timeout: commandTimeoutMs, rejectInFlight: true },
    socket: {
      connectTimeout: commandTimeoutMs,
      // Retry quickly and forever: recovery must not need a restart.
      reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 1000),
    },
  }) as OwnedClient;
  // Without a listener an 'error' event (Redis went away) would crash the process.
  client.on('error', options.onError ?? (() => {}));
  try {
    await bounded(client.connect(), commandTimeoutMs, options.retryAfter);
  } catch (error) {
    client.destroy();
    throw error;
  }
  return new RedisState(client, client, options);
}

/** Races `promise` against a deadline; any failure becomes `StateUnavailableError`. */
async function bounded<T>(promise: Promise<T>, ms: number, retryAfter?: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis did not answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } catch (error) {
    if (error instanceof StateUnavailableError) throw error;
    throw new StateUnavailableError('Redis is unavailable', {
      cause: error,
      ...(retryAfter === undefined ? {} : { retryAfter }),
    });
  } finally {
    clearTimeout(timer);
    // A late rejection after the deadline must not become an unhandled rejection.
    promise.catch(() => {});
  }
}

class RedisState implements CardkeepState {
  readonly #client: RedisClientLike;
  readonly #owned: OwnedClient | null;
  readonly #prefix: string;
  readonly #commandTimeoutMs: number;
  readonly #lockTtlMs: number;
  readonly #lockWaitMs: number;
  readonly #pendingTtlMs: number;
  readonly #idempotencyWaitMs: number;
  readonly #retryAfter: number;
  readonly #now: () => number;
  /** Per-key tail of this process's queue of lock waiters: one of them polls Redis at a time. */
  readonly #queues = new Map<string, Promise<void>>();
  /** Renewal timers of locks and markers held now, cleared on close. */
  readonly #timers = new Set<ReturnType<typeof setInterval>>();
  /** Makes rate-window members unique across instances and hits within one millisecond. */
  readonly #instance = token();
  #sequence = 0;
  #closed = false;

  constructor(client: RedisClientLike, owned: OwnedClient | null, options: RedisStateOptions) {
    this.#client = client;
    this.#owned = owned;
    this.#prefix = options.prefix ?? 'cardkeep:';
    this.#commandTimeoutMs = options.commandTimeoutMs ?? 2000;
    this.#lockTtlMs = options.lockTtlMs ?? 5000;
    this.#lockWaitMs = options.lockWaitMs ?? 4000;
    this.#pendingTtlMs = options.pendingTtlMs ?? 6000;
    this.#idempotencyWaitMs = options.idempotencyWaitMs ?? 4000;
    this.#retryAfter = options.retryAfter ?? 3;
    const clock = options.now ?? (() => new Date());
    this.#now = () => clock().getTime();
  }

  async idempotent(
    scope: string,
    fingerprint: string,
    ttlMs: number,
    work: () => Promise<IdempotentWork>,
  ): Promise<IdempotentResult> {
    const key = `${this.#prefix}idem:${keyPart(scope)}`;
    const print = sha256(fingerprint);
    const deadline = performance.now() + this.#idempotencyWaitMs;
    for (let attempt = 0; ; attempt++) {
      const owner = token();
      const found = await this.#eval(
        SCRIPTS.idemBegin,
        [key],
        [owner, print, String(this.#pendingTtlMs)],
      );
      if (found === null || found === undefined) return this.#runFresh(key, owner, ttlMs, work);
      const [state, storedPrint, answer] = (found as unknown[]).map(text);
      if (storedPrint !== print) return { kind: 'conflict' };
      if (state === 'd' && answer !== null) {
        return { kind: 'replayed', response: JSON.parse(answer) as StoredResponse };
      }
      // Still running elsewhere (or it failed and is being forgotten): wait and look again.
      if (performance.now() >= deadline) {
        throw this.#unavailable('an earlier request with this Idempotency-Key is still running');
      }
      await pause(backoff(attempt));
    }
  }

  async #runFresh(
    key: string,
    owner: string,
    ttlMs: number,
    work: () => Promise<IdempotentWork>,
  ): Promise<IdempotentResult> {
    const stopRenewal = this.#renew(SCRIPTS.idemRenew, key, owner, this.#pendingTtlMs);
    let outcome: IdempotentWork;
    try {
      outcome = await work();
    } catch (error) {
      stopRenewal();
      // The work failed: forget the marker so a retry runs it again. If Redis is down the
      // marker simply expires after pendingTtlMs.
      await this.#eval(SCRIPTS.idemFinish, [key], [owner, '', '0']).catch(() => {});
      throw error;
    }
    stopRenewal();
    const { response, store } = outcome;
    try {
      await this.#eval(
        SCRIPTS.idemFinish,
        [key],
        [owner, store ? JSON.stringify(response) : '', String(Math.max(1, Math.round(ttlMs)))],
      );
    } catch {
      // The write happened; only its record is lost. Answering 503 now would hide a success
      // from the shopper and invite a retry anyway; a retry after the marker expires redoes an
      // expiry update, which sets the same value (see docs/security.md).
    }
    return { kind: 'fresh', response };
  }

  async spentLink(nonce: string): Promise<SpentLink | null> {
    const stored = text(await this.#command(['GET', `${this.#prefix}link:${keyPart(nonce)}`]));
    if (stored === null) return null;
    const { scope } = JSON.parse(stored) as { scope: string | null };
    return { scope: scope ?? undefined };
  }

  async spendLink(nonce: string, link: SpentLink, expiresAtMs: number): Promise<boolean> {
    // Kept at least a minute: a link spent at the edge of its expiry still answers `used` to a
    // racing twin rather than a confusing mix.
    const ttl = Math.max(60_000, Math.ceil(expiresAtMs - this.#now()));
    const reply = await this.#command([
      'SET',
      `${this.#prefix}link:${keyPart(nonce)}`,
      JSON.stringify({ scope: link.scope ?? null }),
      'NX',
      'PX',
      String(ttl),
    ]);
    return text(reply) === 'OK';
  }

  async withLock<T>(key: string, work: () => Promise<T>): Promise<T> {
    const deadline = performance.now() + this.#lockWaitMs;
    const lockKey = `${this.#prefix}lock:${keyPart(key)}`;
    // Queue behind this process's earlier waiters for the key, so only the head polls Redis
    // and the order here is first come, first served.
    const previous = this.#queues.get(key) ?? Promise.resolve();
    let leave!: () => void;
    const mine = new Promise<void>((resolve) => (leave = resolve));
    const tail = previous.then(() => mine);
    this.#queues.set(key, tail);
    try {
      await this.#before(previous, deadline);
      const owner = await this.#acquire(lockKey, deadline);
      const stopRenewal = this.#renew(SCRIPTS.lockRenew, lockKey, owner, this.#lockTtlMs);
      try {
        return await work();
      } finally {
        stopRenewal();
        // A failed release (Redis down) leaves the lock to expire after lockTtlMs.
        await this.#eval(SCRIPTS.lockRelease, [lockKey], [owner]).catch(() => {});
      }
    } finally {
      leave();
      if (this.#queues.get(key) === tail) this.#queues.delete(key);
    }
  }

  /** Waits for `previous` until `deadline`: a waiter never waits longer than the bound. */
  async #before(previous: Promise<void>, deadline: number): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), Math.max(0, deadline - performance.now()));
    });
    const outcome = await Promise.race([previous.then(() => 'turn' as const), late]);
    clearTimeout(timer);
    if (outcome === 'late') throw this.#unavailable('another write for this customer is running');
  }

  async #acquire(lockKey: string, deadline: number): Promise<string> {
    const owner = token();
    for (let attempt = 0; ; attempt++) {
      const reply = await this.#command([
        'SET',
        lockKey,
        owner,
        'NX',
        'PX',
        String(this.#lockTtlMs),
      ]);
      if (text(reply) === 'OK') return owner;
      const left = deadline - performance.now();
      if (left <= 0) throw this.#unavailable('another write for this customer is running');
      await pause(Math.min(left, backoff(attempt)));
    }
  }

  /** Keeps a lock or marker alive while its owner works; a dead process stops renewing. */
  #renew(script: Script, key: string, owner: string, ttlMs: number): () => void {
    const timer = setInterval(
      () => void this.#eval(script, [key], [owner, String(ttlMs)]).catch(() => {}),
      Math.max(50, Math.floor(ttlMs / 3)),
    );
    timer.unref();
    this.#timers.add(timer);
    return () => {
      clearInterval(timer);
      this.#timers.delete(timer);
    };
  }

  async hit(bucket: string, key: string, limit: number, windowMs: number): Promise<number> {
    const member = `${this.#instance}:${++this.#sequence}`;
    const reply = await this.#eval(
      SCRIPTS.rateHit,
      [`${this.#prefix}rate:${keyPart(bucket)}:${keyPart(key)}`],
      [String(this.#now()), String(windowMs), String(limit), member],
    );
    return Number(reply);
  }

  async firstDelivery(eventId: string, ttlMs: number): Promise<boolean> {
    const reply = await this.#command([
      'SET',
      `${this.#prefix}webhook:${keyPart(eventId)}`,
      '1',
      'NX',
      'PX',
      String(Math.max(1, Math.round(ttlMs))),
    ]);
    return text(reply) === 'OK';
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const timer of this.#timers) clearInterval(timer);
    this.#timers.clear();
    const client = this.#owned;
    if (!client) return;
    try {
      // A graceful close waits for replies; bounded, so a dead Redis cannot hold shutdown.
      const graceful = client.close?.() ?? client.quit?.();
      if (graceful) await bounded(graceful, this.#commandTimeoutMs);
    } catch {
      client.destroy();
    }
  }

  /** Runs a script by its hash, sending its source once when Redis does not know it (yet, or any more). */
  async #eval(script: Script, keys: string[], args: string[]): Promise<unknown> {
    const tail = [String(keys.length), ...keys, ...args];
    try {
      return await this.#command(['EVALSHA', script.sha, ...tail], true);
    } catch (error) {
      if (!(error instanceof NoScript)) throw error;
      return this.#command(['EVAL', script.source, ...tail]);
    }
  }

  async #command(args: string[], evalsha = false): Promise<unknown> {
    if (this.#closed) throw this.#unavailable('the Redis state is closed');
    try {
      return await bounded(
        this.#client.sendCommand(args, { timeout: this.#commandTimeoutMs, rejectInFlight: true }),
        // The client's own timeout normally fires first; this one guards a client without it.
        this.#commandTimeoutMs + 100,
        this.#retryAfter,
      );
    } catch (error) {
      const cause = error instanceof StateUnavailableError ? error.cause : error;
      if (evalsha && cause instanceof Error && cause.message.startsWith('NOSCRIPT')) {
        throw new NoScript();
      }
      throw error;
    }
  }

  #unavailable(message: string): StateUnavailableError {
    return new StateUnavailableError(message, { retryAfter: this.#retryAfter });
  }
}

/** Redis has flushed its script cache (a restart): send the source. */
class NoScript extends Error {}
