// BullMQ delivery queue: the DeliveryQueue port for several replicas on one Redis, so each outbound webhook delivery
// has exactly one dispatcher at a time. The records stay in the store's 'deliveries' namespace (the embedded queue's
// records and look-up lists); BullMQ holds one job per open delivery (queue 'deliveries') and its job lock says which
// replica sends it. A replica that dies mid-attempt loses the delivery to another once its lock expires (stalled-job
// check); that one sends it again under the same webhook-id (receivers dedupe on it, per Standard Webhooks). An event
// and endpoint map to one delivery with SET NX, so two replicas enqueueing it get one. Its own Redis keys sit under
// `<prefix>:deliveries` (BullMQ's under `<prefix>:bull:deliveries`). Shares bullmq-core/-records.ts with the task queue.
import { DeliveryRecordSchema, type DeliveryRecord } from '../domain.js';
import type { Logger } from '../logger.js';
import type { DeliveryQueue, DeliveryRequest } from '../ports.js';
import { closeBullCore, createBullCore, listenForJobs, type BullCore, type BullmqQueueOptions } from './bullmq-core.js';
import { addJob, claimFrom, counts, idFor, locked, recover, save, transition } from './bullmq-records.js';
import { createDeliveryLists, type DeliveryLists } from './delivery-queue.js';
import { listed, newDelivery, settlePatch } from './delivery-operations.js';
import { withRedisLock } from './redis-lock.js';
import { createQueueRepo } from './task-repo.js';

/** The shared options (bullmq-core.ts); `keyv` is the 'deliveries' namespace, whose look-up lists live there too. */
export type BullmqDeliveryQueueOptions = BullmqQueueOptions;

/** The DeliveryQueue plus close(): stops lock renewals and closes the connections. */
export interface BullmqDeliveryQueue extends DeliveryQueue {
  close(): Promise<void>;
}

type Core = BullCore<DeliveryRecord>;

/** Creates the queue; connects lazily (the first command waits for Redis). */
export function createBullmqDeliveryQueue(options: BullmqDeliveryQueueOptions): BullmqDeliveryQueue {
  const prefix = options.prefix ?? 'wrapup';
  const ttl = options.ttlMs && options.ttlMs > 0 ? options.ttlMs : undefined;
  const core: Core = createBullCore<DeliveryRecord>({
    redisUrl: options.redisUrl,
    repo: createQueueRepo(options.keyv, options.logger, DeliveryRecordSchema),
    logger: options.logger,
    lanes: { normal: 'deliveries' },
    prefix,
    keyPrefix: `${prefix}:deliveries`,
    ttlFor: () => ttl,
    lockDurationMs: options.lockDurationMs ?? 30_000,
    replicaId: options.replicaId,
    clock: options.clock,
    idFactory: options.idFactory,
    sweepIntervalMs: options.sweepIntervalMs,
  });
  // Two replicas may append to one conversation's list at once: each list changes under its own Redis lock.
  const lists = createDeliveryLists(options.keyv, options.logger, options.ttlMs, (list, fn) => withRedisLock(core.redis, core.keys.lock(`list:${list}`), fn));
  const events = listenForJobs(core);
  return {
    enqueue: (request) => enqueue(core, lists, request),
    get: (id) => core.repo.read(id),
    byEvent: async (eventId) => listed(core.repo, await lists.ids(`event:${eventId}`)),
    byConversation: async (conversationId) => listed(core.repo, await lists.ids(`conversation:${conversationId}`)),
    claim: () => claimFrom(core, ['normal']),
    settle: (id, attempt, outcome) =>
      transition(core, id, (current) => settlePatch(current, attempt, outcome), outcome.kind === 'retry' ? { retryAt: outcome.retryAt } : outcome.kind === 'delivered' ? 'completed' : 'failed'),
    recover: () => recover(core),
    onReady: core.wake.subscribe,
    counts: () => counts(core),
    disableEndpoint: (key, reason) => lists.disable(key, reason),
    endpointDisabled: (key) => lists.disabled(key),
    close: () => closeBullCore(core, events),
  };
}

/** A new pending delivery, or the existing one for this event and endpoint (whichever replica made it). */
async function enqueue(core: Core, lists: DeliveryLists, request: DeliveryRequest): Promise<{ delivery: DeliveryRecord; created: boolean }> {
  const key = `${request.eventId}:${request.endpoint}`;
  const id = await idFor(core, key);
  const result = await locked(core, id, async () => {
    const existing = await core.repo.read(id);
    if (existing) return { delivery: existing, created: false };
    const delivery: DeliveryRecord = { ...newDelivery(core, key, request), task_id: id };
    // Lists first: a crash before the record leaves a listed id without a record (skipped on read).
    await lists.append(`event:${request.eventId}`, id);
    await lists.append(`conversation:${request.conversationId}`, id);
    await save(core, delivery, {});
    await addJob(core, delivery);
    return { delivery, created: true };
  });
  if (result.created) core.wake.now();
  return result;
}
