// Offline extractive summarizer (no API key): intent, resolution, follow-ups and sentiment picked from the redacted turns.
import type { FollowUp, ResolutionStatus, Sentiment, SummaryFields, Turn, WrapupCode } from '../domain.js';
import { capitalize, clampParagraph, sentences, words } from './text-utils.js';
import { toCustomerView, toThirdPerson } from './perspective.js';

/** Model id recorded for summaries made without an LLM. */
export const EXTRACTIVE_MODEL = 'extractive';

const REQUEST_CUE = /\b(?:want|need|would like|i'd like|trying|can't|cannot|unable|help|problem|issue|question|refund|order|cancel|change|check|return|book|schedule|charge|account|update|status|wrong|broken|missing|reserve|rsvp)\b|\?/i;
const GREETING = /^(?:(?:hi|hello|hey|good (?:morning|afternoon|evening)|yes|yeah|ok|okay|alright|sure|great|perfect|well|so|um|oh)\b[\s,.!-]*)+/i;
const PLEASANTRY = /\b(?:anything else|great day|nice day|good day|thank you for|thanks for|welcome|goodbye|bye|have a|my pleasure|glad (?:i|to) help|take care)\b/i;
const RESOLUTION_CUE = /\b(?:done|processed|refund|refunded|updated|changed|cancel(?:l?ed)?|sent|booked|scheduled|confirmed|issued|resolved|fixed|applied|credited|reset|replaced|approved|active|available|shipped|will|can|have)\b/i;
const FOLLOW_UP_CUE = /\b(?:will|within|e-?mail|call (?:you )?back|callback|send|follow[- ]?up|expect|business days|receive|arrive)\b/i;

const substantive = (s: string, min: number): boolean => words(s).length >= min;

function firstRequest(turns: readonly Turn[]): string | undefined {
  const customer = turns.filter((t) => t.speaker === 'customer').flatMap((t) => sentences(t.text));
  const cleaned = customer.map((s) => s.replace(GREETING, '').trim()).filter((s) => substantive(s, 4));
  return cleaned.find((s) => REQUEST_CUE.test(s)) ?? cleaned[0];
}

/** "I want to return my shoes." → "Customer wants to return their shoes". */
export function describeIntent(request: string | undefined): string {
  if (!request) return 'Customer contacted support';
  const s = request.replace(/[.!?\s]+$/, '');
  const rules: Array<[RegExp, string]> = [
    [/^(?:i\s+)?(?:want|wanted)\s+to\s+/i, 'Customer wants to '],
    [/^i(?:\s+would|['’]d)\s+like\s+to\s+/i, 'Customer would like to '],
    [/^i(?:\s+would|['’]d)\s+like\s+/i, 'Customer would like '],
    [/^i\s+need\s+to\s+/i, 'Customer needs to '],
    [/^i\s+need\s+/i, 'Customer needs '],
    [/^i(?:'m|\s+am)\s+trying\s+to\s+/i, 'Customer is trying to '],
    [/^i\s+have\s+a\s+question\s+/i, 'Customer has a question '],
    [/^(?:can|could|would)\s+you\s+(?:please\s+)?/i, 'Customer asked the agent to '],
    [/^how\s+(?:do|can)\s+i\s+/i, 'Customer asked how to '],
    [/^i(?:'m|\s+am)\s+/i, 'Customer is '],
    [/^i\s+have\s+/i, 'Customer has '],
  ];
  for (const [re, lead] of rules) {
    if (re.test(s)) return lead + toThirdPerson(s.replace(re, ''));
  }
  return `Customer said: ${toThirdPerson(s)}`;
}

function resolutionSentences(turns: readonly Turn[]): string[] {
  const agent = turns
    .filter((t) => t.speaker === 'agent')
    .flatMap((t) => sentences(t.text))
    .filter((s) => substantive(s, 4) && !PLEASANTRY.test(s) && !s.endsWith('?'));
  const cued = agent.filter((s) => RESOLUTION_CUE.test(s));
  return (cued.length > 0 ? cued : agent).slice(-2);
}

function followUps(turns: readonly Turn[]): string[] {
  const found = turns
    .filter((t) => t.speaker === 'agent')
    .flatMap((t) => sentences(t.text))
    .filter((s) => FOLLOW_UP_CUE.test(s) && substantive(s, 4) && !s.endsWith('?') && !PLEASANTRY.test(s))
    .map((s) => capitalize(toCustomerView(s.replace(/[.!\s]+$/, ''))));
  return [...new Set(found)].slice(-3);
}

const POSITIVE = new Set(['thanks', 'thank', 'great', 'perfect', 'awesome', 'excellent', 'good', 'appreciate', 'happy', 'glad', 'wonderful', 'helpful', 'super', 'nice', 'love', 'amazing', 'fantastic']);
const NEGATIVE = new Set(['angry', 'upset', 'frustrated', 'frustrating', 'annoyed', 'annoying', 'terrible', 'awful', 'bad', 'worst', 'disappointed', 'unacceptable', 'ridiculous', 'wrong', 'broken', 'never', 'problem', 'issue', 'complaint', 'hate', 'furious', 'waiting', 'late', 'damaged', 'lost', 'stolen', 'fraud', 'slow']);

function polarity(turns: readonly Turn[]): number {
  let score = 0;
  for (const w of turns.flatMap((t) => words(t.text))) score += (POSITIVE.has(w) ? 1 : 0) - (NEGATIVE.has(w) ? 1 : 0);
  return score;
}

const toSentiment = (score: number): Sentiment => (score > 0 ? 'positive' : score < 0 ? 'negative' : 'neutral');

/** Customer sentiment at the start (first half of their turns) and at the end (second half), from a small lexicon. */
export function sentimentArc(turns: readonly Turn[]): { start: Sentiment; end: Sentiment } {
  const customer = turns.filter((t) => t.speaker === 'customer');
  const half = Math.ceil(customer.length / 2);
  const start = polarity(customer.slice(0, half));
  const end = customer.length > 1 ? polarity(customer.slice(half)) : start;
  return { start: toSentiment(start), end: toSentiment(end) };
}

/** Overall customer sentiment: mixed when it flipped between the halves. */
export function lexiconSentiment(turns: readonly Turn[]): Sentiment {
  const customer = turns.filter((t) => t.speaker === 'customer');
  const half = Math.ceil(customer.length / 2);
  const start = polarity(customer.slice(0, half));
  const end = polarity(customer.slice(half));
  if ((start < 0 && end > 0) || (start > 0 && end < 0)) return 'mixed';
  return toSentiment(start + end);
}

const DUE = /\b(?:within|in|by|before)\s+(?:the\s+)?(?:next\s+)?(?:\d+|one|two|three|a few)\s+(?:business\s+|working\s+)?(?:minutes?|hours?|days?|weeks?)\b|\b(?:today|tomorrow|tonight)\b/i;
const ESCALATION = /\b(?:escalat\w*|supervisor|manager|specialist team|engineering team|second[- ]line)\b/i;

function followUpItem(action: string): FollowUp {
  const owner = /^the customer\b/i.test(action) && !/\bwill receive\b/i.test(action) ? 'customer' : /^the team\b/i.test(action) ? 'team' : 'agent';
  return { action: clampParagraph(action, 200), owner, due: DUE.exec(action)?.[0] ?? null };
}

function resolutionStatus(turns: readonly Turn[], resolved: string[], pending: string[]): ResolutionStatus {
  if (turns.some((t) => t.speaker === 'agent' && ESCALATION.test(t.text))) return 'escalated';
  if (pending.length > 0) return 'follow_up_needed';
  return resolved.length > 0 ? 'resolved' : 'unresolved';
}

/** A code whose every content word (4+ letters) appears in the transcript, else null: no guessing. */
export function matchWrapupCode(turns: readonly Turn[], codes: readonly WrapupCode[]): WrapupCode | null {
  const seen = new Set(turns.flatMap((t) => words(t.text)).map((w) => w.replace(/(?:ed|es|s)$/, '')));
  const match = codes.find((code) => {
    const needed = words(code.name).filter((w) => w.length >= 4).map((w) => w.replace(/(?:ed|es|s)$/, ''));
    return needed.length > 0 && needed.every((w) => seen.has(w));
  });
  return match ?? null;
}

export interface ExtractiveOptions {
  maxLength: number;
  /** BCP-47 tag written into `language`. @default 'en' */
  language?: string | undefined;
  /** Codes that may be picked when their words clearly appear. @default [] */
  allowedWrapupCodes?: readonly WrapupCode[] | undefined;
}

/** A deterministic summary of already-redacted turns, its summary at most `maxLength` characters on one line. */
export function extractiveSummarize(turns: readonly Turn[], options: ExtractiveOptions): SummaryFields {
  const intent = describeIntent(firstRequest(turns));
  const resolved = resolutionSentences(turns).map((s) => capitalize(toCustomerView(s.replace(GREETING, '').replace(/[.!\s]+$/, ''))));
  const follow = followUps(turns);
  const pending = follow.filter((f) => !resolved.includes(f));
  const parts = [
    `${intent}.`,
    resolved.length > 0 ? `The agent responded: ${resolved.join('. ')}.` : 'The agent did not state a resolution.',
    pending.length > 0 ? `Follow-up: ${pending.join('; ')}.` : '',
  ];
  const code = matchWrapupCode(turns, options.allowedWrapupCodes ?? []);
  return {
    headline: clampParagraph(intent, 80),
    summary: clampParagraph(parts.filter(Boolean).join(' '), options.maxLength),
    intent: clampParagraph(`${intent}.`, 300),
    resolution: {
      status: resolutionStatus(turns, resolved, pending),
      text: clampParagraph(resolved.length > 0 ? `${resolved.join('. ')}.` : 'No resolution was recorded.', 500),
    },
    follow_up_actions: follow.map(followUpItem),
    sentiment: sentimentArc(turns),
    topics: [],
    entities: [],
    language: options.language ?? 'en',
    wrapup_code_id: code?.id ?? null,
    // Heuristic picks: moderate confidence by construction, none for a code it did not pick.
    confidence: { summary: 0.5, intent: 0.5, resolution: 0.4, wrapup_code: code ? 0.5 : 0 },
  };
}
