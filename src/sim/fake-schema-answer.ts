// Builds a plausible JSON answer for whatever JSON schema a request's response_format carries (objects, arrays of
// objects, enums, nullable types, $ref), so the OpenAI fake keeps up as the summary schema grows.

/** What the fake knows about the conversation when it fills string fields. */
export interface AnswerContext {
  /** The customer's first request (letters and placeholders only). */
  topic: string;
  /** The summary paragraph, already fitted under the length limit. */
  summary: string;
  turnCount: number;
}

type Schema = Record<string, any>;

/** The legacy five-field shape, answered when a request carries no schema or one without properties. */
export const LEGACY_SCHEMA: Schema = {
  type: 'object',
  properties: {
    summary: { type: 'string' },
    intent: { type: 'string' },
    resolution: { type: 'string' },
    follow_up_actions: { type: 'array', items: { type: 'string' } },
    sentiment: { type: 'string', enum: ['positive', 'neutral', 'negative', 'mixed'] },
  },
};

const PREFERRED_ENUM = ['neutral', 'resolved', 'agent', 'en', 'medium'];

function resolveRef(schema: Schema, root: Schema): Schema {
  const ref = typeof schema.$ref === 'string' ? schema.$ref : undefined;
  if (!ref?.startsWith('#/')) return schema;
  const target = ref.slice(2).split('/').reduce<any>((node, part) => node?.[part], root);
  return typeof target === 'object' && target !== null ? resolveRef(target, root) : {};
}

/** Strings by field name; anything unknown gets a short phrase built from the topic. */
function stringFor(key: string, schema: Schema, ctx: AnswerContext): string {
  const byKey: Record<string, string> = {
    summary: ctx.summary,
    headline: `Customer asked about ${ctx.topic}`.slice(0, 80),
    intent: `Customer asked about: ${ctx.topic}`,
    resolution: 'The agent resolved the issue during the conversation.',
    text: 'The agent resolved the issue during the conversation.',
    action: 'Confirm the outcome with the customer by email',
    owner: 'agent',
    language: 'en',
    status: 'resolved',
    follow_up_actions: 'Agent to confirm the outcome by email',
  };
  if (schema.format === 'date-time') return '2024-05-01T10:00:00Z';
  if (schema.format === 'date') return '2024-05-01';
  const value = byKey[key] ?? (ctx.topic.split(' ').slice(0, 3).join(' ') || 'question');
  return typeof schema.maxLength === 'number' ? value.slice(0, schema.maxLength) : value;
}

function numberFor(schema: Schema, integer: boolean): number {
  const min = typeof schema.minimum === 'number' ? schema.minimum : 0;
  const max = typeof schema.maximum === 'number' ? schema.maximum : undefined;
  if (max !== undefined && max <= 1) return 0.8;
  return integer ? Math.ceil(min) : min;
}

/** A value for `schema` (under property `key`) that satisfies it. */
export function valueFor(schema: Schema, ctx: AnswerContext, root: Schema = schema, key = ''): unknown {
  const s = resolveRef(schema, root);
  const options = (s.anyOf ?? s.oneOf) as Schema[] | undefined;
  if (Array.isArray(options)) {
    const pick = options.find((o) => resolveRef(o, root).type !== 'null') ?? options[0] ?? {};
    return valueFor(pick, ctx, root, key);
  }
  if (Array.isArray(s.enum)) {
    const values = s.enum as unknown[];
    if (key === 'wrapup_code_id' || key.endsWith('_code_id')) return values.find((v) => v !== null) ?? null;
    return PREFERRED_ENUM.find((p) => values.includes(p)) ?? values.find((v) => v !== null) ?? values[0] ?? null;
  }
  if ('const' in s) return s.const;
  const types = (Array.isArray(s.type) ? s.type : [s.type]).filter((t: unknown) => typeof t === 'string') as string[];
  if (types.includes('null') && (key === 'due' || types.length === 1)) return null;
  const type = types.find((t) => t !== 'null') ?? (s.properties ? 'object' : 'string');
  switch (type) {
    case 'object':
      return objectFor(s, ctx, root);
    case 'array': {
      const n = Math.max(1, typeof s.minItems === 'number' ? s.minItems : 1);
      return Array.from({ length: n }, () => valueFor(s.items ?? { type: 'string' }, ctx, root, key));
    }
    case 'number':
    case 'integer':
      return numberFor(s, type === 'integer');
    case 'boolean':
      return false;
    default:
      return stringFor(key, s, ctx);
  }
}

function objectFor(schema: Schema, ctx: AnswerContext, root: Schema): Record<string, unknown> {
  const props = (schema.properties ?? {}) as Record<string, Schema>;
  return Object.fromEntries(Object.entries(props).map(([k, v]) => [k, valueFor(v, ctx, root, k)]));
}

/** The answer object for a response_format schema (the legacy shape when it has no properties). */
export function answerForSchema(schema: Schema | undefined, ctx: AnswerContext): Record<string, unknown> {
  const usable = schema && typeof schema.properties === 'object' && Object.keys(schema.properties).length > 0 ? schema : LEGACY_SCHEMA;
  return objectFor(usable, ctx, usable);
}
