// Fact extraction for the faithfulness check: numbers, amounts, percentages, dates, times, ids and product names,
// each reduced to comparable keys so "$12.50" matches "12 dollars and 50 cents" and "June 2nd" matches "2/6".
import { numberWordsToDigits } from './number-words.js';

export type FactKind = 'amount' | 'percent' | 'number' | 'date' | 'time' | 'weekday' | 'id' | 'name';

/** One checkable fact: grounded when any of `keys` is among the transcript's keys. */
export interface Fact {
  kind: FactKind;
  raw: string;
  keys: string[];
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const MONTH = '(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)';
const ORD = '(?:st|nd|rd|th)?';
const monthNo = (m: string): number => MONTHS.indexOf(m.slice(0, 3).toLowerCase()) + 1;
const num = (s: string): string => String(Number(s.replace(/,/g, '')));

interface Rule {
  kind: FactKind;
  re: RegExp;
  keys: (m: RegExpExecArray) => string[];
}

/** Applied in order; each match is blanked so later rules do not see its digits again. */
const RULES: Rule[] = [
  { kind: 'date', re: /\b(\d{4})-(\d{1,2})-(\d{1,2})\b/g, keys: (m) => [`date:${+m[2]!}-${+m[3]!}`] },
  { kind: 'date', re: new RegExp(`\\b${MONTH}\\.?\\s+(\\d{1,2})${ORD}\\b(?:,?\\s+\\d{4})?`, 'gi'), keys: (m) => [`date:${monthNo(m[1]!)}-${+m[2]!}`] },
  { kind: 'date', re: new RegExp(`\\b(\\d{1,2})${ORD}\\s+(?:of\\s+)?${MONTH}\\b\\.?(?:,?\\s+\\d{4})?`, 'gi'), keys: (m) => [`date:${monthNo(m[2]!)}-${+m[1]!}`] },
  {
    kind: 'date',
    re: /(?<![\d/.])(\d{1,2})[/.](\d{1,2})(?:[/.](\d{2}|\d{4}))?(?![\d/])/g,
    keys: (m) => [`date:${+m[1]!}-${+m[2]!}`, `date:${+m[2]!}-${+m[1]!}`],
  },
  { kind: 'weekday', re: /\b(mon|tues|wednes|thurs|fri|satur|sun)day\b/gi, keys: (m) => [`day:${m[1]!.toLowerCase()}`] },
  { kind: 'time', re: /\b(\d{1,2})(?::(\d{2}))?\s*([ap])\.?m\b\.?/gi, keys: (m) => [`time:${((+m[1]! % 12) + (m[3]!.toLowerCase() === 'p' ? 12 : 0)) * 60 + +(m[2] ?? 0)}`] },
  { kind: 'time', re: /\bnoon\b/gi, keys: () => ['time:720'] },
  { kind: 'time', re: /(?<![\d:])(\d{1,2}):(\d{2})(?![\d:])/g, keys: (m) => [`time:${+m[1]! * 60 + +m[2]!}`, `time:${((+m[1]! % 12) + 12) * 60 + +m[2]!}`] },
  // Ids: letters and digits mixed, or digits joined by dashes, or long digit runs (order numbers).
  { kind: 'id', re: /\b(?=[A-Za-z0-9-]*\d)(?=[A-Za-z0-9-]*[A-Za-z])[A-Za-z0-9]+(?:-[A-Za-z0-9]+)+\b|\b(?=[A-Za-z]*\d)(?=\d*[A-Za-z])[A-Za-z0-9]{5,}\b/g, keys: (m) => [`id:${compact(m[0])}`] },
  { kind: 'id', re: /(?<![\d.,$])\d{2,}(?:[- ]\d{2,}){1,4}(?![\d.,])|(?<![\d.,$])\d{6,}(?![\d.,])/g, keys: (m) => [`id:${compact(m[0])}`] },
  {
    kind: 'amount',
    re: /(\d[\d,]*(?:\.\d+)?)\s*(?:dollars?|bucks|usd|euros?|eur|pounds?|gbp)\s+and\s+(\d{1,2})\s*(?:cents?|pence|p)\b/gi,
    keys: (m) => [`num:${num(`${m[1]!}.${m[2]!.padStart(2, '0')}`)}`],
  },
  { kind: 'amount', re: /[$€£]\s?(\d[\d,]*(?:\.\d+)?)/g, keys: (m) => [`num:${num(m[1]!)}`] },
  { kind: 'amount', re: /(\d[\d,]*(?:\.\d+)?)\s*(?:dollars?|bucks|usd|euros?|eur|pounds?|gbp)\b/gi, keys: (m) => [`num:${num(m[1]!)}`] },
  { kind: 'amount', re: /\b(\d{1,2})\s*cents?\b/gi, keys: (m) => [`num:${num(`0.${m[1]!.padStart(2, '0')}`)}`, `num:${num(m[1]!)}`] },
  { kind: 'percent', re: /(\d+(?:\.\d+)?)\s*(?:%|percent\b|per\s+cent\b)/gi, keys: (m) => [`num:${num(m[1]!)}`] },
  { kind: 'number', re: /(?<![\w.])(\d[\d,]*(?:\.\d+)?)(?![\w]|\.\d)/g, keys: (m) => [`num:${num(m[1]!)}`] },
];

/** Upper case, separators removed: "rf-55810" → "RF55810". */
export const compact = (s: string): string => s.toUpperCase().replace(/[^A-Z0-9]/g, '');

/** Facts stated in `text`. `forSummary` keeps lone "one"/ordinals as words (pronouns, "second time") rather than facts. */
export function extractFacts(text: string, forSummary: boolean): Fact[] {
  let work = numberWordsToDigits(text.replace(/\[[A-Z_]+\]/g, ' '), forSummary ? { loneOne: false, loneOrdinals: false } : {});
  const facts: Fact[] = [];
  for (const rule of RULES) {
    work = work.replace(rule.re, (...args: unknown[]) => {
      const match = args.slice(0, -2).filter((a) => typeof a === 'string' || a === undefined) as string[];
      const m = Object.assign([...match], { index: 0, input: '' }) as unknown as RegExpExecArray;
      facts.push({ kind: rule.kind, raw: String(args[0]).trim().replace(/[.,]$/, ''), keys: rule.keys(m) });
      return ' '.repeat(String(args[0]).length);
    });
  }
  return facts;
}

const GENERIC = '(?:plan|package|subscription|tier|membership|bundle|card|account|service|policy|warranty|edition|model)';
const NOT_NAMES = new Set(
  `the a an this that these those customer customers agent agents he she they it its their his her we our you your i
  and but or so then when after before during while if because also however finally later next both each all no yes
  mr mrs ms dr english spanish french german summary resolution intent follow up unresolved`.split(/\s+/),
);

/**
 * Product-like names: capitalized words followed by a model number ("Pixel 8", "Galaxy S23 Ultra"), runs of two or more
 * capitalized words ("Premium Plus plan"), and camel-case brands ("PayPal", "iPhone"). Keys drop a generic trailing
 * word ("plan") and case, so "Premium Plus plan" matches "premium plus subscription".
 */
export function extractNames(text: string): Fact[] {
  const cap = "(?:[A-Z][A-Za-z'’&]*|i[A-Z][A-Za-z]*)";
  const re = new RegExp(`${cap}(?:\\s+(?:[A-Z]?\\d+[A-Za-z]*|${cap})\\b)+|\\b[a-z]?[A-Z][a-z]+[A-Z][A-Za-z]*\\b`, 'g');
  const facts: Fact[] = [];
  for (const m of text.replace(/\[[A-Z_]+\]/g, ' ').matchAll(re)) {
    const words = m[0].split(/\s+/);
    while (words.length > 0 && NOT_NAMES.has(words[0]!.toLowerCase())) words.shift();
    while (words.length > 0 && NOT_NAMES.has(words[words.length - 1]!.toLowerCase())) words.pop();
    const hasModel = words.some((w) => /\d/.test(w));
    if (words.length === 0 || (words.length === 1 && !/[a-z][A-Z]/.test(words[0]!) && !hasModel)) continue;
    if (words.every((w) => /^\d/.test(w) || new RegExp(`^${MONTH}$`, 'i').test(w))) continue;
    const key = words.join(' ').toLowerCase().replace(new RegExp(`\\s+${GENERIC}$`), '');
    facts.push({ kind: 'name', raw: words.join(' '), keys: [`name:${key.replace(/[\s-]+/g, ' ')}`] });
  }
  return facts;
}
