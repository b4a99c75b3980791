// Plain shared types and the ports between modules. Imports nothing internal.
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
}

/** Where a request for a summary came from. */
export const TaskSourceSchema = z.enum(['socket', 'api', 'webhook', 'backfill']);
export type TaskSource = z.infer<typeof TaskSourceSchema>;

export const SentimentSchema = z.enum(['positive', 'neutral', 'negative', 'mixed']);
export type Sentiment = z.infer<typeof SentimentSchema>;

/** The structured fields a summarizer must produce (snake_case: the tutorial's wire contract). */
export const SummaryFieldsSchema = z.object({
  summary: z.string().min(1),
  intent: z.string().min(1),
  resolution: z.string().min(1),
  follow_up_actions: z.array(z.string().min(1)),
  sentiment: SentimentSchema,
});
export type SummaryFields = z.infer<typeof SummaryFieldsSchema>;

/** A validated, scored summary as stored and served. `schema_version` lets readers migrate older records. */
export const SummaryRecordSchema = SummaryFieldsSchema.extend({
  schema_version: z.literal(1),
  conversation_id: z.string(),
  task_id: z.string(),
  media_type: z.string(),
  language: z.string().optional(),
  max_length: z.number().int().positive(),
  model: z.string(),
  template: z.object({ id: z.string(), version: z.string(), hash: z.string() }),
  quality_score: z.number().min(0).max(1),
  quality: z.record(z.string(), z.number()),
  /** Counts of redacted PII by type, never the values. */
  redactions: z.record(z.string(), z.number().int().nonnegative()),
  repaired: z.boolean(),
  latency_ms: z.number().nonnegative(),
  stage_latency_ms: z.record(z.string(), z.number().nonnegative()),
  turn_count: z.number().int().nonnegative(),
  created_at: z.string(),
});
export type SummaryRecord = z.infer<typeof SummaryRecordSchema>;

export const TaskStatusSchema = z.enum(['pending', 'processing', 'completed', 'failed']);
export type TaskStatus = z.infer<typeof TaskStatusSchema>;

export const TaskErrorSchema = z.object({ code: z.string(), message: z.string() });
export type TaskError = z.infer<typeof TaskErrorSchema>;

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
});
export type TaskRecord = z.infer<typeof TaskRecordSchema>;

export interface EnqueueRequest {
  conversationId: ConversationId;
  idempotencyKey: string;
  maxLength: number;
  source: TaskSource;
}

/**
 * The task-queue port: enqueue by idempotency key, claim, complete, fail, recover on start.
 * The embedded adapter lives in store/; a BullMQ adapter can replace it without touching the pipeline.
 */
export interface TaskQueue {
  /** Persists a pending task unless one with this key exists; returns the task either way. */
  enqueue(request: EnqueueRequest): Promise<{ task: TaskRecord; created: boolean }>;
  get(taskId: string): Promise<TaskRecord | undefined>;
  findByKey(idempotencyKey: string): Promise<TaskRecord | undefined>;
  /** Moves the oldest claimable pending task to processing and returns it. */
  claim(): Promise<TaskRecord | undefined>;
  complete(taskId: string, result: { latencyMs: number; qualityScore: number }): Promise<TaskRecord>;
  /** Fails a task for good, or (with retryAt) puts it back to pending until that time. */
  fail(taskId: string, error: TaskError, retryAt?: number): Promise<TaskRecord>;
  /** Re-queues a failed task (an explicit client request to try again). */
  retry(taskId: string): Promise<TaskRecord>;
  /** On start: tasks left processing by a dead process go back to pending. Returns how many. */
  recover(): Promise<number>;
  /** Called whenever a task becomes claimable, so workers need not poll tightly. */
  onReady(listener: () => void): () => void;
  counts(): Promise<Record<TaskStatus, number>>;
}

/** The summary-store port (zod-parsed on read; an unreadable record is reported, never thrown at a request). */
export interface SummaryStore {
  get(conversationId: ConversationId): Promise<SummaryRecord | undefined>;
  put(record: SummaryRecord): Promise<void>;
  /** True when the backing store answers. */
  ping(): Promise<boolean>;
}

/** The conversation-source port: what the pipeline asks of Genesys. */
export interface ConversationSource {
  /** Throws AppError CONVERSATION_NOT_FOUND for unknown ids. */
  getConversation(conversationId: ConversationId): Promise<ConversationInfo>;
  /** Throws AppError TRANSCRIPT_UNAVAILABLE (retryable while still processing). */
  getTranscript(info: ConversationInfo): Promise<Transcript>;
}

/** What the summarize module returns for one transcript: validated fields plus how they were made and scored. */
export interface GeneratedSummary {
  fields: SummaryFields;
  model: string;
  template: { id: string; version: string; hash: string };
  language?: string | undefined;
  quality_score: number;
  quality: Record<string, number>;
  redactions: Record<string, number>;
  /** True when the first answer failed validation and the re-ask passed. */
  repaired: boolean;
  /** Milliseconds per stage inside the summarize module (redact, llm, validate, score, …). */
  stage_latency_ms: Record<string, number>;
}

/**
 * The summarizer port. Redacts the transcript before anything leaves for the model, validates and repairs once.
 * Throws AppError: LLM_UNAVAILABLE (retryable), SCHEMA_INVALID, TOO_LONG, PII_IN_OUTPUT (not retryable).
 */
export interface SummaryEngine {
  /** The model id (`extractive` for the offline summarizer). */
  readonly model: string;
  /** The prompt template in use; its id and version are part of every task's idempotency key. */
  readonly template: { id: string; version: string; hash: string };
  generate(transcript: Transcript, options: { maxLength: number }): Promise<GeneratedSummary>;
}
