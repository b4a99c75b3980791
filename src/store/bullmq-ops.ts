// The BullMQ task queue's own operations: enqueue (a key is one task; low-priority work moves up when normal work
// joins it), claim by lane, settle, and re-queue. The record machinery they share with other queues is bullmq-records.ts.
import type { TaskError, TaskPriority, TaskRecord } from '../domain.js';
import type { ClaimOptions, EnqueueRequest } from '../ports.js';
import type { BullCore } from './bullmq-core.js';
import { addJob, claimFrom, heal, idFor, locked, mustRead, save, transition } from './bullmq-records.js';
import { storeCall } from './store-call.js';
import { isOpen } from './task-counters.js';
import { newTask } from './task-operations.js';

type Core = BullCore<TaskRecord>;

/** A new task, or the key's existing one (a pending low-priority one moves to the normal lane when normal work joins). */
export async function enqueue(core: Core, request: EnqueueRequest): Promise<{ task: TaskRecord; created: boolean }> {
  const taskId = await idFor(core, request.idempotencyKey);
  const result = await locked(core, taskId, async () => {
    const existing = await core.repo.read(taskId);
    if (existing) {
      if (existing.status === 'pending' && existing.priority === 'low' && request.priority !== 'low') return { task: await raise(core, existing), created: false, wake: true };
      return { task: existing, created: false, wake: await heal(core, existing) };
    }
    // First enqueue of the key (or a replica died between setting the key and writing the record): create it.
    const task: TaskRecord = { ...newTask(core, request), task_id: taskId };
    await save(core, task, {});
    await addJob(core, task);
    return { task, created: true, wake: true };
  });
  if (result.wake) core.wake.now();
  return { task: result.task, created: result.created };
}

/** Moves a waiting low-priority task's job to the normal lane (left where it is when another replica just took it). */
async function raise(core: Core, task: TaskRecord): Promise<TaskRecord> {
  const job = await storeCall('read', async () => core.queues.low?.getJob(task.task_id));
  try {
    await job?.remove();
  } catch {
    return task; // locked: already being worked on
  }
  const raised = await save(core, task, { priority: undefined });
  await addJob(core, raised);
  return raised;
}

/** Takes the next job (normal lane first; low only when allowed) whose record is claimable. */
export function claim(core: Core, options: ClaimOptions = {}): Promise<TaskRecord | undefined> {
  return claimFrom(core, options.includeLow ?? true ? ['normal', 'low'] : ['normal']);
}

export async function complete(core: Core, taskId: string, result: { latencyMs: number; qualityScore: number }): Promise<TaskRecord> {
  const patch = { status: 'completed', latency_ms: result.latencyMs, quality_score: result.qualityScore, error: undefined, not_before: undefined } as const;
  return transition(core, taskId, () => patch, 'completed');
}

export async function skip(core: Core, taskId: string, error: TaskError): Promise<TaskRecord> {
  return transition(core, taskId, () => ({ status: 'skipped', error, not_before: undefined }), 'completed');
}

/** Failed for good, or (with `retryAt`) pending again from then on: the job waits in BullMQ's delayed set. */
export async function fail(core: Core, taskId: string, error: TaskError, retryAt?: number): Promise<TaskRecord> {
  if (retryAt === undefined) return transition(core, taskId, () => ({ status: 'failed', error, not_before: undefined }), 'failed');
  return transition(core, taskId, () => ({ status: 'pending', error, not_before: retryAt }), { retryAt });
}

/** Re-queues a settled task with a fresh attempt budget; an open one is returned as it is. */
export async function retry(core: Core, taskId: string, options: { revival?: boolean; priority?: TaskPriority } = {}): Promise<TaskRecord> {
  const { task, requeued } = await locked(core, taskId, async () => {
    const current = await mustRead(core, taskId);
    if (isOpen(current.status)) return { task: current, requeued: false };
    const priority = options.priority === undefined ? current.priority : options.priority === 'low' ? 'low' : undefined;
    const patch = { status: 'pending', attempts: 0, error: undefined, not_before: undefined, priority } as const;
    const updated = await save(core, current, options.revival ? { ...patch, revivals: (current.revivals ?? 0) + 1 } : patch);
    await addJob(core, updated);
    return { task: updated, requeued: true };
  });
  if (requeued) core.wake.now();
  return task;
}
