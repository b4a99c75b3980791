// The store: Keyv backend (SQLite, Redis or memory), summary store, task and delivery queues (embedded; BullMQ's
// types), checkpoints. The Redis pieces several replicas share (BullMQ queues, the channel lease, summary
// invalidation) are imported from store/redis.ts only on a redis:// store, so a SQLite process never loads them.
export type { BullmqTaskQueue } from './bullmq-queue.js';
export type { BullmqDeliveryQueue } from './bullmq-delivery-queue.js';
export { createCheckpointStore, type CheckpointStore } from './checkpoint-store.js';
export { createKeyvBackend, type KeyvBackend } from './keyv-backend.js';
export { createLocalInvalidation, type SummaryInvalidation } from './invalidation.js';
export type { RedisLease } from './redis-lease.js';
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
