// Length and count limits of every summary field, the smaller targets the prompt states (real models overshoot a
// stated limit by 10–40 %), and the local shortening that makes an answer fit without another model call.

/** Hard limits of the stored summary (characters, or items for lists). The summary's own limit is per request. */
export const FIELD_LIMITS = {
  headline: 80,
  intent: 200,
  resolutionText: 300,
  followUpAction: 200,
  followUpDue: 80,
  followUps: 8,
  topic: 40,
  topics: 8,
  entityValue: 80,
  entities: 12,
} as const;

/**
 * Models treat a stated limit as a wish and overshoot it by up to ~40 %; the prompt therefore states each limit
 * divided by this factor, so an ordinary overshoot still fits the hard limit and costs no re-ask.
 */
export const OVERSHOOT_HEADROOM = 1.4;

/** The limit to state in the prompt for a hard limit (never below 1). */
export function promptTarget(limit: number): number {
  return Math.max(1, Math.floor(limit / OVERSHOOT_HEADROOM));
}

/** The targets stated to the model for one request (summary target from the request's max length). */
export function promptTargets(maxLength: number) {
  return {
    summary: promptTarget(maxLength),
    headline: promptTarget(FIELD_LIMITS.headline),
    intent: promptTarget(FIELD_LIMITS.intent),
    resolutionText: promptTarget(FIELD_LIMITS.resolutionText),
    followUpAction: promptTarget(FIELD_LIMITS.followUpAction),
    followUps: promptTarget(FIELD_LIMITS.followUps),
    topic: promptTarget(FIELD_LIMITS.topic),
    topics: promptTarget(FIELD_LIMITS.topics),
    entityValue: promptTarget(FIELD_LIMITS.entityValue),
    entities: promptTarget(FIELD_LIMITS.entities),
  };
}

const ELLIPSIS = '…';
/** Words that end with a period without ending a sentence. */
const ABBREVIATION = /(?:^|\s)(?:mr|mrs|ms|dr|st|no|nr|vs|etc|e\.g|i\.e|approx|sr|sra|srta|nº|z\.b|bzw|ca)\.$/i;

/**
 * `text` cut to at most `limit` characters at a word boundary, with an ellipsis; unchanged when it fits. A single
 * word longer than the limit is the only case cut inside a word (there is no boundary to cut at).
 */
export function shortenAtWord(text: string, limit: number): string {
  const trimmed = text.trim();
  if (trimmed.length <= limit) return trimmed;
  if (limit <= 1) return trimmed.slice(0, Math.max(0, limit));
  const room = trimmed.slice(0, limit - ELLIPSIS.length + 1);
  const boundary = room.search(/\s\S*$/);
  const head = (boundary > 0 ? room.slice(0, boundary) : room.slice(0, limit - ELLIPSIS.length)).replace(/[\s,;:–—-]+$/, '');
  return `${head}${ELLIPSIS}`;
}

/** End offsets (exclusive) of the sentences of `text`: after . ! ? … (and closing quotes) followed by space or the end. */
export function sentenceEnds(text: string): number[] {
  const ends: number[] = [];
  for (const match of text.matchAll(/[.!?…]+["'»”’)]*(?=\s|$)/g)) {
    const end = (match.index ?? 0) + match[0].length;
    if (match[0].startsWith('.') && ABBREVIATION.test(text.slice(0, (match.index ?? 0) + 1))) continue;
    ends.push(end);
  }
  return ends;
}

/**
 * `text` cut to at most `limit` characters at the last sentence boundary that fits; when even the first sentence is
 * longer, at a word boundary with an ellipsis. Never mid-word (but see shortenAtWord for a single over-long word).
 */
export function shortenAtSentence(text: string, limit: number): string {
  const trimmed = text.trim();
  if (trimmed.length <= limit) return trimmed;
  const fitting = sentenceEnds(trimmed).filter((end) => end <= limit);
  const last = fitting[fitting.length - 1];
  return last === undefined ? shortenAtWord(trimmed, limit) : trimmed.slice(0, last).trim();
}

/** What local fitting changed; recorded on the summary and lowering its quality score. */
export type LengthAdjustment =
  | 'headline_shortened'
  | 'summary_shortened'
  | 'intent_shortened'
  | 'resolution_shortened'
  | 'follow_ups_shortened'
  | 'follow_ups_trimmed'
  | 'topics_shortened'
  | 'topics_trimmed'
  | 'entities_shortened'
  | 'entities_trimmed';

interface Fittable {
  headline: string;
  summary: string;
  intent: string;
  resolution: { status: string; text: string };
  follow_up_actions: Array<{ action: string; owner: string; due: string | null }>;
  topics: string[];
  entities: Array<{ type: string; value: string }>;
}

/**
 * Makes every short field and list fit its limit (word-boundary shortening, lists cut to their count) and, when
 * `summary` is true, the summary too (at the last sentence boundary that fits `maxLength`). Returns new fields and
 * what changed; fields that fit are returned as they are.
 */
export function fitLengths<T extends Fittable>(fields: T, maxLength: number, options: { summary: boolean }): { fields: T; adjustments: LengthAdjustment[] } {
  const made = new Set<LengthAdjustment>();
  const fit = (text: string, limit: number, name: LengthAdjustment): string => {
    if (text.length <= limit) return text;
    made.add(name);
    return shortenAtWord(text, limit);
  };
  const cut = <I>(items: I[], limit: number, name: LengthAdjustment): I[] => {
    if (items.length <= limit) return items;
    made.add(name);
    return items.slice(0, limit);
  };
  const L = FIELD_LIMITS;
  let summary = fields.summary;
  if (options.summary && summary.length > maxLength) {
    summary = shortenAtSentence(summary, maxLength);
    made.add('summary_shortened');
  }
  const out: T = {
    ...fields,
    headline: fit(fields.headline, L.headline, 'headline_shortened'),
    summary,
    intent: fit(fields.intent, L.intent, 'intent_shortened'),
    resolution: { ...fields.resolution, text: fit(fields.resolution.text, L.resolutionText, 'resolution_shortened') },
    follow_up_actions: cut(fields.follow_up_actions, L.followUps, 'follow_ups_trimmed').map((a) => ({
      ...a,
      action: fit(a.action, L.followUpAction, 'follow_ups_shortened'),
      due: a.due === null ? null : fit(a.due, L.followUpDue, 'follow_ups_shortened'),
    })),
    topics: cut(fields.topics, L.topics, 'topics_trimmed').map((x) => fit(x, L.topic, 'topics_shortened')),
    entities: cut(fields.entities, L.entities, 'entities_trimmed').map((e) => ({ ...e, value: fit(e.value, L.entityValue, 'entities_shortened') })),
  };
  return { fields: out, adjustments: [...made] };
}
