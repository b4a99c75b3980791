// BullMQ task queue: the TaskQueue port for several replicas on one Redis. Task records stay in the store's 'tasks'
// namespace (the same records and schema as the embedded queue); BullMQ holds one job per open task (jobId = task id)
// and is what replicas claim from: its job lock says which replica runs a task, and its stalled-job check hands the
// tasks of a replica that died back to the others once their lock expires. An idempotency key maps to its task with
// SET NX, so two replicas enqueueing the same key get one task. Jobs carry only the task id: the adapter never reads
// a task's payload, so new task kinds need no change here.
// Here: the options, the assembly and the relay of tasks settled elsewhere; the connections, claims and lock renewal
// are bullmq-core.ts, the record machinery bullmq-records.ts, the task operations bullmq-ops.ts.
import type { TaskRecord } from '../domain.js';
import type { Logger } from '../logger.js';
import type { TaskQueue } from '../ports.js';
import { closeBullCore, createBullCore, holdsClaim, listenForJobs, type BullCore, type BullmqQueueOptions } from './bullmq-core.js';
import * as ops from './bullmq-ops.js';
import { counts, findByKey, recover, release } from './bullmq-records.js';
import { createTaskRepo } from './task-repo.js';
import { ttlPolicy } from './task-queue.js';

export interface BullmqTaskQueueOptions extends BullmqQueueOptions {
  /** Shorter keeping for tasks failed with these codes, in ms. @default {} */
  failedTtlMs?: Readonly<Record<string, number>>;
}

/** The TaskQueue plus close(): stops lock renewals, closes the BullMQ connections (claimed jobs stay locked until expiry). */
export interface BullmqTaskQueue extends TaskQueue {
  release(taskId: string): Promise<void>;
  holdsClaim(taskId: string): Promise<boolean>;
  /**
   * Calls `listener` with a task another replica settled (completed, skipped, failed for good), so long-polls here
   * answer as soon as there. Returns the unsubscribe function.
   */
  onSettledElsewhere(listener: (task: TaskRecord) => void): () => void;
  close(): Promise<void>;
}

/** Creates the queue; connects lazily (the first command waits for Redis). */
export function createBullmqTaskQueue(options: BullmqTaskQueueOptions): BullmqTaskQueue {
  const core = createBullCore<TaskRecord>({
    redisUrl: options.redisUrl,
    repo: createTaskRepo(options.keyv, options.logger),
    logger: options.logger,
    lanes: { normal: 'tasks', low: 'tasks-low' },
    prefix: options.prefix ?? 'wrapup',
    ttlFor: ttlPolicy(options),
    lockDurationMs: options.lockDurationMs ?? 30_000,
    replicaId: options.replicaId,
    clock: options.clock,
    idFactory: options.idFactory,
    sweepIntervalMs: options.sweepIntervalMs,
  });
  const settledListeners = new Set<(task: TaskRecord) => void>();
  const events = listenForJobs(core, (jobId) => void relaySettled(core, jobId, settledListeners));
  return {
    enqueue: (request) => ops.enqueue(core, request),
    get: (taskId) => core.repo.read(taskId),
    findByKey: (key) => findByKey(core, key),
    claim: (claimOptions) => ops.claim(core, claimOptions),
    complete: (taskId, result) => ops.complete(core, taskId, result),
    fail: (taskId, error, retryAt) => ops.fail(core, taskId, error, retryAt),
    skip: (taskId, error) => ops.skip(core, taskId, error),
    retry: (taskId, retryOptions) => ops.retry(core, taskId, retryOptions),
    recover: () => recover(core),
    release: (taskId) => release(core, taskId),
    holdsClaim: (taskId) => holdsClaim(core, taskId),
    onReady: core.wake.subscribe,
    onSettledElsewhere(listener) {
      settledListeners.add(listener);
      return () => settledListeners.delete(listener);
    },
    counts: () => counts(core),
    close: () => closeBullCore(core, events),
  };
}

/** A job finished on some replica: unless it was this one, its settled record goes to the listeners. */
async function relaySettled(core: BullCore<TaskRecord>, taskId: string, listeners: Set<(task: TaskRecord) => void>): Promise<void> {
  if (core.settledHere.delete(taskId) || listeners.size === 0) return;
  const task = await core.repo.read(taskId).catch(() => undefined);
  if (!task || task.status === 'pending' || task.status === 'processing') return;
  for (const listener of [...listeners]) listener(task);
}
