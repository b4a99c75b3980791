// The record operations every BullMQ-backed queue shares. A record changes under a short Redis lock per record
// (redis-lock.ts); the record is written before its job moves, so a replica dying in between leaves a job whose record
// says what to do (a finished record's job is dropped when claimed; an open record without a job is found by recover()).
import { randomUUID } from 'node:crypto';
import type { Job } from 'bullmq';
import type { TaskStatus } from '../domain.js';
import { AppError } from '../errors.js';
import { laneParts, supersededError, track, untrack, type BullCore, type BullRecord, type Claim, type Lane } from './bullmq-core.js';
import { withRedisLock } from './redis-lock.js';
import { storeCall } from './store-call.js';
import { isOpen } from './task-counters.js';

const TERMINAL = ['completed', 'failed', 'skipped'] as const;
const JOB_OPTIONS = { removeOnComplete: true, removeOnFail: true } as const;

/** The record's lane: low only for a low-priority record on a queue that has a low lane. */
export const laneOf = <R extends BullRecord>(core: BullCore<R>, record: Pick<R, 'priority'>): Lane => (record.priority === 'low' && core.queues.low ? 'low' : 'normal');

/** Runs `fn` holding the record's Redis lock. */
export const locked = <T, R extends BullRecord>(core: BullCore<R>, id: string, fn: () => Promise<T>): Promise<T> => withRedisLock(core.redis, core.keys.lock(id), fn);

export async function mustRead<R extends BullRecord>(core: BullCore<R>, id: string): Promise<R> {
  const record = await core.repo.read(id);
  if (!record) throw new AppError('TASK_NOT_FOUND', `${id} not found`);
  return record;
}

/** Writes the record, then the counters, the open set and the idempotency key's expiry that go with the change. */
export async function save<R extends BullRecord>(core: BullCore<R>, record: R, patch: Partial<R>): Promise<R> {
  const updated: R = { ...record, ...patch, updated_at: new Date(core.now()).toISOString() };
  const ttl = isOpen(updated.status) ? undefined : core.ttlFor(updated);
  await core.repo.write(updated, ttl);
  const multi = core.redis.multi();
  if (record.status !== updated.status) {
    if (!isOpen(record.status)) multi.hincrby(core.keys.counters, record.status, -1);
    if (!isOpen(updated.status)) multi.hincrby(core.keys.counters, updated.status, 1);
  }
  const idem = core.keys.idem(updated.idempotency_key);
  if (isOpen(updated.status)) {
    multi.sadd(core.keys.open, updated.task_id);
    if (!isOpen(record.status)) multi.persist(idem);
  } else {
    multi.srem(core.keys.open, updated.task_id);
    if (ttl !== undefined) multi.pexpire(idem, ttl);
  }
  await storeCall('write', async () => multi.exec());
  return updated;
}

/** Adds the record's job (a no-op when one with its id exists), delayed until its not_before. */
export async function addJob<R extends BullRecord>(core: BullCore<R>, record: R): Promise<void> {
  const delay = Math.max(0, (record.not_before ?? 0) - core.now());
  const { queue } = laneParts(core, laneOf(core, record));
  await storeCall('write', async () => queue.add('task', { taskId: record.task_id }, { ...JOB_OPTIONS, jobId: record.task_id, delay }));
}

/** The record's job in any lane, unless it is finished. */
async function liveJob<R extends BullRecord>(core: BullCore<R>, id: string): Promise<Job | undefined> {
  for (const lane of core.lanes) {
    const job = await storeCall('read', async () => laneParts(core, lane).queue.getJob(id));
    if (job && !(await job.isCompleted()) && !(await job.isFailed())) return job;
  }
  return undefined;
}

export async function findByKey<R extends BullRecord>(core: BullCore<R>, key: string): Promise<R | undefined> {
  const id = await storeCall('read', async () => core.redis.get(core.keys.idem(key)));
  return id === null ? undefined : core.repo.read(id);
}

/** The key's record id: this call's new id when it set the key first (SET NX), else the id already there. */
export async function idFor<R extends BullRecord>(core: BullCore<R>, key: string): Promise<string> {
  for (;;) {
    const fresh = core.newId();
    if ((await storeCall('write', async () => core.redis.set(core.keys.idem(key), fresh, 'NX'))) === 'OK') return fresh;
    const existing = await storeCall('read', async () => core.redis.get(core.keys.idem(key)));
    if (existing !== null) return existing;
  }
}

/** Takes the next job of the lanes, in order, whose record is claimable; stale jobs are dropped on the way. */
export async function claimFrom<R extends BullRecord>(core: BullCore<R>, lanes: readonly Lane[]): Promise<R | undefined> {
  for (const lane of lanes) {
    for (let tries = 0; tries < 100; tries += 1) {
      const token = `${core.replicaId}:${randomUUID()}`;
      const job = await storeCall('claim', async () => laneParts(core, lane).worker.getNextJob(token, { block: false }));
      if (!job?.id) break;
      const record = await take(core, job, token);
      if (record) return record;
    }
  }
  return undefined;
}

async function take<R extends BullRecord>(core: BullCore<R>, job: Job, token: string): Promise<R | undefined> {
  const id = String((job.data as { taskId?: unknown }).taskId ?? job.id);
  return locked(core, id, async () => {
    const record = await core.repo.read(id);
    if (!record || !isOpen(record.status)) {
      // Finished (its holder died between the record and the job) or expired: nothing to run.
      await job.moveToCompleted('stale', token, false).catch(() => undefined);
      if (!record) await core.redis.srem(core.keys.open, id).catch(() => undefined);
      return undefined;
    }
    if ((record.not_before ?? 0) > core.now()) {
      await job.moveToDelayed(record.not_before ?? core.now(), token);
      return undefined;
    }
    // `processing` here is a record whose replica died (BullMQ's stalled check handed its job back).
    const updated = await save(core, record, { status: 'processing', attempts: record.attempts + 1 } as Partial<R>);
    core.superseded.delete(id);
    track(core, id, job, token, updated.attempts);
    return updated;
  });
}

/** Refuses the late result of a run that lost its record; returns this replica's claim, if any. */
function ownClaim<R extends BullRecord>(core: BullCore<R>, id: string): Claim | undefined {
  if (core.superseded.delete(id)) throw supersededError(id);
  return untrack(core, id);
}

/** A finished record's job leaves the queue (its own holder's, else a waiting one is removed). */
async function finishJob<R extends BullRecord>(core: BullCore<R>, id: string, claimed: Claim | undefined, outcome: 'completed' | 'failed'): Promise<void> {
  try {
    if (claimed && outcome === 'completed') await claimed.job.moveToCompleted('done', claimed.token, false);
    else if (claimed) await claimed.job.moveToFailed(new Error('failed'), claimed.token, false);
    else await (await liveJob(core, id))?.remove();
  } catch (err) {
    core.logger.warn({ taskId: id, err: (err as Error).message }, 'finished: its queue job could not be moved (dropped when next claimed)');
  }
}

/** How a transition ends for the job: finished (completed or failed), or waiting again until `retryAt`. */
export type JobEnd = 'completed' | 'failed' | { retryAt: number };

/**
 * Applies `patch(current)` to the record under its lock, then moves its job: to done, or back to the delayed set
 * until `retryAt`. A run this replica lost to another (superseded) is refused with supersededError.
 */
export async function transition<R extends BullRecord>(core: BullCore<R>, id: string, patch: (current: R) => Partial<R>, end: JobEnd): Promise<R> {
  const claimed = ownClaim(core, id);
  let updated: R;
  try {
    updated = await locked(core, id, async () => {
      const current = await mustRead(core, id);
      return save(core, current, patch(current));
    });
  } catch (err) {
    // Not recorded (Redis away): the claim is still this run's, renewed again for the caller's next try.
    if (claimed) track(core, id, claimed.job, claimed.token, claimed.attempts);
    throw err;
  }
  if (typeof end === 'object') {
    try {
      if (claimed) await claimed.job.moveToDelayed(Math.max(end.retryAt, core.now()), claimed.token);
      else await addJob(core, updated);
    } catch (err) {
      core.logger.warn({ taskId: id, err: (err as Error).message }, 'retry: the job could not be delayed; recover() or the stalled check re-queues it');
    }
    core.wake.at(end.retryAt);
    return updated;
  }
  if (claimed) {
    // Bounded: an event that never comes back (Redis restarted meanwhile) must not grow the set forever.
    if (core.settledHere.size > 10_000) core.settledHere.clear();
    core.settledHere.add(id);
  }
  await finishJob(core, id, claimed, end);
  return updated;
}

/**
 * At start, and then every sweep interval (keepSweeping): every open record has a job again (a replica that died, or
 * Redis that restarted, between writing a record and adding its job left one without). Records left processing by a
 * dead replica are not touched here: BullMQ's stalled check returns their jobs once the lock expires, so a record
 * another replica is running is never taken from it. Returns jobs re-added.
 */
export async function recover<R extends BullRecord>(core: BullCore<R>): Promise<number> {
  const ids = await storeCall('read', async () => core.redis.smembers(core.keys.open));
  const records = await core.repo.readMany(ids);
  let readded = 0;
  for (const [i, id] of ids.entries()) {
    const record = records[i];
    if (!record || !isOpen(record.status)) await core.redis.srem(core.keys.open, id);
    else if (!(await liveJob(core, id))) {
      await addJob(core, record);
      readded += 1;
    }
  }
  if (readded > 0) core.logger.info({ readded }, 'open records without a queue job re-queued');
  core.wake.now();
  keepSweeping(core);
  return readded;
}

/** Once recover() ran, it runs again every sweep interval until the queue closes (never two at once). */
function keepSweeping<R extends BullRecord>(core: BullCore<R>): void {
  if (core.sweep.timer || core.sweep.intervalMs <= 0) return;
  let running = false;
  core.sweep.timer = setInterval(() => {
    if (running) return;
    running = true;
    recover(core)
      .catch((err: unknown) => core.logger.warn({ err: (err as Error).message }, 'queue sweep failed; tried again at the next one'))
      .finally(() => (running = false));
  }, core.sweep.intervalMs);
  core.sweep.timer.unref();
}

/**
 * An open, unclaimed record met again (its key enqueued once more): when its job is missing — Redis went away between
 * the record's write and its job's, so it may not even be in the open set — both are written again. Returns whether.
 */
export async function heal<R extends BullRecord>(core: BullCore<R>, record: R): Promise<boolean> {
  if (record.status !== 'pending' || (await liveJob(core, record.task_id))) return false;
  await addJob(core, await save(core, record, {}));
  core.logger.warn({ id: record.task_id }, 'open record without a queue job met again; its job is added now');
  return true;
}

export async function counts<R extends BullRecord>(core: BullCore<R>): Promise<Record<TaskStatus, number>> {
  const states = ['waiting', 'delayed', 'prioritized', 'active'] as const;
  const [perLane, terminal] = await storeCall('read', async () =>
    Promise.all([Promise.all(core.lanes.map(async (lane) => laneParts(core, lane).queue.getJobCounts(...states))), core.redis.hgetall(core.keys.counters)]),
  );
  const sum = (state: (typeof states)[number]): number => perLane.reduce((n, lane) => n + (lane[state] ?? 0), 0);
  const out = { pending: sum('waiting') + sum('delayed') + sum('prioritized'), processing: sum('active') } as Record<TaskStatus, number>;
  for (const status of TERMINAL) out[status] = Math.max(0, Number(terminal[status] ?? 0));
  return out;
}

/**
 * The run of a record claimed here ended without its outcome recorded: its claim stops being renewed and its job goes
 * back to wait now. A settled record (its transition took the claim) and a lost claim have nothing to release; when
 * Redis refuses the move, the lock lapses and the stalled check hands the job back.
 */
export async function release<R extends BullRecord>(core: BullCore<R>, id: string): Promise<void> {
  const claim = untrack(core, id);
  if (!claim) return;
  try {
    await claim.job.moveToWait(claim.token);
    core.logger.info({ id }, 'run ended without an outcome recorded; handed back to the queue');
    core.wake.now();
  } catch (err) {
    core.logger.warn({ id, err: (err as Error).message }, 'run ended without an outcome recorded; its lock lapses and the stalled check hands it back');
  }
}
