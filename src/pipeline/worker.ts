// Worker: claims tasks from the queue with bounded concurrency, runs the processor, records success, retry or failure.
import { EventEmitter } from 'node:events';
import type { Logger } from '../logger.js';
import { AppError, toAppError } from '../errors.js';
import { backoffDelay } from '../backoff.js';
import type { TaskQueue, TaskRecord } from '../domain.js';

/** What the processor returns; only the scores the queue records are needed here. */
export type ProcessTask = (task: TaskRecord, signal: AbortSignal) => Promise<{ record: { latency_ms: number; quality_score: number } }>;

/**
 * How long retryable failures are retried: per error code, until the task is that old (ms since it was created),
 * and never fewer than `maxAttempts` tries. Delays grow (capped, jittered) from baseDelayMs to maxDelayMs; an
 * upstream's Retry-After (retryAfterMs) is a floor.
 */
export interface RetryPolicy {
  /** Per-code windows, merged over DEFAULT_RETRY_WINDOWS. */
  windows?: Record<string, number>;
  /** Window of every other retryable code (LLM_UNAVAILABLE, GENESYS_UNAVAILABLE, RATE_LIMITED, …). @default 3600000 */
  defaultWindowMs?: number;
  /** @default 2000 */
  baseDelayMs?: number;
  /** @default 60000 */
  maxDelayMs?: number;
}

/**
 * A conversation still in after-call work may take hours; a voice transcript is retried for the source's transcript
 * window (30 min by default, plus a margin: the task is created a little after the conversation ended).
 */
export const DEFAULT_RETRY_WINDOWS: Readonly<Record<string, number>> = {
  CONVERSATION_NOT_ENDED: 6 * 3600_000,
  TRANSCRIPT_UNAVAILABLE: 35 * 60_000,
};

export interface WorkerOptions {
  queue: TaskQueue;
  /** Runs one task; must stop (and never store) once `signal` is aborted (the task timed out). */
  process: ProcessTask;
  logger: Logger;
  /** Tasks run at once. @default 4 */
  concurrency?: number;
  /** Tries every retryable failure gets at least, however short its retry window. @default 5 */
  maxAttempts?: number;
  /** Retry windows per error code and the backoff between tries. */
  retry?: RetryPolicy;
  /**
   * A task running longer than this is aborted and retried. Must exceed the worst case: the LLM timeout × (its
   * retries + 1) × (repairs + 1), plus map-reduce over long transcripts. @default 900000
   */
  taskTimeoutMs?: number;
  /** Safety poll for tasks whose retry time has come. @default 1000 */
  pollIntervalMs?: number;
  now?: () => number;
  /** Jitter source. @default Math.random */
  random?: () => number;
}

export interface Worker {
  start(): void;
  /** Stops claiming; waits up to `deadlineMs` for running tasks. Returns how many were still running. */
  stop(deadlineMs: number): Promise<number>;
  /** Emits 'settled' (task) when a task completes or fails for good. */
  readonly events: EventEmitter;
  active(): number;
}

/** A retry policy with every default applied; `minAttempts` is the worker's maxAttempts. */
export type ResolvedRetryPolicy = Required<RetryPolicy> & { windows: Record<string, number>; minAttempts: number };

/** The delay before the next try of a failed task, or undefined when it has failed for good. */
export function retryDelay(task: TaskRecord, error: AppError, policy: ResolvedRetryPolicy, nowMs: number, random: () => number = Math.random): number | undefined {
  if (!error.retryable) return undefined;
  const windowMs = policy.windows[error.code] ?? policy.defaultWindowMs;
  const age = nowMs - Date.parse(task.created_at);
  if (task.attempts >= policy.minAttempts && !(age < windowMs)) return undefined;
  const delay = backoffDelay(task.attempts, { baseDelayMs: policy.baseDelayMs, maxDelayMs: policy.maxDelayMs }, random);
  return Math.max(error.retryAfterMs ?? 0, delay);
}

/** Runs `process` with an abort signal that fires (and a rejection) after `ms`. */
async function withTimeout<T>(process: (signal: AbortSignal) => Promise<T>, ms: number): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new AppError('INTERNAL', `task exceeded ${ms} ms`, { retryable: true });
      controller.abort(error);
      reject(error);
    }, ms);
  });
  try {
    return await Promise.race([process(controller.signal), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** True for the processor's "this run lost the task" error: nothing to record, the owner records. */
export const isSuperseded = (err: unknown): boolean => err instanceof AppError && err.details?.superseded === true;

/** Creates a worker; call start() once the queue has recovered. */
export function createWorker(options: WorkerOptions): Worker {
  const { queue, logger } = options;
  const concurrency = options.concurrency ?? 4;
  const taskTimeoutMs = options.taskTimeoutMs ?? 900_000;
  const now = options.now ?? Date.now;
  const policy: ResolvedRetryPolicy = {
    windows: { ...DEFAULT_RETRY_WINDOWS, ...options.retry?.windows },
    defaultWindowMs: options.retry?.defaultWindowMs ?? 3600_000,
    baseDelayMs: options.retry?.baseDelayMs ?? 2000,
    maxDelayMs: options.retry?.maxDelayMs ?? 60_000,
    minAttempts: options.maxAttempts ?? 5,
  };
  const events = new EventEmitter();
  events.setMaxListeners(0);
  const running = new Set<Promise<void>>();
  let started = false;
  let pumping = false;
  let poll: NodeJS.Timeout | undefined;
  let unsubscribe: (() => void) | undefined;

  async function settle(task: TaskRecord, err: unknown): Promise<void> {
    const error = toAppError(err);
    const log = logger.child({ conversationId: task.conversation_id, taskId: task.task_id });
    const taskError = { code: error.code, message: error.message };
    if (error.code === 'CONTENT_TOO_SHORT') {
      const skipped = await queue.skip(task.task_id, taskError);
      log.info({ code: error.code }, 'task skipped: nothing to summarize');
      events.emit('settled', skipped);
      return;
    }
    const delay = retryDelay(task, error, policy, now(), options.random);
    if (delay !== undefined) {
      await queue.fail(task.task_id, taskError, now() + delay);
      log.warn({ code: error.code, attempt: task.attempts, retryInMs: delay }, 'task will be retried');
      return;
    }
    const failed = await queue.fail(task.task_id, { ...taskError, retryable: error.retryable });
    log.error({ code: error.code, attempts: task.attempts, retryable: error.retryable }, 'task failed');
    events.emit('settled', failed);
  }

  async function run(task: TaskRecord): Promise<void> {
    try {
      const { record } = await withTimeout((signal) => options.process(task, signal), taskTimeoutMs);
      const done = await queue.complete(task.task_id, { latencyMs: record.latency_ms, qualityScore: record.quality_score });
      events.emit('settled', done);
    } catch (err) {
      if (isSuperseded(err)) {
        logger.warn({ taskId: task.task_id }, 'task run superseded by a newer attempt; its result is discarded');
        return;
      }
      await settle(task, err).catch((e: unknown) =>
        logger.error({ taskId: task.task_id, err: toAppError(e).message }, 'could not record task failure'),
      );
    }
  }

  async function pump(): Promise<void> {
    if (pumping) return;
    pumping = true;
    try {
      while (started && running.size < concurrency) {
        const task = await queue.claim();
        if (!task) break;
        const p: Promise<void> = run(task).finally(() => {
          running.delete(p);
          void pump();
        });
        running.add(p);
      }
    } catch (err) {
      logger.error({ err: toAppError(err).message }, 'claiming a task failed');
    } finally {
      pumping = false;
    }
  }

  return {
    events,
    active: () => running.size,
    start() {
      if (started) return;
      started = true;
      unsubscribe = queue.onReady(() => void pump());
      poll = setInterval(() => void pump(), options.pollIntervalMs ?? 1000);
      poll.unref();
      void pump();
    },
    async stop(deadlineMs) {
      started = false;
      unsubscribe?.();
      if (poll) clearInterval(poll);
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<'timeout'>((resolve) => (timer = setTimeout(resolve, deadlineMs, 'timeout')));
      await Promise.race([Promise.allSettled([...running]), deadline]);
      clearTimeout(timer);
      return running.size;
    },
  };
}
