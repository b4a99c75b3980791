// Embedded task queue: the TaskQueue port over Keyv (SQLite or memory). SINGLE-REPLICA adapter: mutations are
// serialized by an in-process mutex and the open tasks are indexed in this process's memory, so two processes sharing
// one store file would race (and not see each other's tasks); use a real queue for that.
// Store cost per operation is O(1): a task record, one small marker key per open task (`open:slot:<n>`) and a counters
// key; the markers are read once, on the first operation (or recover()), to rebuild the index: O(open tasks).
// Here: the options and the assembly; the operations are in task-operations.ts, the lock and the load in task-lock.ts.
import { randomUUID } from 'node:crypto';
import type { Keyv } from 'keyv';
import type { TaskRecord } from '../domain.js';
import type { TaskQueue } from '../ports.js';
import type { Logger } from '../logger.js';
import { createAsyncMutex } from './async-mutex.js';
import { createOpenIndex } from './open-index.js';
import type { QueueCore } from './task-lock.js';
import * as ops from './task-operations.js';
import { createTaskRepo } from './task-repo.js';
import { createTransitions } from './task-transitions.js';
import { createWakeups } from './task-wakeups.js';

export interface EmbeddedTaskQueueOptions {
  /** The 'tasks' namespace of the store. */
  keyv: Keyv;
  logger: Logger;
  /**
   * How long completed and failed tasks (and their idempotency keys) are kept, in ms. Open tasks never expire.
   * @default undefined (kept forever)
   */
  ttlMs?: number;
  /**
   * How long a task that failed for good with one of these error codes (and its idempotency key) is kept instead,
   * in ms: e.g. an unknown conversation's failure need not stay as long as real work. @default {}
   */
  failedTtlMs?: Readonly<Record<string, number>>;
  /** Epoch-ms clock for timestamps and not_before. @default Date.now */
  clock?: () => number;
  /** @default crypto.randomUUID */
  idFactory?: () => string;
}

/** The TaskQueue plus close(): clears the retry wake-up timers (they are also unref'd) and drops listeners. */
export interface EmbeddedTaskQueue extends TaskQueue {
  close(): void;
}

/** Creates the embedded queue. Store outages throw AppError STORE_UNAVAILABLE; unknown ids throw TASK_NOT_FOUND. */
export function createEmbeddedTaskQueue(options: EmbeddedTaskQueueOptions): EmbeddedTaskQueue {
  const core = newCore(options);
  return {
    enqueue: (request) => ops.enqueue(core, request),
    get: (taskId) => core.repo.read(taskId),
    findByKey: (key) => ops.findByKey(core, key),
    claim: (claimOptions) => ops.claim(core, claimOptions),
    complete: (taskId, result) => ops.complete(core, taskId, result),
    fail: (taskId, error, retryAt) => ops.fail(core, taskId, error, retryAt),
    skip: (taskId, error) => ops.skip(core, taskId, error),
    retry: (taskId, retryOptions) => ops.retry(core, taskId, retryOptions),
    recover: () => ops.recover(core),
    onReady: core.wake.subscribe,
    counts: () => ops.counts(core),
    close: core.wake.close,
  };
}

function newCore(options: EmbeddedTaskQueueOptions): QueueCore {
  const { logger } = options;
  const repo = createTaskRepo(options.keyv, logger);
  const now = options.clock ?? Date.now;
  const index = createOpenIndex();
  return {
    repo,
    mutex: createAsyncMutex(),
    index,
    transitions: createTransitions(repo, index, now, ttlPolicy(options), logger),
    wake: createWakeups(now, logger),
    now,
    newId: options.idFactory ?? randomUUID,
    logger,
    loaded: false,
  };
}

/** How long a task that has just become terminal (and its key) is kept: the failed-code TTL if shorter; undefined: forever. */
export function ttlPolicy(options: Pick<EmbeddedTaskQueueOptions, 'ttlMs' | 'failedTtlMs'>): (task: TaskRecord) => number | undefined {
  const ttl = options.ttlMs && options.ttlMs > 0 ? options.ttlMs : undefined;
  const failedTtl = options.failedTtlMs ?? {};
  return (task) => {
    const short = task.status === 'failed' && task.error ? failedTtl[task.error.code] : undefined;
    return short !== undefined && short > 0 ? Math.min(short, ttl ?? short) : ttl;
  };
}
