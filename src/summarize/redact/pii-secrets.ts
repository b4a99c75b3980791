// Security answers given in reply to the agent's security question, and which of them are chased through the
// transcript: product names, brands and common replies are neither taken on their own nor chased.
import { isNameWord } from './pii-names.js';
import type { PiiSpan } from './pii-types.js';
import { isBrandWord, isCommonWord } from './pii-words.js';

/** Does an agent turn ask a security question (maiden name, childhood pet, "security question")? */
export const ASKS_FOR_SECRET =
  /\bmaiden\s+name|\bname\s+of\s+(?:the\s+|your\s+)?(?:first\s+|childhood\s+)?pet|\bpet['’]?s?\s+name|\b(?:security|secret)\s+(?:question|answer)|\bmemorable\s+(?:word|answer)/i;

const FILLER_REPLY = /^(?:try|ahead|done|ready|moment|minute|second|maybe|perhaps|probably|possibly|definitely|honestly|hopefully|idea|clue|forgot|forget|remember|dunno|unsure|question|answer|skip|pass|repeat|again|hmm+|um+|uh+|ah+|oh+|hm+|wow|oops)$/i;
/** "it's Nemo", "it was Cooper", "was it Herbert?", "the answer is Blue Honda": the answer follows. */
const LEAD = /\b(?:it['’]?s|its|it\s+(?:is|was)|was\s+it|that\s+is|that['’]s|answer\s+is|answer:)\s+/giu;
const WORD = /\p{L}[\p{L}\p{N}'’-]*/gu;
/** Most words a reply may have to be read as a bare answer ("Wong", "Blue Honda", "That is Nemo"). */
const SHORT_REPLY = 6;
const MAX_WORDS = 3;

const wordCount = (text: string): number => text.split(/\s+/).filter(Boolean).length;
const capitalized = (word: string): boolean => /^\p{Lu}/u.test(word);
const answerWord = (w: string): boolean =>
  isNameWord(w) && !FILLER_REPLY.test(w) && !/(.)\1\1/i.test(w) && !/n['’]t$/i.test(w) && !isCommonWord(w);

/** Where an answer may stand: a short reply whole, else its first clause if short, and the words after "it's"/"answer is". */
function regions(text: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  if (wordCount(text) <= SHORT_REPLY) out.push([0, text.length]);
  else {
    const first = /^[^,.;!?]*/.exec(text)?.[0] ?? '';
    if (wordCount(first) <= MAX_WORDS) out.push([0, first.length]);
  }
  for (const m of text.matchAll(LEAD)) {
    const from = m.index + m[0].length;
    out.push([from, from + (/^[^,.;!?]*/.exec(text.slice(from))?.[0].length ?? 0)]);
  }
  return out;
}

/** Joins words separated only by spaces into phrases ("Blue" "Honda" → "Blue Honda"); keeps phrases with an answer word. */
function phrases(text: string, spans: Array<PiiSpan & { answer: boolean }>): PiiSpan[] {
  const out: Array<PiiSpan & { answer: boolean }> = [];
  for (const s of [...spans].sort((a, b) => a.start - b.start)) {
    const last = out[out.length - 1];
    if (last && s.start < last.end) continue;
    if (last && /^[ \t]+$/.test(text.slice(last.end, s.start))) Object.assign(last, { end: s.end, answer: last.answer || s.answer });
    else out.push({ ...s });
  }
  return out.filter((s) => s.answer).map(({ type, start, end }) => ({ type, start, end }));
}

/**
 * The answer in the customer's reply right after a security question ("Wong", "That is Nemo", "Sanchez. My childhood
 * pet was Charlie…", "it was Cooper"): name-like words of a short reply (≤ 6 words), of a short first clause, or after
 * "it's / it was / answer is"; capitalized unless the reply is ≤ 3 words with no capital past its first word. Brand,
 * product and common words ("Samsung", "Later", "Yes") are not answers on their own; a capitalized brand right next
 * to an answer word joins it ("Blue Honda"). At most three answer words per region; adjacent words form one span.
 */
export function findAnsweredSecret(text: string): PiiSpan[] {
  const words = [...text.matchAll(WORD)];
  const anyCase = wordCount(text) <= MAX_WORDS && !words.slice(1).some((w) => capitalized(w[0]));
  const found: Array<PiiSpan & { answer: boolean }> = [];
  const add = (w: RegExpMatchArray & { index: number }, answer: boolean): void =>
    void found.push({ type: 'secret', start: w.index, end: w.index + w[0].length, answer });
  for (const [from, to] of regions(text)) {
    const inside = words.filter((w) => w.index >= from && w.index + w[0].length <= to);
    inside.filter((w) => answerWord(w[0]) && (anyCase || capitalized(w[0]))).slice(0, MAX_WORDS).forEach((w) => add(w, true));
    inside.filter((w) => isBrandWord(w[0]) && capitalized(w[0])).forEach((w) => add(w, false));
  }
  return phrases(text, found);
}

/**
 * Is a security answer specific enough to chase through the transcript? A phrase of two or more words always is;
 * a single word unless it is a stopword, a brand or product, or a common reply ("Later", "Yes", "Samsung").
 */
export function propagatesSecret(value: string): boolean {
  const words = value.trim().split(/\s+/);
  if (words.length > 1) return true;
  const word = words[0] ?? '';
  return isNameWord(word) && !isCommonWord(word);
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Mentions of a known security answer: any case, any whitespace between its words, whole words only. */
export function secretPattern(value: string): RegExp {
  const body = value.trim().split(/\s+/).map(escape).join('\\s+');
  return new RegExp(`(?<![\\p{L}\\p{N}_])${body}(?![\\p{L}\\p{N}_])`, 'giu');
}
