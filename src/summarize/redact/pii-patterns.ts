// Pattern detectors for structured PII: cards (Luhn), IBANs (mod-97), emails, phones, SSNs, dates of birth, street addresses.
import { ibanValid, luhnValid } from './luhn.js';
import type { PiiSpan, PiiType } from './pii-types.js';

// The lookbehind starts a match only at the start of a word, so a long word without '@' is scanned once, not per letter.
const EMAIL = /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
// 13-19 digits, single spaces or dashes between them; not glued to other digits, letters or dashes.
const CARD = /(?<![\w-])\d(?:[ -]?\d){12,18}(?![\w-])/g;
const IBAN = /\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]){11,30}/gi;
const SSN = /(?<![\w-])(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}(?![\w-])/g;
const SSN_INTRODUCED = /\b(?:ssn|social(?:\s+security)?(?:\s+(?:number|no\.?|#))?)\b\D{0,20}?(?<!\d)((?!000|666|9\d\d)\d{3}[ -]?(?!00)\d{2}[ -]?(?!0000)\d{4})(?![\d-])/dgi;
const PHONE_INTL = /(?<![\w+])\+\d{1,3}(?:[ .-]?\(?\d{1,4}\)?){2,5}(?![\w])/g;
const PHONE_US = /(?<![\w-])(?:\+?1[ .-]?)?(?:\(\d{3}\)\s?|\d{3}\)\s?|\d{3}[ .-])\d{3}[ .-]\d{4}(?![\w-])/g;
const PHONE_FR = /(?<![\w+-])0[1-9](?:[ .]\d{2}){4}(?![\w-])/g;
const PHONE_TRUNK = /(?<![\w-])0\d{2,4}[ -]\d{3,4}[ -]?\d{3,4}(?![\w-])/g;

const MONTH = '(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)';
/** A calendar date in the common written forms (numeric, ISO, month-name either side). */
export const DATE_SOURCE =
  `(?:\\d{1,2}[/.-]\\d{1,2}[/.-]\\d{2,4}|\\d{4}[/.-]\\d{1,2}[/.-]\\d{1,2}|${MONTH}\\.?\\s+\\d{1,2}(?:st|nd|rd|th)?,?\\s+\\d{4}` +
  `|\\d{1,2}(?:st|nd|rd|th)?\\s+(?:of\\s+)?${MONTH}\\.?,?\\s+\\d{4})`;
const DOB = new RegExp(
  `\\b(?:born|date\\s+of\\s+birth|d\\.?o\\.?b|birth\\s*date|birthday)\\b\\.?[\\s:,-]*(?:(?:is|was|on|it's|its|of)[\\s:,]+){0,2}(${DATE_SOURCE})`,
  'dgi',
);

const SUFFIX =
  '(?:street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|drive|dr|court|ct|way|place|pl|terrace|parkway|pkwy|circle|cir|highway|hwy|square|sq|trail|trl)';
const NOT_STREET = '(?!(?:onto|into|to|the|on|in|at|for|and|of|or|with|by|from|more|times|minutes|hours|days|weeks|items)\\b)';
const STREET_WORD = `${NOT_STREET}(?:[A-Za-z][A-Za-z0-9'-]*\\s+|\\d{1,3}(?:st|nd|rd|th)\\s+)`;
const US_TAIL = '(?:,?\\s+(?:[A-Za-z]+\\s+){0,2}[A-Za-z]+,?\\s+[A-Za-z]{2},?\\s+\\d{5}(?:-\\d{4})?\\b)';
const UK_TAIL = '(?:,?\\s+(?:[A-Za-z]+\\s+){0,2}[A-Za-z]+,?\\s+[A-Z]{1,2}\\d[A-Z\\d]?\\s*\\d[A-Z]{2}\\b)';
const ADDRESS = new RegExp(
  `(?<![\\w$.,:-])\\d{1,6}[A-Za-z]?\\s+(?!(?:am|pm|a\\.m|p\\.m)\\b)${STREET_WORD}{1,3}${SUFFIX}\\b(?:\\.(?=,))?` +
    `(?:,?\\s+(?:apt|apartment|suite|ste|unit|flat|#)\\.?\\s*\\w+)?(?:${US_TAIL}|${UK_TAIL})?`,
  'gi',
);

/** Continental style, street type first: "14 Rue des Lilas, 75011 Paris", "Calle Mayor 5", "Hauptstraße 12". */
const EU_TAIL = "(?:,?\\s+\\d{4,5}\\s+\\p{Lu}[\\p{L}'’-]+(?:\\s+\\p{Lu}[\\p{L}'’-]+)?)?";
// Case-sensitive on purpose (\\p{Lu} would match any letter under the i flag): street types take either initial case.
const EU_STREET_TYPE = `(?:${['rue', 'avenue', 'av\\.', 'boulevard', 'bd', 'chemin', 'allée', 'impasse', 'quai', 'calle', 'avenida', 'avda\\.', 'paseo', 'plaza', 'carrer', 'via', 'viale', 'piazza', 'rua', 'praça']
  .map((t) => `[${t[0]}${t[0]!.toUpperCase()}]${t.slice(1)}`)
  .join('|')})`;
const ADDRESS_EU = new RegExp(
  `(?<![\\p{L}\\d:.,-])(?:\\d{1,4}(?:\\s?(?:bis|ter))?,?\\s+${EU_STREET_TYPE}\\s+(?:(?:de|del|des|du|la|le|les|da|do|dos|di)\\s+)*\\p{Lu}[\\p{L}'’-]+(?:\\s+\\p{Lu}[\\p{L}'’-]+){0,2}` +
    `|${EU_STREET_TYPE}\\s+(?:(?:de|del|des|du|la|le|les|da|do|dos|di)\\s+)*\\p{Lu}[\\p{L}'’-]+(?:\\s+\\p{Lu}[\\p{L}'’-]+){0,2},?\\s+\\d{1,4}[a-z]?` +
    `|\\p{Lu}[\\p{L}-]*(?:straße|strasse|weg|gasse|platz|allee)\\s+\\d{1,4}[a-z]?)${EU_TAIL}`,
  'gu',
);

const ZIP_INTRODUCED = /\b(?:zip|zip\s*code|postal\s*code|postcode)\b\D{0,20}?(?<!\d)(\d{5}(?:-\d{4})?)(?![\d-])/dgi;

const digitCount = (s: string): number => s.replace(/\D/g, '').length;

function matchAll(text: string, re: RegExp, type: PiiType, accept: (m: string) => boolean = () => true): PiiSpan[] {
  const out: PiiSpan[] = [];
  for (const m of text.matchAll(re)) {
    if (accept(m[0])) out.push({ type, start: m.index, end: m.index + m[0].length });
  }
  return out;
}

/** Spans of capture group 1 (for patterns introduced by a keyword that is not itself PII). */
function matchGroup(text: string, re: RegExp, type: PiiType): PiiSpan[] {
  const out: PiiSpan[] = [];
  for (const m of text.matchAll(re)) {
    const at = m.indices?.[1];
    if (at) out.push({ type, start: at[0], end: at[1] });
  }
  return out;
}

function isCard(candidate: string): boolean {
  const digits = candidate.replace(/\D/g, '');
  // Issuer prefixes 2-6 (Mastercard 2-series, Amex/Diners/JCB 3, Visa 4, Mastercard 5, Discover/UnionPay 6).
  return digits.length >= 13 && digits.length <= 19 && /^[2-6]/.test(digits) && luhnValid(digits);
}

function findIbans(text: string): PiiSpan[] {
  const out: PiiSpan[] = [];
  for (const m of text.matchAll(IBAN)) {
    // The pattern may run into the following word; shrink to the longest prefix that checks out.
    for (let end = m[0].length; end >= 15; end -= 1) {
      const next = text[m.index + end] ?? ' ';
      if (/[A-Za-z0-9]/.test(next)) continue;
      if (ibanValid(m[0].slice(0, end))) {
        out.push({ type: 'iban', start: m.index, end: m.index + end });
        break;
      }
    }
  }
  return out;
}

/** All structured PII spans in `text` (may overlap; the caller resolves overlaps). */
export function findPatternPii(text: string): PiiSpan[] {
  return [
    ...matchAll(text, EMAIL, 'email'),
    ...findIbans(text),
    ...matchAll(text, CARD, 'card', isCard),
    ...matchAll(text, SSN, 'ssn'),
    ...matchGroup(text, SSN_INTRODUCED, 'ssn'),
    ...matchAll(text, PHONE_INTL, 'phone', (m) => digitCount(m) >= 8 && digitCount(m) <= 15),
    ...matchAll(text, PHONE_US, 'phone'),
    ...matchAll(text, PHONE_FR, 'phone'),
    ...matchAll(text, PHONE_TRUNK, 'phone', (m) => digitCount(m) >= 10 && digitCount(m) <= 11),
    ...matchGroup(text, DOB, 'dob'),
    ...matchAll(text, ADDRESS, 'address'),
    ...matchAll(text, ADDRESS_EU, 'address'),
    ...matchGroup(text, ZIP_INTRODUCED, 'address'),
  ];
}

/** Spans of bare US zip codes in `text` (used when the agent has just asked for a zip code). */
export function findZips(text: string): PiiSpan[] {
  return matchAll(text, /(?<![\w$.,-])\d{5}(?:-\d{4})?(?![\w.,-]?\d)/g, 'address');
}

/** Spans of bare dates in `text` (used when the agent has just asked for a date of birth). */
export function findDates(text: string): PiiSpan[] {
  return matchAll(text, new RegExp(`(?<![\\w/.-])${DATE_SOURCE}(?![\\w/-])`, 'gi'), 'dob');
}
