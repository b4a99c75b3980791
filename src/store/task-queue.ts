// Embedded task queue: the TaskQueue port over Keyv (SQLite or memory). SINGLE-REPLICA adapter: mutations are
// serialized by an in-process mutex and the open tasks are indexed in this process's memory, so two processes sharing
// one store file would race (and not see each other's tasks); use a real queue for that.
// Store cost per operation is O(1): a task record, one small marker key per open task (`open:slot:<n>`) and a counters
// key; the markers are read once, on the first operation (or recover()), to rebuild the index: O(open tasks).
import { randomUUID } from 'node:crypto';
import type { Keyv } from 'keyv';
import type { TaskError, TaskPriority, TaskRecord, TaskStatus } from '../domain.js';
import type { ClaimOptions, EnqueueRequest, TaskQueue } from '../ports.js';
import { isAppError } from '../errors.js';
import type { Logger } from '../logger.js';
import { createAsyncMutex } from './async-mutex.js';
import { createOpenIndex } from './open-index.js';
import { isOpen } from './task-counters.js';
import { loadOpenTasks } from './task-load.js';
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
  const { logger } = options;
  const repo = createTaskRepo(options.keyv, logger);
  const mutex = createAsyncMutex();
  const now = options.clock ?? Date.now;
  const newId = options.idFactory ?? randomUUID;
  const ttl = options.ttlMs && options.ttlMs > 0 ? options.ttlMs : undefined;
  const failedTtl = options.failedTtlMs ?? {};
  const ttlFor = (task: TaskRecord): number | undefined => {
    const short = task.status === 'failed' && task.error ? failedTtl[task.error.code] : undefined;
    return short !== undefined && short > 0 ? Math.min(short, ttl ?? short) : ttl;
  };
  const wake = createWakeups(now, logger);
  const index = createOpenIndex();
  const state = createTransitions(repo, index, now, ttlFor, logger);
  let loaded = false;

  async function ensureLoaded(): Promise<void> {
    if (loaded) return;
    const result = await loadOpenTasks(repo, logger);
    index.reset(result.entries, result.entries.length, [], result.nextSeq);
    state.reset(result.capacity, result.counters);
    loaded = true;
    if (result.dropped > 0 || result.migrated > 0) {
      logger.info({ open: result.entries.length, dropped: result.dropped, migrated: result.migrated }, 'open-task index rebuilt');
    }
  }

  /** Runs `fn` alone with the index loaded; a failed write may leave memory behind the store, so it is reloaded. */
  function locked<T>(fn: () => Promise<T>): Promise<T> {
    return mutex.run(async () => {
      await ensureLoaded();
      try {
        return await fn();
      } catch (err) {
        if (!isAppError(err, 'TASK_NOT_FOUND')) loaded = false;
        throw err;
      }
    });
  }

  async function enqueue(request: EnqueueRequest): Promise<{ task: TaskRecord; created: boolean; raised?: boolean }> {
    const result = await locked(async () => {
      const existingId = await repo.taskIdForKey(request.idempotencyKey);
      const existing = existingId === undefined ? undefined : await repo.read(existingId);
      if (existing && existing.status === 'pending' && existing.priority === 'low' && request.priority !== 'low') {
        return { task: await state.save(existing, { priority: undefined }), created: false, raised: true };
      }
      if (existing) return { task: existing, created: false };
      const at = new Date(now()).toISOString();
      const task: TaskRecord = {
        schema_version: 1,
        task_id: newId(),
        idempotency_key: request.idempotencyKey,
        conversation_id: request.conversationId,
        status: 'pending',
        source: request.source,
        max_length: request.maxLength,
        attempts: 0,
        created_at: at,
        updated_at: at,
        ...(request.priority === 'low' ? { priority: 'low' as const } : {}),
      };
      await state.open(task);
      return { task, created: true };
    });
    if (result.created || result.raised) wake.now();
    return { task: result.task, created: result.created };
  }

  async function claim(options: ClaimOptions = {}): Promise<TaskRecord | undefined> {
    const includeLow = options.includeLow ?? true;
    return locked(async () => {
      for (let entry = index.nextClaimable(now(), includeLow); entry; entry = index.nextClaimable(now(), includeLow)) {
        const task = await repo.read(entry.taskId);
        if (task?.status === 'pending' && (task.not_before ?? 0) <= now()) {
          return state.save(task, { status: 'processing', attempts: task.attempts + 1 });
        }
        await state.resync(entry, task);
      }
      return undefined;
    });
  }

  async function complete(taskId: string, result: { latencyMs: number; qualityScore: number }): Promise<TaskRecord> {
    return locked(async () => {
      const task = await state.mustRead(taskId);
      return state.save(task, {
        status: 'completed',
        latency_ms: result.latencyMs,
        quality_score: result.qualityScore,
        error: undefined,
        not_before: undefined,
      });
    });
  }

  async function fail(taskId: string, error: TaskError, retryAt?: number): Promise<TaskRecord> {
    const updated = await locked(async () => {
      const task = await state.mustRead(taskId);
      if (retryAt === undefined) return state.save(task, { status: 'failed', error, not_before: undefined });
      return state.save(task, { status: 'pending', error, not_before: retryAt });
    });
    if (retryAt !== undefined) wake.at(retryAt);
    return updated;
  }

  async function skip(taskId: string, error: TaskError): Promise<TaskRecord> {
    return locked(async () => state.save(await state.mustRead(taskId), { status: 'skipped', error, not_before: undefined }));
  }

  async function retry(taskId: string, options: { revival?: boolean; priority?: TaskPriority } = {}): Promise<TaskRecord> {
    const { task, requeued } = await locked(async () => {
      const current = await state.mustRead(taskId);
      // Open tasks are returned as they are; completed ones are re-queued too (explicit re-generation).
      if (isOpen(current.status)) return { task: current, requeued: false };
      // A fresh attempt budget: this is an explicit client request, not the worker's backoff.
      const priority = options.priority === undefined ? current.priority : options.priority === 'low' ? 'low' : undefined;
      const patch = { status: 'pending', attempts: 0, error: undefined, not_before: undefined, priority } as const;
      if (options.revival) return { task: await state.save(current, { ...patch, revivals: (current.revivals ?? 0) + 1 }), requeued: true };
      return { task: await state.save(current, patch), requeued: true };
    });
    if (requeued) wake.now();
    return task;
  }

  async function recover(): Promise<number> {
    const { recovered, claimable, later } = await locked(async () => {
      let count = 0;
      for (const entry of index.entries()) {
        if (entry.status !== 'processing') continue;
        const task = await repo.read(entry.taskId);
        if (task?.status !== 'processing') await state.resync(entry, task);
        else {
          await state.save(task, { status: 'pending' });
          count += 1;
        }
      }
      const future = new Set<number>();
      let ready = false;
      for (const entry of index.entries()) {
        if (entry.notBefore !== undefined && entry.notBefore > now()) future.add(entry.notBefore);
        else ready = true;
      }
      return { recovered: count, claimable: ready, later: future };
    });
    for (const at of later) wake.at(at);
    if (claimable) wake.now();
    if (recovered > 0) logger.info({ recovered }, 'tasks left processing by a previous process re-queued');
    return recovered;
  }

  async function counts(): Promise<Record<TaskStatus, number>> {
    return locked(async () => ({ ...index.counts(), ...state.counters() }));
  }

  return {
    enqueue,
    get: (taskId) => repo.read(taskId),
    findByKey: async (key) => {
      const id = await repo.taskIdForKey(key);
      return id === undefined ? undefined : repo.read(id);
    },
    claim,
    complete,
    fail,
    skip,
    retry,
    recover,
    onReady: wake.subscribe,
    counts,
    close: wake.close,
  };
}
