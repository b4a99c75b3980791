// Worker: claims tasks from the queue with bounded concurrency, runs the processor, records success, retry or failure.
import { EventEmitter } from 'node:events';
import type { Logger } from '../logger.js';
import { AppError, isAppError, toAppError } from '../errors.js';
import { backoffDelay } from '../backoff.js';
import { delay, within } from '../deadline.js';
import type { TaskRecord } from '../domain.js';
import type { TaskQueue } from '../ports.js';

/** What the worker tells a run: `lastChance` when a retryable LLM outage would now fail the task for good. */
export interface RunContext {
  lastChance: boolean;
}

/** What the processor returns; only the scores the queue records are needed here. */
export type ProcessTask = (task: TaskRecord, signal: AbortSignal, run: RunContext) => Promise<{ record: { latency_ms: number; quality_score: number } }>;

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
  /**
   * Low-priority tasks (work client reads started) run at once, so event work always finds a free slot.
   * @default concurrency − 1 (at least 1)
   */
  maxLowPriority?: number;
  /** Tries every retryable failure gets at least, however short its retry window. @default 5 */
  maxAttempts?: number;
  /** Retry windows per error code and the backoff between tries. */
  retry?: RetryPolicy;
  /**
   * A task running longer than this is aborted and retried. Must exceed the worst case: the LLM timeout × (its
   * retries + 1) × (repairs + 1), plus map-reduce over long transcripts. @default 900000
   */
  taskTimeoutMs?: number;
  /**
   * After a timeout the aborted run gets this long to settle before its task is handed back, so a late store can
   * never follow a new claim. @default 5000
   */
  abortGraceMs?: number;
  /** Safety poll for tasks whose retry time has come. @default 1000 */
  pollIntervalMs?: number;
  now?: () => number;
  /** Jitter source. @default Math.random */
  random?: () => number;
}

export interface Worker {
  start(): void;
  /**
   * Stops claiming (a claim in progress is handed back) and waits up to `deadlineMs` for running tasks; those still
   * running are then aborted. A run that ends with an error once stop() began records nothing: its task stays
   * `processing` and the next start's recover() re-queues it. Returns how many were still running at the deadline.
   */
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

/** A retryable LLM outage, to ask the retry policy whether this run is the task's last chance at the model. */
const LLM_OUTAGE = new AppError('LLM_UNAVAILABLE', 'probe', { retryable: true });

/** True for the processor's "this run lost the task" error: nothing to record, the owner records. */
export const isSuperseded = (err: unknown): boolean => err instanceof AppError && err.details?.superseded === true;

type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** Creates a worker; call start() once the queue has recovered. */
export function createWorker(options: WorkerOptions): Worker {
  const { queue, logger } = options;
  const concurrency = options.concurrency ?? 4;
  const maxLow = options.maxLowPriority ?? Math.max(1, concurrency - 1);
  const taskTimeoutMs = options.taskTimeoutMs ?? 900_000;
  const abortGraceMs = options.abortGraceMs ?? 5000;
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
  let lowRunning = 0;
  const controllers = new Set<AbortController>();
  let started = false;
  let stopping = false;
  let pumping: Promise<void> | undefined;
  let poll: NodeJS.Timeout | undefined;
  let unsubscribe: (() => void) | undefined;

  async function settle(task: TaskRecord, err: unknown, run: RunContext): Promise<void> {
    const error = toAppError(err);
    const log = logger.child({ conversationId: task.conversation_id, taskId: task.task_id });
    const { usage: _usage, ...details } = error.details ?? {};
    const hasDetails = Object.keys(details).length > 0;
    const taskError = { code: error.code, message: error.message, ...(hasDetails ? { details } : {}) };
    if (error.code === 'CONTENT_TOO_SHORT') {
      const skipped = await queue.skip(task.task_id, taskError);
      log.info({ code: error.code }, 'task skipped: nothing to summarize');
      events.emit('settled', skipped);
      return;
    }
    const delayMs = retryDelay(task, error, policy, now(), options.random);
    if (delayMs === undefined && error.retryable && error.code === 'LLM_UNAVAILABLE' && !run.lastChance) {
      // The window closed while this run was under way: one more run at once, told it is the last chance (the engine
      // may then fall back to the extractive summary instead of failing).
      await queue.fail(task.task_id, taskError, 0);
      log.warn({ code: error.code, attempt: task.attempts }, 'retry window over; one last run');
      return;
    }
    if (delayMs !== undefined) {
      await queue.fail(task.task_id, taskError, now() + delayMs);
      log.warn({ code: error.code, attempt: task.attempts, retryInMs: delayMs }, 'task will be retried');
      return;
    }
    const failed = await queue.fail(task.task_id, { ...taskError, retryable: error.retryable });
    // The check and its figures (field, length, limit; schema paths; PII types), never the text. An id Genesys does
    // not know is a client's mistake (or a guess), not our failure: info, so guessing cannot flood the error log.
    const level = error.code === 'CONVERSATION_NOT_FOUND' ? 'info' : 'error';
    log[level]({ code: error.code, attempts: task.attempts, retryable: error.retryable, ...(hasDetails ? { details } : {}) }, 'task failed');
    events.emit('settled', failed);
  }

  /**
   * Runs the processor with an abort signal that fires after taskTimeoutMs. A timed-out run is aborted and then
   * awaited (at most abortGraceMs) before the timeout error is thrown, so its task is not handed back while the old
   * run may still store; a run that managed to store during the grace counts as done.
   */
  async function attempt(task: TaskRecord, run: RunContext): Promise<Awaited<ReturnType<ProcessTask>>> {
    const controller = new AbortController();
    controllers.add(controller);
    const outcome = options
      .process(task, controller.signal, run)
      .then((value): Outcome<typeof value> => ({ ok: true, value }), (error: unknown): Outcome<never> => ({ ok: false, error }));
    const timeout = delay(taskTimeoutMs, 'timeout' as const);
    try {
      const first = await Promise.race([outcome, timeout.promise]);
      if (first === 'timeout') {
        const error = new AppError('INTERNAL', `task exceeded ${taskTimeoutMs} ms`, { retryable: true });
        controller.abort(error);
        const grace = delay(abortGraceMs, undefined);
        const late = await Promise.race([outcome, grace.promise]);
        grace.cancel();
        if (late?.ok) return late.value;
        if (!late) logger.warn({ taskId: task.task_id, abortGraceMs }, 'timed-out run did not stop within the grace; handing the task back anyway');
        throw error;
      }
      if (first.ok) return first.value;
      throw first.error;
    } finally {
      timeout.cancel();
      controllers.delete(controller);
    }
  }

  async function run(task: TaskRecord): Promise<void> {
    const context: RunContext = { lastChance: retryDelay(task, LLM_OUTAGE, policy, now(), () => 0) === undefined };
    try {
      const { record } = await attempt(task, context);
      const done = await queue.complete(task.task_id, { latencyMs: record.latency_ms, qualityScore: record.quality_score });
      events.emit('settled', done);
    } catch (err) {
      if (isSuperseded(err)) {
        logger.warn({ taskId: task.task_id }, 'task run superseded by a newer attempt; its result is discarded');
        return;
      }
      if (stopping || isAppError(err, 'SHUTTING_DOWN')) {
        // Never failed for good because we are going away: the task stays processing and the next start resumes it.
        logger.info({ taskId: task.task_id, code: toAppError(err).code }, 'task interrupted by shutdown; left for recovery on the next start');
        return;
      }
      await settle(task, err, context).catch((e: unknown) =>
        logger.error({ taskId: task.task_id, err: toAppError(e).message }, 'could not record task failure'),
      );
    }
  }

  /** A task claimed while stop() ran: back to pending at once (if even that fails, recover() finds it processing). */
  async function handBack(task: TaskRecord): Promise<void> {
    await queue
      .fail(task.task_id, { code: 'SHUTTING_DOWN', message: 'claimed while the worker was stopping; handed back' }, now())
      .catch((e: unknown) => logger.warn({ taskId: task.task_id, err: toAppError(e).message }, 'could not hand a task back; it resumes on the next start'));
  }

  async function drain(): Promise<void> {
    try {
      while (started && running.size < concurrency) {
        const task = await queue.claim({ includeLow: lowRunning < maxLow });
        if (!task) break;
        if (!started) {
          await handBack(task);
          break;
        }
        const low = task.priority === 'low';
        if (low) lowRunning += 1;
        const p: Promise<void> = run(task).finally(() => {
          running.delete(p);
          if (low) lowRunning -= 1;
          void pump();
        });
        running.add(p);
      }
    } catch (err) {
      logger.error({ err: toAppError(err).message }, 'claiming a task failed');
    }
  }

  function pump(): Promise<void> {
    pumping ??= drain().finally(() => (pumping = undefined));
    return pumping;
  }

  async function stop(deadlineMs: number): Promise<number> {
    started = false;
    stopping = true;
    unsubscribe?.();
    if (poll) clearInterval(poll);
    await within(
      deadlineMs,
      (async () => {
        await pumping;
        await Promise.allSettled([...running]);
      })(),
    );
    if (running.size > 0) {
      const reason = new AppError('SHUTTING_DOWN', 'worker stopped at its shutdown deadline', { retryable: true });
      for (const controller of controllers) controller.abort(reason);
    }
    return running.size;
  }

  return {
    events,
    active: () => running.size,
    start() {
      if (started || stopping) return;
      started = true;
      unsubscribe = queue.onReady(() => void pump());
      poll = setInterval(() => void pump(), options.pollIntervalMs ?? 1000);
      poll.unref();
      void pump();
    },
    stop,
  };
}
