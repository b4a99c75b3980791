// The task queue's operations, each run under the lock (task-lock.ts): enqueue, claim, complete, fail, skip, retry,
// recover, counts. Wake-ups fire after the lock is released.
import type { TaskError, TaskPriority, TaskRecord, TaskStatus } from '../domain.js';
import type { ClaimOptions, EnqueueRequest } from '../ports.js';
import type { QueueRecord } from './open-index.js';
import { isOpen } from './task-counters.js';
import { locked, type QueueCore } from './task-lock.js';

/** The record of an idempotency key, if any. */
export async function findByKey<R extends QueueRecord>(core: QueueCore<R>, key: string): Promise<R | undefined> {
  const id = await core.repo.taskIdForKey(key);
  return id === undefined ? undefined : core.repo.read(id);
}

/** A new task, or the key's existing one (a pending low-priority one is raised when normal work joins it). */
export async function enqueue(core: QueueCore, request: EnqueueRequest): Promise<{ task: TaskRecord; created: boolean }> {
  const result = await locked(core, async (): Promise<{ task: TaskRecord; created: boolean; raised?: boolean }> => {
    const existing = await findByKey(core, request.idempotencyKey);
    if (existing && existing.status === 'pending' && existing.priority === 'low' && request.priority !== 'low') {
      return { task: await core.transitions.save(existing, { priority: undefined }), created: false, raised: true };
    }
    if (existing) return { task: existing, created: false };
    const task = newTask(core, request);
    await core.transitions.open(task);
    return { task, created: true };
  });
  if (result.created || result.raised) core.wake.now();
  return { task: result.task, created: result.created };
}

/** The record of a new pending task (shared by every queue adapter, so a new task field reaches them all). */
export function newTask(core: Pick<QueueCore, 'now' | 'newId'>, request: EnqueueRequest): TaskRecord {
  const at = new Date(core.now()).toISOString();
  return {
    schema_version: 1,
    task_id: core.newId(),
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
}

/** The next claimable task, now processing with one more attempt; entries the record contradicts are resynced. */
export async function claim(core: QueueCore, options: ClaimOptions = {}): Promise<TaskRecord | undefined> {
  const includeLow = options.includeLow ?? true;
  const { index, now } = core;
  return locked(core, async () => {
    for (let entry = index.nextClaimable(now(), includeLow); entry; entry = index.nextClaimable(now(), includeLow)) {
      const task = await core.repo.read(entry.taskId);
      if (task?.status === 'pending' && (task.not_before ?? 0) <= now()) {
        return core.transitions.save(task, { status: 'processing', attempts: task.attempts + 1 });
      }
      await core.transitions.resync(entry, task);
    }
    return undefined;
  });
}

export async function complete(core: QueueCore, taskId: string, result: { latencyMs: number; qualityScore: number }): Promise<TaskRecord> {
  return locked(core, async () => {
    const task = await core.transitions.mustRead(taskId);
    return core.transitions.save(task, {
      status: 'completed',
      latency_ms: result.latencyMs,
      quality_score: result.qualityScore,
      error: undefined,
      not_before: undefined,
    });
  });
}

/** Failed for good, or (with `retryAt`) pending again from then on. */
export async function fail(core: QueueCore, taskId: string, error: TaskError, retryAt?: number): Promise<TaskRecord> {
  const updated = await locked(core, async () => {
    const task = await core.transitions.mustRead(taskId);
    if (retryAt === undefined) return core.transitions.save(task, { status: 'failed', error, not_before: undefined });
    return core.transitions.save(task, { status: 'pending', error, not_before: retryAt });
  });
  if (retryAt !== undefined) core.wake.at(retryAt);
  return updated;
}

export async function skip(core: QueueCore, taskId: string, error: TaskError): Promise<TaskRecord> {
  return locked(core, async () => core.transitions.save(await core.transitions.mustRead(taskId), { status: 'skipped', error, not_before: undefined }));
}

/** Re-queues a settled task with a fresh attempt budget; an open one is returned as it is. */
export async function retry(core: QueueCore, taskId: string, options: { revival?: boolean; priority?: TaskPriority } = {}): Promise<TaskRecord> {
  const { task, requeued } = await locked(core, async () => {
    const current = await core.transitions.mustRead(taskId);
    // Open tasks are returned as they are; completed ones are re-queued too (explicit re-generation).
    if (isOpen(current.status)) return { task: current, requeued: false };
    // A fresh attempt budget: this is an explicit client request, not the worker's backoff.
    const priority = options.priority === undefined ? current.priority : options.priority === 'low' ? 'low' : undefined;
    const patch = { status: 'pending', attempts: 0, error: undefined, not_before: undefined, priority } as const;
    if (options.revival) return { task: await core.transitions.save(current, { ...patch, revivals: (current.revivals ?? 0) + 1 }), requeued: true };
    return { task: await core.transitions.save(current, patch), requeued: true };
  });
  if (requeued) core.wake.now();
  return task;
}

/** At start: records a previous process left processing are pending again; wake-ups are set for every open one. */
export async function recover<R extends QueueRecord>(core: QueueCore<R>): Promise<number> {
  const { recovered, claimable, later } = await locked(core, async () => {
    const count = await requeueProcessing(core);
    return { recovered: count, ...wakeTimes(core) };
  });
  for (const at of later) core.wake.at(at);
  if (claimable) core.wake.now();
  if (recovered > 0) core.logger.info({ recovered }, 'tasks left processing by a previous process re-queued');
  return recovered;
}

async function requeueProcessing<R extends QueueRecord>(core: QueueCore<R>): Promise<number> {
  let count = 0;
  for (const entry of core.index.entries()) {
    if (entry.status !== 'processing') continue;
    const task = await core.repo.read(entry.taskId);
    if (task?.status !== 'processing') await core.transitions.resync(entry, task);
    else {
      await core.transitions.save(task, { status: 'pending' } as Partial<R>);
      count += 1;
    }
  }
  return count;
}

/** Whether an open task is claimable now, and the future times at which others become so. */
function wakeTimes<R extends QueueRecord>(core: QueueCore<R>): { claimable: boolean; later: Set<number> } {
  const later = new Set<number>();
  let claimable = false;
  for (const entry of core.index.entries()) {
    if (entry.notBefore !== undefined && entry.notBefore > core.now()) later.add(entry.notBefore);
    else claimable = true;
  }
  return { claimable, later };
}

export async function counts<R extends QueueRecord>(core: QueueCore<R>): Promise<Record<TaskStatus, number>> {
  return locked(core, async () => ({ ...core.index.counts(), ...core.transitions.counters() }));
}
