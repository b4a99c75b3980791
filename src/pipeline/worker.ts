// Worker: claims tasks from the queue with bounded concurrency, runs each one (worker-run.ts) and records how it ended
// (worker-settle.ts); start and stop live here, over the claim loop it shares with the webhook dispatcher (claim-loop.ts).
import { EventEmitter } from 'node:events';
import type { Logger } from '../logger.js';
import { AppError, toAppError } from '../errors.js';
import { createClaimLoop, type ClaimLoop } from '../claim-loop.js';
import type { TaskRecord } from '../domain.js';
import { NOOP_METRICS, type Metrics, type SettleHook, type TaskQueue } from '../ports.js';
import { isLastChance, resolveRetryPolicy, type ResolvedRetryPolicy, type RetryPolicy } from './worker-retry.js';
import { runWithTimeout, type ProcessTask, type RunContext } from './worker-run.js';
import { recordError, recordSuccess } from './worker-settle.js';

export { DEFAULT_RETRY_WINDOWS, retryDelay, type ResolvedRetryPolicy, type RetryPolicy } from './worker-retry.js';
export { type ProcessTask, type RunContext } from './worker-run.js';
export { isSuperseded } from '../errors.js';

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
  /**
   * Runs before a task settles for good (completed, skipped, failed), before the queue records it: what it writes
   * (outbound webhooks) is durable before the outcome is. A throw leaves the task to be retried. @default none
   */
  beforeSettle?: SettleHook;
  /** Where task outcomes are counted. @default NOOP_METRICS */
  metrics?: Metrics;
  /**
   * How long recording a completed run (its outbox and its completion) waits for an unavailable store, a Redis
   * restart, before the run counts as failed and is retried; that retry completes from the stored summary. @default 15000
   */
  settleRetryMs?: number;
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

/** The worker's record: its settings with defaults applied, what is running, and where start/stop stand. */
interface WorkerState {
  readonly queue: TaskQueue;
  readonly process: ProcessTask;
  readonly logger: Logger;
  readonly events: EventEmitter;
  readonly policy: ResolvedRetryPolicy;
  readonly now: () => number;
  readonly random: (() => number) | undefined;
  readonly beforeSettle: SettleHook | undefined;
  readonly metrics: Metrics;
  readonly concurrency: number;
  readonly maxLow: number;
  readonly taskTimeoutMs: number;
  readonly abortGraceMs: number;
  readonly controllers: Set<AbortController>;
  readonly settleRetryMs: number;
  /** Aborted at stop()'s deadline, with the runs: completions waiting for the store give up then. */
  readonly stopped: AbortController;
  readonly stopSignal: AbortSignal;
  lowRunning: number;
  stopping: boolean;
}

/** Creates a worker; call start() once the queue has recovered. */
export function createWorker(options: WorkerOptions): Worker {
  const state = newState(options);
  const loop = createClaimLoop<TaskRecord>({
    claim: () => state.queue.claim({ includeLow: state.lowRunning < state.maxLow }),
    run: (task) => runInSlot(state, task),
    onReady: (listener) => state.queue.onReady(listener),
    onClaimError: (err) => state.logger.error({ err: toAppError(err).message }, 'claiming a task failed'),
    handBack: (task) => handBack(state, task),
    concurrency: state.concurrency,
    pollIntervalMs: options.pollIntervalMs ?? 1000,
  });
  return {
    events: state.events,
    active: () => loop.running().size,
    start: () => {
      if (!state.stopping) loop.start();
    },
    stop: (deadlineMs) => stop(state, loop, deadlineMs),
  };
}

function newState(options: WorkerOptions): WorkerState {
  const concurrency = options.concurrency ?? 4;
  const events = new EventEmitter();
  events.setMaxListeners(0);
  const stopped = new AbortController();
  return {
    queue: options.queue,
    process: options.process,
    logger: options.logger,
    events,
    policy: resolveRetryPolicy(options.retry, options.maxAttempts),
    now: options.now ?? Date.now,
    random: options.random,
    beforeSettle: options.beforeSettle,
    metrics: options.metrics ?? NOOP_METRICS,
    concurrency,
    maxLow: options.maxLowPriority ?? Math.max(1, concurrency - 1),
    taskTimeoutMs: options.taskTimeoutMs ?? 900_000,
    abortGraceMs: options.abortGraceMs ?? 5000,
    controllers: new Set(),
    settleRetryMs: options.settleRetryMs ?? 15_000,
    stopped,
    stopSignal: stopped.signal,
    lowRunning: 0,
    stopping: false,
  };
}

/** A claimed task in its slot; a low-priority one holds a low slot until it is recorded. */
async function runInSlot(state: WorkerState, task: TaskRecord): Promise<void> {
  const low = task.priority === 'low';
  if (low) state.lowRunning += 1;
  try {
    await runTask(state, task);
  } finally {
    if (low) state.lowRunning -= 1;
  }
}

/**
 * One task: run it under the timeout, then record the outcome (never throws). A run that ended without its outcome
 * recorded gives its claim back (a shared queue would otherwise keep the task claimed by this live process forever).
 */
async function runTask(state: WorkerState, task: TaskRecord): Promise<void> {
  const context: RunContext = { lastChance: isLastChance(task, state.policy, state.now()) };
  try {
    const { record } = await runWithTimeout(state, task, context);
    await recordSuccess(state, task, record);
  } catch (err) {
    await recordError(state, task, err, context);
  } finally {
    await state.queue
      .release?.(task.task_id)
      .catch((e: unknown) => state.logger.warn({ taskId: task.task_id, err: toAppError(e).message }, 'could not release a claimed task; its claim lapses instead'));
  }
}

/** A task claimed while stop() ran: back to pending at once (if even that fails, recover() finds it processing). */
async function handBack(state: WorkerState, task: TaskRecord): Promise<void> {
  await state.queue
    .fail(task.task_id, { code: 'SHUTTING_DOWN', message: 'claimed while the worker was stopping; handed back' }, state.now())
    .catch((e: unknown) => state.logger.warn({ taskId: task.task_id, err: toAppError(e).message }, 'could not hand a task back; it resumes on the next start'));
}

async function stop(state: WorkerState, loop: ClaimLoop, deadlineMs: number): Promise<number> {
  state.stopping = true;
  await loop.stop(deadlineMs);
  const left = loop.running().size;
  if (left > 0) {
    const reason = new AppError('SHUTTING_DOWN', 'worker stopped at its shutdown deadline', { retryable: true });
    for (const controller of state.controllers) controller.abort(reason);
    state.stopped.abort(reason);
  }
  return left;
}
