// English number words to digits ("a hundred and forty-two" → "142", "second" → "2nd"), for comparing facts across wordings.

const UNITS = 'zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen'.split(' ');
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];
const ORDINALS: Record<string, number> = {
  first: 1, second: 2, third: 3, fourth: 4, fifth: 5, sixth: 6, seventh: 7, eighth: 8, ninth: 9, tenth: 10, eleventh: 11,
  twelfth: 12, thirteenth: 13, fourteenth: 14, fifteenth: 15, sixteenth: 16, seventeenth: 17, eighteenth: 18,
  nineteenth: 19, twentieth: 20, thirtieth: 30,
};
const SCALES: Record<string, number> = { hundred: 100, thousand: 1000, million: 1_000_000 };

function cardinal(word: string): number | undefined {
  const unit = UNITS.indexOf(word);
  if (unit >= 0) return unit;
  const ten = TENS.indexOf(word);
  return ten >= 2 ? ten * 10 : undefined;
}

const isNumberWord = (w: string): boolean => cardinal(w) !== undefined || w in SCALES || w in ORDINALS;
const small = (w: string): number => cardinal(w) ?? ORDINALS[w] ?? -1;

/** Can `next` continue a number after `prev`? ("twenty two", "two hundred" yes; "two three", "twenty thirty" no.) */
function continues(prev: string | undefined, next: string): boolean {
  if (prev === undefined || prev in SCALES || next in SCALES) return true;
  const a = small(prev);
  const b = small(next);
  return a >= 20 && a % 10 === 0 && b > 0 && b < 10;
}
const suffix = (n: number): string => (n % 100 >= 11 && n % 100 <= 13 ? 'th' : ['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');

/** The value of a run of number words, e.g. ["a","hundred","and","forty","two"] → 142; ordinal flag for "twenty first". */
function valueOf(words: string[]): { value: number; ordinal: boolean } {
  let total = 0;
  let current = 0;
  let ordinal = false;
  for (const w of words) {
    if (w === 'a' || w === 'and') continue;
    const scale = SCALES[w];
    if (scale === 100) current = (current || 1) * 100;
    else if (scale !== undefined) {
      total += (current || 1) * scale;
      current = 0;
    } else if (w in ORDINALS) {
      current += ORDINALS[w] ?? 0;
      ordinal = true;
    } else current += cardinal(w) ?? 0;
  }
  return { value: total + current, ordinal };
}

export interface NumberWordOptions {
  /** Convert a lone "one" (often a pronoun: "the old one"). @default true */
  loneOne?: boolean;
  /** Convert lone ordinals ("second" → "2nd"); runs like "twenty first" are always converted. @default true */
  loneOrdinals?: boolean;
}

/**
 * Replaces runs of English number words with digits, keeping everything else: "three to five days" → "3 to 5 days",
 * "twenty-first of June" → "21st of June", "a hundred and forty two dollars" → "142 dollars". Case-insensitive.
 */
export function numberWordsToDigits(text: string, options: NumberWordOptions = {}): string {
  const tokens = text.match(/[A-Za-z]+|[^A-Za-z]+/g) ?? [];
  let out = '';
  for (let i = 0; i < tokens.length; ) {
    const run: string[] = [];
    let j = i;
    let end = i;
    for (; j < tokens.length; j += 1) {
      const t = (tokens[j] ?? '').toLowerCase();
      if (/^[A-Za-z]/.test(t)) {
        const next = (tokens[j + 2] ?? '').toLowerCase();
        const last = run.filter((w) => w !== 'a' && w !== 'and').at(-1);
        const glue =
          (t === 'a' && run.length === 0 && next in SCALES) ||
          (t === 'and' && last !== undefined && last in SCALES && isNumberWord(next) && !(next in SCALES));
        if (!isNumberWord(t) && !glue) break;
        if ((last !== undefined && last in ORDINALS) || (!glue && !continues(last, t))) break;
        run.push(t);
        if (!glue) end = j + 1;
      } else if (run.length === 0 || !/^[\s-]+$/.test(t)) break;
    }
    const meaningful = tokens.slice(i, end).filter((t) => /^[A-Za-z]/.test(t)).map((t) => t.toLowerCase());
    const lone = meaningful.length === 1 ? meaningful[0] ?? '' : '';
    const skip =
      meaningful.length === 0 ||
      (lone === 'one' && options.loneOne === false) ||
      (lone in ORDINALS && options.loneOrdinals === false) ||
      (lone !== '' && lone in SCALES);
    if (skip) {
      out += tokens[i] ?? '';
      i += 1;
      continue;
    }
    const { value, ordinal } = valueOf(meaningful);
    out += ordinal ? `${value}${suffix(value)}` : String(value);
    i = end;
  }
  return out;
}
