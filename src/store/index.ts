// The store: Keyv backend (SQLite or memory), summary store, embedded task queue and checkpoints.
export { createCheckpointStore, type CheckpointStore } from './checkpoint-store.js';
export { createKeyvBackend, type KeyvBackend } from './keyv-backend.js';
export { createSummaryStore, type IndexedSummaryStore } from './summary-store.js';
export { createEmbeddedTaskQueue, type EmbeddedTaskQueue } from './task-queue.js';
export { createLocalSummaryChanges } from './summary-changes.js';
export {
  createSummaryResponseCache,
  toCachedResponse,
  type CachedResponse,
  type SummaryResponseCache,
  type SummaryResponseCacheOptions,
} from './summary-response-cache.js';
export { createEmbeddedDeliveryQueue, type EmbeddedDeliveryQueue } from './delivery-queue.js';
