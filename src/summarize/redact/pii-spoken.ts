// Detectors that read a text through the spoken-form normalizer (spoken.ts): the written-form patterns on the
// normalized text, plus dates of birth, e-mail addresses, IPv4 addresses and street addresses in spoken and sloppy
// written forms, spelled words, and the fail-closed rule for long numbers and ids (pii-numbers.ts). Spans come back
// in the original text's offsets.
import { findPatternPii } from './pii-patterns.js';
import { findIntroducedCredentials } from './pii-credentials.js';
import { isNameWord } from './pii-names.js';
import { findLongNumbers } from './pii-numbers.js';
import type { PiiSpan, PiiType } from './pii-types.js';
import { MONTH_NAMES, monthWord } from './spoken-numbers.js';
import { normalizeSpoken } from './spoken.js';

const YEAR = '(\\d{4}|\\d{2})';
const DAY = '(\\d{1,2})\\.?(?:st|nd|rd|th)?';
const MONTH = `(${MONTH_NAMES}|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)\\.?`;
const B = '(?<![\\p{L}\\p{N}])';
const E = '(?![\\p{L}\\p{N}])';
/** Dates with a year, in the forms the three languages say and write them; groups: day, month, year (order varies). */
const DATES: ReadonlyArray<{ re: RegExp; order: 'dmy' | 'mdy' | 'ambiguous' }> = [
  { re: new RegExp(`${B}${MONTH}\\s+${DAY},?\\s+${YEAR}${E}`, 'giu'), order: 'mdy' },
  { re: new RegExp(`${B}${DAY}\\s+(?:(?:of|de|del)\\s+)?${MONTH},?\\s+(?:(?:of|de|del)\\s+)?${YEAR}${E}`, 'giu'), order: 'dmy' },
  { re: new RegExp(`${B}(\\d{1,2})\\s+(?:de|del)\\s+(\\d{1,2})\\s+(?:de|del)\\s+${YEAR}${E}`, 'giu'), order: 'dmy' },
  { re: new RegExp(`${B}(\\d{1,2}) ?([/.-]) ?(\\d{1,2}) ?\\2 ?${YEAR}${E}`, 'giu'), order: 'ambiguous' },
  { re: new RegExp(`${B}(\\d{1,2})\\. (\\d{1,2})\\. ${YEAR}${E}`, 'giu'), order: 'dmy' },
];

/** The latest birth year a date may have: a date of this year or the last few is an appointment, not a birthday. */
const LATEST_BIRTH_YEAR = new Date().getUTCFullYear() - 8;

function plausibleDate(day: number, month: number, year: string): boolean {
  // A two-digit year is read as the latest century that makes it past: "81" → 1981, "05" → 2005, "19" → 2019.
  const short = Number(year) + (Number(year) <= new Date().getUTCFullYear() % 100 ? 2000 : 1900);
  const y = year.length === 2 ? short : Number(year);
  return day >= 1 && day <= 31 && month >= 1 && month <= 12 && y >= 1900 && y <= LATEST_BIRTH_YEAR;
}

const ABBREVIATIONS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
/** A month given as a name (any of the three languages, or an English abbreviation) or as a number. */
function monthOf(s: string): number {
  const w = s.toLowerCase().replace(/\.$/, '');
  if (/^\d+$/.test(w)) return Number(w);
  return monthWord(w) ?? ABBREVIATIONS.indexOf(w.slice(0, 3)) + 1;
}

/** Dates with a plausible birth year ("june 22. 1969", "12 de abril de 1993", "19. märz 1962", "20/11/81"): dob. */
export function findBirthDates(text: string): PiiSpan[] {
  const out: PiiSpan[] = [];
  for (const { re, order } of DATES) {
    for (const m of text.matchAll(re)) {
      const [a = '', b = '', year = ''] = order === 'ambiguous' ? [m[1], m[3], m[4]] : [m[1], m[2], m[3]];
      const ok = order === 'mdy' ? plausibleDate(Number(b), monthOf(a), year)
        : order === 'dmy' ? plausibleDate(Number(a), monthOf(b), year)
        : plausibleDate(Number(a), Number(b), year) || plausibleDate(Number(b), Number(a), year);
      if (ok) out.push({ type: 'dob', start: m.index, end: m.index + m[0].length });
    }
  }
  return out;
}

const SEP = '(?:\\s?\\.\\s?|\\s(?:dot|punto|punkt)\\s)';
const IPV4 = new RegExp(`${B}(\\d{1,3})${SEP}(\\d{1,3})${SEP}(\\d{1,3})${SEP}(\\d{1,3})(?![\\p{N}]|\\.\\d)`, 'giu');

/** IPv4 addresses written or spoken ("192. 168.85.89", "172 dot 19 dot 79 dot 71" after normalizing). */
export function findIpv4(text: string): PiiSpan[] {
  const out: PiiSpan[] = [];
  for (const m of text.matchAll(IPV4)) {
    if ([m[1], m[2], m[3], m[4]].every((o) => Number(o) <= 255)) out.push({ type: 'ip', start: m.index, end: m.index + m[0].length });
  }
  return out;
}

/** Written with odd spacing or "(at)": "gudrun92 @example.de", "luis(at)correo.es", "ana@mail .es". */
const EMAIL_ODD = /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+\s?(?:@|\(at\)|\[at\])\s?[A-Za-z0-9-]+(?:\s?\.[A-Za-z0-9-]+)+/g;
/** The domain side of a spoken address, anchored on "at"/"ät"/"arroba": "at example dot com". */
const SPOKEN_DOMAIN = /(?<![\p{L}\p{N}])(?:at|ät|arroba)\s[\p{L}\p{N}-]+(?:\s(?:dot|punto|punkt)\s[\p{L}\p{N}-]+)+/giu;
const LOCAL_LINK = /^(?:dot|punto|punkt|underscore|unterstrich|dash|minus|bindestrich|guion|bajo)$/i;

/** Where the local part before a spoken "at" starts: words joined by "dot"/"underscore"…, then digits or a word. */
function localStart(text: string, at: number): number | undefined {
  const words = [...text.slice(Math.max(0, at - 160), at).matchAll(/[\p{L}\p{N}]+/gu)].map((m) => ({ w: m[0], i: Math.max(0, at - 160) + m.index }));
  let k = words.length - 1;
  if (k >= 0 && /^\d+$/.test(words[k]!.w)) k -= 1;
  if (k < 0 || LOCAL_LINK.test(words[k]!.w)) return undefined;
  let start = words[k]!.i;
  // "dolores quintero at …": a spoken address may run two names together.
  const before = words[k - 1];
  if (before && !LOCAL_LINK.test(before.w) && isNameWord(before.w) && !/\d/.test(before.w) && !/\s\S/.test(text.slice(before.i, start).trim())) {
    return before.i;
  }
  while (k >= 2 && LOCAL_LINK.test(words[k - 1]!.w)) {
    k -= words[k - 2] && /^(?:guion|bajo)$/i.test(words[k - 1]!.w) && /^guion$/i.test(words[k - 2]!.w) ? 3 : 2;
    if (k < 0 || !words[k]) break;
    start = words[k]!.i;
  }
  return start;
}

/** E-mail addresses said aloud ("d dot quintero at mailbox dot com", "… arroba correo punto es", "… ät … punkt de"). */
export function findSpokenEmails(text: string): PiiSpan[] {
  const out: PiiSpan[] = [];
  for (const m of text.matchAll(SPOKEN_DOMAIN)) {
    const tld = /[\p{L}\p{N}-]+$/u.exec(m[0])?.[0] ?? '';
    if (!/^\p{L}{2,6}$/u.test(tld)) continue;
    const start = localStart(text, m.index);
    if (start !== undefined) out.push({ type: 'email', start, end: m.index + m[0].length });
  }
  for (const m of text.matchAll(EMAIL_ODD)) {
    if (/\.[A-Za-z]{2,6}$/.test(m[0])) out.push({ type: 'email', start: m.index, end: m.index + m[0].length });
  }
  return out;
}

const ES_STREET = '(?:calle|c/|avenida|avda\\.?|av\\.|paseo|plaza|pza\\.?|carrer|camino|ronda|travesía|glorieta|callejón)';
const ARTICLES = '(?:(?:de|del|la|las|los|el)\\s+){0,2}';
/** Street addresses in lower case or spoken: "avenida los olivos 20", "plaza … número 101", "eschen weg 88", "buchenweg 13". */
const ADDRESSES = [
  new RegExp(`${B}${ES_STREET}\\s+${ARTICLES}\\p{L}[\\p{L}'-]*(?:\\s\\p{L}[\\p{L}'-]*){0,2},?\\s+(?:n[úu]mero\\s+|n[º°o]\\.?\\s*)?\\d{1,4}${E}`, 'giu'),
  new RegExp(`${B}\\p{L}{2,}\\s?(?:straße|strasse|str\\.|weg|gasse|platz|allee|ring|damm|ufer|chaussee)\\s+\\d{1,4}[a-z]?${E}`, 'giu'),
];

export function findLooseAddresses(text: string): PiiSpan[] {
  return ADDRESSES.flatMap((re) => [...text.matchAll(re)].map((m): PiiSpan => ({ type: 'address', start: m.index, end: m.index + m[0].length })));
}

/** Everything found on the normalized text, in its own offsets. */
function detectNormalized(text: string, spelled: readonly PiiSpan[], spoken: (start: number, end: number) => boolean, rewritten: boolean): PiiSpan[] {
  // Spoken codes come out in capitals: an IBAN match running over ordinary lower-case words is a chance checksum.
  // Nothing rewritten: the written patterns already ran on this very text.
  const patterns = rewritten
    ? [...findPatternPii(text).filter((s) => s.type !== 'iban' || !/\p{Ll}/u.test(text.slice(s.start, s.end))), ...findIntroducedCredentials(text)]
    : [];
  return [...patterns, ...findBirthDates(text), ...findIpv4(text), ...findSpokenEmails(text), ...findLooseAddresses(text), ...spelled, ...findLongNumbers(text, spoken)];
}

/** Options of `findSpokenPii`. */
export interface SpokenOptions {
  /** The type a spelled-out word ("q u i n t e r o") is redacted as; undefined leaves them. @default 'name' */
  spelledAs?: PiiType | undefined;
  /** Fail closed on written long numbers too (voice transcripts, model output), not only on spoken ones. @default false */
  allNumbers?: boolean;
}

/**
 * Personal data in spoken or sloppy written form: the text is normalized (spoken numbers, codes, ordinals and
 * spelled words rewritten), the detectors run on the normalized text, and the spans are mapped back.
 */
export function findSpokenPii(text: string, options: SpokenOptions = {}): PiiSpan[] {
  const normalized = normalizeSpoken(text);
  const spelled: PiiSpan[] = [];
  const rewritten: Array<[number, number]> = [];
  let shift = 0;
  for (const r of normalized.rewrites) {
    const start = r.start + shift;
    const end = start + r.text.length;
    if (r.kind === 'spelled' && options.spelledAs !== undefined) spelled.push({ type: options.spelledAs, start, end });
    if (r.kind === 'number' || r.kind === 'code') rewritten.push([start, end]);
    shift += r.text.length - (r.end - r.start);
  }
  const spoken = options.allNumbers ? () => true : (s: number, e: number): boolean => rewritten.some(([a, b]) => s < b && a < e);
  return detectNormalized(normalized.text, spelled, spoken, normalized.rewrites.length > 0).map(normalized.restore);
}

/** Long numbers and ids in a reply to a question for one ("Your passport number?" → "it's Y84159398"), any medium. */
export function findAnsweredNumbers(text: string): PiiSpan[] {
  const normalized = normalizeSpoken(text);
  return findLongNumbers(normalized.text).map(normalized.restore);
}
