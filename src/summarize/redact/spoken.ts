// The spoken-form normalizer: rewrites what a speech engine writes for numbers and spelled codes ("four two double
// one uh seven", "g b seven eight", "t as in tango", "twenty third", "neunzehnhundertneunundsiebzig") as digits and
// letters ("42117", "GB78", "T", "23.", "1979"), and keeps a map back to the original text, so that the written-form
// validators (Luhn, mod-97, lengths, date and address patterns) read spoken values and their spans land on the
// original words. English, Spanish and German. Linear: one pass over the words, each rule looks a bounded way ahead.
import { isHundred, isSpanishHundreds, isTens, isThousand, isUnit, numberWord, ordinalWord, repeatCount } from './spoken-numbers.js';

interface Token {
  lower: string;
  start: number;
  end: number;
  /** The word's value as a number word and as a day ordinal, read once. */
  value: number | undefined;
  ordinal: number | undefined;
}

/** Words a speaker says inside a number without ending it ("uh", "sorry", "let me see", "a ver", "äh", "moment"). */
const FILLERS: readonly string[][] = [
  'uh', 'um', 'er', 'erm', 'ah', 'hmm', 'sorry', 'eh', 'este', 'pues', 'perdón', 'perdon', 'bueno', 'äh', 'ähm', 'öh', 'öhm', 'moment', 'also',
  'let me see', 'hold on', 'wait', 'one moment', 'a ver', 'o sea', 'espere', 'warte', 'sekunde', 'ähm moment',
].map((f) => f.split(' '));
/** Single letters that are also words ("a", "i", "y", "o", "e", "u"): part of a code only between two other parts. */
const AMBIGUOUS = new Set(['a', 'e', 'i', 'o', 'u', 'y', 'oh']);
/** "t as in tango", "n wie nordpol", "m de madrid", "b como barcelona", "c for charlie". */
const SPELLING_LINKS: readonly string[][] = [['as', 'in'], ['wie'], ['de'], ['como'], ['for'], ['von']];

type Part = { kind: 'digits' | 'letter' | 'filler'; text: string; first: number; last: number; weak: boolean };

/** Where a replacement starts and ends in the original text, and what it says. */
export interface Rewrite {
  start: number;
  end: number;
  text: string;
  kind: 'code' | 'spelled' | 'ordinal' | 'number';
}

export interface Normalized {
  /** The text with spoken numbers, codes and ordinals rewritten; everything else as it was. */
  text: string;
  /** The rewrites made, in original offsets. */
  rewrites: Rewrite[];
  /** Maps a span over `text` onto the original text (a rewritten value maps to all of its words). */
  restore: <S extends { start: number; end: number }>(span: S) => S;
}

function tokenize(text: string): Token[] {
  return [...text.matchAll(/[\p{L}\p{N}]+(?:['’]\p{L}+)*/gu)].map((m) => {
    const lower = m[0].toLowerCase();
    const value = /^\p{L}{2,}$/u.test(lower) ? numberWord(lower) : undefined;
    const ordinal = value === undefined && /^\p{L}{4,}$/u.test(lower) ? ordinalWord(lower) : undefined;
    return { lower, start: m.index, end: m.index + m[0].length, value, ordinal };
  });
}

const isLetter = (t: Token | undefined): boolean => t !== undefined && /^\p{L}$/u.test(t.lower);

function fillerLength(tokens: readonly Token[], i: number): number {
  for (const f of FILLERS) if (f.every((w, k) => tokens[i + k]?.lower === w)) return f.length;
  return 0;
}

/** Only whitespace (or a dash) between two tokens keeps a number or code together. */
const joined = (text: string, a: Token | undefined, b: Token | undefined): boolean => !!a && !!b && /^[\s-]{1,3}$/.test(text.slice(a.end, b.start));

const wordValue = (t: Token | undefined): number | undefined => t?.value;

/** Below 100: "forty five", "treinta y siete", "seventeen", "dreiundachtzig" (German compounds may be larger). */
function readBelow100(tokens: readonly Token[], text: string, i: number): { value: number; next: number } | undefined {
  const t = tokens[i];
  const value = wordValue(t);
  if (!t || value === undefined || isSpanishHundreds(t.lower)) return undefined;
  if (isTens(t.lower)) {
    const u = tokens[i + 1];
    if (u && joined(text, t, u) && isUnit(u.lower) && u.lower !== 'oh' && (wordValue(u) ?? 0) > 0) return { value: value + (wordValue(u) ?? 0), next: i + 2 };
    const after = tokens[i + 2];
    if (u?.lower === 'y' && after && isUnit(after.lower) && (wordValue(after) ?? 0) > 0) return { value: value + (wordValue(after) ?? 0), next: i + 3 };
  }
  return { value, next: i + 1 };
}

/** Below 1000: "one hundred sixteen", "nineteen hundred", "ciento veinte", "novecientos setenta y nueve". */
function readBelow1000(tokens: readonly Token[], text: string, i: number): { value: number; next: number } | undefined {
  const t = tokens[i];
  if (t && isSpanishHundreds(t.lower)) {
    const rest = joined(text, t, tokens[i + 1]) ? readBelow100(tokens, text, i + 1) : undefined;
    const base = wordValue(t) ?? 0;
    return rest && rest.value < 100 ? { value: base + rest.value, next: rest.next } : { value: base, next: i + 1 };
  }
  const x = readBelow100(tokens, text, i);
  const h = x ? tokens[x.next] : undefined;
  if (!x || x.value >= 100 || !h || !isHundred(h.lower) || !joined(text, tokens[x.next - 1], h)) return x;
  let next = x.next + 1;
  if (tokens[next]?.lower === 'and') next += 1;
  const rest = readBelow100(tokens, text, next);
  return rest && rest.value < 100 ? { value: x.value * 100 + rest.value, next: rest.next } : { value: x.value * 100, next: x.next + 1 };
}

/** One arithmetic group: "two thousand five", "mil novecientos…", "forty five"; digit by digit, each digit is one. */
function readGroup(tokens: readonly Token[], text: string, i: number): { value: number; next: number } | undefined {
  const t = tokens[i];
  if (!t) return undefined;
  const first = readBelow1000(tokens, text, i);
  const k = first ? first.next : i;
  const th = tokens[k];
  if (!th || !isThousand(th.lower) || (!first && th.lower !== 'mil') || (first && !joined(text, tokens[k - 1], th))) return first;
  const rest = joined(text, th, tokens[k + 1]) ? readBelow1000(tokens, text, k + 1) : undefined;
  const value = (first?.value ?? 1) * 1000 + (rest && rest.value < 1000 ? rest.value : 0);
  return { value, next: rest && rest.value < 1000 ? rest.next : k + 1 };
}

/** An ordinal day at `i`: "third", "twenty third", "dreiundzwanzigster", "fünften". */
function readOrdinal(tokens: readonly Token[], text: string, i: number): { value: number; next: number } | undefined {
  const t = tokens[i];
  if (!t) return undefined;
  const next = tokens[i + 1];
  const unit = next && joined(text, t, next) ? next.ordinal : undefined;
  if (isTens(t.lower) && unit !== undefined && unit < 10) return { value: (wordValue(t) ?? 0) + unit, next: i + 2 };
  const own = t.ordinal;
  return own === undefined ? undefined : { value: own, next: i + 1 };
}

/** A spelled letter at `i`, with its spelling word if any ("t as in tango" → T). */
function readLetter(tokens: readonly Token[], i: number): { letter: string; next: number; strong: boolean } | undefined {
  const t = tokens[i];
  if (!isLetter(t) || !t) return undefined;
  for (const link of SPELLING_LINKS) {
    const word = tokens[i + 1 + link.length];
    if (link.every((w, k) => tokens[i + 1 + k]?.lower === w) && word && /^\p{L}{3,}$/u.test(word.lower) && word.lower[0] === t.lower) {
      return { letter: t.lower.toUpperCase(), next: i + 2 + link.length, strong: true };
    }
  }
  return { letter: t.lower.toUpperCase(), next: i + 1, strong: !AMBIGUOUS.has(t.lower) };
}

/** The parts of a run starting at `i` (digits, letters, fillers), up to the first word that belongs to none. */
function readParts(tokens: readonly Token[], text: string, i: number): Part[] {
  const parts: Part[] = [];
  let j = i;
  while (j < tokens.length && (j === i || joined(text, tokens[j - 1], tokens[j]))) {
    const t = tokens[j]!;
    const times = repeatCount(t.lower);
    const repeated = times > 0 && tokens[j + 1] && isUnit(tokens[j + 1]!.lower) ? String(wordValue(tokens[j + 1])) : undefined;
    if (repeated !== undefined) {
      parts.push({ kind: 'digits', text: repeated.repeat(times), first: j, last: j + 1, weak: false });
      j += 2;
      continue;
    }
    if (readOrdinal(tokens, text, j)) break;
    const group = readGroup(tokens, text, j);
    if (group) {
      parts.push({ kind: 'digits', text: String(group.value), first: j, last: group.next - 1, weak: t.lower === 'oh' });
      j = group.next;
      continue;
    }
    const filler = fillerLength(tokens, j);
    const letter = filler > 1 ? undefined : readLetter(tokens, j);
    if (letter) {
      parts.push({ kind: 'letter', text: letter.letter, first: j, last: letter.next - 1, weak: !letter.strong });
      j = letter.next;
      continue;
    }
    if (filler === 0) break;
    parts.push({ kind: 'filler', text: '', first: j, last: j + filler - 1, weak: true });
    j += filler;
  }
  return parts;
}

/** Drops fillers and weak parts ("oh", "a", "y") from the ends until an end part is a digit group or a clear letter. */
function trim(parts: Part[]): Part[] {
  let from = 0;
  let to = parts.length;
  const solid = (p: Part | undefined): boolean => !!p && p.kind !== 'filler' && !(p.weak && p.kind === 'letter');
  const keepEnd = (p: Part | undefined, inward: Part | undefined): boolean =>
    !!p && p.kind !== 'filler' && (!p.weak || (solid(inward) && (p.kind === 'letter' ? inward?.kind === 'letter' : true)));
  while (from < to && !keepEnd(parts[from], parts[from + 1])) from += 1;
  while (to > from && !keepEnd(parts[to - 1], parts[to - 2])) to -= 1;
  return parts.slice(from, to);
}

/** The rewrite for a run of parts, if it is one: any digits, or three or more spelled letters. */
function rewriteOf(tokens: readonly Token[], parts: Part[]): Rewrite | undefined {
  const digits = parts.some((p) => p.kind === 'digits');
  const letters = parts.filter((p) => p.kind === 'letter').length;
  if (!digits && letters < 3) return undefined;
  if (digits && parts.length === 1 && parts[0]!.weak) return undefined;
  const first = tokens[parts[0]!.first]!;
  const last = tokens[parts[parts.length - 1]!.last]!;
  const value = parts.map((p) => p.text).join('');
  return { start: first.start, end: last.end, text: value, kind: !digits ? 'spelled' : letters > 0 ? 'code' : 'number' };
}

/** Every rewrite of `text`: numbers and codes (one run each), ordinals ("23."), spelled words. */
export function spokenRewrites(text: string): Rewrite[] {
  const tokens = tokenize(text);
  const out: Rewrite[] = [];
  let i = 0;
  while (i < tokens.length) {
    const t = tokens[i]!;
    // Most words start nothing: no number, ordinal, letter or repeat (a run never starts with a filler).
    if (t.value === undefined && t.ordinal === undefined && t.lower.length > 1 && t.lower !== 'mil' && repeatCount(t.lower) === 0) {
      i += 1;
      continue;
    }
    const ordinal = readOrdinal(tokens, text, i);
    if (ordinal) {
      out.push({ start: tokens[i]!.start, end: tokens[ordinal.next - 1]!.end, text: `${ordinal.value}.`, kind: 'ordinal' });
      i = ordinal.next;
      continue;
    }
    const read = readParts(tokens, text, i);
    const parts = trim(read);
    const rewrite = parts.length > 0 ? rewriteOf(tokens, parts) : undefined;
    if (rewrite) out.push(rewrite);
    // A run that yields nothing holds no shorter run that would: go past all of it (linear on "a-a-a-…").
    i = rewrite ? parts[parts.length - 1]!.last + 1 : Math.max(i + 1, (read[read.length - 1]?.last ?? i) + 1);
  }
  return out;
}

/** Applies the rewrites of `text` and returns the normalized text with its map back to the original offsets. */
export function normalizeSpoken(text: string): Normalized {
  const rewrites = spokenRewrites(text);
  if (rewrites.length === 0) return { text, rewrites, restore: (s) => s };
  const starts: number[] = [];
  const ends: number[] = [];
  let out = '';
  let at = 0;
  const copy = (to: number): void => {
    for (; at < to; at += 1) {
      out += text[at];
      starts.push(at);
      ends.push(at + 1);
    }
  };
  for (const r of rewrites) {
    copy(r.start);
    out += r.text;
    for (let k = 0; k < r.text.length; k += 1) {
      starts.push(r.start);
      ends.push(r.end);
    }
    at = r.end;
  }
  copy(text.length);
  const restore = <S extends { start: number; end: number }>(s: S): S => ({ ...s, start: starts[s.start] ?? text.length, end: ends[s.end - 1] ?? text.length });
  return { text: out, rewrites, restore };
}
