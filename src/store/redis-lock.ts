// A short mutual-exclusion lock in Redis (SET NX PX, released only by its owner) for read-modify-write of one record
// across replicas. Not a lease: a holder that dies leaves it to expire after `ttlMs`.
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { AppError } from '../errors.js';

/** Deletes the key only when it still holds this owner's token. */
const RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

export interface RedisLockOptions {
  /** The lock expires after this long if its holder dies. @default 10000 */
  ttlMs?: number;
  /** Give up (STORE_UNAVAILABLE, retryable) after waiting this long. @default 10000 */
  waitMs?: number;
}

/** Runs `fn` while holding `key`; waits (polling every 10–30 ms) while another holds it. */
export async function withRedisLock<T>(redis: Redis, key: string, fn: () => Promise<T>, options: RedisLockOptions = {}): Promise<T> {
  const token = randomUUID();
  const ttlMs = options.ttlMs ?? 10_000;
  const deadline = Date.now() + (options.waitMs ?? 10_000);
  for (;;) {
    let acquired: string | null;
    try {
      acquired = await redis.set(key, token, 'PX', ttlMs, 'NX');
    } catch (cause) {
      throw new AppError('STORE_UNAVAILABLE', 'redis lock failed', { cause, retryable: true });
    }
    if (acquired === 'OK') break;
    if (Date.now() > deadline) throw new AppError('STORE_UNAVAILABLE', 'redis lock busy', { retryable: true });
    await new Promise((r) => setTimeout(r, 10 + Math.random() * 20));
  }
  try {
    return await fn();
  } finally {
    await redis.eval(RELEASE, 1, key, token).catch(() => undefined);
  }
}
