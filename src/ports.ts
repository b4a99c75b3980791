// The ports between modules: tiny interfaces owned by their consumers (the task queue, the summary store, the
// conversation source, the summarizer), and the metrics port every module reports to (no-op by default; the prom-client
// adapter lives in metrics/). Adapters live in store/, genesys/ and summarize/; the pipeline uses only these.
import type {
  ConversationId,
  DeliveryAttempt,
  DeliveryEventType,
  DeliveryRecord,
  ConversationInfo,
  InjectionFlags,
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
  /**
   * The run of a task this process claimed ended without its outcome recorded (superseded, the outcome could not be
   * written, shutdown): a queue shared by several processes hands the task to the next claim now rather than keep
   * it claimed. A no-op once the outcome is recorded. Optional: the embedded queue's claims end with its process.
   */
  release?(taskId: string): Promise<void>;
  /**
   * Extends this process's claim on a task it is running and says whether it still holds it: false once the claim was
   * lost (a starved replica whose lock lapsed, so another may run the task), and the run must not ask the model.
   * Optional: the embedded queue's claims end only with its process.
   */
  holdsClaim?(taskId: string): Promise<boolean>;
  /** Called whenever a task becomes claimable, so workers need not poll tightly. */
  onReady(listener: () => void): () => void;
  counts(): Promise<Record<TaskStatus, number>>;
}

/** A task about to settle for good (the worker tells the outbox before it records the outcome). */
export interface SettledTask {
  /** The task as claimed for the run that settles it. */
  task: TaskRecord;
  status: 'completed' | 'skipped' | 'failed';
  /** Why it failed or was skipped. */
  error?: TaskError | undefined;
}

/**
 * Called before a task's final outcome is recorded, so what must follow it (outbound webhooks) is durable first.
 * A throw leaves the task unsettled: it is retried like any transient failure.
 */
export type SettleHook = (settled: SettledTask) => Promise<void>;

/** One outbound webhook to queue: an event for one endpoint. */
export interface DeliveryRequest {
  /** Stable per event (the `webhook-id`): the same event reported twice is queued once per endpoint. */
  eventId: string;
  eventType: DeliveryEventType;
  conversationId: ConversationId;
  /** The endpoint's configured name. */
  endpoint: string;
  /** The exact JSON body to send. */
  payload: string;
}

/** How an attempt ended: delivered (done), to be tried again at `retryAt`, or given up for good. */
export type DeliveryOutcome =
  | { kind: 'delivered' }
  | { kind: 'retry'; retryAt: number; error: TaskError }
  | { kind: 'failed'; error: TaskError };

/**
 * The delivery-queue port: outbound webhooks, durable like summary tasks but a kind of work of their own (their own
 * records, claim order and workers, so deliveries never hold up summaries). The embedded adapter lives in store/ (a
 * second namespace of the same store); a BullMQ adapter implements it as a second queue.
 */
export interface DeliveryQueue {
  /** Persists a pending delivery unless one with this event id and endpoint exists; returns it either way. */
  enqueue(request: DeliveryRequest): Promise<{ delivery: DeliveryRecord; created: boolean }>;
  get(deliveryId: string): Promise<DeliveryRecord | undefined>;
  /** The deliveries of one event (one per endpoint). */
  byEvent(eventId: string): Promise<DeliveryRecord[]>;
  /** The deliveries about one conversation, oldest first (the most recent 100). */
  byConversation(conversationId: ConversationId): Promise<DeliveryRecord[]>;
  /** Moves the pending delivery that is due soonest (and whose not_before has passed) to processing. */
  claim(): Promise<DeliveryRecord | undefined>;
  /** Appends the attempt to the delivery's log and applies the outcome. */
  settle(deliveryId: string, attempt: DeliveryAttempt, outcome: DeliveryOutcome): Promise<DeliveryRecord>;
  /** On start: deliveries left processing by a dead process go back to pending. Returns how many. */
  recover(): Promise<number>;
  /** Called whenever a delivery becomes claimable. */
  onReady(listener: () => void): () => void;
  counts(): Promise<Record<TaskStatus, number>>;
  /** Marks an endpoint (name and URL fingerprint) as gone (its receiver answered 410): it gets nothing more. */
  disableEndpoint(endpointKey: string, reason: TaskError): Promise<void>;
  /** Why an endpoint was disabled, or undefined while it is enabled. */
  endpointDisabled(endpointKey: string): Promise<TaskError | undefined>;
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

/**
 * Replacement notices for a conversation's stored summaries, so caches in front of the store drop (or refill) what
 * they hold. The store announces every write; the in-process adapter is store/summary-changes.ts, and a Redis pub/sub
 * adapter can carry the same notices to other replicas (they arrive there without the record).
 */
export interface SummaryChanges {
  /** Announces that a summary of `conversationId` was written; `record` is what was written, when known here. */
  replaced(conversationId: ConversationId, record?: SummaryRecord): void;
  /** Calls `listener` on every notice (this process's and, with a shared adapter, other replicas'); returns an unsubscribe. */
  onReplaced(listener: (conversationId: ConversationId, record?: SummaryRecord) => void): () => void;
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
  /** Passages of customer text that addressed the model, and answers rejected for obeying them (never text). */
  injection?: InjectionFlags | undefined;
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
