// Worker settle: records how a run ended in the queue (completed, skipped, retried later, or failed for good) and logs it.
import type { EventEmitter } from 'node:events';
import type { Logger } from '../logger.js';
import { AppError, isAppError, isSuperseded, toAppError } from '../errors.js';
import type { TaskError, TaskRecord } from '../domain.js';
import type { Metrics, SettleHook, TaskQueue } from '../ports.js';
import { retryDelay, type ResolvedRetryPolicy } from './worker-retry.js';
import type { RunContext } from './worker-run.js';

/** What recording an outcome needs from the worker; `stopping` is read when the run ends, not when it starts. */
export interface SettleDeps {
  readonly queue: TaskQueue;
  readonly logger: Logger;
  /** Emits 'settled' (task) when a task completes or fails for good. */
  readonly events: EventEmitter;
  readonly policy: ResolvedRetryPolicy;
  readonly now: () => number;
  readonly random: (() => number) | undefined;
  readonly metrics: Metrics;
  readonly stopping: boolean;
  /** Runs before a task settles for good (the outbox of outbound webhooks). */
  readonly beforeSettle: SettleHook | undefined;
}

/** True for the processor's "this run lost the task" error: nothing to record, the owner records. */

/** A run that stored its summary: the task is completed with its scores. */
export async function recordSuccess(deps: SettleDeps, task: TaskRecord, record: { latency_ms: number; quality_score: number }): Promise<void> {
  await deps.beforeSettle?.({ task, status: 'completed' });
  const done = await deps.queue.complete(task.task_id, { latencyMs: record.latency_ms, qualityScore: record.quality_score });
  deps.metrics.taskSettled('completed');
  deps.events.emit('settled', done);
}

/**
 * A run that threw (or whose completion could not be recorded). A superseded run and one interrupted by shutdown
 * record nothing; any other error is recorded as a failure. Never throws: a failure to record is logged.
 */
export async function recordError(deps: SettleDeps, task: TaskRecord, err: unknown, run: RunContext): Promise<void> {
  if (isSuperseded(err)) {
    deps.logger.warn({ taskId: task.task_id }, 'task run superseded by a newer attempt; its result is discarded');
    return;
  }
  if (deps.stopping || isAppError(err, 'SHUTTING_DOWN')) {
    // Never failed for good because we are going away: the task stays processing and the next start resumes it.
    deps.logger.info({ taskId: task.task_id, code: toAppError(err).code }, 'task interrupted by shutdown; left for recovery on the next start');
    return;
  }
  await recordFailure(deps, task, err, run).catch((e: unknown) =>
    deps.logger.error({ taskId: task.task_id, err: toAppError(e).message }, 'could not record task failure'),
  );
}

/** The error as the task records it: code, message and details (never the usage figures). */
function taskErrorOf(error: AppError): { taskError: TaskError; details: Record<string, unknown> | undefined } {
  const { usage: _usage, ...rest } = error.details ?? {};
  const details = Object.keys(rest).length > 0 ? rest : undefined;
  return { taskError: { code: error.code, message: error.message, ...(details ? { details } : {}) }, details };
}

/** Skipped (nothing to summarize), retried after a backoff, given one last run, or failed for good. */
async function recordFailure(deps: SettleDeps, task: TaskRecord, err: unknown, run: RunContext): Promise<void> {
  const error = toAppError(err);
  const log = deps.logger.child({ conversationId: task.conversation_id, taskId: task.task_id });
  const { taskError, details } = taskErrorOf(error);
  if (error.code === 'CONTENT_TOO_SHORT') {
    await deps.beforeSettle?.({ task, status: 'skipped', error: taskError });
    const skipped = await deps.queue.skip(task.task_id, taskError);
    deps.metrics.taskSettled('skipped', error.code);
    log.info({ code: error.code, reason: details?.reason }, 'task skipped: nothing to summarize');
    deps.events.emit('settled', skipped);
    return;
  }
  const delayMs = retryDelay(task, error, deps.policy, deps.now(), deps.random);
  if (delayMs === undefined && error.retryable && error.code === 'LLM_UNAVAILABLE' && !run.lastChance) {
    // The window closed while this run was under way: one more run at once, told it is the last chance (the engine
    // may then fall back to the extractive summary instead of failing).
    await deps.queue.fail(task.task_id, taskError, 0);
    deps.metrics.taskSettled('retry', error.code);
    log.warn({ code: error.code, attempt: task.attempts }, 'retry window over; one last run');
    return;
  }
  if (delayMs !== undefined) {
    await deps.queue.fail(task.task_id, taskError, deps.now() + delayMs);
    deps.metrics.taskSettled('retry', error.code);
    log.warn({ code: error.code, attempt: task.attempts, retryInMs: delayMs }, 'task will be retried');
    return;
  }
  await deps.beforeSettle?.({ task, status: 'failed', error: { ...taskError, retryable: error.retryable } });
  const failed = await deps.queue.fail(task.task_id, { ...taskError, retryable: error.retryable });
  deps.metrics.taskSettled('failed', error.code);
  // The check and its figures (field, length, limit; schema paths; PII types), never the text. An id Genesys does
  // not know is a client's mistake (or a guess), not our failure: info, so guessing cannot flood the error log.
  const level = error.code === 'CONVERSATION_NOT_FOUND' ? 'info' : 'error';
  log[level]({ code: error.code, attempts: task.attempts, retryable: error.retryable, ...(details ? { details } : {}) }, 'task failed');
  deps.events.emit('settled', failed);
}
