// Worker run: runs one task through the processor under the task timeout, with an abort and a grace when it is exceeded.
import type { Logger } from '../logger.js';
import { AppError } from '../errors.js';
import { delay } from '../deadline.js';
import type { TaskRecord } from '../domain.js';

/** What the worker tells a run: `lastChance` when a retryable LLM outage would now fail the task for good. */
export interface RunContext {
  lastChance: boolean;
}

/** What the processor returns; only the scores the queue records are needed here. */
export type ProcessTask = (task: TaskRecord, signal: AbortSignal, run: RunContext) => Promise<{ record: { latency_ms: number; quality_score: number } }>;

/** What a run needs from the worker: the processor, the limits, and the set of live aborts stop() may fire. */
export interface RunDeps {
  readonly process: ProcessTask;
  readonly logger: Logger;
  readonly taskTimeoutMs: number;
  readonly abortGraceMs: number;
  /** Every running task's controller, so a stop at its deadline can abort them all. */
  readonly controllers: Set<AbortController>;
}

type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

/**
 * Runs the processor with an abort signal that fires after taskTimeoutMs. A timed-out run is aborted and then
 * awaited (at most abortGraceMs) before the timeout error is thrown, so its task is not handed back while the old
 * run may still store; a run that managed to store during the grace counts as done.
 */
export async function runWithTimeout(deps: RunDeps, task: TaskRecord, run: RunContext): Promise<Awaited<ReturnType<ProcessTask>>> {
  const controller = new AbortController();
  deps.controllers.add(controller);
  const outcome = deps
    .process(task, controller.signal, run)
    .then((value): Outcome<typeof value> => ({ ok: true, value }), (error: unknown): Outcome<never> => ({ ok: false, error }));
  const timeout = delay(deps.taskTimeoutMs, 'timeout' as const);
  try {
    const first = await Promise.race([outcome, timeout.promise]);
    if (first === 'timeout') return await abortAndWait(deps, task, controller, outcome);
    if (first.ok) return first.value;
    throw first.error;
  } finally {
    timeout.cancel();
    deps.controllers.delete(controller);
  }
}

/** Aborts a timed-out run and gives it abortGraceMs to settle: its value if it stored meanwhile, else the timeout error. */
async function abortAndWait<T>(deps: RunDeps, task: TaskRecord, controller: AbortController, outcome: Promise<Outcome<T>>): Promise<T> {
  const error = new AppError('INTERNAL', `task exceeded ${deps.taskTimeoutMs} ms`, { retryable: true });
  controller.abort(error);
  const grace = delay(deps.abortGraceMs, undefined);
  const late = await Promise.race([outcome, grace.promise]);
  grace.cancel();
  if (late?.ok) return late.value;
  if (!late) deps.logger.warn({ taskId: task.task_id, abortGraceMs: deps.abortGraceMs }, 'timed-out run did not stop within the grace; handing the task back anyway');
  throw error;
}
