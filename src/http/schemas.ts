// Zod schemas of the HTTP API (requests and responses, snake_case per the tutorial contract); they also feed OpenAPI.
import { z } from '@hono/zod-openapi';
import type { ErrorCode } from '../errors.js';
import { STATUS_BY_CODE } from './problem.js';
import {
  ConfidenceSchema,
  EntitySchema,
  InjectionFlagsSchema,
  FollowUpSchema,
  SentimentSchema,
  StoredResolutionStatusSchema,
  TaskStatusSchema,
  TemplateRefSchema,
  TokenUsageSchema,
  WrapupCodeSchema,
} from '../domain.js';

const uuidExample = '5b0c8a0e-3c1f-4a55-9d57-1b8f6f7c2a10';
/** Genesys ids are lower-case UUIDs; any case is accepted and folded, so one conversation never gets two keys. */
const genesysId = () => z.uuid().transform((id) => id.toLowerCase());
const maxLength = z.number().int().min(50).max(5000);
/** Query strings are text: digits only, then the same range checks as JSON numbers. */
const queryInt = (schema: z.ZodNumber) => z.string().regex(/^\d+$/, 'must be a non-negative integer').transform(Number).pipe(schema);

export const ConversationParamsSchema = z.object({
  conversation_id: genesysId().openapi({ param: { name: 'conversation_id', in: 'path' }, example: uuidExample }),
});

export const TaskParamsSchema = z.object({
  task_id: genesysId().openapi({ param: { name: 'task_id', in: 'path' }, example: uuidExample }),
});

export const SubmitBodySchema = z
  .object({
    conversation_id: genesysId().openapi({ example: uuidExample }),
    max_length: maxLength.optional().openapi({ description: 'Longest acceptable summary, in characters' }),
    force: z.boolean().optional().openapi({ description: 'Summarize again even if a summary is stored' }),
  })
  .openapi('SubmitRequest');

export const SummaryQuerySchema = z.object({
  wait: queryInt(z.number().int().min(0))
    .optional()
    .openapi({ param: { name: 'wait', in: 'query' }, description: 'Milliseconds to wait for a live summary' }),
  max_length: queryInt(maxLength).optional().openapi({ param: { name: 'max_length', in: 'query' } }),
});

/**
 * A summary on the wire. The tutorial's fields keep their v1 types (`resolution` is the resolution text,
 * `follow_up_actions` the action texts, `sentiment` the sentiment at the end); the richer v2 fields sit beside them.
 */
const SummaryFieldsSchema = z.object({
  conversation_id: z.string(),
  summary: z.string(),
  intent: z.string(),
  resolution: z.string().openapi({ description: 'What was done or decided (text of the structured resolution)' }),
  follow_up_actions: z.array(z.string()).openapi({ description: 'Follow-up action texts (see follow_ups for owner and due)' }),
  sentiment: SentimentSchema.describe("The customer's sentiment at the end (see sentiment_start)"),
  quality_score: z.number(),
  model: z.string(),
  created_at: z.string(),
  latency_ms: z.number(),
  max_length: z.number().int(),
  language: z.string().optional(),
  redactions: z.record(z.string(), z.number().int()),
  headline: z.string().openapi({ description: 'Title of at most 80 characters' }),
  resolution_status: StoredResolutionStatusSchema.describe('`unknown` only for summaries written before v2'),
  follow_ups: z.array(FollowUpSchema),
  sentiment_start: SentimentSchema,
  sentiment_end: SentimentSchema,
  topics: z.array(z.string()),
  entities: z.array(EntitySchema),
  wrapup_code: WrapupCodeSchema.nullable().describe("Chosen from the queue's Genesys wrap-up codes, or null"),
  confidence: ConfidenceSchema.nullable().describe('Per-field confidence 0..1; null for summaries written before v2'),
  template: TemplateRefSchema,
  stale: z.boolean().openapi({ description: 'The prompt template routing now picks differs from the one that wrote this summary' }),
  quality: z.record(z.string(), z.number()),
  ungrounded: z.array(z.string()).optional().openapi({ description: 'Summary facts not found in the transcript' }),
  usage: TokenUsageSchema.optional(),
  cost_usd: z.number().optional(),
  chunks: z.number().int().optional().openapi({ description: 'Transcript chunks condensed first (long conversations)' }),
  adjustments: z
    .array(z.string())
    .optional()
    .openapi({ description: 'What was changed locally to keep the model answer, e.g. headline_shortened, json_extracted, summary_shortened' }),
  fallback: z.literal('extractive').optional().openapi({ description: 'Present when the LLM failed for good and the offline summarizer wrote this summary' }),
  fallback_reason: z
    .object({ code: z.string(), message: z.string(), details: z.record(z.string(), z.unknown()).optional() })
    .optional()
    .openapi({ description: "Why the LLM's answer was not used (with fallback)" }),
  injection: InjectionFlagsSchema.optional().openapi({
    description:
      'Present when customer text addressed the model (prompt injection): passages found (fenced as untrusted in the prompt), their kinds, and answers rejected with INJECTION_IN_OUTPUT for obeying them; never the text',
  }),
});

export const SummaryResponseSchema = SummaryFieldsSchema.extend({
  task_id: z.string(),
  status: z.literal('completed'),
  source: z.enum(['cache', 'live']),
}).openapi('Summary');

const TaskErrorBodySchema = z.object({
  code: z.string(),
  message: z.string(),
  retryable: z.boolean().optional(),
  details: z.record(z.string(), z.unknown()).optional().openapi({ description: 'The failed check and its figures (never text)' }),
});

export const TaskAcceptedSchema = z
  .object({
    task_id: z.string(),
    status: TaskStatusSchema,
    conversation_id: z.string(),
    poll_url: z.string().openapi({ example: `/api/summary/status/${uuidExample}` }),
    retry_at: z.string().optional().openapi({ description: 'When a task waiting after a failed attempt runs again' }),
    last_error: TaskErrorBodySchema.optional().openapi({ description: 'Why the last attempt failed (the task will run again at retry_at)' }),
  })
  .openapi('TaskAccepted');

export const TaskStatusResponseSchema = SummaryFieldsSchema.partial()
  .extend({
    task_id: z.string(),
    conversation_id: z.string(),
    status: TaskStatusSchema,
    attempts: z.number().int(),
    created_at: z.string(),
    updated_at: z.string(),
    error: TaskErrorBodySchema.optional(),
    retry_at: z.string().optional(),
  })
  .openapi('TaskStatus');

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: z.enum(Object.keys(STATUS_BY_CODE) as [ErrorCode, ...ErrorCode[]]).openapi({ description: 'Stable error code; see the README for when each occurs' }),
    detail: z.string(),
    instance: z.string().optional(),
    invalid_params: z.array(z.object({ name: z.string(), reason: z.string() })).optional(),
    task_id: z.string().optional().openapi({ description: 'With a task failure: the task' }),
    task_status: TaskStatusSchema.optional(),
    attempts: z.number().int().optional(),
    retryable: z.boolean().optional().openapi({ description: 'The failure was transient (a later Genesys event may revive it)' }),
    retry_at: z.string().nullable().optional().openapi({ description: 'When the task runs again by itself; null: it will not (submit with force: true)' }),
    error_details: z.record(z.string(), z.unknown()).optional().openapi({ description: 'The failed check and its figures (never text)' }),
  })
  .openapi('Problem');

export const HealthSchema = z.object({ status: z.literal('ok') });

/**
 * The only words a public health answer may use for a check's state: a fixed vocabulary, so no id, name, error text
 * or time window can reach an unauthenticated caller.
 */
export const CHECK_STATES = [
  'up', // store answers
  'down',
  'valid', // Genesys token
  'invalid',
  'starting',
  'open', // notification channels: the worst channel's state
  'connecting',
  'reconnecting',
  'closed',
  'no_channel',
  'topics_rejected',
  'held', // channels: this replica holds the notification channels
  'standby', // another replica holds them (also notifications and backfill on that replica)
  'unheld', // nobody right now (a takeover under way)
  'idle', // backfill
  'filling',
  'failing',
  'timed_out', // the check itself
  'error',
] as const;
export const CheckStateSchema = z.enum(CHECK_STATES);
export type CheckState = z.infer<typeof CheckStateSchema>;

const readyStatus = z.enum(['ready', 'not_ready']);

/** Which replica answered, and which one holds the Genesys notification channels (null: none right now). */
export const ReplicaSchema = z
  .object({ id: z.string(), channel_holder: z.string().nullable() })
  .openapi('Replica', { description: 'REPLICA_ID (else hostname:pid) of the replica that answered, and of the channel holder' });

export const ReadySchema = z
  .object({
    status: readyStatus,
    checks: z.record(z.string(), z.object({ ok: z.boolean(), state: CheckStateSchema })),
    replica: ReplicaSchema.optional(),
  })
  .openapi('Readiness');

export const ServiceStatusSchema = z
  .object({
    status: readyStatus,
    checks: z.record(
      z.string(),
      z.object({
        ok: z.boolean(),
        state: CheckStateSchema,
        detail: z.record(z.string(), z.unknown()).optional().openapi({
          description: 'notifications: queues and channels (ids, states, expiry, rejected topics); backfill: gap and last pass; failures: the error text',
        }),
      }),
    ),
    replica: ReplicaSchema.optional(),
  })
  .openapi('ServiceStatus');

/** An OpenAPI response entry for a problem+json answer. */
export function problem(description: string) {
  return { description, content: { 'application/problem+json': { schema: ProblemSchema } } };
}
