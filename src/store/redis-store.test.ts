// STORE_URL=redis://: the Keyv backend, summaries and checkpoints on a real redis-server child, shared by two
// connections (two replicas), the summary index written by both at once, surviving a Redis restart (AOF).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { silentLogger } from '../logger.js';
import { describeWithRedis, startRedisServer, type RedisServer } from '../../test/support/redis-server.js';
import { sampleRecord } from '../../test/support/summaries.js';
import { createCheckpointStore } from './checkpoint-store.js';
import { createKeyvBackend } from './keyv-backend.js';
import { createSummaryStore } from './summary-store.js';
import { createTaskRepo } from './task-repo.js';
import { waitFor } from '../../test/helpers.js';

let redis: RedisServer;

describeWithRedis('redis:// store', () => {
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => redis?.stop());

  it('two connections see one store: namespaces apart, summaries and checkpoints shared, TTL honoured', async () => {
    const [a, b] = [await createKeyvBackend(`${redis.url}/1`), await createKeyvBackend(`${redis.url}/1`)];
    try {
      await a.keyv('summaries').set('k', 'a');
      await a.keyv('tasks').set('k', 'b');
      expect(await b.keyv('summaries').get('k')).toBe('a');
      expect(await b.keyv('tasks').get('k')).toBe('b');
      const logger = silentLogger();
      const summaries = [a, b].map((backend) => createSummaryStore({ keyv: backend.keyv('summaries'), defaultMaxLength: 500, logger }));
      const record = sampleRecord();
      await summaries[0]?.put(record);
      expect((await summaries[1]?.get(record.conversation_id))?.task_id).toBe(record.task_id);
      const checkpoints = [a, b].map((backend) => createCheckpointStore({ keyv: backend.keyv('checkpoints'), logger }));
      await checkpoints[0]?.set('stream', 1234);
      expect(await checkpoints[1]?.get('stream')).toBe(1234);
      await a.keyv('tasks').set('short', 1, 150);
      await new Promise((r) => setTimeout(r, 300));
      expect(await b.keyv('tasks').get('short')).toBeUndefined();
      expect(await a.ping()).toBe(true);
    } finally {
      await a.close();
      await b.close();
    }
    expect(await a.ping()).toBe(false);
  });

  it('two replicas writing summaries of the same day at once lose no index entry (the index lock is shared)', async () => {
    const backends = [await createKeyvBackend(`${redis.url}/3`), await createKeyvBackend(`${redis.url}/3`)];
    try {
      const logger = silentLogger();
      const [a, b] = backends.map((backend) => createSummaryStore({ keyv: backend.keyv('summaries'), exclusive: backend.exclusive, defaultMaxLength: 500, logger }));
      const id = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
      // Without the shared lock this loses about a third of the ids (84 of 120 listed when tried).
      const writes = Array.from({ length: 120 }, (_, n) => (n % 2 ? a : b)!.put(sampleRecord({ conversation_id: id(n) })));
      await Promise.all(writes);
      const listed = await a!.listIds();
      expect(new Set(listed).size).toBe(120);
      expect((await b!.listIds()).sort()).toEqual(listed.sort());
    } finally {
      for (const backend of backends) await backend.close();
    }
  });

  it('a command that times out while Redis is away fails (STORE_UNAVAILABLE), never reads as missing or writes as done', async () => {
    const backend = await createKeyvBackend(redis.url, { redisCommandTimeoutMs: 300 });
    const logger = silentLogger();
    const tasks = createTaskRepo(backend.keyv('tasks'), logger);
    const summaries = createSummaryStore({ keyv: backend.keyv('summaries'), defaultMaxLength: 500, logger });
    try {
      const record = sampleRecord();
      await summaries.put(record);
      const restarting = redis.restart('SIGKILL', 1500);
      await new Promise((r) => setTimeout(r, 100));
      await expect(summaries.get(record.conversation_id)).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
      await expect(tasks.read('some-task')).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
      await expect(summaries.put(sampleRecord({ conversation_id: 'another' }))).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
      await restarting;
      await waitFor(async () => (await backend.ping()) || undefined, 10_000);
      expect((await summaries.get(record.conversation_id))?.task_id).toBe(record.task_id);
    } finally {
      await backend.close();
    }
  });

  it('a Redis restart: reads fail while it is down (STORE_UNAVAILABLE via the stores), then work again with the data kept', async () => {
    const backend = await createKeyvBackend(redis.url);
    try {
      const checkpoints = createCheckpointStore({ keyv: backend.keyv('checkpoints'), logger: silentLogger() });
      await checkpoints.set('stream', 42);
      await redis.restart('SIGKILL', 200);
      let value: number | undefined;
      for (let i = 0; i < 100 && value === undefined; i += 1) {
        value = await checkpoints.get('stream').catch(() => undefined);
        if (value === undefined) await new Promise((r) => setTimeout(r, 100));
      }
      expect(value).toBe(42);
      expect(await backend.ping()).toBe(true);
    } finally {
      await backend.close();
    }
  });
});
