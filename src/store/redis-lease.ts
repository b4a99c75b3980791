// A lease in Redis that exactly one replica holds at a time (the Genesys notification channels): SET NX PX with a
// fencing token from INCR, renewed every third of its TTL, released on stop, taken by another replica within about
// one TTL when the holder dies. The holder gives it up locally before Redis would expire it when renewals fail, and
// `stillHeld()` checks the token in Redis before a write that only the holder may make.
import type { Logger } from '../logger.js';
import { Redis } from 'ioredis';

/** Takes the lease when free: a new fencing token, stored with the holder's id. Returns the token or 0. */
const ACQUIRE = `if redis.call('exists', KEYS[1]) == 1 then return 0 end
local token = redis.call('incr', KEYS[2])
redis.call('set', KEYS[1], ARGV[1] .. '|' .. token, 'PX', ARGV[2])
return token`;
/** Extends the lease only while it still holds this holder's value. */
const RENEW = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end";
const RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

export interface RedisLeaseOptions {
  redisUrl: string;
  /** What the lease guards, part of its key. */
  name: string;
  /** This replica's id, stored as the holder. */
  replicaId: string;
  /** @default 5000 */
  ttlMs?: number;
  /** @default 'wrapup' */
  prefix?: string;
  logger: Logger;
  /** This replica now holds the lease (with this fencing token). Awaited before the next transition. */
  onAcquired(token: number): Promise<void> | void;
  /** This replica no longer holds it (taken over, Redis unreachable past the safe margin, or released by stop()). */
  onLost(reason: string): Promise<void> | void;
}

export interface RedisLease {
  /** Starts competing for the lease (an attempt now, then every third of the TTL). */
  start(): void;
  /** Stops competing; when held: onLost('stopped') is awaited, then the lease is released so another takes over at once. */
  stop(): Promise<void>;
  /** Releases a held lease now (e.g. the holder could not start its work); competing goes on. */
  release(): Promise<void>;
  /** The fencing token while held, else undefined. */
  token(): number | undefined;
  /** The holder's replica id as Redis has it now; undefined when nobody holds it (or Redis does not answer). */
  holder(): Promise<string | undefined>;
  /** True when Redis still names this replica with its current token: check before a write only the holder may make. */
  stillHeld(): Promise<boolean>;
}

/** Creates the lease (its own Redis connection, opened at once). */
export function createRedisLease(options: RedisLeaseOptions): RedisLease {
  const ttlMs = options.ttlMs ?? 5000;
  const key = `${options.prefix ?? 'wrapup'}:lease:${options.name}`;
  const fenceKey = `${key}:fence`;
  const redis = new Redis(options.redisUrl, { maxRetriesPerRequest: 1, retryStrategy: (times) => Math.min(1000, 50 * 2 ** Math.min(times, 5)) });
  redis.on('error', (err) => options.logger.debug({ err: err.message }, 'lease redis connection error'));
  let held: { token: number; value: string; confirmedAt: number } | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  /** Transitions (acquired, lost) run one at a time, in order. */
  let chain: Promise<void> = Promise.resolve();
  const run = (fn: () => Promise<void> | void): Promise<void> => {
    chain = chain.then(fn).catch((err: unknown) => options.logger.error({ err: (err as Error).message }, 'lease transition failed'));
    return chain;
  };

  const lose = (reason: string): Promise<void> => {
    if (!held) return chain;
    held = undefined;
    options.logger.warn({ lease: options.name, reason }, 'lease lost');
    return run(() => options.onLost(reason));
  };

  async function tick(): Promise<void> {
    if (stopped) return;
    try {
      if (held) {
        const renewed = await redis.eval(RENEW, 1, key, held.value, ttlMs);
        if (renewed === 1) held.confirmedAt = Date.now();
        else await lose('taken over');
      } else {
        const token = Number(await redis.eval(ACQUIRE, 2, key, fenceKey, options.replicaId, ttlMs));
        if (token > 0 && !stopped) {
          held = { token, value: `${options.replicaId}|${token}`, confirmedAt: Date.now() };
          options.logger.info({ lease: options.name, token }, 'lease acquired');
          await run(() => options.onAcquired(token));
        }
      }
    } catch (err) {
      // Redis unreachable: keep the lease only while it surely has not expired there (a fifth of the TTL to spare).
      if (held && Date.now() - held.confirmedAt > ttlMs * 0.8) await lose('redis unreachable');
      else options.logger.debug({ err: (err as Error).message }, 'lease renewal failed; retrying');
    }
  }

  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(() => void tick().finally(schedule), Math.max(50, Math.floor(ttlMs / 3)));
    timer.unref();
  }

  async function release(): Promise<void> {
    const value = held?.value;
    await lose('released');
    if (value) await redis.eval(RELEASE, 1, key, value).catch(() => undefined);
  }

  return {
    start() {
      if (timer || stopped) return;
      void tick().finally(schedule);
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await release();
      await chain;
      await redis.quit().catch(() => redis.disconnect());
    },
    release,
    token: () => held?.token,
    async holder() {
      const value = await redis.get(key).catch(() => null);
      return value === null ? undefined : value.slice(0, value.lastIndexOf('|'));
    },
    async stillHeld() {
      if (!held) return false;
      const value = held.value;
      return (await redis.get(key).catch(() => null)) === value;
    },
  };
}
