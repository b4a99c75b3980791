// Embedded task queue: the TaskQueue port over Keyv (SQLite or memory). SINGLE-REPLICA adapter: mutations are
// serialized by an in-process mutex, so two processes sharing one store file would race; use a real queue for that.
import { randomUUID } from 'node:crypto';
import type { Keyv } from 'keyv';
import type { EnqueueRequest, TaskError, TaskQueue, TaskRecord, TaskStatus } from '../domain.js';
import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';
import { createAsyncMutex } from './async-mutex.js';
import { createTaskRepo, type TaskRepo } from './task-repo.js';
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
  /** Epoch-ms clock for timestamps and not_before. @default Date.now */
  clock?: () => number;
  /** @default crypto.randomUUID */
  idFactory?: () => string;
}

/** The TaskQueue plus close(): clears the retry wake-up timers (they are also unref'd) and drops listeners. */
export interface EmbeddedTaskQueue extends TaskQueue {
  close(): void;
}

const isOpen = (status: TaskStatus): boolean => status === 'pending' || status === 'processing';
const isTerminal = (status: TaskStatus): status is 'completed' | 'failed' | 'skipped' => !isOpen(status);

/** Creates the embedded queue. Store outages throw AppError STORE_UNAVAILABLE; unknown ids throw TASK_NOT_FOUND. */
export function createEmbeddedTaskQueue(options: EmbeddedTaskQueueOptions): EmbeddedTaskQueue {
  const { logger } = options;
  const repo = createTaskRepo(options.keyv, logger);
  const mutex = createAsyncMutex();
  const now = options.clock ?? Date.now;
  const newId = options.idFactory ?? randomUUID;
  const ttl = options.ttlMs && options.ttlMs > 0 ? options.ttlMs : undefined;
  const wake = createWakeups(now, logger);
  const state = createTransitions(repo, now, ttl);

  async function enqueue(request: EnqueueRequest): Promise<{ task: TaskRecord; created: boolean }> {
    const result = await mutex.run(async () => {
      const existingId = await repo.taskIdForKey(request.idempotencyKey);
      const existing = existingId === undefined ? undefined : await repo.read(existingId);
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
      };
      await repo.write(task);
      await state.addOpen(task.task_id);
      await repo.setKey(task.idempotency_key, task.task_id);
      return { task, created: true };
    });
    if (result.created) wake.now();
    return result;
  }

  async function claim(): Promise<TaskRecord | undefined> {
    return mutex.run(async () => {
      const ids = await repo.openIds();
      const stale: string[] = [];
      let best: TaskRecord | undefined;
      for (const id of ids) {
        const task = await repo.read(id);
        if (!task || !isOpen(task.status)) {
          stale.push(id);
          continue;
        }
        const claimable = task.status === 'pending' && (task.not_before ?? 0) <= now();
        if (claimable && (!best || task.created_at < best.created_at)) best = task;
      }
      if (stale.length > 0) await repo.setOpenIds(ids.filter((id) => !stale.includes(id)));
      if (!best) return undefined;
      return state.save(best, { status: 'processing', attempts: best.attempts + 1 });
    });
  }

  async function complete(taskId: string, result: { latencyMs: number; qualityScore: number }): Promise<TaskRecord> {
    return mutex.run(async () => {
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
    const updated = await mutex.run(async () => {
      const task = await state.mustRead(taskId);
      if (retryAt === undefined) return state.save(task, { status: 'failed', error, not_before: undefined });
      return state.save(task, { status: 'pending', error, not_before: retryAt });
    });
    if (retryAt !== undefined) wake.at(retryAt);
    return updated;
  }

  async function skip(taskId: string, error: TaskError): Promise<TaskRecord> {
    return mutex.run(async () => state.save(await state.mustRead(taskId), { status: 'skipped', error, not_before: undefined }));
  }

  async function retry(taskId: string): Promise<TaskRecord> {
    const { task, requeued } = await mutex.run(async () => {
      const current = await state.mustRead(taskId);
      // Open tasks are returned as they are; completed ones are re-queued too (explicit re-generation).
      if (isOpen(current.status)) return { task: current, requeued: false };
      // A fresh attempt budget: this is an explicit client request, not the worker's backoff.
      const patch = { status: 'pending', attempts: 0, error: undefined, not_before: undefined } as const;
      return { task: await state.save(current, patch), requeued: true };
    });
    if (requeued) wake.now();
    return task;
  }

  async function recover(): Promise<number> {
    const { recovered, claimable, later } = await mutex.run(async () => {
      let count = 0;
      let ready = false;
      const future: number[] = [];
      for (const id of await repo.openIds()) {
        const task = await repo.read(id);
        if (task?.status === 'processing') {
          await state.save(task, { status: 'pending' });
          count += 1;
        }
        if (task?.not_before !== undefined && task.not_before > now()) future.push(task.not_before);
        else if (task && isOpen(task.status)) ready = true;
      }
      return { recovered: count, claimable: ready, later: future };
    });
    for (const at of later) wake.at(at);
    if (claimable) wake.now();
    if (recovered > 0) logger.info({ recovered }, 'tasks left processing by a previous process re-queued');
    return recovered;
  }

  async function counts(): Promise<Record<TaskStatus, number>> {
    return mutex.run(async () => {
      const terminal = await repo.counters();
      const result: Record<TaskStatus, number> = { pending: 0, processing: 0, ...terminal };
      for (const id of await repo.openIds()) {
        const task = await repo.read(id);
        if (task && isOpen(task.status)) result[task.status] += 1;
      }
      return result;
    });
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

/** Status transitions with their side effects on the open index, terminal counters, TTLs and idempotency keys. */
function createTransitions(repo: TaskRepo, now: () => number, ttl: number | undefined) {
  async function addOpen(taskId: string): Promise<void> {
    const ids = await repo.openIds();
    if (!ids.includes(taskId)) await repo.setOpenIds([...ids, taskId]);
  }

  async function removeOpen(taskId: string): Promise<void> {
    const ids = await repo.openIds();
    if (ids.includes(taskId)) await repo.setOpenIds(ids.filter((id) => id !== taskId));
  }

  async function adjustCounters(from: TaskStatus, to: TaskStatus): Promise<void> {
    if (from === to || (!isTerminal(from) && !isTerminal(to))) return;
    const counters = await repo.counters();
    if (isTerminal(from)) counters[from] = Math.max(0, counters[from] - 1);
    if (isTerminal(to)) counters[to] += 1;
    await repo.setCounters(counters);
  }

  /** Writes `task` with `patch` applied and updated_at stamped; terminal tasks (and their keys) get the TTL. */
  async function save(task: TaskRecord, patch: Partial<TaskRecord>): Promise<TaskRecord> {
    const updated: TaskRecord = { ...task, ...patch, updated_at: new Date(now()).toISOString() };
    const expiring = isTerminal(updated.status) ? ttl : undefined;
    await repo.write(updated, expiring);
    if (isTerminal(updated.status) !== isTerminal(task.status)) {
      await repo.setKey(updated.idempotency_key, updated.task_id, expiring);
    }
    if (isTerminal(updated.status)) await removeOpen(updated.task_id);
    else await addOpen(updated.task_id);
    await adjustCounters(task.status, updated.status);
    return updated;
  }

  async function mustRead(taskId: string): Promise<TaskRecord> {
    const task = await repo.read(taskId);
    if (!task) throw new AppError('TASK_NOT_FOUND', `task ${taskId} not found`);
    return task;
  }

  return { addOpen, save, mustRead };
}
