// Types for bench/redis-server.mjs.

/** A running redis-server and the controls the tests need. */
export interface TestRedis {
  readonly port: number;
  readonly url: string;
  /** Kills it at once (SIGKILL): Redis "crashes"; its data is gone. */
  kill(): Promise<void>;
  /** Starts it again on the same port, empty (a restart without persistence). */
  restart(): Promise<void>;
  /** Freezes it (SIGSTOP): connections stay open, nothing answers. */
  pause(): void;
  /** Thaws a paused server (SIGCONT). */
  resume(): void;
  /** Stops it for good. */
  stop(): Promise<void>;
}

/** Starts a redis-server on a free port; `stop()` it when done. */
export function startRedis(): Promise<TestRedis>;
