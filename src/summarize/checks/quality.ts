// Quality score of a validated summary: a weighted sum of recorded parts in [0, 1] — completeness, length fit,
// coverage of the transcript's key turns, salience, faithfulness (when a grounding score is given) and, kept
// small, the tutorial's keyword heuristic.
import type { SummaryFields, Turn } from '../../domain.js';
import { keyTurnCoverage } from './grounding.js';
import { NAME_STOPWORDS } from '../redact/index.js';
import { words } from '../text-utils.js';

/** Weights of the parts; they sum to 1. Without a faithfulness score the others are rescaled to sum to 1. */
export const QUALITY_WEIGHTS = { completeness: 0.2, length: 0.15, coverage: 0.2, salience: 0.15, faithfulness: 0.25, keywords: 0.05 } as const;
type Part = keyof typeof QUALITY_WEIGHTS;

const KEYWORD_GROUPS = [/\bcustomer/i, /\bagent/i, /\bresol(?:ved|ution)|\bfixed\b|\bprocessed\b/i, /\bissue|\bproblem|\brequest/i, /\bfollow[- ]?up/i];
const EXTRA_STOPWORDS = new Set(['customer', 'agent', 'thank', 'thanks', 'please', 'okay', 'would', 'could', 'there', 'their', 'what', 'with', 'that', 'this', 'have', 'your', 'just', 'will', 'about', 'like']);

/** 1 between 50% and 90% of the limit; proportionally less when shorter; 0.8 above 90%. */
function lengthPart(ratio: number): number {
  if (ratio < 0.5) return Math.max(0, ratio / 0.5);
  return ratio > 0.9 ? 0.8 : 1;
}

/** Share of the structured fields that carry content. */
function completenessPart(f: SummaryFields): number {
  const present = [
    f.headline.trim().length >= 5,
    f.intent.trim().length >= 5,
    f.resolution.text.trim().length >= 5,
    // A conversation that ended open should say what happens next.
    f.resolution.status === 'resolved' || f.follow_up_actions.length > 0,
    f.topics.length > 0,
  ];
  return present.filter(Boolean).length / present.length;
}

const stem = (w: string): string => w.replace(/(?:ing|ed|es|s)$/, '').slice(0, 6);
const contentWords = (text: string): string[] =>
  words(text).filter((w) => w.length >= 4 && !NAME_STOPWORDS.has(w) && !EXTRA_STOPWORDS.has(w)).map(stem);

/** The transcript's most frequent content words (stemmed, length ≥ 4, not stopwords, seen twice), at most `n`. */
export function salientWords(turns: readonly Turn[], n = 10): string[] {
  const freq = new Map<string, number>();
  for (const turn of turns) for (const w of contentWords(turn.text)) freq.set(w, (freq.get(w) ?? 0) + 1);
  return [...freq.entries()]
    .filter(([, count]) => count >= 2)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, n)
    .map(([w]) => w);
}

/** Every text the summary states, joined (for coverage and keyword parts). */
export function summaryText(f: SummaryFields): string {
  return [f.headline, f.summary, f.intent, f.resolution.text, ...f.follow_up_actions.map((a) => a.action), ...f.topics].join(' ');
}

/**
 * What each local adjustment costs the score (content shortened, cut or derived; pure form repairs such as removed
 * fences cost nothing: the content is the model's). Summed, capped at ADJUSTMENT_PENALTY_MAX, applied as a factor.
 */
export const ADJUSTMENT_PENALTIES: Readonly<Record<string, number>> = {
  summary_shortened: 0.08,
  headline_shortened: 0.03,
  intent_shortened: 0.03,
  resolution_shortened: 0.03,
  follow_ups_shortened: 0.02,
  follow_ups_trimmed: 0.02,
  topics_shortened: 0.01,
  topics_trimmed: 0.01,
  entities_shortened: 0.01,
  entities_trimmed: 0.01,
  headline_derived: 0.03,
  wrapup_code_dropped: 0.02,
};
export const ADJUSTMENT_PENALTY_MAX = 0.25;

/** The penalty for a summary's adjustments (0 when none cost anything). */
export function adjustmentPenalty(adjustments: readonly string[] = []): number {
  const sum = [...new Set(adjustments)].reduce((s, a) => s + (ADJUSTMENT_PENALTIES[a] ?? 0), 0);
  return Math.min(ADJUSTMENT_PENALTY_MAX, sum);
}

export interface QualityInput {
  fields: SummaryFields;
  /** The redacted transcript the summary was made from. */
  turns: readonly Turn[];
  maxLength: number;
  /** Share of summary statements supported by the transcript (grounding), when measured. */
  faithfulness?: number | undefined;
  /** What was changed locally to make the answer fit (see ADJUSTMENT_PENALTIES). @default [] */
  adjustments?: readonly string[] | undefined;
}

const round = (x: number): number => Math.round(x * 1000) / 1000;

/**
 * Scores a summary against the (redacted) transcript it came from.
 * @returns score in [0, 1] (3 decimals) and the parts, plus raw length_ratio and word counts
 */
export function scoreSummary(input: QualityInput): { score: number; parts: Record<string, number> } {
  const { fields, turns, maxLength } = input;
  const ratio = fields.summary.length / maxLength;
  const produced = new Set(contentWords(summaryText(fields)));
  const salient = salientWords(turns);
  const parts: Partial<Record<Part, number>> = {
    completeness: completenessPart(fields),
    length: lengthPart(ratio),
    coverage: keyTurnCoverage(summaryText(fields), turns),
    salience: salient.length === 0 ? 1 : Math.min(1, salient.filter((w) => produced.has(w)).length / Math.min(salient.length, 5)),
    keywords: KEYWORD_GROUPS.filter((re) => re.test(fields.summary)).length / KEYWORD_GROUPS.length,
  };
  if (input.faithfulness !== undefined) parts.faithfulness = Math.min(1, Math.max(0, input.faithfulness));
  const used = (Object.keys(parts) as Part[]).filter((k) => parts[k] !== undefined);
  const totalWeight = used.reduce((s, k) => s + QUALITY_WEIGHTS[k], 0);
  const penalty = adjustmentPenalty(input.adjustments);
  const score = used.reduce((s, k) => s + (QUALITY_WEIGHTS[k] / totalWeight) * (parts[k] ?? 0), 0) * (1 - penalty);
  const transcriptWords = turns.reduce((n, t) => n + words(t.text).length, 0);
  return {
    score: round(Math.min(1, Math.max(0, score))),
    parts: {
      ...Object.fromEntries(used.map((k) => [k, round(parts[k] ?? 0)])),
      ...(penalty > 0 ? { adjustment_penalty: round(penalty) } : {}),
      length_ratio: round(ratio),
      summary_words: words(fields.summary).length,
      transcript_words: transcriptWords,
    },
  };
}
