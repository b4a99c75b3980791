// Worker settle: records how a run ended in the queue (completed, skipped, retried later, or failed for good) and logs it.
import type { EventEmitter } from 'node:events';
import type { Logger } from '../logger.js';
import { AppError, isAppError, isSuperseded, toAppError } from '../errors.js';
import type { TaskError, TaskRecord } from '../domain.js';
import type { Metrics, SettleHook, TaskQueue } from '../ports.js';
import { retryDelay, type ResolvedRetryPolicy } from './worker-retry.js';
import { whenStoreAnswers } from './when-store-answers.js';
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
  /** How long a completion waits for an unavailable store before the run counts as failed (and is retried). */
  readonly settleRetryMs: number;
  /** Aborted when stop() reaches its deadline: a completion waiting for the store stops waiting. */
  readonly stopSignal: AbortSignal;
}

/**
 * A run that stored its summary: the task is completed with its scores. The outbox and the completion are tried again
 * while the store answers STORE_UNAVAILABLE (a Redis restart), up to `settleRetryMs`: a run recorded as failed here
 * would be retried and ask the model a second time. Every try after the first re-reads the task first, so a task that
 * meanwhile went to another run (another replica claimed it once this one's lock lapsed) is never settled twice:
 * that throws the superseded error, which recordError discards. Past the bound the error is thrown (the task is
 * retried, and that run finds the summary stored under its task id and completes it without asking the model).
 */
export async function recordSuccess(deps: SettleDeps, task: TaskRecord, record: { latency_ms: number; quality_score: number }): Promise<void> {
  const log = deps.logger.child({ conversationId: task.conversation_id, taskId: task.task_id });
  let tries = 0;
  const complete = async (): Promise<TaskRecord> => {
    tries += 1;
    if (tries > 1) await ensureStillThisRun(deps, task);
    await deps.beforeSettle?.({ task, status: 'completed' });
    return deps.queue.complete(task.task_id, { latencyMs: record.latency_ms, qualityScore: record.quality_score });
  };
  const done = await whenStoreAnswers(complete, { deadlineMs: deps.settleRetryMs, signal: deps.stopSignal, log, what: 'recording the completion' });
  if (tries > 1) log.info({ tries }, 'completion recorded once the store answered again');
  deps.metrics.taskSettled('completed');
  deps.events.emit('settled', done);
}

/**
 * Before completing again: the task is still this run's attempt, processing, or completed by this very attempt (a
 * try whose record write landed before the store went away). Anything else belongs to another run.
 */
async function ensureStillThisRun(deps: SettleDeps, task: TaskRecord): Promise<void> {
  const current = await deps.queue.get(task.task_id);
  if (current?.attempts === task.attempts && (current.status === 'processing' || current.status === 'completed')) return;
  throw new AppError('INTERNAL', `${task.task_id} went to another run while its completion waited for the store; not settled twice`, {
    details: { superseded: true, status: current?.status, attempts: current?.attempts },
  });
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
