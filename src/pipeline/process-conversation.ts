// The one use case: a task's conversation → confirm ended → transcript → summarize (redact, LLM, validate, score) → store.
import type { Logger } from '../logger.js';
import { AppError } from '../errors.js';
import type { ConversationInfo, SummaryRecord, TaskRecord, Transcript, WrapupCode } from '../domain.js';
import type { ConversationSource, GeneratedSummary, Metrics, SummaryEngine, SummaryStore, TaskQueue } from '../ports.js';
import { whenStoreAnswers } from './when-store-answers.js';

/** Where a queue's wrap-up codes come from (genesys/wrapup-codes.ts createWrapupCodeCache). */
export interface WrapupCodeSource {
  forQueue(queueId: string): Promise<WrapupCode[]>;
}

export interface ProcessorDeps {
  source: ConversationSource;
  engine: SummaryEngine;
  summaries: SummaryStore;
  logger: Logger;
  /** The conversation's queues' wrap-up codes, offered to the summarizer; omitted → no wrap-up code is chosen. */
  wrapupCodes?: WrapupCodeSource | undefined;
  /**
   * The task queue, re-read before asking the model and before storing: a run whose task was meanwhile re-queued (it
   * timed out) or claimed again (its claim lapsed: `holdsClaim`) neither asks nor writes a second summary. Omitted →
   * no ownership check (tests, the harness).
   */
  tasks?: Pick<TaskQueue, 'get' | 'holdsClaim'> | undefined;
  /** Wait before re-checking a conversation that is not over yet. @default 5000 */
  notEndedRetryMs?: number;
  /** @default Date.now */
  now?: () => number;
  /**
   * How long a summary in hand waits for an unavailable store (a Redis restart, a busy SQLite file) before the run
   * gives up and the task is retried, which costs a second model call (the summary was never stored). @default 15000
   */
  storeRetryMs?: number;
  /** Where stored summaries are measured (stages, quality, tokens, redactions). @default none */
  metrics?: Metrics | undefined;
}

export interface ProcessResult {
  record: SummaryRecord;
}

/** A step's name and its duration, measured with the same clock for every stage. */
async function timed<T>(stages: Record<string, number>, name: string, now: () => number, fn: () => Promise<T>): Promise<T> {
  const started = now();
  try {
    return await fn();
  } finally {
    stages[name] = now() - started;
  }
}

/** Builds the processor the worker runs for each claimed task. */
export function createConversationProcessor(deps: ProcessorDeps) {
  const now = deps.now ?? Date.now;
  const notEndedRetryMs = deps.notEndedRetryMs ?? 5000;

  /**
   * Runs one task. `signal` (from the worker) aborts between stages: an aborted run throws and never stores.
   * `run.lastChance`: the task's retry window for an unavailable LLM is over (the engine may fall back).
   */
  return async function processConversation(task: TaskRecord, signal?: AbortSignal, run: { lastChance?: boolean } = {}): Promise<ProcessResult> {
    const log = deps.logger.child({ conversationId: task.conversation_id, taskId: task.task_id });
    const stored = await storedByThisTask(deps, task);
    if (stored) {
      log.info({ attempt: task.attempts }, 'summary already stored by this task (its completion was not recorded); completed without asking the model');
      return { record: stored };
    }
    const started = now();
    const stages: Record<string, number> = {};
    const info = await timed(stages, 'fetch_conversation', now, () => deps.source.getConversation(task.conversation_id));
    checkAborted(signal);
    if (!info.endTime) {
      throw new AppError('CONVERSATION_NOT_ENDED', 'conversation is still active; will retry when it ends', {
        retryable: true,
        retryAfterMs: notEndedRetryMs,
      });
    }
    const transcript = await timed(stages, 'fetch_transcript', now, () => deps.source.getTranscript(info, signal));
    checkAborted(signal);
    log.debug({ turns: transcript.turns.length, mediaType: transcript.mediaType }, 'transcript fetched');
    const allowedWrapupCodes = await timed(stages, 'wrapup_codes', now, () => codesFor(info, deps, log));
    // The last moment a run that lost its task (a lapsed claim) can step back before the model is paid for.
    await ensureOwner(deps, task, signal, log, { claim: true });
    const generated = await timed(stages, 'summarize', now, () =>
      deps.engine.generate(transcript, {
        maxLength: task.max_length,
        queueId: info.queueIds[0],
        allowedWrapupCodes,
        lastChance: run.lastChance === true,
        ...(signal ? { signal } : {}),
      }),
    );
    const record = toRecord(task, transcript, generated, stages, now() - started, new Date(now()).toISOString());
    await timed(stages, 'store', now, () => storeWhenAvailable(deps, task, record, signal, log));
    deps.metrics?.summaryStored(record, stages, info.endTime);
    log.info(
      {
        model: record.model,
        qualityScore: record.quality_score,
        latencyMs: record.latency_ms,
        repaired: record.repaired,
        adjustments: record.adjustments,
        fallback: record.fallback_reason?.code,
      },
      'summary stored',
    );
    return { record };
  };
}

/**
 * The model has answered: a store that blinks must not cost a second model call. The ownership check and the write
 * run again while the store answers STORE_UNAVAILABLE (when-store-answers.ts), up to `storeRetryMs` or the run's own
 * timeout; the ownership check comes first on every try, so a run that lost its task meanwhile never writes.
 */
async function storeWhenAvailable(deps: ProcessorDeps, task: TaskRecord, record: SummaryRecord, signal: AbortSignal | undefined, log: Logger): Promise<void> {
  const write = async (): Promise<void> => {
    await ensureOwner(deps, task, signal, log);
    await deps.summaries.put(record);
  };
  await whenStoreAnswers(write, { deadlineMs: deps.storeRetryMs ?? 15_000, signal, log, what: 'writing the summary in hand' });
}

/**
 * The summary this task already stored, if any: an earlier run of it stored its summary and then could not record
 * the completion (the store went away in between), so this run completes it instead of asking the model again. Only
 * a summary carrying this task's id counts: a forced re-run is a task of its own (its key names the summary it replaces),
 * and an event revives only a failed task, whose summary, if it has one, is exactly such an unrecorded completion.
 */
async function storedByThisTask(deps: ProcessorDeps, task: TaskRecord): Promise<SummaryRecord | undefined> {
  const existing = await deps.summaries.get(task.conversation_id, task.max_length);
  return existing?.task_id === task.task_id && existing.max_length === task.max_length ? existing : undefined;
}

/**
 * Throws when the run was aborted (timed out) or the task is no longer this run's (its record re-queued or claimed
 * again; with `claim`, also when the queue says this run's claim lapsed): never ask the model or store then. The
 * claim is asked about only before asking the model: an answer already paid for is stored while the record is still
 * this attempt's, even when the lock lapsed meanwhile, so the run that takes the task over completes from it.
 */
async function ensureOwner(deps: ProcessorDeps, task: TaskRecord, signal: AbortSignal | undefined, log: Logger, check: { claim?: boolean } = {}): Promise<void> {
  checkAborted(signal);
  if (!deps.tasks) return;
  const current = await deps.tasks.get(task.task_id);
  checkAborted(signal);
  const owned = current?.status === 'processing' && current.attempts === task.attempts;
  if (owned && (!check.claim || !deps.tasks.holdsClaim || (await deps.tasks.holdsClaim(task.task_id)))) return;
  log.warn({ attempts: task.attempts, status: current?.status, currentAttempts: current?.attempts, claimHeld: owned ? false : undefined }, 'task no longer owned by this run; nothing asked or stored');
  throw new AppError('INTERNAL', 'task was re-queued or claimed again; result discarded', { details: { superseded: true } });
}

/** Throws the abort reason (the worker's timeout error) once the run was aborted. */
function checkAborted(signal: AbortSignal | undefined): void {
  if (!signal?.aborted) return;
  throw signal.reason instanceof AppError ? signal.reason : new AppError('INTERNAL', 'task run aborted', { retryable: true });
}

/**
 * The union of the wrap-up codes of every queue the conversation went through (deduplicated by id). A lookup
 * failure is logged and costs only the wrap-up code (null), never the summary.
 */
async function codesFor(info: ConversationInfo, deps: ProcessorDeps, log: Logger): Promise<WrapupCode[]> {
  if (!deps.wrapupCodes || info.queueIds.length === 0) return [];
  const byId = new Map<string, WrapupCode>();
  for (const queueId of new Set(info.queueIds)) {
    try {
      for (const code of await deps.wrapupCodes.forQueue(queueId)) if (!byId.has(code.id)) byId.set(code.id, code);
    } catch (err) {
      log.warn({ queueId, code: (err as { code?: unknown }).code }, 'wrap-up codes unavailable; summarizing without them');
    }
  }
  return [...byId.values()];
}

function toRecord(
  task: TaskRecord,
  transcript: Transcript,
  generated: GeneratedSummary,
  stages: Record<string, number>,
  latencyMs: number,
  createdAt: string,
): SummaryRecord {
  const stageLatency: Record<string, number> = { ...stages };
  for (const [name, ms] of Object.entries(generated.stage_latency_ms)) stageLatency[`summarize.${name}`] = ms;
  const { wrapup_code_id: _chosen, ...fields } = generated.fields;
  return {
    schema_version: 2,
    conversation_id: task.conversation_id,
    task_id: task.task_id,
    ...fields,
    wrapup_code: generated.wrapup_code,
    media_type: transcript.mediaType,
    max_length: task.max_length,
    model: generated.model,
    template: generated.template,
    route: generated.route,
    quality_score: generated.quality_score,
    quality: generated.quality,
    redactions: generated.redactions,
    repaired: generated.repaired,
    latency_ms: latencyMs,
    stage_latency_ms: stageLatency,
    turn_count: transcript.turns.length,
    created_at: createdAt,
    ...(generated.chunks === undefined ? {} : { chunks: generated.chunks }),
    ...(generated.usage === undefined ? {} : { usage: generated.usage }),
    ...(generated.cost_usd === undefined ? {} : { cost_usd: generated.cost_usd }),
    ...(generated.ungrounded === undefined ? {} : { ungrounded: generated.ungrounded }),
    ...(generated.adjustments?.length ? { adjustments: generated.adjustments } : {}),
    ...(generated.fallback ? { fallback: generated.fallback.kind, fallback_reason: generated.fallback.reason } : {}),
    ...(generated.injection ? { injection: generated.injection } : {}),
  };
}
