// Faithfulness checks: are the summary's facts (numbers, amounts, dates, times, ids, product names) in the transcript,
// and does the summary cover the transcript's key turns (requests, commitments, outcomes)?
import type { Turn } from '../../domain.js';
import { compact, extractFacts, extractNames, type Fact } from './grounding-facts.js';
import { numberWordsToDigits } from './number-words.js';

export type { Fact, FactKind } from './grounding-facts.js';

export interface Groundedness {
  /** grounded / checked; 1 when there was nothing to check. */
  score: number;
  /** Distinct facts checked. */
  checked: number;
  /** The summary's wording of each fact the transcript does not support. */
  ungrounded: string[];
}

const spaced = (s: string): string => ` ${numberWordsToDigits(s).toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim()} `;

/** Everything the transcript states, as lookup structures. */
function transcriptIndex(formatted: string) {
  // Elapsed-time stamps of the formatted transcript ("[00:00:20] agent:") are not facts anyone stated.
  const transcriptText = formatted.replace(/^\[\d{1,2}:\d{2}:\d{2}\]\s*/gm, '');
  const keys = new Set(extractFacts(transcriptText, false).flatMap((f) => f.keys));
  return { keys, compact: compact(numberWordsToDigits(transcriptText)), text: spaced(transcriptText) };
}

function isGrounded(fact: Fact, index: ReturnType<typeof transcriptIndex>): boolean {
  if (fact.kind === 'id') return fact.keys.some((k) => index.compact.includes(k.slice(3)));
  if (fact.kind === 'name') return fact.keys.some((k) => index.text.includes(spaced(k.slice(5))));
  return fact.keys.some((k) => index.keys.has(k));
}

/**
 * Checks that every fact in the summary fields appears in the transcript, comparing normalized forms (case,
 * separators, number words, "$12.50" = "12 dollars and 50 cents", "June 2nd" = "2 June", "3pm" = "15:00").
 * Placeholders such as [CARD] are ignored. Facts are de-duplicated by their keys before counting.
 */
export function groundedness(summaryTexts: readonly string[], transcriptText: string): Groundedness {
  const index = transcriptIndex(transcriptText);
  const seen = new Set<string>();
  const facts: Fact[] = [];
  for (const text of summaryTexts) {
    for (const fact of [...extractFacts(text, true), ...extractNames(text)]) {
      const id = `${fact.kind}|${fact.keys.join('|')}`;
      if (!seen.has(id)) {
        seen.add(id);
        facts.push(fact);
      }
    }
  }
  const ungrounded = facts.filter((f) => !isGrounded(f, index)).map((f) => f.raw);
  return { score: facts.length === 0 ? 1 : (facts.length - ungrounded.length) / facts.length, checked: facts.length, ungrounded };
}

const REQUEST = /\b(refund|replace|replacement|cancel|return|exchange|change|update|upgrade|downgrade|reset|fix|charge[ds]?|bill(?:ed|ing)?|deliver(?:y|ed)?|ship(?:ped|ping)?|order|book|reschedule|dispute|need|want|would like|can you|could you|help me|problem|issue|broken|wrong|missing|not working)\b/i;
const COMMITMENT = /\b(will|i'll|we'll|i’ll|we’ll|going to|approved|processed|issued|refunded|credited|cancell?ed|replaced|sent|scheduled|booked|resolved|escalat\w*|waived|updated|changed|reset|arrive|expect)\b/i;

const STOP = new Set(
  `about after again also been before being below between both could didn does doing down during each from further have
  having here hers herself himself into itself just more most myself once only other ours over same should some such than
  that their theirs them then there these they this those through under until very what when where which while whom why
  will with would your yours yourself okay thank thanks please sure great good yeah today going like want need know
  think right well just help call calling customer agent able get got make made let sorry really also can't don't i'm
  you're we'll i'll it's that's there's`.split(/\s+/),
);

/** The content words of a turn worth finding in a summary (≥ 4 letters, not stopwords, placeholders removed). */
export function salientWords(text: string): string[] {
  const words = numberWordsToDigits(text.replace(/\[[A-Z_]+\]/g, ' ')).toLowerCase().match(/[a-z0-9][a-z0-9'’-]*/g) ?? [];
  return [...new Set(words.filter((w) => (w.length >= 4 || /\d/.test(w)) && !STOP.has(w)))];
}

/** Is the turn a customer request or an agent commitment / outcome statement? */
export function isKeyTurn(turn: Turn): boolean {
  if (salientWords(turn.text).length === 0) return false;
  if (turn.speaker === 'customer') return REQUEST.test(turn.text);
  return turn.speaker === 'agent' && COMMITMENT.test(turn.text);
}

/** Crude stem so "refunded" meets "refund" and "replacement" meets "replace". */
const stem = (w: string): string => (/\d/.test(w) ? w : w.replace(/['’]s$/, '').slice(0, Math.max(4, Math.min(w.length, 6))));

/**
 * Fraction of key turns (customer requests; agent commitments and outcomes) whose salient words the summary mentions:
 * a turn counts as covered when at least a third of its (up to 8 longest) salient words appear, stem-matched.
 * 1 when the transcript has no key turns.
 */
export function keyTurnCoverage(summaryText: string, turns: readonly Turn[]): number {
  const key = turns.filter(isKeyTurn);
  if (key.length === 0) return 1;
  const summary = new Set(salientWords(summaryText).map(stem));
  const covered = key.filter((turn) => {
    const words = salientWords(turn.text).sort((a, b) => b.length - a.length).slice(0, 8);
    const hits = words.filter((w) => summary.has(stem(w))).length;
    return hits >= Math.max(1, Math.ceil(words.length / 3));
  });
  return covered.length / key.length;
}
