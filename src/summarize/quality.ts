// Quality score of a validated summary: a weighted sum of recorded heuristic parts, each in [0, 1].
import type { SummaryFields, Turn } from '../domain.js';
import { NAME_STOPWORDS } from './name-stopwords.js';
import { words } from './text-utils.js';

/** Weights of the parts; they sum to 1. Keywords are kept small: they reward vocabulary, not substance. */
export const QUALITY_WEIGHTS = { length: 0.25, fields: 0.25, keywords: 0.1, coverage: 0.15, salience: 0.25 } as const;

const KEYWORD_GROUPS = [/\bcustomer/i, /\bagent/i, /\bresol(?:ved|ution)|\bfixed\b|\bprocessed\b/i, /\bissue|\bproblem|\brequest/i, /\bfollow[- ]?up/i];
const EXTRA_STOPWORDS = new Set(['customer', 'agent', 'thank', 'thanks', 'please', 'okay', 'would', 'could', 'there', 'their', 'what', 'with', 'that', 'this', 'have', 'your', 'just', 'will', 'about', 'like']);

/** 1 between 50% and 90% of the limit; proportionally less when shorter; 0.8 above 90%. */
function lengthPart(ratio: number): number {
  if (ratio < 0.5) return Math.max(0, ratio / 0.5);
  return ratio > 0.9 ? 0.8 : 1;
}

function fieldsPart(f: SummaryFields): number {
  const present = [f.intent.trim().length >= 5, f.resolution.trim().length >= 5, f.follow_up_actions.length > 0];
  return present.filter(Boolean).length / present.length;
}

const stem = (w: string): string => w.replace(/(?:ing|ed|es|s)$/, '').slice(0, 6);

/** The transcript's most frequent content words (length ≥ 4, not stopwords), at most `n`. */
export function salientWords(turns: readonly Turn[], n = 10): string[] {
  const freq = new Map<string, number>();
  for (const turn of turns) {
    for (const w of words(turn.text)) {
      if (w.length < 4 || NAME_STOPWORDS.has(w) || EXTRA_STOPWORDS.has(w)) continue;
      freq.set(stem(w), (freq.get(stem(w)) ?? 0) + 1);
    }
  }
  return [...freq.entries()]
    .filter(([, count]) => count >= 2)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, n)
    .map(([w]) => w);
}

/**
 * Scores a summary against the (redacted) transcript it came from.
 * @returns score in [0, 1] (3 decimals) and the parts it was made of, including the raw length_ratio and word counts
 */
export function scoreSummary(input: { fields: SummaryFields; turns: readonly Turn[]; maxLength: number }): {
  score: number;
  parts: Record<string, number>;
} {
  const { fields, turns, maxLength } = input;
  const ratio = fields.summary.length / maxLength;
  const summaryWords = words(fields.summary).length;
  const transcriptWords = turns.reduce((n, t) => n + words(t.text).length, 0);
  const coverage = transcriptWords > 500 ? Math.min(1, summaryWords / 30) : 1;
  const salient = salientWords(turns);
  const produced = new Set(words(`${fields.summary} ${fields.intent} ${fields.resolution} ${fields.follow_up_actions.join(' ')}`).map(stem));
  const salience = salient.length === 0 ? 1 : salient.filter((w) => produced.has(w)).length / Math.min(salient.length, 5);
  const parts = {
    length: lengthPart(ratio),
    fields: fieldsPart(fields),
    keywords: KEYWORD_GROUPS.filter((re) => re.test(fields.summary)).length / KEYWORD_GROUPS.length,
    coverage,
    salience: Math.min(1, salience),
  };
  const score = (Object.keys(QUALITY_WEIGHTS) as Array<keyof typeof QUALITY_WEIGHTS>).reduce((s, k) => s + QUALITY_WEIGHTS[k] * parts[k], 0);
  const round = (x: number): number => Math.round(x * 1000) / 1000;
  return {
    score: round(Math.min(1, Math.max(0, score))),
    parts: { ...Object.fromEntries(Object.entries(parts).map(([k, v]) => [k, round(v)])), length_ratio: round(ratio), summary_words: summaryWords, transcript_words: transcriptWords },
  };
}
