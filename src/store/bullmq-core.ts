// What every BullMQ-backed queue of the store shares (the summary tasks, the outbound deliveries): the connections,
// one BullMQ queue and worker per lane, the Redis keys beside them, and the claims this replica holds (job, lock
// token, lock renewal, and the runs superseded because another replica took their record over). The record
// operations over this core are in bullmq-records.ts; each queue adds its own (bullmq-ops.ts, bullmq-delivery-queue.ts).
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Queue, QueueEvents, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { Keyv } from 'keyv';
import type { TaskError } from '../domain.js';
import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { QueueRecord } from './open-index.js';
import type { QueueRepo } from './task-repo.js';
import { createWakeups, type Wakeups } from './task-wakeups.js';

/** A record a BullMQ queue holds: the queue fields plus its attempt count and last error. */
export type BullRecord = QueueRecord & { attempts: number; error?: TaskError | undefined };

/** Lanes of a queue: `low` only where the queue has priorities (summary tasks). */
export type Lane = 'normal' | 'low';

/** A record this replica claimed: its job, the lock token, and the attempt it claimed (to notice a re-claim elsewhere). */
export interface Claim {
  job: Job;
  token: string;
  attempts: number;
  timer: NodeJS.Timeout;
}

/** The options every BullMQ-backed queue of the store takes (its factory adds its own). */
export interface BullmqQueueOptions {
  /** `redis://host:port[/db]` (the store's URL). */
  redisUrl: string;
  /** The queue's namespace of the (redis) store: its records. */
  keyv: Keyv;
  logger: Logger;
  /** How long finished records (and their idempotency keys) are kept, in ms. Open ones never expire. @default undefined (forever) */
  ttlMs?: number;
  /** Key prefix of every queue key in Redis, to share one database between deployments. @default 'wrapup' */
  prefix?: string;
  /**
   * A claimed record's lock lasts this long and is renewed every third of it; a replica that dies loses its claims to
   * the others after at most about twice this (lock expiry, then the next stalled-job check). @default 30000
   */
  lockDurationMs?: number;
  /** Names this replica in job lock tokens (logs only). @default hostname:pid */
  replicaId?: string;
  /** @default Date.now */
  clock?: () => number;
  /** @default crypto.randomUUID */
  idFactory?: () => string;
  /**
   * After the first recover(), it runs again this often: an open record whose job was never added (Redis restarting
   * between the two writes) gets one within this interval instead of at the next start. 0 turns it off. @default 60000
   */
  sweepIntervalMs?: number;
}

export interface BullCoreOptions<R extends BullRecord> {
  /** `redis://host:port[/db]` (the store's URL). */
  redisUrl: string;
  /** The records (in the store's namespace of this queue). */
  repo: QueueRepo<R>;
  logger: Logger;
  /** BullMQ queue name per lane, e.g. `{ normal: 'tasks', low: 'tasks-low' }`. */
  lanes: Partial<Record<Lane, string>> & { normal: string };
  /** Key prefix of every key in Redis (BullMQ's under `<prefix>:bull`). */
  prefix: string;
  /** Where this queue's own keys (idempotency, open set, counters, locks) sit under the prefix. @default the prefix */
  keyPrefix?: string;
  /** How long a record that has just finished is kept, in ms; undefined: forever. */
  ttlFor: (record: R) => number | undefined;
  /** A claim's lock lasts this long and is renewed every third of it. */
  lockDurationMs: number;
  replicaId?: string | undefined;
  clock?: (() => number) | undefined;
  idFactory?: (() => string) | undefined;
  sweepIntervalMs?: number | undefined;
}

/** What every operation works on. */
export interface BullCore<R extends BullRecord> {
  readonly redis: Redis;
  /** Every connection the queue opened (the first is `redis`). */
  readonly connections: Redis[];
  readonly repo: QueueRepo<R>;
  /** The lanes this queue has, normal first. */
  readonly lanes: readonly Lane[];
  readonly queues: Partial<Record<Lane, Queue>>;
  readonly workers: Partial<Record<Lane, Worker>>;
  readonly keys: { idem(key: string): string; open: string; counters: string; lock(id: string): string };
  readonly claims: Map<string, Claim>;
  /** Records this replica claimed and then saw claimed again elsewhere: their late settle is refused. */
  readonly superseded: Set<string>;
  /** Records this replica settled whose queue event has not come back yet (not relayed as settled elsewhere). */
  readonly settledHere: Set<string>;
  readonly wake: Wakeups;
  readonly ttlFor: (record: R) => number | undefined;
  readonly now: () => number;
  readonly newId: () => string;
  readonly replicaId: string;
  readonly lockDurationMs: number;
  readonly logger: Logger;
  readonly bullPrefix: string;
  readonly redisUrl: string;
  /** recover() again every `intervalMs` once it ran (0: never); the timer is cleared by closeBullCore. */
  readonly sweep: { readonly intervalMs: number; timer?: NodeJS.Timeout };
}

/** The lane's queue and worker (every queue has `normal`; asking for a lane it lacks is a programming error). */
export function laneParts<R extends BullRecord>(core: BullCore<R>, lane: Lane): { queue: Queue; worker: Worker } {
  const queue = core.queues[lane];
  const worker = core.workers[lane];
  if (!queue || !worker) throw new TypeError(`this queue has no ${lane} lane`);
  return { queue, worker };
}

/** ioredis for BullMQ: never give up a command while Redis restarts (BullMQ requires it of blocking connections). */
function connectionFor(url: string, logger: Logger): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: null, retryStrategy: (times) => Math.min(2000, 50 * 2 ** Math.min(times, 6)) });
  redis.on('error', (err) => logger.debug({ err: err.message }, 'queue redis connection error'));
  return redis;
}

/** A connection the queue owns (closed by closeBullCore()). */
export function connect<R extends BullRecord>(core: BullCore<R>): Redis {
  const redis = connectionFor(core.redisUrl, core.logger);
  core.connections.push(redis);
  return redis;
}

/** Builds the core; connects lazily (the first command waits for Redis) and starts each worker's stalled check. */
export function createBullCore<R extends BullRecord>(options: BullCoreOptions<R>): BullCore<R> {
  const { logger, lockDurationMs } = options;
  const redis = connectionFor(options.redisUrl, logger);
  const workerConnection = connectionFor(options.redisUrl, logger);
  const bullPrefix = `${options.prefix}:bull`;
  const queueOptions = { connection: redis, prefix: bullPrefix };
  const workerOptions = {
    ...queueOptions,
    connection: workerConnection,
    autorun: false,
    lockDuration: lockDurationMs,
    stalledInterval: lockDurationMs,
    // A record's attempts are counted and bounded by its own retry policy, never by BullMQ.
    maxStalledCount: 1_000_000,
  };
  const lanes = (['normal', 'low'] as const).filter((lane) => options.lanes[lane] !== undefined);
  const queues: Partial<Record<Lane, Queue>> = {};
  const workers: Partial<Record<Lane, Worker>> = {};
  for (const lane of lanes) {
    const name = options.lanes[lane] ?? options.lanes.normal;
    queues[lane] = new Queue(name, queueOptions);
    const worker = new Worker(name, null, workerOptions);
    worker.on('error', (err) => logger.debug({ err: err.message }, 'queue worker error'));
    void worker.startStalledCheckTimer().catch(() => undefined);
    workers[lane] = worker;
  }
  const now = options.clock ?? Date.now;
  const own = options.keyPrefix ?? options.prefix;
  return {
    redis,
    connections: [redis, workerConnection],
    repo: options.repo,
    lanes,
    queues,
    workers,
    keys: { idem: (key) => `${own}:idem:${key}`, open: `${own}:open`, counters: `${own}:counters`, lock: (id) => `${own}:lock:${id}` },
    claims: new Map(),
    superseded: new Set(),
    settledHere: new Set(),
    wake: createWakeups(now, logger),
    ttlFor: options.ttlFor,
    now,
    newId: options.idFactory ?? randomUUID,
    replicaId: options.replicaId ?? `${hostname()}:${process.pid}`,
    lockDurationMs,
    logger,
    bullPrefix,
    redisUrl: options.redisUrl,
    sweep: { intervalMs: options.sweepIntervalMs ?? 60_000 },
  };
}

/** Event listeners per lane: a job waiting anywhere wakes this replica's claimers; `settled` hears finished jobs. */
export function listenForJobs<R extends BullRecord>(core: BullCore<R>, settled?: (jobId: string) => void): QueueEvents[] {
  return core.lanes.map((lane) => {
    const events = new QueueEvents(laneParts(core, lane).queue.name, { connection: connect(core), prefix: core.bullPrefix });
    events.on('waiting', () => core.wake.now());
    if (settled) {
      events.on('completed', ({ jobId }) => settled(jobId));
      events.on('failed', ({ jobId }) => settled(jobId));
    }
    events.on('error', (err) => core.logger.debug({ err: err.message }, 'queue events connection error'));
    return events;
  });
}

/** Remembers a claimed job and renews its lock every third of the lock duration. */
export function track<R extends BullRecord>(core: BullCore<R>, id: string, job: Job, token: string, attempts: number): void {
  const timer = setInterval(() => void renew(core, id), Math.max(100, Math.floor(core.lockDurationMs / 3)));
  timer.unref();
  core.claims.set(id, { job, token, attempts, timer });
}

/** Forgets a claim (stops its renewal) and returns it. */
export function untrack<R extends BullRecord>(core: BullCore<R>, id: string): Claim | undefined {
  const claim = core.claims.get(id);
  if (claim) clearInterval(claim.timer);
  core.claims.delete(id);
  return claim;
}

/**
 * Extends the lock; when it is lost or the record says another attempt owns it (this replica stalled and was taken
 * over), stops renewing and marks the record superseded here, so this run's late result is discarded. A record this
 * very attempt has settled (a settle whose job move has not happened yet: Redis went away in between) keeps its claim.
 */
async function renew<R extends BullRecord>(core: BullCore<R>, id: string): Promise<void> {
  const claim = core.claims.get(id);
  if (!claim) return;
  let kept: boolean;
  try {
    kept = Boolean(await claim.job.extendLock(claim.token, core.lockDurationMs));
  } catch (err) {
    // Redis away (a restart): keep trying; the lock survives a short outage (its expiry is absolute).
    if (!/missing lock|not.*owned|lock mismatch/i.test((err as Error).message)) return;
    kept = false;
  }
  const record = await core.repo.read(id).catch(() => undefined);
  if (kept && (!record || (record.attempts === claim.attempts && record.status !== 'pending'))) return;
  if (core.claims.get(id) !== claim) return; // settled or released meanwhile: nothing of this claim is left to mark
  untrack(core, id);
  core.superseded.add(id);
  core.logger.warn({ taskId: id, lockKept: kept }, 'lock lost or claimed again elsewhere; this run will be discarded');
}

/**
 * Renews the claim now and says whether this replica still holds it (the run asks before the model is paid for): false
 * once its lock was lost or another attempt took the record. Redis being away answers true: the lock's expiry is
 * absolute, so it is still held until then, and nothing else can take it while Redis is away either.
 */
export async function holdsClaim<R extends BullRecord>(core: BullCore<R>, id: string): Promise<boolean> {
  if (core.superseded.has(id) || !core.claims.has(id)) return false;
  await renew(core, id);
  return core.claims.has(id) && !core.superseded.has(id);
}

/** The superseded error a late result of a run that lost its record gets (callers discard it quietly). */
export function supersededError(id: string): AppError {
  return new AppError('INTERNAL', `${id} was claimed again by another replica; result discarded`, { details: { superseded: true } });
}

/** Stops lock renewals, closes the BullMQ objects and every connection (claimed jobs stay locked until expiry). */
export async function closeBullCore<R extends BullRecord>(core: BullCore<R>, events: QueueEvents[]): Promise<void> {
  for (const id of [...core.claims.keys()]) untrack(core, id);
  clearInterval(core.sweep.timer);
  core.wake.close();
  const closing: Array<Promise<unknown>> = [
    ...events.map(async (e) => e.close()),
    ...Object.values(core.workers).map(async (w) => w.close(true)),
    ...Object.values(core.queues).map(async (q) => q.close()),
  ];
  await Promise.allSettled(closing);
  await Promise.allSettled(core.connections.map(async (c) => c.quit().catch(() => c.disconnect())));
}
