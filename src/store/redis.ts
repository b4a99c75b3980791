// The store's Redis pieces, imported only on a redis:// store (app/replicas.ts's redisParts; the Keyv connection
// itself is imported the same way by keyv-backend.ts): bullmq, ioredis and @keyv/redis add about 35 MB to a
// process's RSS that a SQLite deployment never uses.
export { createBullmqTaskQueue } from './bullmq-queue.js';
export { createBullmqDeliveryQueue } from './bullmq-delivery-queue.js';
export { createRedisInvalidation } from './redis-invalidation.js';
export { createRedisLease } from './redis-lease.js';
