// Offline extractive summarizer (no API key): intent, resolution, follow-ups and sentiment picked from the redacted turns.
import type { Sentiment, SummaryFields, Turn } from '../domain.js';
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

/** Customer sentiment from a small lexicon, comparing the first half of the customer's turns with the second. */
export function lexiconSentiment(turns: readonly Turn[]): Sentiment {
  const customer = turns.filter((t) => t.speaker === 'customer');
  const half = Math.ceil(customer.length / 2);
  const start = polarity(customer.slice(0, half));
  const end = polarity(customer.slice(half));
  if ((start < 0 && end > 0) || (start > 0 && end < 0)) return 'mixed';
  const total = start + end;
  return total > 0 ? 'positive' : total < 0 ? 'negative' : 'neutral';
}

/** A deterministic summary of already-redacted turns, its summary at most `maxLength` characters on one line. */
export function extractiveSummarize(turns: readonly Turn[], options: { maxLength: number }): SummaryFields {
  const intent = describeIntent(firstRequest(turns));
  const resolved = resolutionSentences(turns).map((s) => capitalize(toCustomerView(s.replace(GREETING, '').replace(/[.!\s]+$/, ''))));
  const resolution = resolved.length > 0 ? `${resolved.join('. ')}.` : 'No resolution was recorded.';
  const follow = followUps(turns);
  const pending = follow.filter((f) => !resolved.includes(f));
  const parts = [
    `${intent}.`,
    resolved.length > 0 ? `The agent responded: ${resolved.join('. ')}.` : 'The agent did not state a resolution.',
    pending.length > 0 ? `Follow-up: ${pending.join('; ')}.` : '',
  ];
  return {
    summary: clampParagraph(parts.filter(Boolean).join(' '), options.maxLength),
    intent: clampParagraph(`${intent}.`, 300),
    resolution: clampParagraph(resolution, 500),
    follow_up_actions: follow.map((f) => clampParagraph(f, 200)),
    sentiment: lexiconSentiment(turns),
  };
}
