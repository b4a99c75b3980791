// Worker: claims tasks from the queue with bounded concurrency, runs each one (worker-run.ts) and records how it ended
// (worker-settle.ts); start, stop and the claim loop live here.
import { EventEmitter } from 'node:events';
import type { Logger } from '../logger.js';
import { AppError, toAppError } from '../errors.js';
import { within } from '../deadline.js';
import type { TaskRecord } from '../domain.js';
import { NOOP_METRICS, type Metrics, type SettleHook, type TaskQueue } from '../ports.js';
import { isLastChance, resolveRetryPolicy, type ResolvedRetryPolicy, type RetryPolicy } from './worker-retry.js';
import { runWithTimeout, type ProcessTask, type RunContext } from './worker-run.js';
import { recordError, recordSuccess } from './worker-settle.js';

export { DEFAULT_RETRY_WINDOWS, retryDelay, type ResolvedRetryPolicy, type RetryPolicy } from './worker-retry.js';
export { type ProcessTask, type RunContext } from './worker-run.js';
export { isSuperseded } from './worker-settle.js';

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
  readonly pollIntervalMs: number;
  /** One promise per running task; it removes itself when the run is recorded. */
  readonly running: Set<Promise<void>>;
  readonly controllers: Set<AbortController>;
  lowRunning: number;
  started: boolean;
  stopping: boolean;
  /** The claim loop while it runs: at most one at a time. */
  pumping: Promise<void> | undefined;
  /** A wake-up came while the loop ran: it goes round once more instead of dropping it. */
  pumpAgain: boolean;
  poll: NodeJS.Timeout | undefined;
  unsubscribe: (() => void) | undefined;
}

/** Creates a worker; call start() once the queue has recovered. */
export function createWorker(options: WorkerOptions): Worker {
  const state = newState(options);
  return {
    events: state.events,
    active: () => state.running.size,
    start: () => start(state),
    stop: (deadlineMs) => stop(state, deadlineMs),
  };
}

function newState(options: WorkerOptions): WorkerState {
  const concurrency = options.concurrency ?? 4;
  const events = new EventEmitter();
  events.setMaxListeners(0);
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
    pollIntervalMs: options.pollIntervalMs ?? 1000,
    running: new Set(),
    controllers: new Set(),
    lowRunning: 0,
    started: false,
    stopping: false,
    pumping: undefined,
    pumpAgain: false,
    poll: undefined,
    unsubscribe: undefined,
  };
}

function start(state: WorkerState): void {
  if (state.started || state.stopping) return;
  state.started = true;
  state.unsubscribe = state.queue.onReady(() => void pump(state));
  state.poll = setInterval(() => void pump(state), state.pollIntervalMs);
  state.poll.unref();
  void pump(state);
}

/**
 * Runs the claim loop, or (when it runs already) makes it go round once more: a task enqueued after the loop's last
 * empty claim would otherwise wait for the safety poll (a burst of events then ran in steps of pollIntervalMs).
 */
function pump(state: WorkerState): Promise<void> {
  if (state.pumping) {
    state.pumpAgain = true;
    return state.pumping;
  }
  state.pumping = (async () => {
    do {
      state.pumpAgain = false;
      await drain(state);
    } while (state.pumpAgain && state.started && state.running.size < state.concurrency);
  })().finally(() => (state.pumping = undefined));
  return state.pumping;
}

/** Claims tasks while slots are free (low-priority ones only while under maxLow) and starts each. */
async function drain(state: WorkerState): Promise<void> {
  try {
    while (state.started && state.running.size < state.concurrency) {
      const task = await state.queue.claim({ includeLow: state.lowRunning < state.maxLow });
      if (!task) break;
      if (!state.started) {
        await handBack(state, task);
        break;
      }
      launch(state, task);
    }
  } catch (err) {
    state.logger.error({ err: toAppError(err).message }, 'claiming a task failed');
  }
}

/** Starts a claimed task in a slot; when it is recorded the slot frees and the loop claims again. */
function launch(state: WorkerState, task: TaskRecord): void {
  const low = task.priority === 'low';
  if (low) state.lowRunning += 1;
  const p: Promise<void> = runTask(state, task).finally(() => {
    state.running.delete(p);
    if (low) state.lowRunning -= 1;
    void pump(state);
  });
  state.running.add(p);
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

async function stop(state: WorkerState, deadlineMs: number): Promise<number> {
  state.started = false;
  state.stopping = true;
  state.unsubscribe?.();
  if (state.poll) clearInterval(state.poll);
  await within(
    deadlineMs,
    (async () => {
      await state.pumping;
      await Promise.allSettled([...state.running]);
    })(),
  );
  if (state.running.size > 0) {
    const reason = new AppError('SHUTTING_DOWN', 'worker stopped at its shutdown deadline', { retryable: true });
    for (const controller of state.controllers) controller.abort(reason);
  }
  return state.running.size;
}
