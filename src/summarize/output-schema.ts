// The summarizer's output contract v2: the zod schema (from domain.ts) and the equivalent strict JSON schema for
// response_format, built per conversation because the wrap-up code enum depends on the queue.
import { SummaryFieldsSchema, type SummaryFields, type WrapupCode } from '../domain.js';

export { SummaryFieldsSchema, type SummaryFields };

/** Name sent as `response_format.json_schema.name`. */
export const SUMMARY_SCHEMA_NAME = 'call_summary';

/** Longest accepted headline, in characters. */
export const HEADLINE_MAX = 80;
/** Most topics kept (extra ones are dropped, not re-asked). */
export const TOPICS_MAX = 8;

const SENTIMENT = { type: 'string', enum: ['positive', 'neutral', 'negative', 'mixed'] } as const;
const score = (what: string) => ({ type: 'number', description: `Confidence in ${what}, 0 to 1.` });

/** A strict object: every property required, nothing else allowed. */
function strictObject(properties: Record<string, unknown>, description?: string): Record<string, unknown> {
  return {
    type: 'object',
    ...(description ? { description } : {}),
    properties,
    required: Object.keys(properties),
    additionalProperties: false,
  };
}

function wrapupProperty(codes: readonly WrapupCode[]): Record<string, unknown> {
  if (codes.length === 0) return { type: 'null', description: 'No wrap-up codes are available: always null.' };
  return {
    type: ['string', 'null'],
    enum: [...codes.map((c) => c.id), null],
    description: `The wrap-up code id that best fits the outcome, or null if none fits. Codes: ${codes.map((c) => `${c.id} = ${c.name}`).join('; ')}`,
  };
}

/**
 * The strict JSON schema (all required, nullable via type [..., "null"], additionalProperties false) equal to
 * SummaryFieldsSchema, with `wrapup_code_id` limited to `codes` (or null).
 */
export function summaryJsonSchema(codes: readonly WrapupCode[] = []): Record<string, unknown> {
  return strictObject({
    headline: { type: 'string', description: `A title of at most ${HEADLINE_MAX} characters, no personal data.` },
    summary: { type: 'string', description: 'One paragraph summarizing the conversation, no personal data.' },
    intent: { type: 'string', description: 'Why the customer contacted us.' },
    resolution: strictObject({
      status: { type: 'string', enum: ['resolved', 'unresolved', 'escalated', 'follow_up_needed'] },
      text: { type: 'string', description: 'What was done or decided.' },
    }),
    follow_up_actions: {
      type: 'array',
      description: 'Actions still to be done; empty if none.',
      items: strictObject({
        action: { type: 'string' },
        owner: { type: 'string', enum: ['agent', 'customer', 'team'] },
        due: { type: ['string', 'null'], description: 'When, as stated in the conversation, or null.' },
      }),
    },
    sentiment: strictObject({ start: SENTIMENT, end: SENTIMENT }, "The customer's sentiment at the start and at the end."),
    topics: { type: 'array', items: { type: 'string' }, description: `At most ${TOPICS_MAX} short topic labels.` },
    entities: {
      type: 'array',
      description: 'Non-personal things mentioned: products, plans, order references. Never people, contact data or account numbers.',
      items: strictObject({ type: { type: 'string', enum: ['product', 'plan', 'order_reference', 'other'] }, value: { type: 'string' } }),
    },
    language: { type: 'string', description: 'BCP-47 tag of the language the summary is written in.' },
    wrapup_code_id: wrapupProperty(codes),
    confidence: strictObject({
      summary: score('the summary'),
      intent: score('the intent'),
      resolution: score('the resolution'),
      wrapup_code: score('the wrap-up code (0 when null)'),
    }),
  });
}

/** The `response_format` parameter for chat completions. */
export function summaryResponseFormat(codes: readonly WrapupCode[] = []) {
  return {
    type: 'json_schema' as const,
    json_schema: { name: SUMMARY_SCHEMA_NAME, strict: true, schema: summaryJsonSchema(codes) },
  };
}

/** SummaryFieldsSchema with no extra keys allowed at any level (the strict JSON schema's twin). */
const StrictFieldsSchema = SummaryFieldsSchema.extend({
  resolution: SummaryFieldsSchema.shape.resolution.strict(),
  follow_up_actions: SummaryFieldsSchema.shape.follow_up_actions.element.strict().array(),
  sentiment: SummaryFieldsSchema.shape.sentiment.strict(),
  entities: SummaryFieldsSchema.shape.entities.element.strict().array(),
  confidence: SummaryFieldsSchema.shape.confidence.strict(),
}).strict();

export type ParseResult = { ok: true; fields: SummaryFields } | { ok: false; message: string };

/** Keeps the first TOPICS_MAX topics: more is harmless noise, not worth a re-ask. */
function trimTopics(json: unknown): unknown {
  if (typeof json !== 'object' || json === null) return json;
  const topics = (json as { topics?: unknown }).topics;
  return Array.isArray(topics) ? { ...json, topics: topics.slice(0, TOPICS_MAX) } : json;
}

/** JSON.parse + zod (strict at every level). Messages name the failing fields, never their values. Tolerates a ```json fence. */
export function parseSummaryContent(content: string | null | undefined): ParseResult {
  if (!content || content.trim() === '') return { ok: false, message: 'the answer was empty' };
  const unfenced = content.trim().replace(/^```(?:json)?\s*([\s\S]*?)\s*```$/, '$1');
  let json: unknown;
  try {
    json = JSON.parse(unfenced);
  } catch {
    return { ok: false, message: 'the answer is not valid JSON' };
  }
  const result = StrictFieldsSchema.safeParse(trimTopics(json));
  if (result.success) return { ok: true, fields: result.data };
  const issues = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  return { ok: false, message: `the answer does not match the schema (${issues.join('; ')})` };
}
