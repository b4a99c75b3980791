// Renders written text as a speech engine (Genesys Speech & Text Analytics) writes it: lower case, no punctuation,
// numbers, dates, amounts and e-mail addresses spoken, in English, Spanish or German; variants chosen by a seed.
import { cardinal, digitWord, FILLERS, MONTHS, ordinal, spellingWord, SYMBOLS, year, type AsrLanguage } from './asr-words.js';
import { createRandom, type SimRandom } from './sim-random.js';

export { cardinal, ordinal, year, type AsrLanguage } from './asr-words.js';

/** How a run of digits is read out. */
export type DigitStyle =
  /** One word per digit ("six two zero"), English zero as "oh" or "zero". */
  | 'single'
  /** Like single, with "double four" / "triple seven" for repeats (English; other languages read single). */
  | 'double'
  /** Two digits at a time ("forty five thirty nine"; "oh five" for a leading zero). */
  | 'pairs'
  /** Groups of three read as numbers ("one ninety two", "ciento noventa y dos"). */
  | 'hundreds';

export interface SpeakDigitsOptions {
  /** @default 'single' */
  style?: DigitStyle;
  /** Chance of a filler ("uh", "sorry", "let me see") between two groups. @default 0 */
  fillerRate?: number;
  /** Group sizes the speaker pauses after, e.g. [3, 3, 4] for a US phone number. @default [4, 4, …] */
  groups?: readonly number[];
}

const pick = <T>(rng: SimRandom, items: readonly T[]): T => items[rng.int(0, items.length - 1)] as T;

function single(digits: string, language: AsrLanguage, rng: SimRandom, doubles: boolean): string[] {
  const words: string[] = [];
  const oh = rng.next() < 0.6;
  for (let i = 0; i < digits.length; ) {
    const d = digits[i] ?? '0';
    let run = 1;
    while (digits[i + run] === d && run < 3) run += 1;
    const word = digitWord(d, language, { oh, zwo: rng.next() < 0.5 });
    if (doubles && language === 'en' && run >= 2) {
      words.push(`${run === 3 ? 'triple' : 'double'} ${word}`);
      i += run;
    } else {
      words.push(word);
      i += 1;
    }
  }
  return words;
}

/** "45" → forty five; "05" → "oh five" / "cero cinco" / "null fünf"; "00" → "double oh" / "cero cero" / "null null". */
function pair(two: string, language: AsrLanguage, rng: SimRandom): string {
  if (two.length === 1 || two[0] === '0') return single(two, language, rng, true).join(' ');
  return cardinal(Number(two), language);
}

/** "192" → "one ninety two" (English), "ciento noventa y dos", "hundertzweiundneunzig"; leading zeros digit by digit. */
export function hundreds(three: string, language: AsrLanguage, rng: SimRandom): string {
  if (three.startsWith('0') || three.length < 3) return single(three, language, rng, false).join(' ');
  const n = Number(three);
  if (language !== 'en' || n % 100 === 0) return cardinal(n, language);
  const rest = three.slice(1);
  return `${digitWord(three[0] ?? '1', 'en')} ${rest.startsWith('0') ? `oh ${digitWord(rest[1] ?? '0', 'en')}` : cardinal(Number(rest), 'en')}`;
}

function group(digits: string, style: DigitStyle, language: AsrLanguage, rng: SimRandom): string {
  if (style === 'pairs') {
    const parts: string[] = [];
    let i = 0;
    if (digits.length % 2 === 1) {
      parts.push(digitWord(digits[0] ?? '0', language, { oh: true }));
      i = 1;
    }
    for (; i < digits.length; i += 2) parts.push(pair(digits.slice(i, i + 2), language, rng));
    return parts.join(' ');
  }
  if (style === 'hundreds' && digits.length === 3) return hundreds(digits, language, rng);
  return single(digits, language, rng, style === 'double').join(' ');
}

/** Splits `digits` after the given group sizes (the rest in groups of the last size). */
function split(digits: string, groups: readonly number[]): string[] {
  const out: string[] = [];
  let at = 0;
  for (let g = 0; at < digits.length; g += 1) {
    const size = groups[Math.min(g, groups.length - 1)] ?? 4;
    out.push(digits.slice(at, at + size));
    at += size;
  }
  return out;
}

/** A digit string read out: "6208441975" → "six two oh eight double four one nine seven five". */
export function speakDigits(digits: string, language: AsrLanguage, rng: SimRandom, options: SpeakDigitsOptions = {}): string {
  if (!/^\d+$/.test(digits)) throw new RangeError(`speakDigits: not digits: ${digits}`);
  const style = options.style ?? 'single';
  const parts = split(digits, options.groups ?? [4]).map((g) => group(g, style, language, rng));
  const rate = options.fillerRate ?? 0;
  return parts.map((p, i) => (i > 0 && rng.next() < rate ? `${pick(rng, FILLERS[language])} ${p}` : p)).join(' ');
}

/** Letters spelled one by one ("q u i n t e r o"); digits among them read singly. */
export function spell(word: string, language: AsrLanguage, rng: SimRandom, options: { alphabet?: boolean } = {}): string {
  return [...word.toLowerCase()]
    .filter((ch) => /[\p{L}\d]/u.test(ch))
    .map((ch) => (/\d/.test(ch) ? digitWord(ch, language, { oh: rng.next() < 0.5 }) : options.alphabet && /[a-z]/.test(ch) ? spellingWord(ch, language) : ch))
    .join(' ');
}

export interface DateParts {
  year: number;
  month: number;
  day: number;
}

/** The spoken forms of a date, per language (index chooses one; `speakDate` picks by seed). */
export function dateForms(date: DateParts, language: AsrLanguage): string[] {
  const month = MONTHS[language][date.month - 1] ?? '';
  const y = year(date.year, language);
  const low = date.year % 100;
  // "seventy nine", "oh one"; Spanish and German say years of this century in full ("del dos mil uno").
  const short = date.year >= 2000 && language !== 'en' ? y : low < 10 && language === 'en' ? `oh ${cardinal(low, 'en')}` : cardinal(low, language);
  if (language === 'en') {
    return [`${month} ${ordinal(date.day, 'en')} ${y}`, `the ${ordinal(date.day, 'en')} of ${month} ${short}`, `${ordinal(date.day, 'en')} of ${month} ${y}`];
  }
  if (language === 'es') {
    return [`${ordinal(date.day, 'es')} de ${month} de ${y}`, `el ${ordinal(date.day, 'es')} de ${month} del ${short}`, `${cardinal(date.day, 'es')} del ${cardinal(date.month, 'es')} de ${y}`];
  }
  return [`${ordinal(date.day, 'de')} ${month} ${y}`, `am ${ordinal(date.day, 'de', true)} ${month} ${y}`, `${ordinal(date.day, 'de')} ${ordinal(date.month, 'de')} ${y}`];
}

/** A date as a speaker says it: "june twenty third nineteen seventy nine", "veintitrés de junio de mil novecientos…". */
export function speakDate(date: DateParts, language: AsrLanguage, rng: SimRandom): string {
  return pick(rng, dateForms(date, language));
}

/** Spoken pieces of an e-mail part: words kept, digit runs read singly, "." "_" "-" named. */
function speakEmailPart(part: string, language: AsrLanguage, rng: SimRandom): string {
  const sym = SYMBOLS[language];
  return (part.toLowerCase().match(/[a-zà-ÿß]+|\d+|[._-]/g) ?? [])
    .map((t) => (t === '.' ? sym.dot : t === '_' ? sym.underscore : t === '-' ? sym.dash : /\d/.test(t) ? speakDigits(t, language, rng) : t))
    .join(' ');
}

/** "d.quintero@mailbox.com" → "d dot quintero at mailbox dot com" ("arroba … punto", "at … punkt"). */
export function speakEmail(email: string, language: AsrLanguage, rng: SimRandom): string {
  const [local = '', domain = ''] = email.split('@');
  return `${speakEmailPart(local, language, rng)} ${pick(rng, SYMBOLS[language].at)} ${speakEmailPart(domain, language, rng)}`;
}

/** "192.168.40.12" → "one ninety two dot one sixty eight dot forty dot twelve" (or octets digit by digit). */
export function speakIpv4(ip: string, language: AsrLanguage, rng: SimRandom): string {
  const bySingles = rng.next() < 0.25;
  return ip
    .split('.')
    .map((octet) => (bySingles ? speakDigits(octet, language, rng) : octet.length === 3 ? hundreds(octet, language, rng) : cardinal(Number(octet), language)))
    .join(` ${SYMBOLS[language].dot} `);
}

const CURRENCY: Record<AsrLanguage, Record<string, [string, string]>> = {
  en: { $: ['dollars', 'cents'], '€': ['euros', 'cents'], '£': ['pounds', 'pence'] },
  es: { $: ['dólares', 'centavos'], '€': ['euros', 'céntimos'], '£': ['libras', 'peniques'] },
  de: { $: ['dollar', 'cent'], '€': ['euro', 'cent'], '£': ['pfund', 'pence'] },
};

/** "49.99" with "$" → "forty nine ninety nine" or "forty nine dollars and ninety nine cents" (es "con", de "euro neunundneunzig"). */
export function speakAmount(amount: string, currency: string, language: AsrLanguage, rng: SimRandom): string {
  const [whole = '0', cents = ''] = amount.replace(',', '.').split('.');
  const [major, minor] = CURRENCY[language][currency] ?? CURRENCY[language].$ ?? ['', ''];
  const w = cardinal(Number(whole), language);
  if (!cents || Number(cents) === 0) return `${w} ${major}`;
  const c = cardinal(Number(cents.padEnd(2, '0')), language);
  if (language === 'en') return rng.next() < 0.5 ? `${w} ${c}` : `${w} ${major} and ${c} ${minor}`;
  if (language === 'es') return rng.next() < 0.5 ? `${w} con ${c}` : `${w} ${major} con ${c} ${minor}`;
  return `${w} ${major} ${c}`;
}

/** "15:30" → "three thirty" / "fifteen thirty"; "las quince treinta"; "fünfzehn uhr dreißig". */
export function speakTime(time: string, language: AsrLanguage, rng: SimRandom): string {
  const [h = 0, m = 0] = time.split(':').map(Number);
  const hour = language === 'en' && rng.next() < 0.6 ? ((h + 11) % 12) + 1 : h;
  const minutes = m === 0 ? '' : m < 10 && language === 'en' ? ` oh ${cardinal(m, 'en')}` : ` ${cardinal(m, language)}`;
  if (language === 'de') return `${cardinal(hour, 'de')} uhr${minutes}`;
  if (language === 'es') return `${cardinal(hour, 'es')}${m === 0 ? ' en punto' : minutes.replace(/^ /, ' y ')}`;
  return `${cardinal(hour, 'en')}${minutes || " o'clock"}`;
}

export interface RenderOptions {
  language: AsrLanguage;
  /** Seed of the variant choices (digit style, "oh" or "zero", date form). @default 1 */
  seed?: number;
  /** Chance of a filler inside a digit run. @default 0 */
  fillerRate?: number;
}

const EMAIL = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g;
const AMOUNT = /([$€£])\s?(\d+(?:[.,]\d{2})?)|(\d+(?:[.,]\d{2})?)\s?(€|euros?|dollars?)/gi;
const TIME = /\b([01]?\d|2[0-3]):([0-5]\d)\b/g;
const NUMBER = /\d+(?:[ -]\d+)*/g;

/** Digit runs: short numbers as cardinals ("142" → "one hundred forty two"), longer ones read out in a seeded style. */
function speakNumber(run: string, language: AsrLanguage, rng: SimRandom, fillerRate: number): string {
  const digits = run.replace(/\D/g, '');
  if (digits.length <= 4 && !digits.startsWith('0') && !/[ -]/.test(run)) return cardinal(Number(digits), language);
  const groups = run.split(/[ -]/).map((g) => g.length);
  const style = pick(rng, ['single', 'single', 'double', 'pairs'] as const);
  return speakDigits(digits, language, rng, { style, groups, fillerRate });
}

/**
 * Written text → what the speech engine writes: "My account is 6208-441-975, email D.Quintero@mailbox.com!" →
 * "my account is six two oh eight four four one nine seven five email d dot quintero at mailbox dot com".
 */
export function renderAsr(text: string, options: RenderOptions): string {
  const rng = createRandom(options.seed ?? 1);
  const { language } = options;
  const fillerRate = options.fillerRate ?? 0;
  const spoken = text
    .replace(EMAIL, (m) => ` ${speakEmail(m, language, rng)} `)
    .replace(AMOUNT, (m, cur1, amt1, amt2, cur2) => {
      const currency = cur1 ?? (/€|euro/i.test(String(cur2)) ? '€' : '$');
      return ` ${speakAmount(String(amt1 ?? amt2), currency, language, rng)} `;
    })
    .replace(TIME, (m) => ` ${speakTime(m, language, rng)} `)
    .replace(NUMBER, (m) => ` ${speakNumber(m, language, rng, fillerRate)} `);
  return spoken
    .toLowerCase()
    .replace(/[^\p{L}\p{N}'\s]/gu, ' ')
    .replace(/(^|\s)'+|'+(?=\s|$)/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();
}
