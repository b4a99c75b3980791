// The BullMQ queue's operations. A task record changes under a short Redis lock per task (redis-lock.ts); the record
// is written before its job moves, so a replica dying in between leaves a job whose record says what to do (a
// finished task's job is dropped when claimed; an open task without a job is found by recover()).
import { randomUUID } from 'node:crypto';
import type { Job } from 'bullmq';
import type { TaskError, TaskPriority, TaskRecord, TaskStatus } from '../domain.js';
import { AppError } from '../errors.js';
import type { ClaimOptions, EnqueueRequest } from '../ports.js';
import { supersededError, track, untrack, type BullCore } from './bullmq-queue.js';
import { withRedisLock } from './redis-lock.js';
import { storeCall } from './store-call.js';
import { isOpen } from './task-counters.js';
import { newTask } from './task-operations.js';

type Lane = 'normal' | 'low';
const laneOf = (task: Pick<TaskRecord, 'priority'>): Lane => (task.priority === 'low' ? 'low' : 'normal');
const TERMINAL = ['completed', 'failed', 'skipped'] as const;
const JOB_OPTIONS = { removeOnComplete: true, removeOnFail: true } as const;

const locked = <T>(core: BullCore, taskId: string, fn: () => Promise<T>): Promise<T> => withRedisLock(core.redis, core.keys.lock(taskId), fn);

async function mustRead(core: BullCore, taskId: string): Promise<TaskRecord> {
  const task = await core.repo.read(taskId);
  if (!task) throw new AppError('TASK_NOT_FOUND', `task ${taskId} not found`);
  return task;
}

/** Writes the record, then the counters, the open set and the idempotency key's expiry that go with the change. */
async function save(core: BullCore, task: TaskRecord, patch: Partial<TaskRecord>): Promise<TaskRecord> {
  const updated: TaskRecord = { ...task, ...patch, updated_at: new Date(core.now()).toISOString() };
  const ttl = isOpen(updated.status) ? undefined : core.ttlFor(updated);
  await core.repo.write(updated, ttl);
  const multi = core.redis.multi();
  if (task.status !== updated.status) {
    if (!isOpen(task.status)) multi.hincrby(core.keys.counters, task.status, -1);
    if (!isOpen(updated.status)) multi.hincrby(core.keys.counters, updated.status, 1);
  }
  const idem = core.keys.idem(updated.idempotency_key);
  if (isOpen(updated.status)) {
    multi.sadd(core.keys.open, updated.task_id);
    if (!isOpen(task.status)) multi.persist(idem);
  } else {
    multi.srem(core.keys.open, updated.task_id);
    if (ttl !== undefined) multi.pexpire(idem, ttl);
  }
  await storeCall('write', async () => multi.exec());
  return updated;
}

/** Adds the task's job (a no-op when one with its id exists), delayed until its not_before. */
async function addJob(core: BullCore, task: TaskRecord): Promise<void> {
  const delay = Math.max(0, (task.not_before ?? 0) - core.now());
  await storeCall('write', async () => core.queues[laneOf(task)].add('task', { taskId: task.task_id }, { ...JOB_OPTIONS, jobId: task.task_id, delay }));
}

/** The task's job in either lane, unless it is finished. */
async function liveJob(core: BullCore, taskId: string): Promise<Job | undefined> {
  for (const lane of ['normal', 'low'] as const) {
    const job = await storeCall('read', async () => core.queues[lane].getJob(taskId));
    if (job && !(await job.isCompleted()) && !(await job.isFailed())) return job;
  }
  return undefined;
}

export async function findByKey(core: BullCore, key: string): Promise<TaskRecord | undefined> {
  const id = await storeCall('read', async () => core.redis.get(core.keys.idem(key)));
  return id === null ? undefined : core.repo.read(id);
}

/** The key's task id: this call's new id when it set the key first (SET NX), else the id already there. */
async function idFor(core: BullCore, key: string): Promise<string> {
  for (;;) {
    const fresh = core.newId();
    if ((await storeCall('write', async () => core.redis.set(core.keys.idem(key), fresh, 'NX'))) === 'OK') return fresh;
    const existing = await storeCall('read', async () => core.redis.get(core.keys.idem(key)));
    if (existing !== null) return existing;
  }
}

/** A new task, or the key's existing one (a pending low-priority one moves to the normal lane when normal work joins). */
export async function enqueue(core: BullCore, request: EnqueueRequest): Promise<{ task: TaskRecord; created: boolean }> {
  const taskId = await idFor(core, request.idempotencyKey);
  const result = await locked(core, taskId, async () => {
    const existing = await core.repo.read(taskId);
    if (existing) {
      if (existing.status === 'pending' && existing.priority === 'low' && request.priority !== 'low') return { task: await raise(core, existing), created: false, wake: true };
      return { task: existing, created: false, wake: false };
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
async function raise(core: BullCore, task: TaskRecord): Promise<TaskRecord> {
  const job = await storeCall('read', async () => core.queues.low.getJob(task.task_id));
  try {
    await job?.remove();
  } catch {
    return task; // locked: already being worked on
  }
  const raised = await save(core, task, { priority: undefined });
  await addJob(core, raised);
  return raised;
}

/** Takes the next job (normal lane first; low only when allowed) whose record is claimable; stale jobs are dropped. */
export async function claim(core: BullCore, options: ClaimOptions = {}): Promise<TaskRecord | undefined> {
  const lanes: Lane[] = options.includeLow ?? true ? ['normal', 'low'] : ['normal'];
  for (const lane of lanes) {
    for (let tries = 0; tries < 100; tries += 1) {
      const token = `${core.replicaId}:${randomUUID()}`;
      const job = await storeCall('claim', async () => core.workers[lane].getNextJob(token, { block: false }));
      if (!job?.id) break;
      const task = await take(core, job, token);
      if (task) return task;
    }
  }
  return undefined;
}

async function take(core: BullCore, job: Job, token: string): Promise<TaskRecord | undefined> {
  const taskId = String((job.data as { taskId?: unknown }).taskId ?? job.id);
  return locked(core, taskId, async () => {
    const task = await core.repo.read(taskId);
    if (!task || !isOpen(task.status)) {
      // Finished (its holder died between the record and the job) or expired: nothing to run.
      await job.moveToCompleted('stale', token, false).catch(() => undefined);
      if (!task) await core.redis.srem(core.keys.open, taskId).catch(() => undefined);
      return undefined;
    }
    if ((task.not_before ?? 0) > core.now()) {
      await job.moveToDelayed(task.not_before ?? core.now(), token);
      return undefined;
    }
    // `processing` here is a task whose replica died (BullMQ's stalled check handed its job back).
    const updated = await save(core, task, { status: 'processing', attempts: task.attempts + 1 });
    core.superseded.delete(taskId);
    track(core, taskId, job, token, updated.attempts);
    return updated;
  });
}

/** Refuses the late result of a run that lost its task; returns this replica's claim, if any. */
function ownClaim(core: BullCore, taskId: string) {
  if (core.superseded.delete(taskId)) throw supersededError(taskId);
  return untrack(core, taskId);
}

/** A finished task's job leaves the queue (its own holder's, else a waiting one is removed). */
async function finishJob(core: BullCore, taskId: string, claimed: ReturnType<typeof untrack>, outcome: 'completed' | 'failed'): Promise<void> {
  try {
    if (claimed && outcome === 'completed') await claimed.job.moveToCompleted('done', claimed.token, false);
    else if (claimed) await claimed.job.moveToFailed(new Error('failed'), claimed.token, false);
    else await (await liveJob(core, taskId))?.remove();
  } catch (err) {
    core.logger.warn({ taskId, err: (err as Error).message }, 'finished task: its queue job could not be moved (dropped when next claimed)');
  }
}

async function settle(core: BullCore, taskId: string, patch: Partial<TaskRecord>, outcome: 'completed' | 'failed'): Promise<TaskRecord> {
  const claimed = ownClaim(core, taskId);
  const updated = await locked(core, taskId, async () => save(core, await mustRead(core, taskId), patch));
  if (claimed) {
    // Bounded: an event that never comes back (Redis restarted meanwhile) must not grow the set forever.
    if (core.settledHere.size > 10_000) core.settledHere.clear();
    core.settledHere.add(taskId);
  }
  await finishJob(core, taskId, claimed, outcome);
  return updated;
}

export async function complete(core: BullCore, taskId: string, result: { latencyMs: number; qualityScore: number }): Promise<TaskRecord> {
  const patch = { status: 'completed', latency_ms: result.latencyMs, quality_score: result.qualityScore, error: undefined, not_before: undefined } as const;
  return settle(core, taskId, patch, 'completed');
}

export async function skip(core: BullCore, taskId: string, error: TaskError): Promise<TaskRecord> {
  return settle(core, taskId, { status: 'skipped', error, not_before: undefined }, 'completed');
}

/** Failed for good, or (with `retryAt`) pending again from then on: the job waits in BullMQ's delayed set. */
export async function fail(core: BullCore, taskId: string, error: TaskError, retryAt?: number): Promise<TaskRecord> {
  if (retryAt === undefined) return settle(core, taskId, { status: 'failed', error, not_before: undefined }, 'failed');
  const claimed = ownClaim(core, taskId);
  const updated = await locked(core, taskId, async () => save(core, await mustRead(core, taskId), { status: 'pending', error, not_before: retryAt }));
  try {
    if (claimed) await claimed.job.moveToDelayed(Math.max(retryAt, core.now()), claimed.token);
    else await addJob(core, updated);
  } catch (err) {
    core.logger.warn({ taskId, err: (err as Error).message }, 'retry: the job could not be delayed; recover() or the stalled check re-queues it');
  }
  core.wake.at(retryAt);
  return updated;
}

/** Re-queues a settled task with a fresh attempt budget; an open one is returned as it is. */
export async function retry(core: BullCore, taskId: string, options: { revival?: boolean; priority?: TaskPriority } = {}): Promise<TaskRecord> {
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

/**
 * The run of a task claimed here ended without its outcome recorded: its claim stops being renewed and its job goes
 * back to wait now. A settled task (complete/fail/skip took the claim) and a lost claim have nothing to release; when
 * Redis refuses the move, the lock lapses and the stalled check hands the job back.
 */
export async function release(core: BullCore, taskId: string): Promise<void> {
  const claim = untrack(core, taskId);
  if (!claim) return;
  try {
    await claim.job.moveToWait(claim.token);
    core.logger.info({ taskId }, 'task run ended without an outcome recorded; handed back to the queue');
    core.wake.now();
  } catch (err) {
    core.logger.warn({ taskId, err: (err as Error).message }, 'task run ended without an outcome recorded; its lock lapses and the stalled check hands it back');
  }
}

/**
 * At start: every open task has a job again (a replica that died between writing a record and adding its job left
 * one without). Tasks left processing by a dead replica are not touched here: BullMQ's stalled check returns their
 * jobs once the lock expires, so a task another replica is running is never taken from it. Returns jobs re-added.
 */
export async function recover(core: BullCore): Promise<number> {
  const ids = await storeCall('read', async () => core.redis.smembers(core.keys.open));
  const records = await core.repo.readMany(ids);
  let readded = 0;
  for (const [i, id] of ids.entries()) {
    const task = records[i];
    if (!task || !isOpen(task.status)) await core.redis.srem(core.keys.open, id);
    else if (!(await liveJob(core, id))) {
      await addJob(core, task);
      readded += 1;
    }
  }
  if (readded > 0) core.logger.info({ readded }, 'open tasks without a queue job re-queued');
  core.wake.now();
  return readded;
}

export async function counts(core: BullCore): Promise<Record<TaskStatus, number>> {
  const states = ['waiting', 'delayed', 'prioritized', 'active'] as const;
  const [normal, low, terminal] = await storeCall('read', async () =>
    Promise.all([core.queues.normal.getJobCounts(...states), core.queues.low.getJobCounts(...states), core.redis.hgetall(core.keys.counters)]),
  );
  const sum = (state: (typeof states)[number]): number => (normal[state] ?? 0) + (low[state] ?? 0);
  const out = { pending: sum('waiting') + sum('delayed') + sum('prioritized'), processing: sum('active') } as Record<TaskStatus, number>;
  for (const status of TERMINAL) out[status] = Math.max(0, Number(terminal[status] ?? 0));
  return out;
}
