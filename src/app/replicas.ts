// Several replicas on one redis:// store: which replica this is, which task and delivery queues it uses (BullMQ on
// Redis, else the embedded ones), and the summary-invalidation channel. The lease on the notification channels is in channels.ts.
import { hostname } from 'node:os';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { SummaryRecord } from '../domain.js';
import type { DeliveryQueue, SummaryStore, TaskQueue } from '../ports.js';
import { createEmbeddedDeliveryQueue, createEmbeddedTaskQueue, createLocalInvalidation, type KeyvBackend, type SummaryInvalidation } from '../store/index.js';

/** The Redis pieces (BullMQ, ioredis, the lease), imported on a redis:// store only: a SQLite process never loads them. */
export const redisParts = () => import('../store/redis.js');

/** A task queue the composition root can close. */
export type ClosableTaskQueue = TaskQueue & { close(): void | Promise<void> };
/** A delivery queue the composition root can close. */
export type ClosableDeliveryQueue = DeliveryQueue & { close(): void | Promise<void> };

/** REPLICA_ID, else hostname:pid. */
export const replicaIdOf = (config: Config): string => config.cluster.replicaId ?? `${hostname()}:${process.pid}`;

/** The store's URL when it is Redis (shared by every replica), else undefined. */
export const redisUrlOf = (config: Config): string | undefined => (/^rediss?:\/\//i.test(config.store.url) ? config.store.url : undefined);

/** QUEUE, else bullmq on a redis:// store and embedded otherwise. */
export const queueKindOf = (config: Config): 'bullmq' | 'embedded' => config.cluster.queue ?? (redisUrlOf(config) ? 'bullmq' : 'embedded');

/** The task queue over the store's 'tasks' namespace. */
export async function buildQueue(config: Config, logger: Logger, backend: KeyvBackend): Promise<ClosableTaskQueue> {
  const common = {
    keyv: backend.keyv('tasks'),
    ttlMs: config.store.taskTtlSeconds * 1000 || undefined,
    // An unknown conversation's failure is cheap to keep: a guessed id must not hold a record for days.
    failedTtlMs: { CONVERSATION_NOT_FOUND: config.limits.notFoundTaskTtlSeconds * 1000 },
    logger: logger.child({ module: 'task-queue' }),
  };
  const redisUrl = redisUrlOf(config);
  if (queueKindOf(config) === 'bullmq' && redisUrl) {
    logger.info({ queue: 'bullmq', replica: replicaIdOf(config) }, 'task queue: BullMQ on the redis store (shared by every replica)');
    const { createBullmqTaskQueue } = await redisParts();
    return createBullmqTaskQueue({ ...common, redisUrl, lockDurationMs: config.cluster.queueLockMs, replicaId: replicaIdOf(config) });
  }
  return createEmbeddedTaskQueue(common);
}

/**
 * The outbound-webhook delivery queue, chosen as the task queue is: BullMQ on a redis:// store (one dispatcher per
 * delivery across replicas), else the embedded one in the store's 'deliveries' namespace.
 */
export async function buildDeliveryQueue(config: Config, logger: Logger, backend: KeyvBackend): Promise<ClosableDeliveryQueue> {
  const common = {
    keyv: backend.keyv('deliveries'),
    ttlMs: config.store.taskTtlSeconds * 1000 || undefined,
    logger: logger.child({ module: 'delivery-queue' }),
  };
  const redisUrl = redisUrlOf(config);
  if (queueKindOf(config) === 'bullmq' && redisUrl) {
    const { createBullmqDeliveryQueue } = await redisParts();
    return createBullmqDeliveryQueue({ ...common, redisUrl, lockDurationMs: config.cluster.queueLockMs, replicaId: replicaIdOf(config) });
  }
  return createEmbeddedDeliveryQueue(common);
}

/** Redis pub/sub on a redis:// store; a no-op otherwise (one process: nobody else caches). */
export async function buildInvalidation(config: Config, logger: Logger): Promise<SummaryInvalidation> {
  const redisUrl = redisUrlOf(config);
  if (!redisUrl) return createLocalInvalidation();
  const { createRedisInvalidation } = await redisParts();
  return createRedisInvalidation({ redisUrl, logger: logger.child({ module: 'invalidation' }) });
}

/** The summary store, announcing every replaced summary to the other replicas after it is written. */
export function announcingReplacements<S extends SummaryStore>(store: S, invalidation: SummaryInvalidation): S {
  return {
    ...store,
    async put(record: SummaryRecord): Promise<void> {
      await store.put(record);
      await invalidation.replaced(record.conversation_id);
    },
  };
}
