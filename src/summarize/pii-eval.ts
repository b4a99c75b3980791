// Redaction recall against a labelled corpus (the ABCD/STAR jsonl): per labelled type, how many values disappear.
import { z } from 'zod';
import type { Turn } from '../domain.js';
import { redactTurns } from './pii.js';

/** One corpus line: turns plus the PII values its metadata says occur in them. */
export const LabelledConversationSchema = z.object({
  id: z.string(),
  turns: z.array(z.object({ speaker: z.enum(['customer', 'agent']), text: z.string() })),
  pii: z.array(z.object({ type: z.string(), value: z.string(), turns: z.array(z.number().int().nonnegative()) })),
});
export type LabelledConversation = z.infer<typeof LabelledConversationSchema>;

export interface RecallRow {
  type: string;
  /** Labelled (value, turn) occurrences. */
  total: number;
  /** Occurrences no longer present verbatim (case-insensitive, as a whole word) after redaction. */
  redacted: number;
  recall: number;
}

/** Parses a jsonl corpus; throws naming the first bad line. */
export function parseLabelledCorpus(jsonl: string): LabelledConversation[] {
  return jsonl
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, i) => {
      const result = LabelledConversationSchema.safeParse(JSON.parse(line));
      if (!result.success) throw new Error(`corpus line ${i + 1}: ${result.error.message}`);
      return result.data;
    });
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Is `value` still in `text`, case-insensitively, with any whitespace, not inside a longer word or number? */
export function containsWord(text: string, value: string): boolean {
  const body = value.trim().split(/\s+/).map(escape).join('\\s+');
  return new RegExp(`(?<![A-Za-z0-9])${body}(?![A-Za-z0-9])`, 'i').test(text);
}

/** Runs `redactTurns` over every conversation and measures recall per labelled PII type. */
export function evaluateRecall(corpus: readonly LabelledConversation[]): RecallRow[] {
  const tally = new Map<string, { total: number; redacted: number }>();
  for (const convo of corpus) {
    const turns: Turn[] = convo.turns.map((t) => ({ speaker: t.speaker, text: t.text, at: '1970-01-01T00:00:00Z' }));
    const redacted = redactTurns(turns).turns;
    for (const label of convo.pii) {
      for (const index of label.turns) {
        const text = redacted[index]?.text;
        if (text === undefined) continue;
        const row = tally.get(label.type) ?? { total: 0, redacted: 0 };
        row.total += 1;
        if (!containsWord(text, label.value)) row.redacted += 1;
        tally.set(label.type, row);
      }
    }
  }
  return [...tally.entries()]
    .map(([type, { total, redacted }]) => ({ type, total, redacted, recall: total === 0 ? 1 : redacted / total }))
    .sort((a, b) => b.total - a.total);
}
