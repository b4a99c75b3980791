// Plain shared types (conversations, transcripts, summaries, tasks) and their zod schemas. Imports nothing internal.
import { z } from 'zod';

/** Genesys ids are UUIDs; the HTTP layer rejects anything else with 400. */
export const ConversationIdSchema = z.uuid();
export type ConversationId = string;

export type MediaType = 'voice' | 'message' | 'email' | 'chat' | 'callback' | 'unknown';

/** Who spoke a turn, normalized across voice (STA participantPurpose), messaging and email. */
export type Speaker = 'agent' | 'customer' | 'ivr' | 'bot' | 'system';

export interface Turn {
  speaker: Speaker;
  text: string;
  /** ISO-8601 time the turn started (voice) or was sent (messaging, email). */
  at: string;
}

/** A conversation's content, normalized: what every summarizer consumes. */
export interface Transcript {
  conversationId: ConversationId;
  mediaType: MediaType;
  /** BCP-47 tag when the source says (STA `language`), else undefined. */
  language?: string | undefined;
  turns: Turn[];
}

/** What the pipeline needs to know about a conversation before fetching its content. */
export interface ConversationInfo {
  conversationId: ConversationId;
  startTime: string;
  /** null while the conversation is still active. */
  endTime: string | null;
  mediaType: MediaType;
  queueIds: string[];
  participantCount: number;
  /** Communication ids per media session, used to fetch voice transcripts. */
  communications: Array<{ id: string; mediaType: MediaType; participantPurpose: string }>;
  /** Normalized addresses of the customer-side participants (email attribution); PII, never logged. Absent: the source fetches them. */
  customerAddresses?: string[];
}

/** Where a request for a summary came from. */
export const TaskSourceSchema = z.enum(['socket', 'api', 'webhook', 'backfill']);
export type TaskSource = z.infer<typeof TaskSourceSchema>;

export const SentimentSchema = z.enum(['positive', 'neutral', 'negative', 'mixed']);
export type Sentiment = z.infer<typeof SentimentSchema>;

/** How the conversation ended, as the summarizer judged it. */
export const ResolutionStatusSchema = z.enum(['resolved', 'unresolved', 'escalated', 'follow_up_needed']);
export type ResolutionStatus = z.infer<typeof ResolutionStatusSchema>;
/** Stored status: the model's, or `unknown` for records migrated from v1 (which only had free text). */
export const StoredResolutionStatusSchema = z.enum([...ResolutionStatusSchema.options, 'unknown']);
export type StoredResolutionStatus = z.infer<typeof StoredResolutionStatusSchema>;

export const FollowUpSchema = z.object({
  action: z.string().min(1),
  owner: z.enum(['agent', 'customer', 'team']),
  /** Free text as stated ("within 3 business days", "2024-05-03"), or null. */
  due: z.string().nullable(),
});
export type FollowUp = z.infer<typeof FollowUpSchema>;

/** Non-personal things the conversation was about (never names, contact data or account numbers). */
export const EntitySchema = z.object({
  type: z.enum(['product', 'plan', 'order_reference', 'other']),
  value: z.string().min(1),
});
export type Entity = z.infer<typeof EntitySchema>;

export const ConfidenceSchema = z.object({
  summary: z.number().min(0).max(1),
  intent: z.number().min(0).max(1),
  resolution: z.number().min(0).max(1),
  wrapup_code: z.number().min(0).max(1),
});
export type Confidence = z.infer<typeof ConfidenceSchema>;

/** A Genesys wrap-up code as offered to the summarizer and stored with the summary. */
export const WrapupCodeSchema = z.object({ id: z.string().min(1), name: z.string() });
export type WrapupCode = z.infer<typeof WrapupCodeSchema>;

/** The structured fields a summarizer produces (LLM output schema v2; snake_case like the tutorial's wire contract). */
export const SummaryFieldsSchema = z.object({
  headline: z.string().min(1),
  summary: z.string().min(1),
  intent: z.string().min(1),
  resolution: z.object({ status: ResolutionStatusSchema, text: z.string().min(1) }),
  follow_up_actions: z.array(FollowUpSchema),
  sentiment: z.object({ start: SentimentSchema, end: SentimentSchema }),
  topics: z.array(z.string().min(1)).max(8),
  entities: z.array(EntitySchema),
  /** BCP-47 tag of the language the summary is written in. */
  language: z.string().min(2),
  /** One of the allowed wrap-up code ids, or null. */
  wrapup_code_id: z.string().nullable(),
  confidence: ConfidenceSchema,
});
export type SummaryFields = z.infer<typeof SummaryFieldsSchema>;

export const TokenUsageSchema = z.object({
  prompt_tokens: z.number().int().nonnegative(),
  completion_tokens: z.number().int().nonnegative(),
  total_tokens: z.number().int().nonnegative(),
});
export type TokenUsage = z.infer<typeof TokenUsageSchema>;

/** Template provenance: which prompt made a summary (id, version, first 12 hex of the file's sha256). */
export const TemplateRefSchema = z.object({ id: z.string(), version: z.string(), hash: z.string() });
export type TemplateRef = z.infer<typeof TemplateRefSchema>;

/** What a template was chosen by (queue, media type, language); lets staleness be judged later. */
export const TemplateRouteSchema = z.object({ queue_id: z.string().nullable(), media_type: z.string(), language: z.string() });
export type TemplateRoute = z.infer<typeof TemplateRouteSchema>;

/** The stored form of the fields: `wrapup_code` resolved to {id, name}; `unknown` status and no confidence for migrated records. */
const StoredFieldsSchema = SummaryFieldsSchema.omit({ wrapup_code_id: true, resolution: true, confidence: true }).extend({
  resolution: z.object({ status: StoredResolutionStatusSchema, text: z.string().min(1) }),
  wrapup_code: WrapupCodeSchema.nullable(),
  confidence: ConfidenceSchema.optional(),
});

export const TaskErrorSchema = z.object({
  code: z.string(),
  message: z.string(),
  /** Whether the error that ended the task was retryable (it failed for good only because its retry window ran out). */
  retryable: z.boolean().optional(),
  /** The failed check's figures (field, length and limit; schema paths; PII types) — never text. */
  details: z.record(z.string(), z.unknown()).optional(),
});
export type TaskError = z.infer<typeof TaskErrorSchema>;

/**
 * Passages of customer text that addressed the model (prompt injection) and what became of them: how many, their
 * kinds (override, demand, identifiers, html_comment), and how many model answers were rejected for obeying them.
 * Never the passage text.
 */
export const InjectionFlagsSchema = z.object({
  passages: z.number().int().positive(),
  kinds: z.array(z.string()),
  rejected_answers: z.number().int().nonnegative(),
});
export type InjectionFlags = z.infer<typeof InjectionFlagsSchema>;

/** A validated, scored summary as stored and served. `schema_version` lets readers migrate older records. */
export const SummaryRecordSchema = StoredFieldsSchema.extend({
  schema_version: z.literal(2),
  conversation_id: z.string(),
  task_id: z.string(),
  media_type: z.string(),
  max_length: z.number().int().positive(),
  model: z.string(),
  template: TemplateRefSchema,
  route: TemplateRouteSchema.optional(),
  quality_score: z.number().min(0).max(1),
  quality: z.record(z.string(), z.number()),
  /** Counts of redacted PII by type, never the values. */
  redactions: z.record(z.string(), z.number().int().nonnegative()),
  repaired: z.boolean(),
  latency_ms: z.number().nonnegative(),
  stage_latency_ms: z.record(z.string(), z.number().nonnegative()),
  turn_count: z.number().int().nonnegative(),
  created_at: z.string(),
  /** Number of transcript chunks condensed before summarizing (absent when the transcript fit the budget). */
  chunks: z.number().int().positive().optional(),
  usage: TokenUsageSchema.optional(),
  cost_usd: z.number().nonnegative().optional(),
  /** Summary statements the grounding check could not find support for in the transcript. */
  ungrounded: z.array(z.string()).optional(),
  /** What was changed locally to keep the answer (e.g. `headline_shortened`, `json_extracted`); absent when nothing. */
  adjustments: z.array(z.string()).optional(),
  /** Set when the LLM failed for good and the offline extractive summarizer wrote this summary instead. */
  fallback: z.literal('extractive').optional(),
  /** Why the LLM's answer was not used (with `fallback`). */
  fallback_reason: TaskErrorSchema.optional(),
  /** Set when the transcript held passages addressing the model (fenced as untrusted, checked in the answer). */
  injection: InjectionFlagsSchema.optional(),
});
export type SummaryRecord = z.infer<typeof SummaryRecordSchema>;

/** `skipped`: nothing worth summarizing (too little content); final, like completed. */
export const TaskStatusSchema = z.enum(['pending', 'processing', 'completed', 'failed', 'skipped']);
export type TaskStatus = z.infer<typeof TaskStatusSchema>;


/**
 * Claim order: `low` is work a client's read started (source `api`), claimed only when no event work (socket, webhook,
 * backfill) is claimable, so a burst of reads never delays a conversation that just ended.
 */
export const TaskPrioritySchema = z.enum(['normal', 'low']);
export type TaskPriority = z.infer<typeof TaskPrioritySchema>;

/** A unit of summarization work, persisted before it is acknowledged. */
export const TaskRecordSchema = z.object({
  schema_version: z.literal(1),
  task_id: z.string(),
  /** Same key → same task: at most one summarization per key. */
  idempotency_key: z.string(),
  conversation_id: z.string(),
  status: TaskStatusSchema,
  source: TaskSourceSchema,
  max_length: z.number().int().positive(),
  attempts: z.number().int().nonnegative(),
  /** Epoch ms before which a retried task is not claimed. */
  not_before: z.number().optional(),
  created_at: z.string(),
  updated_at: z.string(),
  error: TaskErrorSchema.optional(),
  latency_ms: z.number().optional(),
  quality_score: z.number().optional(),
  /** Times an event (socket, webhook, backfill) revived this task after it failed for good; capped by the service. */
  revivals: z.number().int().nonnegative().optional(),
  /** Absent means `normal` (and for records written before priorities existed). */
  priority: TaskPrioritySchema.optional(),
});
export type TaskRecord = z.infer<typeof TaskRecordSchema>;

/** A task that will not change by itself any more (completed, failed or skipped). */
export function isTaskSettled(task: Pick<TaskRecord, 'status'>): boolean {
  return task.status !== 'pending' && task.status !== 'processing';
}

/**
 * Error codes of transient causes (an outage, a slow upstream, a conversation not over yet): the worker retries them
 * within a time window, and a later event about the conversation revives a task that failed with one of them.
 */
export const TRANSIENT_ERROR_CODES: readonly string[] = [
  'CONVERSATION_NOT_ENDED',
  'TRANSCRIPT_UNAVAILABLE',
  'LLM_UNAVAILABLE',
  'GENESYS_UNAVAILABLE',
  'RATE_LIMITED',
  'STORE_UNAVAILABLE',
  'GENESYS_AUTH_FAILED',
  'INTERNAL',
];

/**
 * True when a failed task failed for a transient reason (never content failures such as TOO_LONG or PII_IN_OUTPUT):
 * its error says `retryable: true` (records written before that field existed do not count) and has a transient code.
 */
export function hasTransientFailure(task: Pick<TaskRecord, 'status' | 'error'>): boolean {
  const error = task.error;
  return task.status === 'failed' && error !== undefined && error.retryable === true && TRANSIENT_ERROR_CODES.includes(error.code);
}

/** What an outbound webhook tells a CRM about: a task that completed, was skipped, or failed for good. */
export const DeliveryEventTypeSchema = z.enum(['summary.completed', 'summary.skipped', 'summary.failed']);
export type DeliveryEventType = z.infer<typeof DeliveryEventTypeSchema>;

/** One try at sending a delivery: when, how it went (an HTTP status, or a transport error's code), how long it took. */
export const DeliveryAttemptSchema = z.object({
  at: z.string(),
  status_code: z.number().int().optional(),
  /** `TIMEOUT`, `CONNECTION_REFUSED`, `REDIRECT`, … when no 2xx came back; never a response body. */
  error: z.string().optional(),
  duration_ms: z.number().nonnegative(),
});
export type DeliveryAttempt = z.infer<typeof DeliveryAttemptSchema>;

/** Attempts a delivery record keeps in its log (the oldest are dropped; `attempts` still counts them all). */
export const DELIVERY_LOG_LIMIT = 20;

const DeliveryRecordV1Schema = z.object({
  schema_version: z.literal(1),
  /** The delivery's id (one per event and endpoint); `task_id` because the queue machinery keys records by it. */
  task_id: z.string(),
  /** `<event_id>:<endpoint>`: an event is queued once per endpoint, however often it is reported. */
  idempotency_key: z.string(),
  /** The `webhook-id` header: the same on every attempt, so receivers de-duplicate by it. */
  event_id: z.string(),
  event_type: DeliveryEventTypeSchema,
  conversation_id: z.string(),
  /** The endpoint's configured name (its URL and secret stay in the configuration). */
  endpoint: z.string(),
  /** pending · processing · completed (delivered) · failed (gave up, or the endpoint is disabled). */
  status: TaskStatusSchema,
  /** The exact JSON body sent on every attempt (signed anew each time: the timestamp changes). */
  payload: z.string(),
  attempts: z.number().int().nonnegative(),
  /** The last DELIVERY_LOG_LIMIT attempts, oldest first. */
  attempt_log: z.array(DeliveryAttemptSchema).default([]),
  not_before: z.number().optional(),
  created_at: z.string(),
  updated_at: z.string(),
  delivered_at: z.string().optional(),
  /** Why the last attempt failed, or why delivery stopped. */
  error: TaskErrorSchema.optional(),
  priority: TaskPrioritySchema.optional(),
});

/**
 * A queued outbound webhook as stored (zod-parsed on read). Older shapes are migrated here before the parse (today:
 * a record without `schema_version` or `attempt_log` reads as version 1 with an empty log); a record that still does
 * not parse is reported and skipped by the store, never thrown at a caller.
 */
export const DeliveryRecordSchema = z.preprocess(
  (raw) => (raw && typeof raw === 'object' && !('schema_version' in raw) ? { ...raw, schema_version: 1 } : raw),
  DeliveryRecordV1Schema,
);
export type DeliveryRecord = z.infer<typeof DeliveryRecordV1Schema>;
