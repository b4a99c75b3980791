// The store: Keyv backend (SQLite, Redis or memory), summary store, task and delivery queues (embedded, BullMQ), checkpoints, and
// the Redis pieces several replicas share (the channel lease, summary invalidation).
export { createBullmqTaskQueue, type BullmqTaskQueue } from './bullmq-queue.js';
export { createBullmqDeliveryQueue, type BullmqDeliveryQueue } from './bullmq-delivery-queue.js';
export { createCheckpointStore, type CheckpointStore } from './checkpoint-store.js';
export { createKeyvBackend, type KeyvBackend } from './keyv-backend.js';
export { createLocalInvalidation, createRedisInvalidation, type SummaryInvalidation } from './redis-invalidation.js';
export { createRedisLease, type RedisLease } from './redis-lease.js';
export { createSummaryStore, type IndexedSummaryStore } from './summary-store.js';
export { createEmbeddedTaskQueue, type EmbeddedTaskQueue } from './task-queue.js';
export { createLocalSummaryChanges } from './summary-changes.js';
export {
  ALL_SUMMARIES,
  createSummaryResponseCache,
  toCachedResponse,
  type CachedResponse,
  type SummaryResponseCache,
  type SummaryResponseCacheOptions,
} from './summary-response-cache.js';
export { createEmbeddedDeliveryQueue, type EmbeddedDeliveryQueue } from './delivery-queue.js';
