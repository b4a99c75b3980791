// The channel lease and summary invalidation against a real redis-server child.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { silentLogger } from '../logger.js';
import { describeWithRedis, startRedisServer, type RedisServer } from '../../test/support/redis-server.js';
import { createRedisInvalidation } from './redis-invalidation.js';
import { createRedisLease, type RedisLease } from './redis-lease.js';

let redis: RedisServer;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function until(fn: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > end) throw new Error('condition not met');
    await sleep(20);
  }
}

function lease(prefix: string, replicaId: string, log: string[], ttlMs = 600): RedisLease {
  const created = createRedisLease({
    redisUrl: redis.url,
    name: 'channels',
    replicaId,
    ttlMs,
    prefix,
    logger: silentLogger(),
    onAcquired: (token) => void log.push(`${replicaId} acquired ${token}`),
    onLost: (reason) => void log.push(`${replicaId} lost: ${reason}`),
  });
  created.start();
  return created;
}

describeWithRedis('redis lease and invalidation', () => {
  beforeAll(async () => {
    redis = await startRedisServer({ persistent: false });
  });
  afterAll(async () => redis?.stop());

  it('one holder at a time; a stop hands it over at once with a higher fencing token', async () => {
    const log: string[] = [];
    const a = lease('l1', 'a', log);
    await until(() => a.token() !== undefined);
    const b = lease('l1', 'b', log);
    await sleep(700); // longer than a TTL: renewals keep it with a
    expect(b.token()).toBeUndefined();
    expect(await b.holder()).toBe('a');
    expect(await a.stillHeld()).toBe(true);
    const first = a.token() ?? 0;
    await a.stop();
    await until(() => b.token() !== undefined, 1000);
    expect(b.token()).toBeGreaterThan(first);
    expect(await b.holder()).toBe('b');
    expect(log).toEqual([`a acquired ${first}`, 'a lost: released', `b acquired ${b.token()}`]);
    await b.stop();
  });

  it('a holder that died (its key left to expire) is replaced after the TTL; a holder whose key was taken learns it', async () => {
    const raw = new Redis(redis.url);
    try {
      await raw.set('l2:lease:channels', 'dead|7', 'PX', 500);
      await raw.set('l2:lease:channels:fence', 7);
      const log: string[] = [];
      const b = lease('l2', 'b', log);
      const start = Date.now();
      await until(() => b.token() !== undefined, 3000);
      expect(Date.now() - start).toBeGreaterThanOrEqual(400);
      expect(b.token()).toBe(8);
      // Someone else's value in the key (a split brain the fencing must catch): the check and the renewal see it.
      await raw.set('l2:lease:channels', 'other|9', 'PX', 5000);
      expect(await b.stillHeld()).toBe(false);
      await until(() => log.includes('b lost: taken over'), 2000);
      expect(b.token()).toBeUndefined();
      await b.stop();
      expect(await raw.get('l2:lease:channels')).toBe('other|9'); // stop never deletes another's lease
    } finally {
      raw.disconnect();
    }
  });

  it('invalidation: another replica hears a replaced summary, the publisher does not hear itself', async () => {
    const [a, b] = [createRedisInvalidation({ redisUrl: redis.url, logger: silentLogger(), prefix: 'i1' }), createRedisInvalidation({ redisUrl: redis.url, logger: silentLogger(), prefix: 'i1' })];
    try {
      const heardA: Array<string | undefined> = [];
      const heardB: Array<string | undefined> = [];
      a.onReplaced((id) => heardA.push(id));
      b.onReplaced((id) => heardB.push(id));
      await sleep(200); // subscriptions in place
      await a.replaced('c-1');
      await until(() => heardB.length === 1);
      expect(heardB).toEqual(['c-1']);
      expect(heardA).toEqual([]);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
