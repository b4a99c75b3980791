// Label values with bounded cardinality: topic names become their pattern, HTTP statuses their class, step names a
// short stage. Ids, free text and anything a sender chose never become a label value.

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/** The topics wrapup knows, as patterns; anything else is `other` (a webhook sender may post any topic name). */
const KNOWN_TOPICS = new Set([
  'v2.routing.queues.{id}.conversations',
  'v2.detail.events.conversation.{id}.customer.end',
  'v2.detail.events.conversation.{id}.acw',
  'v2.detail.events.conversation.{id}.user.end',
  'analytics',
]);

/** `v2.routing.queues.<uuid>.conversations` → `v2.routing.queues.{id}.conversations`; unknown topics → `other`. */
export function topicPattern(topic: string): string {
  const pattern = topic.slice(0, 200).replace(UUID, '{id}');
  return KNOWN_TOPICS.has(pattern) ? pattern : 'other';
}

/** 2xx, the statuses worth telling apart (401, 403, 404, 429), else 4xx/5xx; `network` when nothing answered. */
export function statusLabel(status: number | undefined): string {
  if (status === undefined || !Number.isFinite(status) || status < 100) return 'network';
  if ([401, 403, 404, 429].includes(status)) return String(status);
  return `${Math.floor(status / 100)}xx`;
}

/**
 * The stage a step name reports under: the pipeline's own steps as they are, the summarizer's (`summarize.llm`) by
 * their inner name (`llm`); undefined for names outside the known set (kept out of the label space).
 */
export function stageName(step: string): string | undefined {
  const name = step.startsWith('summarize.') ? step.slice('summarize.'.length) : step;
  return STAGES.has(name) ? name : undefined;
}

const STAGES = new Set([
  'fetch_conversation',
  'fetch_transcript',
  'wrapup_codes',
  'summarize',
  'redact',
  'condense',
  'llm',
  'validate',
  'repair',
  'extractive',
  'ground',
  'score',
  'store',
  'total',
]);
