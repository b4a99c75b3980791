// Embedded delivery queue: the DeliveryQueue port over Keyv (SQLite or memory), in a namespace of its own beside the
// summary tasks. It reuses the task queue's machinery (crash-safe open markers, claim heaps, TTLs, recovery), so
// outbound webhooks survive restarts exactly as tasks do, but are claimed by their own workers. SINGLE-REPLICA, like
// the task queue. Here: the options, the assembly and the look-up lists; the operations are in delivery-operations.ts.
import { randomUUID } from 'node:crypto';
import type { Keyv } from 'keyv';
import { z } from 'zod';
import { DeliveryRecordSchema, TaskErrorSchema, type DeliveryRecord, type TaskError } from '../domain.js';
import type { DeliveryQueue } from '../ports.js';
import type { Logger } from '../logger.js';
import { createAsyncMutex } from './async-mutex.js';
import * as deliveryOps from './delivery-operations.js';
import { createOpenIndex } from './open-index.js';
import { issuePaths, storeCall } from './store-call.js';
import type { QueueCore } from './task-lock.js';
import * as ops from './task-operations.js';
import { createQueueRepo } from './task-repo.js';
import { createTransitions } from './task-transitions.js';
import { createWakeups } from './task-wakeups.js';

export interface EmbeddedDeliveryQueueOptions {
  /** The 'deliveries' namespace of the store. */
  keyv: Keyv;
  logger: Logger;
  /** How long finished deliveries (and the look-up lists) are kept, in ms. Open ones never expire. @default undefined (forever) */
  ttlMs?: number;
  /** Epoch-ms clock. @default Date.now */
  clock?: () => number;
  /** @default crypto.randomUUID */
  idFactory?: () => string;
}

/** The DeliveryQueue plus close(): clears the wake-up timers and drops listeners. */
export interface EmbeddedDeliveryQueue extends DeliveryQueue {
  close(): void;
}

/** Look-up lists kept beside the records: ids per event and per conversation (the newest CONVERSATION_LIST_LIMIT). */
export interface DeliveryLists {
  ids(list: string): Promise<string[]>;
  append(list: string, id: string): Promise<void>;
  disabled(endpointKey: string): Promise<TaskError | undefined>;
  disable(endpointKey: string, reason: TaskError): Promise<void>;
}

/** Deliveries listed per conversation: the newest this many. */
export const CONVERSATION_LIST_LIMIT = 100;

/** Creates the embedded delivery queue. Store outages throw AppError STORE_UNAVAILABLE; unknown ids TASK_NOT_FOUND. */
export function createEmbeddedDeliveryQueue(options: EmbeddedDeliveryQueueOptions): EmbeddedDeliveryQueue {
  const core = newCore(options);
  const lists = createDeliveryLists(options.keyv, options.logger, options.ttlMs);
  return {
    enqueue: (request) => deliveryOps.enqueue(core, lists, request),
    get: (id) => core.repo.read(id),
    byEvent: async (eventId) => deliveryOps.listed(core.repo, await lists.ids(`event:${eventId}`)),
    byConversation: async (conversationId) => deliveryOps.listed(core.repo, await lists.ids(`conversation:${conversationId}`)),
    claim: () => deliveryOps.claim(core),
    settle: (id, attempt, outcome) => deliveryOps.settle(core, id, attempt, outcome),
    recover: () => ops.recover(core),
    onReady: core.wake.subscribe,
    counts: () => ops.counts(core),
    disableEndpoint: (key, reason) => lists.disable(key, reason),
    endpointDisabled: (key) => lists.disabled(key),
    close: core.wake.close,
  };
}

function newCore(options: EmbeddedDeliveryQueueOptions): QueueCore<DeliveryRecord> {
  const { logger } = options;
  const repo = createQueueRepo(options.keyv, logger, DeliveryRecordSchema);
  const now = options.clock ?? Date.now;
  const index = createOpenIndex();
  const ttl = options.ttlMs && options.ttlMs > 0 ? options.ttlMs : undefined;
  return {
    repo,
    mutex: createAsyncMutex(),
    index,
    transitions: createTransitions(repo, index, now, () => ttl, logger),
    wake: createWakeups(now, logger),
    now,
    newId: options.idFactory ?? randomUUID,
    logger,
    loaded: false,
  };
}

const IdListSchema = z.array(z.string());

/**
 * The look-up lists over the deliveries' namespace. `exclusive` serializes each list's read-modify-write among every
 * writer (a Redis lock where replicas share the store). @default no lock (the embedded queue's own lock covers it)
 */
export function createDeliveryLists(
  keyv: Keyv,
  logger: Logger,
  ttlMs: number | undefined,
  exclusive: (list: string, fn: () => Promise<void>) => Promise<void> = (_list, fn) => fn(),
): DeliveryLists {
  const ttl = ttlMs && ttlMs > 0 ? ttlMs : undefined;
  async function ids(list: string): Promise<string[]> {
    const raw: unknown = await storeCall('read', () => keyv.get(`list:${list}`));
    if (raw === undefined || raw === null) return [];
    const parsed = IdListSchema.safeParse(raw);
    if (!parsed.success) logger.warn({ list, issues: issuePaths(parsed.error.issues) }, 'stored delivery list is unreadable; reset');
    return parsed.success ? parsed.data : [];
  }
  return {
    ids,
    append: (list, id) =>
      exclusive(list, async () => {
        const next = [...(await ids(list)).filter((known) => known !== id), id].slice(-CONVERSATION_LIST_LIMIT);
        await storeCall('write', () => keyv.set(`list:${list}`, next, ttl));
      }),
    async disabled(endpointKey) {
      const raw: unknown = await storeCall('read', () => keyv.get(`disabled:${endpointKey}`));
      const parsed = raw === undefined || raw === null ? undefined : TaskErrorSchema.safeParse(raw);
      return parsed?.success ? parsed.data : undefined;
    },
    async disable(endpointKey, reason) {
      await storeCall('write', () => keyv.set(`disabled:${endpointKey}`, reason));
    },
  };
}
