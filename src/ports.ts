// The ports between modules: tiny interfaces owned by their consumers (the task queue, the summary store, the
// conversation source, the summarizer), and the metrics port every module reports to (no-op by default; the prom-client
// adapter lives in metrics/). Adapters live in store/, genesys/ and summarize/; the pipeline uses only these.
import type {
  ConversationId,
  ConversationInfo,
  SummaryFields,
  SummaryRecord,
  TaskError,
  TaskPriority,
  TaskRecord,
  TaskSource,
  TaskStatus,
  TemplateRef,
  TemplateRoute,
  TokenUsage,
  Transcript,
  WrapupCode,
} from './domain.js';

export interface EnqueueRequest {
  conversationId: ConversationId;
  idempotencyKey: string;
  maxLength: number;
  source: TaskSource;
  /** @default 'normal' */
  priority?: TaskPriority;
}

export interface ClaimOptions {
  /** Whether a low-priority task may be claimed (only ever when no normal one is claimable). @default true */
  includeLow?: boolean;
}

/**
 * The task-queue port: enqueue by idempotency key, claim, complete, fail, recover on start.
 * The embedded adapter lives in store/; a BullMQ adapter can replace it without touching the pipeline.
 */
export interface TaskQueue {
  /**
   * Persists a pending task unless one with this key exists; returns the task either way. A normal-priority request
   * joining a pending low-priority task raises it (an event about a conversation a client asked for first).
   */
  enqueue(request: EnqueueRequest): Promise<{ task: TaskRecord; created: boolean }>;
  get(taskId: string): Promise<TaskRecord | undefined>;
  findByKey(idempotencyKey: string): Promise<TaskRecord | undefined>;
  /** Moves the oldest claimable pending normal-priority task (else, if allowed, low-priority one) to processing. */
  claim(options?: ClaimOptions): Promise<TaskRecord | undefined>;
  complete(taskId: string, result: { latencyMs: number; qualityScore: number }): Promise<TaskRecord>;
  /** Fails a task for good, or (with retryAt) puts it back to pending until that time. */
  fail(taskId: string, error: TaskError, retryAt?: number): Promise<TaskRecord>;
  /** Ends a task with nothing to summarize (too little content): final, like completed, with the reason. */
  skip(taskId: string, reason: TaskError): Promise<TaskRecord>;
  /**
   * Re-queues a settled task with a fresh attempt budget (an explicit client request, or with `revival` an event
   * about its conversation, which also counts `revivals` up by one), at `priority` (else the one it had).
   */
  retry(taskId: string, options?: { revival?: boolean; priority?: TaskPriority }): Promise<TaskRecord>;
  /** On start: tasks left processing by a dead process go back to pending. Returns how many. */
  recover(): Promise<number>;
  /** Called whenever a task becomes claimable, so workers need not poll tightly. */
  onReady(listener: () => void): () => void;
  counts(): Promise<Record<TaskStatus, number>>;
}

/**
 * The summary-store port (zod-parsed on read; an unreadable record is reported, never thrown at a request). Every
 * conversation has one summary at the default length; summaries made at other lengths are kept beside it.
 */
export interface SummaryStore {
  /** Without `maxLength` (or with the default one): the conversation's summary; else the one made at exactly that length. */
  get(conversationId: ConversationId, maxLength?: number): Promise<SummaryRecord | undefined>;
  /** Stores under the record's `max_length`: the default length replaces the conversation's summary, others sit beside it. */
  put(record: SummaryRecord): Promise<void>;
  /** True when the backing store answers. */
  ping(): Promise<boolean>;
}

/** The conversation-source port: what the pipeline asks of Genesys. */
export interface ConversationSource {
  /** Throws AppError CONVERSATION_NOT_FOUND for unknown ids. */
  getConversation(conversationId: ConversationId): Promise<ConversationInfo>;
  /** Throws AppError TRANSCRIPT_UNAVAILABLE (retryable while still processing). `signal` ends its waits early. */
  getTranscript(info: ConversationInfo, signal?: AbortSignal): Promise<Transcript>;
}

/** What the summarize module returns for one transcript: validated fields plus how they were made and scored. */
export interface GeneratedSummary {
  /** The model's fields; `wrapup_code_id` is one of the allowed ids or null. */
  fields: SummaryFields;
  /** The chosen wrap-up code resolved against the allowed list, or null. */
  wrapup_code: WrapupCode | null;
  model: string;
  template: TemplateRef;
  /** What the template was chosen by. */
  route: TemplateRoute;
  language?: string | undefined;
  quality_score: number;
  quality: Record<string, number>;
  redactions: Record<string, number>;
  /** True when the first answer failed validation and a re-ask passed. */
  repaired: boolean;
  /** What was changed locally to keep the answer (form repairs, fields fitted to their limits). */
  adjustments?: string[] | undefined;
  /** The LLM failed for good: the extractive summarizer wrote these fields instead, for this reason. */
  fallback?: { kind: 'extractive'; reason: TaskError } | undefined;
  /** Milliseconds per stage inside the summarize module (redact, llm, validate, score, …). */
  stage_latency_ms: Record<string, number>;
  /** Summed over every model call (absent for the extractive summarizer). */
  usage?: TokenUsage | undefined;
  cost_usd?: number | undefined;
  /** Set when the transcript was condensed in chunks first. */
  chunks?: number | undefined;
  ungrounded?: string[] | undefined;
}

/** Per-conversation inputs of one summary. */
export interface GenerateOptions {
  maxLength: number;
  /** The conversation's (first) queue: picks the prompt template. */
  queueId?: string | undefined;
  /** Wrap-up codes the model may choose from; none → wrap-up code is null. */
  allowedWrapupCodes?: WrapupCode[] | undefined;
  /** Aborts the model requests in flight (the worker's task timeout or shutdown); generate() then rejects with its reason. */
  signal?: AbortSignal | undefined;
  /**
   * This is the task's last chance at the model (its retry window for an unavailable LLM is over): an unavailable
   * LLM then falls back to the extractive summary (when fallback is on) instead of failing. @default false
   */
  lastChance?: boolean | undefined;
}

/**
 * The summarizer port. Redacts the transcript before anything leaves for the model, repairs answers locally,
 * validates and re-asks a bounded number of times; with fallback on, an LLM that fails for good yields the extractive
 * summary (marked `fallback`). Throws AppError: LLM_UNAVAILABLE (retryable), SCHEMA_INVALID, TOO_LONG, PII_IN_OUTPUT
 * (not retryable; only with fallback off), CONTENT_TOO_SHORT (nothing to summarize: the task should be skipped).
 */
export interface SummaryEngine {
  /** The model id (`extractive` for the offline summarizer). */
  readonly model: string;
  /** The DEFAULT prompt template; its id and version are part of every task's idempotency key. */
  readonly template: TemplateRef;
  /** The template the routing picks now for this queue, media type and language (for staleness checks). */
  templateFor(route: { queueId?: string | null | undefined; mediaType: string; language?: string | undefined }): TemplateRef;
  generate(transcript: Transcript, options: GenerateOptions): Promise<GeneratedSummary>;
}

/** How a task run ended, as the worker records it (`retry`: put back to pending for a later attempt). */
export type TaskOutcome = 'completed' | 'failed' | 'skipped' | 'retry';

/**
 * The metrics port: what the modules report, in their own words. The composition root passes one value down (the
 * prom-client adapter in metrics/); modules default to NOOP_METRICS. Calls never throw and never carry text.
 */
export interface Metrics {
  /** An event about a conversation arrived: a socket snapshot, a webhook event, a conversation backfill found. */
  eventReceived(source: Exclude<TaskSource, 'api'>, topic: string, ended: boolean): void;
  /** A task run was recorded; `reason` is the error code (failed, skipped, retry). */
  taskSettled(outcome: TaskOutcome, reason?: string): void;
  /** A summary was stored: `stages` are the run's step durations (ms), `endedAt` the conversation's end (ISO). */
  summaryStored(record: SummaryRecord, stages: Readonly<Record<string, number>>, endedAt: string | null): void;
  /** One Genesys REST attempt ended with this HTTP status (undefined: no response, e.g. a network error). */
  genesysCall(operation: string, status: number | undefined): void;
  /** A notification channel came back after a drop. */
  socketReconnected(): void;
  /** The summary store's in-memory tier answered a read (hit) or had to ask the backend (miss). */
  memoryTierLookup(hit: boolean): void;
  /** One outbound webhook delivery attempt (to a CRM) ended. */
  webhookDelivery(outcome: 'delivered' | 'retry' | 'failed'): void;
}

/** The default: measures nothing. */
export const NOOP_METRICS: Metrics = Object.freeze({
  eventReceived: () => undefined,
  taskSettled: () => undefined,
  summaryStored: () => undefined,
  genesysCall: () => undefined,
  socketReconnected: () => undefined,
  memoryTierLookup: () => undefined,
  webhookDelivery: () => undefined,
});
