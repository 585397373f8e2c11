// The tests' redis-server: the bench's launcher (a free port, no persistence, kill/pause/restart).
export { startRedis, type TestRedis } from '../../bench/redis-server.mjs';
