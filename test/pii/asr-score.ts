// Scoring on the ASR set: which characters of a turn a redactor removed, when a planted value counts as caught
// (none of its content survives), when a look-alike counts as kept (all of it survives), and leak checks for text
// that cannot be aligned with the transcript (a model's summary).
import { FILLERS } from '../../src/sim/asr-words.js';

const PLACEHOLDER = /\[[A-Z_]+\]/g;

/**
 * Which characters of `original` survive in `redacted`, where `redacted` is `original` with some spans replaced by
 * placeholders like "[CARD]". The text between placeholders must appear in order; the first piece is a prefix and
 * the last a suffix. Returns undefined when `redacted` is not such a rewrite of `original`.
 */
export function survivingMask(original: string, redacted: string): boolean[] | undefined {
  const pieces = redacted.split(PLACEHOLDER);
  const mask = new Array<boolean>(original.length).fill(false);
  if (pieces.length === 1) return pieces[0] === original ? mask.fill(true) : undefined;
  const first = pieces[0] ?? '';
  const last = pieces[pieces.length - 1] ?? '';
  if (!original.startsWith(first) || !original.endsWith(last)) return undefined;
  const tailStart = original.length - last.length;
  // Each placeholder replaced at least one character; middle pieces are placed leftmost, backtracking if needed.
  const place = (k: number, from: number): number[] | undefined => {
    if (k === pieces.length - 1) return from <= tailStart ? [] : undefined;
    const piece = pieces[k] ?? '';
    for (let at = original.indexOf(piece, from); at >= 0 && at + piece.length < tailStart; at = original.indexOf(piece, at + 1)) {
      const rest = place(k + 1, at + piece.length + 1);
      if (rest) return [at, ...rest];
    }
    return undefined;
  };
  const middle = place(1, first.length + 1);
  if (!middle) return undefined;
  const keep = (at: number, len: number): void => void mask.fill(true, at, at + len);
  keep(0, first.length);
  middle.forEach((at, i) => keep(at, (pieces[i + 1] ?? '').length));
  keep(tailStart, last.length);
  return mask;
}

/** A mask from detected spans (start, end exclusive): characters inside a span are removed. */
export function maskFromSpans(length: number, spans: ReadonlyArray<{ start: number; end: number }>): boolean[] {
  const mask = new Array<boolean>(length).fill(true);
  for (const s of spans) mask.fill(false, Math.max(0, s.start), Math.min(length, s.end));
  return mask;
}

/**
 * Words inside a value that carry none of it: fillers, "at"/"dot" of a spoken address, "as in" of a spelling
 * alphabet, "double"/"triple", articles and street types. A value leaks if anything else of it survives.
 */
export const STRUCTURE_WORDS = new Set([
  ...Object.values(FILLERS).flatMap((list) => list.flatMap((f) => f.split(' '))),
  ...'at ät dot punto punkt arroba underscore dash guion bajo unterstrich minus double triple as in wie de del of the el la las los am der y and número lane street avenue drive court road way calle avenida paseo plaza'.split(' '),
]);

/** Character offsets (within the turn) of the value's content: letters and digits of its non-structure words. */
export function contentPositions(text: string, start: number, end: number): number[] {
  const out: number[] = [];
  for (const m of text.slice(start, end).matchAll(/[\p{L}\p{N}]+/gu)) {
    if (STRUCTURE_WORDS.has(m[0].toLowerCase())) continue;
    for (let i = 0; i < m[0].length; i += 1) out.push(start + m.index + i);
  }
  return out;
}

/** Caught: no content character of text[start, end) survives. */
export function caught(text: string, start: number, end: number, survives: readonly boolean[]): boolean {
  return contentPositions(text, start, end).every((i) => !survives[i]);
}

/** Kept: every letter and digit of text[start, end) survives. */
export function kept(text: string, start: number, end: number, survives: readonly boolean[]): boolean {
  for (let i = start; i < end; i += 1) if (/[\p{L}\p{N}]/u.test(text[i] ?? '') && !survives[i]) return false;
  return true;
}

const PLAIN_NUMBER_WORDS = new Set(
  [
    'zero oh one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred thousand',
    'first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth thirtieth',
    'cero uno dos tres cuatro cinco seis siete ocho nueve diez once doce trece catorce quince dieciséis diecisiete dieciocho diecinueve veinte treinta cuarenta cincuenta sesenta setenta ochenta noventa cien ciento mil primero',
    'veintiuno veintidós veintitrés veinticuatro veinticinco veintiséis veintisiete veintiocho veintinueve doscientos trescientos cuatrocientos quinientos seiscientos setecientos ochocientos novecientos',
    'january february march april may june july august september october november december enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre',
    'januar februar märz mai juni juli oktober dezember',
  ].join(' ').split(' '),
);
/** German numbers and ordinals are single words built from these parts ("neunzehnhundertneunundsiebzig", "dritten"). */
const GERMAN_NUMBER = /^(?:ein|eins|zwei|zwo|drei|vier|fünf|sechs|sieben|sieb|acht|neun|zehn|elf|zwölf|zwanzig|dreißig|vierzig|fünfzig|sechzig|siebzig|achtzig|neunzig|hundert|tausend|und|null|ers|drit)+(?:s?te[rn]?)?$/u;
const isNumberWord = (w: string): boolean => PLAIN_NUMBER_WORDS.has(w) || GERMAN_NUMBER.test(w);
const COMMON = new Set(['com', 'net', 'org']);

/** Lower-case words of `text` (letters and digits). */
const wordsOf = (text: string): string[] => (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []);

/**
 * Does `haystack` (a model's request or answer, any layout) carry `value`? Yes when the value's words appear in a
 * row, or a run of three of its content words does, or one distinctive word (a name, street or mail domain of 3+
 * letters that is not a number or month word; a run of 4+ digits).
 */
export function leakedInto(haystack: string, value: string): boolean {
  const hay = ` ${wordsOf(haystack).join(' ')} `;
  const all = wordsOf(value);
  if (all.length > 0 && hay.includes(` ${all.join(' ')} `)) return true;
  const content = all.filter((w) => !STRUCTURE_WORDS.has(w));
  for (let i = 0; i + 3 <= content.length; i += 1) if (hay.includes(` ${content.slice(i, i + 3).join(' ')} `)) return true;
  const distinctive = content.filter((w) => (/^\d+$/.test(w) ? w.length >= 4 : w.length >= 3 && !isNumberWord(w) && !COMMON.has(w)));
  return distinctive.some((w) => hay.includes(` ${w} `));
}
