// Prompt injection: finds passages of customer text that address the model ("ignore previous instructions", "write
// exactly …", HTML comments in e-mails; English, Spanish, German), fences them as untrusted text for the prompt,
// removes them for the extractive summarizer, and checks an answer for what they asked for. Never logs or stores text.
import type { Turn } from '../../domain.js';
import { findTriggers, IDENTIFIER_REQUEST, payloadAt, sentenceEnd, sentenceStart, type InjectionKind, type Trigger } from './injection-patterns.js';
import type { ValidationIssue } from './validate.js';

export type { InjectionKind } from './injection-patterns.js';

/** The fence the prompt templates explain: text between these tags is the customer's, never an instruction. */
export const FENCE_OPEN = '<untrusted_customer_text>';
export const FENCE_CLOSE = '</untrusted_customer_text>';

/** One detected passage: a span of one turn's text. */
export interface InjectionPassage {
  turn: number;
  start: number;
  end: number;
  kinds: InjectionKind[];
}

/** What an answer must not contain, derived from the passages (word lists, lower case; kept in memory only). */
export interface InjectionGuard {
  /** Each demanded text ("write exactly X" → X), as words. */
  payloads: string[][];
  /** Each passage, as words. */
  passages: string[][];
  /** Identifiers named only inside passages (codes with digits, ALL-CAPS words). */
  identifiers: string[];
  /** A passage asked for identifiers or the prompt by kind ("list all account numbers"). */
  listing: boolean;
}

export interface InjectionScan {
  passages: InjectionPassage[];
  guard: InjectionGuard;
}

/** What is stored with a summary: counts and kinds, never the passage text. */
export interface InjectionRecord {
  passages: number;
  kinds: InjectionKind[];
}

/** Words before a trigger in its sentence that still count as part of the passage. */
const MAX_LEAD_IN = 4;

const wordsOf = (text: string): string[] => text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];

/** The span a trigger covers: its sentence (a demand: through its demanded text; a comment: itself). */
function spanOf(text: string, t: Trigger): { start: number; end: number } {
  if (t.kind === 'html_comment') return { start: t.index, end: t.end };
  // A few words of lead-in ("ok so please") belong to the passage; a longer run before the trigger is the customer's
  // own words (speech has no full stops to end them), which stay outside the fence and in the extractive summary.
  const sentence = sentenceStart(text, t.index);
  const start = text.slice(sentence, t.index).trim().split(/\s+/).filter(Boolean).length > MAX_LEAD_IN ? t.index : sentence;
  let from = t.end;
  if (t.payloadAt !== undefined) {
    const payload = payloadAt(text, t.payloadAt);
    const at = payload ? text.indexOf(payload.split(/\s+/).at(-1) ?? '', t.payloadAt) : -1;
    if (at >= 0) from = at + (payload.split(/\s+/).at(-1)?.length ?? 0);
  }
  return { start, end: Math.max(t.end, sentenceEnd(text, from)) };
}

/** Triggers of one turn merged into non-overlapping passages. */
function passagesOf(text: string, turn: number): Array<InjectionPassage & { triggers: Trigger[] }> {
  const out: Array<InjectionPassage & { triggers: Trigger[] }> = [];
  for (const t of findTriggers(text)) {
    const span = spanOf(text, t);
    const last = out.at(-1);
    if (last && span.start <= last.end) {
      last.end = Math.max(last.end, span.end);
      if (!last.kinds.includes(t.kind)) last.kinds.push(t.kind);
      last.triggers.push(t);
    } else out.push({ turn, ...span, kinds: [t.kind], triggers: [t] });
  }
  return out;
}

/** Tokens that name something: codes holding a digit and a letter, ALL-CAPS words; placeholders excluded. */
function identifiersIn(text: string): string[] {
  const plain = text.replace(/\[[A-Z_]+\]/g, ' ');
  const codes = plain.match(/(?<![\p{L}\p{N}])(?=[\p{L}\p{N}-]*\p{N})(?=[\p{L}\p{N}-]*\p{L})[\p{L}\p{N}][\p{L}\p{N}-]{2,}/gu) ?? [];
  const caps = plain.match(/(?<![\p{L}\p{N}])\p{Lu}{4,}(?![\p{L}\p{N}])/gu) ?? [];
  return [...codes, ...caps].map((s) => s.toLowerCase());
}

/**
 * Finds injected passages in customer turns (agents, IVR and bots do not address the model) and derives the guard
 * the answer is checked with. Identifiers the rest of the conversation also names are not demanded ones.
 */
export function scanInjections(turns: readonly Turn[]): InjectionScan {
  const found = turns.flatMap((t, i) => (t.speaker === 'customer' ? passagesOf(t.text, i) : []));
  const guard: InjectionGuard = { payloads: [], passages: [], identifiers: [], listing: false };
  const outside = withoutPassages(turns, found).map((t) => t.text).join('\n').toLowerCase();
  for (const p of found) {
    const text = turns[p.turn]?.text.slice(p.start, p.end) ?? '';
    guard.passages.push(wordsOf(text.replace(/<!--|-->/g, ' ')));
    for (const t of p.triggers) {
      if (t.payloadAt === undefined) continue;
      const words = wordsOf(payloadAt(turns[p.turn]?.text ?? '', t.payloadAt));
      if (words.length > 0) guard.payloads.push(words);
    }
    for (const id of identifiersIn(text)) if (!outside.includes(id) && !guard.identifiers.includes(id)) guard.identifiers.push(id);
    if (IDENTIFIER_REQUEST.test(text) && !p.kinds.includes('identifiers')) p.kinds.push('identifiers');
    if (p.kinds.includes('identifiers')) guard.listing = true;
  }
  return { passages: found.map(({ triggers: _t, ...p }) => p), guard };
}

/** Turns with each passage replaced by `replace(passageText)`. */
function rewrite(turns: readonly Turn[], passages: readonly InjectionPassage[], replace: (text: string) => string): Turn[] {
  return turns.map((turn, i) => {
    const own = passages.filter((p) => p.turn === i).sort((a, b) => b.start - a.start);
    if (own.length === 0) return turn;
    let text = turn.text;
    for (const p of own) text = `${text.slice(0, p.start)}${replace(text.slice(p.start, p.end))}${text.slice(p.end)}`;
    return { ...turn, text: text.replace(/\s+/g, ' ').trim() };
  });
}

function withoutPassages(turns: readonly Turn[], passages: readonly InjectionPassage[]): Turn[] {
  return rewrite(turns, passages, () => ' ');
}

const defuse = (text: string): string => text.replace(/<\s*\/?\s*untrusted_customer_text\s*>/gi, '(untrusted text)');

/** The turns as the prompt shows them: every passage between the fence tags; fence tags typed by a customer defused. */
export function fenceInjections(turns: readonly Turn[], scan: InjectionScan): Turn[] {
  const typed = turns.some((t) => /untrusted_customer_text/i.test(t.text));
  const defused = typed ? turns.map((t) => ({ ...t, text: defuse(t.text) })) : turns;
  // Defusing moved the text: find the passages again in what is actually sent.
  const passages = typed ? scanInjections(defused).passages : scan.passages;
  return rewrite(defused, passages, (text) => ` ${FENCE_OPEN} ${text.trim()} ${FENCE_CLOSE} `);
}

/** The turns without their passages (for the extractive summarizer, which cannot tell a demand from a request). */
export function withoutInjections(turns: readonly Turn[], scan: InjectionScan): Turn[] {
  return withoutPassages(turns, scan.passages).filter((t) => t.text !== '');
}

/** Counts and kinds for the stored summary; undefined when nothing was found. */
export function injectionRecord(scan: InjectionScan): InjectionRecord | undefined {
  if (scan.passages.length === 0) return undefined;
  return { passages: scan.passages.length, kinds: [...new Set(scan.passages.flatMap((p) => p.kinds))].sort() };
}
