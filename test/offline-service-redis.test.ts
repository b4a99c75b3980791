// The commands run with --service-stopped on a redis:// store write the queue the replicas claim from (BullMQ), not
// an embedded queue whose tasks no replica would ever see: rerun-stale end to end from the configuration, and a
// backfill-style conversationEnded through the offline service.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { silentLogger } from '../src/logger.js';
import { openOfflineService } from '../src/cli/offline-service.js';
import { runFromConfig } from '../src/cli/rerun-stale.js';
import { createKeyvBackend, createSummaryStore } from '../src/store/index.js';
import { createBullmqTaskQueue } from '../src/store/redis.js';
import { describeWithRedis, startRedisServer, type RedisServer } from './support/redis-server.js';
import { sampleRecord } from './support/summaries.js';

const id = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const STALE = { id: 'default', version: '1.0.0', hash: 'old000000000' };
let redis: RedisServer;

/** The configuration of a replica on database `db` of the test's Redis. */
const configOn = (db: number) =>
  loadConfig({ GENESYS_CLIENT_ID: 'id', GENESYS_CLIENT_SECRET: 'secret', API_KEYS: 'offline-api-key-5f1c8a3e7b9d2046a8c3e1f7b5d9', STORE_URL: `${redis.url}/${db}` });

/** Claims every task a replica's BullMQ queue hands out on database `db`; returns their conversation ids and keys. */
async function claimAll(db: number): Promise<Array<{ conversation_id: string; idempotency_key: string }>> {
  const backend = await createKeyvBackend(`${redis.url}/${db}`);
  const queue = createBullmqTaskQueue({ redisUrl: `${redis.url}/${db}`, keyv: backend.keyv('tasks'), logger: silentLogger() });
  try {
    const out = [];
    for (let task = await queue.claim(); task; task = await queue.claim()) out.push(task);
    return out;
  } finally {
    await queue.close();
    await backend.close();
  }
}

describeWithRedis('offline service on a redis:// store', () => {
  beforeAll(async () => {
    redis = await startRedisServer({ persistent: false });
  });
  afterAll(async () => redis?.stop());

  it('rerun-stale --service-stopped queues its forced task where the replicas claim it', async () => {
    const seeded = await createKeyvBackend(`${redis.url}/1`);
    const store = createSummaryStore({ keyv: seeded.keyv('summaries'), defaultMaxLength: 500, logger: silentLogger() });
    await store.put(sampleRecord({ conversation_id: id(1), template: STALE }));
    await seeded.close();

    const report = await runFromConfig(configOn(1), { maxCount: 5, maxCostUsd: 10, dryRun: false, apiUrl: undefined }, silentLogger());
    expect(report).toMatchObject({ stale: 1, queued: 1 });
    const claimed = await claimAll(1);
    expect(claimed).toHaveLength(1);
    expect(claimed[0]).toMatchObject({ conversation_id: id(1) });
    expect(claimed[0]?.idempotency_key).toMatch(/:force:/);
  });

  it('backfill --service-stopped (conversationEnded) lands every conversation in the shared queue, once', async () => {
    const offline = await openOfflineService(configOn(2), silentLogger(), 'default@1.0.0');
    try {
      for (const n of [1, 2, 3, 2]) await offline.service.conversationEnded(id(n), 'backfill');
    } finally {
      await offline.close();
    }
    const claimed = await claimAll(2);
    expect(claimed.map((t) => t.conversation_id).sort()).toEqual([id(1), id(2), id(3)]);
  });
});
