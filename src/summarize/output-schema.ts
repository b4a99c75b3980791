// The summarizer's output contract: the zod schema (from domain.ts) and the equivalent strict JSON schema for response_format.
import { SummaryFieldsSchema, type SummaryFields } from '../domain.js';

export { SummaryFieldsSchema, type SummaryFields };

/** Name sent as `response_format.json_schema.name`. */
export const SUMMARY_SCHEMA_NAME = 'call_summary';

/** Hand-written JSON schema equal to SummaryFieldsSchema, in the strict subset (all required, no extra keys). */
export const SUMMARY_JSON_SCHEMA = {
  type: 'object',
  properties: {
    summary: { type: 'string', description: 'One paragraph summarizing the conversation, no personal data.' },
    intent: { type: 'string', description: 'Why the customer contacted us.' },
    resolution: { type: 'string', description: 'What was done or decided.' },
    follow_up_actions: { type: 'array', items: { type: 'string' }, description: 'Actions still to be done.' },
    sentiment: { type: 'string', enum: ['positive', 'neutral', 'negative', 'mixed'] },
  },
  required: ['summary', 'intent', 'resolution', 'follow_up_actions', 'sentiment'],
  additionalProperties: false,
} as const;

/** The `response_format` parameter for chat completions. */
export const SUMMARY_RESPONSE_FORMAT = {
  type: 'json_schema' as const,
  json_schema: { name: SUMMARY_SCHEMA_NAME, strict: true, schema: SUMMARY_JSON_SCHEMA as unknown as Record<string, unknown> },
};

export type ParseResult = { ok: true; fields: SummaryFields } | { ok: false; message: string };

/** JSON.parse + zod. Messages name the failing fields, never their values. Tolerates a ```json fence. */
export function parseSummaryContent(content: string | null | undefined): ParseResult {
  if (!content || content.trim() === '') return { ok: false, message: 'the answer was empty' };
  const unfenced = content.trim().replace(/^```(?:json)?\s*([\s\S]*?)\s*```$/, '$1');
  let json: unknown;
  try {
    json = JSON.parse(unfenced);
  } catch {
    return { ok: false, message: 'the answer is not valid JSON' };
  }
  const result = SummaryFieldsSchema.strict().safeParse(json);
  if (result.success) return { ok: true, fields: result.data };
  const issues = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  return { ok: false, message: `the answer does not match the schema (${issues.join('; ')})` };
}
