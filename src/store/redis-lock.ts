// A short mutual-exclusion lock in Redis (SET NX PX, released only by its owner) for read-modify-write of one record
// across replicas. Not a lease: a holder that dies leaves it to expire after `ttlMs`. Works over either Redis client
// the store uses (ioredis for BullMQ, node-redis for the Keyv store) through two commands.
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { AppError } from '../errors.js';

/** Deletes the key only when it still holds this owner's token. */
export const RELEASE_SCRIPT = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

/** The two commands a lock needs, whichever client sends them. */
export interface LockCommands {
  /** SET key token NX PX ttlMs: true when this call set it. */
  setIfAbsent(key: string, token: string, ttlMs: number): Promise<boolean>;
  /** Runs RELEASE_SCRIPT on the key with the token. */
  release(key: string, token: string): Promise<unknown>;
}

export interface RedisLockOptions {
  /** The lock expires after this long if its holder dies. @default 10000 */
  ttlMs?: number;
  /** Give up (STORE_UNAVAILABLE, retryable) after waiting this long. @default 10000 */
  waitMs?: number;
}

/** The lock commands over an ioredis connection. */
export const ioredisLockCommands = (redis: Redis): LockCommands => ({
  setIfAbsent: async (key, token, ttlMs) => (await redis.set(key, token, 'PX', ttlMs, 'NX')) === 'OK',
  release: (key, token) => redis.eval(RELEASE_SCRIPT, 1, key, token),
});

/** Runs `fn` while holding `key` (ioredis); waits (polling every 10–30 ms) while another holds it. */
export function withRedisLock<T>(redis: Redis, key: string, fn: () => Promise<T>, options: RedisLockOptions = {}): Promise<T> {
  return withLock(ioredisLockCommands(redis), key, fn, options);
}

/** Runs `fn` while holding `key`; waits (polling every 10–30 ms) while another holds it. */
export async function withLock<T>(commands: LockCommands, key: string, fn: () => Promise<T>, options: RedisLockOptions = {}): Promise<T> {
  const token = randomUUID();
  const ttlMs = options.ttlMs ?? 10_000;
  const deadline = Date.now() + (options.waitMs ?? 10_000);
  for (;;) {
    let acquired: boolean;
    try {
      acquired = await commands.setIfAbsent(key, token, ttlMs);
    } catch (cause) {
      throw new AppError('STORE_UNAVAILABLE', 'redis lock failed', { cause, retryable: true });
    }
    if (acquired) break;
    if (Date.now() > deadline) throw new AppError('STORE_UNAVAILABLE', 'redis lock busy', { retryable: true });
    await new Promise((r) => setTimeout(r, 10 + Math.random() * 20));
  }
  try {
    return await fn();
  } finally {
    await Promise.resolve()
      .then(() => commands.release(key, token))
      .catch(() => undefined);
  }
}
