// Worker: claims tasks from the queue with bounded concurrency, runs the processor, records success, retry or failure.
import { EventEmitter } from 'node:events';
import type { Logger } from '../logger.js';
import { AppError, toAppError } from '../errors.js';
import type { TaskQueue, TaskRecord } from '../domain.js';

export interface WorkerOptions {
  queue: TaskQueue;
  process: (task: TaskRecord) => Promise<{ record: { latency_ms: number; quality_score: number } }>;
  logger: Logger;
  /** Tasks run at once. @default 4 */
  concurrency?: number;
  /** Attempts before a retryable failure becomes final. @default 5 */
  maxAttempts?: number;
  /** A task running longer than this fails (retryably). @default 300000 */
  taskTimeoutMs?: number;
  /** Backoff for retryable failures without a Retry-After. */
  backoff?: { baseDelayMs: number; maxDelayMs: number };
  /**
   * Errors that mean "not yet" rather than "broken" (a conversation still in after-call work): retried past
   * maxAttempts, with growing delays, until the task is `windowMs` old. @default CONVERSATION_NOT_ENDED for 6 h
   */
  patience?: { codes: string[]; windowMs: number; maxDelayMs: number };
  /** Safety poll for tasks whose retry time has come. @default 1000 */
  pollIntervalMs?: number;
  now?: () => number;
}

export interface Worker {
  start(): void;
  /** Stops claiming; waits up to `deadlineMs` for running tasks. Returns how many were still running. */
  stop(deadlineMs: number): Promise<number>;
  /** Emits 'settled' (task) when a task completes or fails for good. */
  readonly events: EventEmitter;
  active(): number;
}

/** Capped, jittered exponential backoff ("full jitter" over the upper half). */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new AppError('INTERNAL', `task exceeded ${ms} ms`, { retryable: true })), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Creates a worker; call start() once the queue has recovered. */
export function createWorker(options: WorkerOptions): Worker {
  const { queue, logger } = options;
  const concurrency = options.concurrency ?? 4;
  const maxAttempts = options.maxAttempts ?? 5;
  const taskTimeoutMs = options.taskTimeoutMs ?? 300_000;
  const backoff = options.backoff ?? { baseDelayMs: 2000, maxDelayMs: 60_000 };
  const now = options.now ?? Date.now;
  const patience = options.patience ?? { codes: ['CONVERSATION_NOT_ENDED'], windowMs: 6 * 3600_000, maxDelayMs: 60_000 };
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
    if (error.code === 'CONTENT_TOO_SHORT') {
      const skipped = await queue.skip(task.task_id, { code: error.code, message: error.message });
      log.info({ code: error.code }, 'task skipped: nothing to summarize');
      events.emit('settled', skipped);
      return;
    }
    const patient = patience.codes.includes(error.code) && now() - Date.parse(task.created_at) < patience.windowMs;
    if (error.retryable && (task.attempts < maxAttempts || patient)) {
      const delay = patient
        ? backoffDelay(task.attempts, error.retryAfterMs ?? backoff.baseDelayMs, patience.maxDelayMs)
        : (error.retryAfterMs ?? backoffDelay(task.attempts, backoff.baseDelayMs, backoff.maxDelayMs));
      await queue.fail(task.task_id, { code: error.code, message: error.message }, now() + delay);
      log.warn({ code: error.code, attempt: task.attempts, retryInMs: delay }, 'task will be retried');
      return;
    }
    const failed = await queue.fail(task.task_id, { code: error.code, message: error.message });
    log.error({ code: error.code, attempts: task.attempts }, 'task failed');
    events.emit('settled', failed);
  }

  async function run(task: TaskRecord): Promise<void> {
    try {
      const { record } = await withTimeout(options.process(task), taskTimeoutMs);
      const done = await queue.complete(task.task_id, { latencyMs: record.latency_ms, qualityScore: record.quality_score });
      events.emit('settled', done);
    } catch (err) {
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
      const deadline = new Promise<'timeout'>((resolve) => setTimeout(resolve, deadlineMs, 'timeout').unref());
      await Promise.race([Promise.allSettled([...running]), deadline]);
      return running.size;
    },
  };
}
