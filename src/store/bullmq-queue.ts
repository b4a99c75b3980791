// BullMQ task queue: the TaskQueue port for several replicas on one Redis. Task records stay in the store's 'tasks'
// namespace (the same records and schema as the embedded queue); BullMQ holds one job per open task (jobId = task id)
// and is what replicas claim from: its job lock says which replica runs a task, and its stalled-job check hands the
// tasks of a replica that died back to the others once their lock expires. An idempotency key maps to its task with
// SET NX, so two replicas enqueueing the same key get one task. Jobs carry only the task id: the adapter never reads
// a task's payload, so new task kinds need no change here.
// Here: the options, the connections and the claims (job, token, lock renewal); the operations are in bullmq-ops.ts.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Queue, QueueEvents, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { Keyv } from 'keyv';
import type { TaskRecord } from '../domain.js';
import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { TaskQueue } from '../ports.js';
import * as ops from './bullmq-ops.js';
import { createTaskRepo, type TaskRepo } from './task-repo.js';
import { ttlPolicy } from './task-queue.js';
import { createWakeups, type Wakeups } from './task-wakeups.js';

export interface BullmqTaskQueueOptions {
  /** `redis://host:port[/db]` (the store's URL). */
  redisUrl: string;
  /** The 'tasks' namespace of the (redis) store: the task records. */
  keyv: Keyv;
  logger: Logger;
  /** How long completed and failed tasks (and their idempotency keys) are kept, in ms. @default undefined (forever) */
  ttlMs?: number;
  /** Shorter keeping for tasks failed with these codes, in ms. @default {} */
  failedTtlMs?: Readonly<Record<string, number>>;
  /** Key prefix of every queue key in Redis, to share one database between deployments. @default 'wrapup' */
  prefix?: string;
  /**
   * A claimed task's lock lasts this long and is renewed every third of it; a replica that dies loses its tasks to
   * the others after at most about twice this (lock expiry, then the next stalled-job check). @default 30000
   */
  lockDurationMs?: number;
  /** Names this replica in job lock tokens (logs only). @default hostname:pid */
  replicaId?: string;
  /** @default Date.now */
  clock?: () => number;
  /** @default crypto.randomUUID */
  idFactory?: () => string;
}

/** The TaskQueue plus close(): stops lock renewals, closes the BullMQ connections (claimed jobs stay locked until expiry). */
export interface BullmqTaskQueue extends TaskQueue {
  release(taskId: string): Promise<void>;
  /**
   * Calls `listener` with a task another replica settled (completed, skipped, failed for good), so long-polls here
   * answer as soon as there. Returns the unsubscribe function.
   */
  onSettledElsewhere(listener: (task: TaskRecord) => void): () => void;
  close(): Promise<void>;
}

type Lane = 'normal' | 'low';

/** A task this replica claimed: its job, the lock token, and the attempt it claimed (to notice a re-claim elsewhere). */
interface Claim {
  job: Job;
  token: string;
  attempts: number;
  timer: NodeJS.Timeout;
}

/** What every operation works on; built once by createBullmqTaskQueue. */
export interface BullCore {
  readonly redis: Redis;
  /** Every connection the queue opened (the first is `redis`). */
  readonly connections: Redis[];
  readonly repo: TaskRepo;
  readonly queues: Record<Lane, Queue>;
  readonly workers: Record<Lane, Worker>;
  readonly keys: { idem(key: string): string; open: string; counters: string; lock(taskId: string): string };
  readonly claims: Map<string, Claim>;
  /** Tasks this replica claimed and then saw claimed again elsewhere: their late completion is refused. */
  readonly superseded: Set<string>;
  /** Tasks this replica settled whose queue event has not come back yet (not relayed as settled elsewhere). */
  readonly settledHere: Set<string>;
  readonly wake: Wakeups;
  readonly ttlFor: (task: TaskRecord) => number | undefined;
  readonly now: () => number;
  readonly newId: () => string;
  readonly replicaId: string;
  readonly lockDurationMs: number;
  readonly logger: Logger;
}

/** Creates the queue; connects lazily (the first command waits for Redis). */
export function createBullmqTaskQueue(options: BullmqTaskQueueOptions): BullmqTaskQueue {
  const core = newCore(options);
  const settledListeners = new Set<(task: TaskRecord) => void>();
  const relay = ({ jobId }: { jobId: string }): void => void relaySettled(core, jobId, settledListeners);
  const events = (['normal', 'low'] as const).map((lane) => {
    const queueEvents = new QueueEvents(core.queues[lane].name, { connection: connect(core, options.redisUrl), prefix: prefixOf(options) });
    queueEvents.on('waiting', () => core.wake.now());
    queueEvents.on('completed', relay);
    queueEvents.on('failed', relay);
    queueEvents.on('error', (err) => core.logger.debug({ err: err.message }, 'queue events connection error'));
    return queueEvents;
  });
  for (const worker of Object.values(core.workers)) void worker.startStalledCheckTimer().catch(() => undefined);
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
    release: (taskId) => ops.release(core, taskId),
    onReady: core.wake.subscribe,
    onSettledElsewhere(listener) {
      settledListeners.add(listener);
      return () => settledListeners.delete(listener);
    },
    counts: () => ops.counts(core),
    close: () => close(core, events),
  };
}

const prefixOf = (options: BullmqTaskQueueOptions): string => `${options.prefix ?? 'wrapup'}:bull`;

/** ioredis for BullMQ: never give up a command while Redis restarts (BullMQ requires it of blocking connections). */
function connectionFor(url: string, logger: Logger): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: null, retryStrategy: (times) => Math.min(2000, 50 * 2 ** Math.min(times, 6)) });
  redis.on('error', (err) => logger.debug({ err: err.message }, 'queue redis connection error'));
  return redis;
}

/** A connection the queue owns (closed by close()). */
function connect(core: BullCore, url: string): Redis {
  const redis = connectionFor(url, core.logger);
  core.connections.push(redis);
  return redis;
}

function newCore(options: BullmqTaskQueueOptions): BullCore {
  const { logger } = options;
  const redis = connectionFor(options.redisUrl, logger);
  const workerConnection = connectionFor(options.redisUrl, logger);
  const prefix = options.prefix ?? 'wrapup';
  const lockDurationMs = options.lockDurationMs ?? 30_000;
  const queueOptions = { connection: redis, prefix: prefixOf(options) };
  const workerOptions = {
    ...queueOptions,
    connection: workerConnection,
    autorun: false,
    lockDuration: lockDurationMs,
    stalledInterval: lockDurationMs,
    // A task's attempts are counted and bounded by the worker's retry policy, never by BullMQ.
    maxStalledCount: 1_000_000,
  };
  const workers = { normal: new Worker('tasks', null, workerOptions), low: new Worker('tasks-low', null, workerOptions) };
  for (const worker of Object.values(workers)) worker.on('error', (err) => logger.debug({ err: err.message }, 'queue worker error'));
  const now = options.clock ?? Date.now;
  return {
    redis,
    connections: [redis, workerConnection],
    repo: createTaskRepo(options.keyv, logger),
    queues: { normal: new Queue('tasks', queueOptions), low: new Queue('tasks-low', queueOptions) },
    workers,
    keys: {
      idem: (key) => `${prefix}:idem:${key}`,
      open: `${prefix}:open`,
      counters: `${prefix}:counters`,
      lock: (taskId) => `${prefix}:lock:${taskId}`,
    },
    claims: new Map(),
    superseded: new Set(),
    settledHere: new Set(),
    wake: createWakeups(now, logger),
    ttlFor: ttlPolicy(options),
    now,
    newId: options.idFactory ?? randomUUID,
    replicaId: options.replicaId ?? `${hostname()}:${process.pid}`,
    lockDurationMs,
    logger,
  };
}

/** A job finished on some replica: unless it was this one, its settled record goes to the listeners. */
async function relaySettled(core: BullCore, taskId: string, listeners: Set<(task: TaskRecord) => void>): Promise<void> {
  if (core.settledHere.delete(taskId) || listeners.size === 0) return;
  const task = await core.repo.read(taskId).catch(() => undefined);
  if (!task || task.status === 'pending' || task.status === 'processing') return;
  for (const listener of [...listeners]) listener(task);
}

/** Remembers a claimed job and renews its lock every third of the lock duration. */
export function track(core: BullCore, taskId: string, job: Job, token: string, attempts: number): void {
  const timer = setInterval(() => void renew(core, taskId), Math.max(100, Math.floor(core.lockDurationMs / 3)));
  timer.unref();
  core.claims.set(taskId, { job, token, attempts, timer });
}

/** Forgets a claim (stops its renewal) and returns it. */
export function untrack(core: BullCore, taskId: string): Claim | undefined {
  const claim = core.claims.get(taskId);
  if (claim) clearInterval(claim.timer);
  core.claims.delete(taskId);
  return claim;
}

/**
 * Extends the lock; when it is lost or the record says another attempt owns the task (this replica stalled and was
 * taken over), stops renewing and marks the task superseded here, so this run's late result is discarded.
 */
async function renew(core: BullCore, taskId: string): Promise<void> {
  const claim = core.claims.get(taskId);
  if (!claim) return;
  let kept: boolean;
  try {
    kept = Boolean(await claim.job.extendLock(claim.token, core.lockDurationMs));
  } catch (err) {
    // Redis away (a restart): keep trying; the lock survives a short outage (its expiry is absolute).
    if (!/missing lock|not.*owned|lock mismatch/i.test((err as Error).message)) return;
    kept = false;
  }
  const task = await core.repo.read(taskId).catch(() => undefined);
  if (kept && task?.status === 'processing' && task.attempts === claim.attempts) return;
  if (kept && !task) return;
  untrack(core, taskId);
  core.superseded.add(taskId);
  core.logger.warn({ taskId, lockKept: kept }, 'task lock lost or task claimed again elsewhere; this run will be discarded');
}

/** The superseded error a late result of a run that lost its task gets (the worker discards it quietly). */
export function supersededError(taskId: string): AppError {
  return new AppError('INTERNAL', `task ${taskId} was claimed again by another replica; result discarded`, { details: { superseded: true } });
}

async function close(core: BullCore, events: QueueEvents[]): Promise<void> {
  for (const taskId of [...core.claims.keys()]) untrack(core, taskId);
  core.wake.close();
  const closing: Array<Promise<unknown>> = [
    ...events.map(async (e) => e.close()),
    ...Object.values(core.workers).map(async (w) => w.close(true)),
    ...Object.values(core.queues).map(async (q) => q.close()),
  ];
  await Promise.allSettled(closing);
  await Promise.allSettled(core.connections.map(async (c) => c.quit().catch(() => c.disconnect())));
}
