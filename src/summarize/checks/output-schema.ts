// The summarizer's output contract v2: the zod schema (from domain.ts) and the equivalent strict JSON schema for
// response_format, built per conversation because the wrap-up code enum depends on the queue.
import { SummaryFieldsSchema, type SummaryFields, type WrapupCode } from '../../domain.js';
import { extractJson, type JsonRepair } from './answer-json.js';
import { normalizeAnswer, type FormAdjustment, type NormalizeContext } from './answer-normalize.js';
import { FIELD_LIMITS, promptTargets } from './output-limits.js';

export { SummaryFieldsSchema, type SummaryFields };

/** Name sent as `response_format.json_schema.name`. */
export const SUMMARY_SCHEMA_NAME = 'call_summary';

/** Longest accepted headline, in characters. */
export const HEADLINE_MAX = FIELD_LIMITS.headline;
/** Most topics kept (extra ones are dropped, not re-asked). */
export const TOPICS_MAX = FIELD_LIMITS.topics;

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
 * SummaryFieldsSchema, with `wrapup_code_id` limited to `codes` (or null). Descriptions state the prompt targets
 * (below the hard limits: see output-limits.ts); no `maxLength` keywords, which strict mode rejects and models ignore.
 * @param maxLength the request's summary limit @default 500
 */
export function summaryJsonSchema(codes: readonly WrapupCode[] = [], maxLength = 500): Record<string, unknown> {
  const t = promptTargets(maxLength);
  return strictObject({
    headline: { type: 'string', description: `A title of at most ${t.headline} characters, no personal data.` },
    summary: { type: 'string', description: `One paragraph of at most ${t.summary} characters summarizing the conversation, no personal data.` },
    intent: { type: 'string', description: `Why the customer contacted us, at most ${t.intent} characters.` },
    resolution: strictObject({
      status: { type: 'string', enum: ['resolved', 'unresolved', 'escalated', 'follow_up_needed'] },
      text: { type: 'string', description: `What was done or decided, at most ${t.resolutionText} characters.` },
    }),
    follow_up_actions: {
      type: 'array',
      description: `At most ${t.followUps} actions still to be done; empty if none.`,
      items: strictObject({
        action: { type: 'string', description: `At most ${t.followUpAction} characters.` },
        owner: { type: 'string', enum: ['agent', 'customer', 'team'] },
        due: { type: ['string', 'null'], description: 'When, as stated in the conversation, or null.' },
      }),
    },
    sentiment: strictObject({ start: SENTIMENT, end: SENTIMENT }, "The customer's sentiment at the start and at the end."),
    topics: { type: 'array', items: { type: 'string' }, description: `At most ${t.topics} short topic labels of at most ${t.topic} characters.` },
    entities: {
      type: 'array',
      description: `At most ${t.entities} non-personal things mentioned: products, plans, order references. Never people, contact data or account numbers.`,
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

/** The `response_format` parameter for chat completions. @param maxLength @default 500 */
export function summaryResponseFormat(codes: readonly WrapupCode[] = [], maxLength = 500) {
  return {
    type: 'json_schema' as const,
    json_schema: { name: SUMMARY_SCHEMA_NAME, strict: true, schema: summaryJsonSchema(codes, maxLength) },
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

/** What the local parse changed in the answer's form (see answer-json.ts and answer-normalize.ts). */
export type FormRepair = JsonRepair | FormAdjustment;

export type ParseResult =
  | { ok: true; fields: SummaryFields; repairs: FormRepair[] }
  | { ok: false; message: string; details: { reason: 'empty' | 'not_json' | 'schema'; paths?: string[] } };

/**
 * Finds the JSON in the answer, repairs its form locally (fences, prose, quotes, enum casing, N/A, extra keys,
 * numbers as strings) and checks it against the strict schema. Messages and details name fields and schema paths,
 * never values.
 */
export function parseSummaryContent(content: string | null | undefined, ctx: NormalizeContext = { codes: [], language: 'en' }): ParseResult {
  const extracted = extractJson(content);
  if (!extracted.ok) return { ok: false, message: extracted.message, details: { reason: extracted.message === 'the answer was empty' ? 'empty' : 'not_json' } };
  const normalized = normalizeAnswer(extracted.value, ctx);
  const result = StrictFieldsSchema.safeParse(normalized.value);
  if (result.success) return { ok: true, fields: result.data, repairs: [...extracted.repairs, ...normalized.adjustments] };
  const paths = [...new Set(result.error.issues.map((i) => i.path.join('.') || '(root)'))];
  const issues = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  return { ok: false, message: `the answer does not match the schema (${issues.join('; ')})`, details: { reason: 'schema', paths } };
}
