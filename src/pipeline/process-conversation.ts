// The one use case: a task's conversation → confirm ended → transcript → summarize (redact, LLM, validate, score) → store.
import type { Logger } from '../logger.js';
import { AppError } from '../errors.js';
import type {
  ConversationSource,
  GeneratedSummary,
  SummaryEngine,
  SummaryRecord,
  SummaryStore,
  TaskRecord,
  Transcript,
} from '../domain.js';

export interface ProcessorDeps {
  source: ConversationSource;
  engine: SummaryEngine;
  summaries: SummaryStore;
  logger: Logger;
  /** Wait before re-checking a conversation that is not over yet. @default 5000 */
  notEndedRetryMs?: number;
  /** @default Date.now */
  now?: () => number;
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

  return async function processConversation(task: TaskRecord): Promise<ProcessResult> {
    const log = deps.logger.child({ conversationId: task.conversation_id, taskId: task.task_id });
    const started = now();
    const stages: Record<string, number> = {};
    const info = await timed(stages, 'fetch_conversation', now, () => deps.source.getConversation(task.conversation_id));
    if (!info.endTime) {
      throw new AppError('CONVERSATION_NOT_ENDED', 'conversation is still active; will retry when it ends', {
        retryable: true,
        retryAfterMs: notEndedRetryMs,
      });
    }
    const transcript = await timed(stages, 'fetch_transcript', now, () => deps.source.getTranscript(info));
    log.debug({ turns: transcript.turns.length, mediaType: transcript.mediaType }, 'transcript fetched');
    const generated = await timed(stages, 'summarize', now, () =>
      deps.engine.generate(transcript, { maxLength: task.max_length }),
    );
    const record = toRecord(task, transcript, generated, stages, now() - started, new Date(now()).toISOString());
    await timed(stages, 'store', now, () => deps.summaries.put(record));
    log.info(
      { model: record.model, qualityScore: record.quality_score, latencyMs: record.latency_ms, repaired: record.repaired },
      'summary stored',
    );
    return { record };
  };
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
  return {
    schema_version: 1,
    conversation_id: task.conversation_id,
    task_id: task.task_id,
    ...generated.fields,
    media_type: transcript.mediaType,
    ...(generated.language ? { language: generated.language } : {}),
    max_length: task.max_length,
    model: generated.model,
    template: generated.template,
    quality_score: generated.quality_score,
    quality: generated.quality,
    redactions: generated.redactions,
    repaired: generated.repaired,
    latency_ms: latencyMs,
    stage_latency_ms: stageLatency,
    turn_count: transcript.turns.length,
    created_at: createdAt,
  };
}
