// Redaction recall against a labelled corpus (the ABCD/STAR jsonl): per labelled type, how many values disappear.
import { z } from 'zod';
import type { Turn } from '../../src/domain.js';
import { redactTurns } from '../../src/summarize/redact/pii.js';

/** One corpus line: turns plus the PII values its metadata says occur in them. */
export const LabelledConversationSchema = z.object({
  id: z.string(),
  turns: z.array(z.object({ speaker: z.enum(['customer', 'agent']), text: z.string() })),
  pii: z.array(z.object({ type: z.string(), value: z.string(), field: z.string().optional(), turns: z.array(z.number().int().nonnegative()) })),
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

/** A labelled type, with `other` split by field: `other/pin`, `other/security_answer`, `other/dob`, `other/member_level`. */
export function labelKind(label: { type: string; field?: string | undefined }): string {
  if (label.type !== 'other') return label.type;
  const field = label.field ?? '';
  if (/birth/i.test(field)) return 'other/dob';
  if (/pin/i.test(field)) return 'other/pin';
  if (/security_answer/i.test(field)) return 'other/security_answer';
  if (/member/i.test(field)) return 'other/member_level';
  return 'other';
}

/**
 * Runs `redactTurns` over every conversation and measures recall per labelled PII type, or per `key` of the label
 * (e.g. `labelKind` to split `other` by field).
 */
export function evaluateRecall(
  corpus: readonly LabelledConversation[],
  key: (label: LabelledConversation['pii'][number]) => string = (label) => label.type,
): RecallRow[] {
  const tally = new Map<string, { total: number; redacted: number }>();
  for (const convo of corpus) {
    const turns: Turn[] = convo.turns.map((t) => ({ speaker: t.speaker, text: t.text, at: '1970-01-01T00:00:00Z' }));
    const redacted = redactTurns(turns).turns;
    for (const label of convo.pii) {
      for (const index of label.turns) {
        const text = redacted[index]?.text;
        if (text === undefined) continue;
        const row = tally.get(key(label)) ?? { total: 0, redacted: 0 };
        row.total += 1;
        if (!containsWord(text, label.value)) row.redacted += 1;
        tally.set(key(label), row);
      }
    }
  }
  return [...tally.entries()]
    .map(([type, { total, redacted }]) => ({ type, total, redacted, recall: total === 0 ? 1 : redacted / total }))
    .sort((a, b) => b.total - a.total);
}

/** A detected span in some detector's vocabulary, already mapped to ours (or 'other' for types we do not redact). */
export interface TypedSpan {
  type: string;
  start: number;
  end: number;
}

/**
 * Our type for an ABCD/STAR label (by type and field); undefined for values we deliberately keep or do not cover
 * (order ids, usernames, membership levels).
 */
export function labelType(label: { type: string; field?: string | undefined }): string | undefined {
  if (['name', 'email', 'phone', 'address'].includes(label.type)) return label.type;
  if (label.type === 'zip') return 'address';
  if (label.type === 'account_id') return 'account';
  const kind = labelKind(label);
  if (kind === 'other/dob') return 'dob';
  if (kind === 'other/pin') return 'pin';
  if (kind === 'other/security_answer') return 'secret';
  return undefined;
}

/** Maiden names and pets' names are names: a name span over a security answer (or the reverse) is not wrong. */
const compatible = (a: string, b: string | undefined): boolean => a === b || ((a === 'name' || a === 'secret') && (b === 'name' || b === 'secret'));

export interface CorpusRow {
  type: string;
  /** Labelled (value, turn) occurrences of this type that occur in their turn. */
  labelled: number;
  /** Of those, whose letters and digits detected spans (of any type) cover entirely. */
  recalled: number;
  recall: number;
  /** Detected spans of this type. */
  spans: number;
  /** Spans overlapping a labelled value of the same type. */
  tp: number;
  /** Spans overlapping only labelled values of another kind (an order id taken for a phone). */
  wrong: number;
  /** Spans overlapping no labelled value (agent names, friends' names, unlabelled addresses), or a name span over a security answer. */
  unlabelled: number;
  /** tp / (tp + wrong): precision against what the corpus labels. */
  precision: number;
  /** tp / spans: a lower bound, counting every unlabelled span as a false positive. */
  strictPrecision: number;
}

/** Every place `value` occurs in `text` as a whole word, case-insensitive. */
function occurrences(text: string, value: string): Array<[number, number]> {
  const body = value.trim().split(/\s+/).map(escape).join('\\s+');
  return [...text.matchAll(new RegExp(`(?<![A-Za-z0-9])${body}(?![A-Za-z0-9])`, 'gi'))].map((m) => [m.index, m.index + m[0].length]);
}

/** Are all letters and digits of text[a, b) inside some span? (Separators between pieces may stay.) */
function covered(text: string, spans: readonly TypedSpan[], [a, b]: [number, number]): boolean {
  for (let i = a; i < b; i += 1) {
    if (/[\p{L}\p{N}]/u.test(text[i] ?? '') && !spans.some((s) => s.start <= i && i < s.end)) return false;
  }
  return true;
}
const overlaps = (s: TypedSpan, [a, b]: [number, number]): boolean => s.start < b && a < s.end;

type Tally = Omit<CorpusRow, 'type' | 'recall' | 'precision' | 'strictPrecision'>;
const emptyTally = (): Tally => ({ labelled: 0, recalled: 0, spans: 0, tp: 0, wrong: 0, unlabelled: 0 });

function finish(tally: Map<string, Tally>): CorpusRow[] {
  return [...tally.entries()]
    .map(([type, t]) => ({
      type,
      ...t,
      recall: t.labelled === 0 ? Number.NaN : t.recalled / t.labelled,
      precision: t.tp + t.wrong === 0 ? Number.NaN : t.tp / (t.tp + t.wrong),
      strictPrecision: t.spans === 0 ? Number.NaN : t.tp / t.spans,
    }))
    .sort((a, b) => a.type.localeCompare(b.type));
}

/**
 * Precision and recall per type on a labelled corpus for any detector returning spans per turn. The corpus labels
 * only the customer's values, so precision is approximate: see CorpusRow.precision and strictPrecision.
 */
export function evaluateCorpus(corpus: readonly LabelledConversation[], detect: (turns: Turn[]) => TypedSpan[][]): CorpusRow[] {
  const tally = new Map<string, Tally>();
  const row = (type: string): Tally => tally.get(type) ?? (tally.set(type, emptyTally()), tally.get(type) as Tally);
  for (const convo of corpus) {
    const turns: Turn[] = convo.turns.map((t) => ({ speaker: t.speaker, text: t.text, at: '1970-01-01T00:00:00Z' }));
    const spans = detect(turns);
    turns.forEach((turn, i) => {
      const labels = convo.pii
        .filter((l) => l.turns.includes(i))
        .flatMap((l) => occurrences(turn.text, l.value).map((at) => ({ type: labelType(l), at })));
      for (const l of labels) {
        if (!l.type) continue;
        row(l.type).labelled += 1;
        if (covered(turn.text, spans[i] ?? [], l.at)) row(l.type).recalled += 1;
      }
      for (const s of spans[i] ?? []) {
        const r = row(s.type);
        r.spans += 1;
        const hit = labels.filter((l) => overlaps(s, l.at));
        if (hit.some((l) => l.type === s.type)) r.tp += 1;
        else if (hit.some((l) => !compatible(s.type, l.type))) r.wrong += 1;
        else r.unlabelled += 1;
      }
    });
  }
  return finish(tally);
}

export interface SyntheticCase {
  text: string;
  pii: ReadonlyArray<{ type: string; value: string }>;
}

export interface SyntheticRow {
  type: string;
  tp: number;
  fp: number;
  fn: number;
  precision: number;
  recall: number;
}

/**
 * Precision and recall per type on labelled texts: a span is a true positive when a labelled value of its type
 * overlaps it, a labelled value is found when spans of its type cover all its letters and digits.
 */
export function evaluateSynthetic(cases: readonly SyntheticCase[], detect: (text: string) => TypedSpan[], types: readonly string[]): SyntheticRow[] {
  const tally = new Map(types.map((t) => [t, { tp: 0, fp: 0, fn: 0 }]));
  for (const { text, pii } of cases) {
    const spans = detect(text);
    const labels = pii.flatMap((p) => occurrences(text, p.value).slice(0, 1).map((at) => ({ type: p.type, at })));
    for (const s of spans) {
      const t = tally.get(s.type);
      if (t) t[labels.some((l) => l.type === s.type && overlaps(s, l.at)) ? 'tp' : 'fp'] += 1;
    }
    for (const l of labels) {
      const t = tally.get(l.type);
      if (t && !covered(text, spans.filter((s) => s.type === l.type), l.at)) t.fn += 1;
    }
  }
  return [...tally.entries()].map(([type, { tp, fp, fn }]) => ({
    type,
    tp,
    fp,
    fn,
    precision: tp + fp === 0 ? 1 : tp / (tp + fp),
    recall: tp + fn === 0 ? 1 : tp / (tp + fn),
  }));
}
