// Credentials the text introduces on its own: account numbers/ids ("account number is …", "my ID is …"), PINs,
// passcodes and card security codes ("my PIN is either 3941 or 0314"), and security answers ("maiden name is Cooper").
import { isNameWord } from './pii-names.js';
import type { PiiSpan, PiiType } from './pii-types.js';

/** Start of a standalone value: not glued to a word, an amount or a decimal. */
const ALONE = '(?<![\\w$£€.-])';
/** End of a standalone value: not glued to a word, a percent, a date/time or a decimal. */
const ENDS = '(?![\\w%/-]|[.,:]\\d)';
/** An account number or id: 5–20 letters, digits or inner dashes with at least one digit, or spaced digit groups. */
export const ACCOUNT_ID = `${ALONE}(?:(?=[A-Za-z-]*\\d)[A-Za-z0-9][A-Za-z0-9-]{3,18}[A-Za-z0-9]|\\d{2,6}(?: \\d{2,6}){1,4})${ENDS}`;
/** A PIN, passcode or one-time code: 4–8 digits on their own. */
export const PIN_DIGITS = `${ALONE}\\d{4,8}${ENDS}`;

/** Ids of other things by their prefix: "SKU-99812", "ORD-20231", "CASE-4471", "CX-20931", "TKT88123". */
const OTHER_PREFIX = /^(?:sku|ord|order|tkt|ticket|case|cx|inc|ref|rf|inv|po|rma|trk|conf|bkg|res)(?:[-_#]|(?=\d))/i;
/** Date-shaped digit groups: "2024 12 31", "2024-12-31", "31 12 2024". */
const DATE_SHAPED = /^(?:(?:19|20)\d\d[ ./-]\d{1,2}[ ./-]\d{1,2}|\d{1,2}[ ./-]\d{1,2}[ ./-](?:19|20)\d\d)$/;

/** Does a candidate look like an account id: not an order, SKU, ticket or case id by its prefix, and not a date? */
export const isAccountLike = (value: string): boolean => !OTHER_PREFIX.test(value) && !DATE_SHAPED.test(value);

/** Is the value ending at `end` an amount ("1500 dollars", "2000 €", "300 bucks")? Amounts are never PINs. */
export const isAmountAfter = (text: string, end: number): boolean =>
  /^\s?(?:dollars?|bucks|euros?|pounds?|quid|cents?|pesos?|yen|francs?|usd|eur|gbp|cad|aud|percent|%|\$|€|£)(?![A-Za-z])/i.test(text.slice(end, end + 12));

const FILLER = (words: string): string => `(?:[\\s:=#.,;!-]*\\b(?:${words})\\b){0,6}[\\s:=#.,;!-]*`;
const ACCOUNT_FILL = FILLER("is|was|would\\s+be|should\\s+be|it['’]?s|its|it\\s+is|number|no");
const PIN_FILL = FILLER(
  "is|was|be|are|might|may|could|should|would|will|either|eitehr|of|as|again|maybe|probably|possibly|perhaps|i|i['’]m|think|thought|guess|believe|it|it['’]s|its|that|this|the|my|number|code|try|now|actually|just|remembered|remember|here|um|uh|oh|ok|okay|yes|yeah|like|new|old|current|still|sure|pretty|then|so",
);
/** "3941 or 0314", "9503, or maybe it was 5380": a value and its alternatives (group 1). `\s*(?:,\s*)?` rather than
 * `\s*,?\s*`: two adjacent `\s*` could split a whitespace run n ways (quadratic). */
const alternatives = (value: string): string =>
  `(${value}(?:\\s*(?:,\\s*)?(?:or|\\/)\\s*(?:(?:maybe|possibly|perhaps|probably)\\s+)?(?:it\\s+(?:was|is|might\\s+be)\\s+)?${value})*)`;

const ACCOUNT_KEY = '(?:(?:bank|checking|savings|card|billing)\\s+)?(?:account|acct|a\\/c)';
const ID_KEY = '(?:customer|member(?:ship)?|client|subscriber|policy|loyalty|rewards?)';
const ACCOUNT_INTRODUCED = [
  // "Account ID: ZNMHQSNR5A", "account is Q4HRVDDMYA", "my account number is 85731890", "bank account: 93418043810"
  new RegExp(`\\b${ACCOUNT_KEY}(?:\\s*(?:number|num|no\\.?|#|id|identifier))?${ACCOUNT_FILL}(${ACCOUNT_ID})`, 'dgi'),
  // "my ID is 2UN7FUKM3V", "customer number 4471-2209", "member ID: M-88231"
  new RegExp(`\\b(?:my\\s+(?:${ID_KEY}\\s+)?id|${ID_KEY}\\s*(?:number|num|no\\.?|#|id))${ACCOUNT_FILL}(${ACCOUNT_ID})`, 'dgi'),
  // "95381901 is my account #"; "balance 84318931431 pin 3100" (an all-digit id right before the PIN)
  new RegExp(`(${ALONE}\\d{6,20}${ENDS})\\s*(?:,\\s*)?(?:(?:and|with)\\s+)?(?:(?:my|the|a)\\s+)?pin\\b`, 'dgi'),
  new RegExp(`(${ACCOUNT_ID})\\s+(?:is|was)\\s+(?:my|the)\\s+${ACCOUNT_KEY}\\b`, 'dgi'),
];

const PIN_KEY = '(?:pins?(?:\\s*(?:number|code|no\\.?|#))?|pass\\s*code|access\\s+code|verification\\s+code|one[-\\s]time\\s+(?:pass)?code|otp)';
const CVV_KEY = '(?:cvv2?|cvc2?|csc|(?:card\\s+)?security\\s+code|card\\s+verification\\s+(?:code|value|number))';
const PIN_INTRODUCED = [
  new RegExp(`\\b${PIN_KEY}\\b${PIN_FILL}${alternatives(PIN_DIGITS)}`, 'dgi'),
  new RegExp(`\\b${CVV_KEY}\\b${PIN_FILL}(${ALONE}\\d{3,8}${ENDS})`, 'dgi'),
  // "try either 3100 or 5380 for my PIN", "9503 is my pin"
  new RegExp(`${alternatives(PIN_DIGITS)}\\s+(?:is|as|for|was)\\s+(?:my|the)\\s+pin\\b`, 'dgi'),
];

const WORD = "\\p{L}[\\p{L}'’-]*";
const CAP = "\\p{Lu}[\\p{L}'’-]*";
const SECRET_FILL = "(?:\\s*(?:[:,.-]\\s*)?(?:is|was|would\\s+be|it['’]?s|its|it\\s+is|it\\s+was|that['’]?s|called|named)\\b){1,2}[\\s:]*";
const PET = "(?:(?:childhood|first)\\s+)?pet(?:['’]?s)?";
const SECRET_INTRODUCED = [
  // "my mother's maiden name is Miller", "mom's maiden name. It was Cooper", "my pets name was Buddy"
  new RegExp(`\\b(?:maiden\\s+name|${PET}\\s+name)${SECRET_FILL}(${WORD}(?:\\s+${WORD})?)`, 'dgiu'),
  // "childhood pet charlie", "my childhood pet was Charlie"
  new RegExp(`\\b(?:childhood|first)\\s+pet(?:['’]?s)?(?:\\s+(?:is|was|called|named))?\\s+(${WORD})`, 'dgiu'),
  // "my pet was Poppy": only a capitalized name ("my pet is sick" stays)
  new RegExp(`\\b[Mm]y\\s+pet\\s+(?:is|was|called|named)\\s+(${CAP})`, 'dgu'),
  // "Security Answer: Alexander", "the answer to my security question is Blue Honda"
  new RegExp(`\\b(?:(?:security|secret)\\s+answer|answer\\s+to\\s+(?:my|the)\\s+(?:first\\s+|second\\s+)?(?:security|secret)\\s+question)${SECRET_FILL.replace('{1,2}', '{0,2}')}(${WORD}(?:\\s+${WORD}){0,2})`, 'dgiu'),
  // "Molly is my pets name", "Cooper is my mother's maiden name"
  new RegExp(`\\b(${CAP})\\s+(?:is|was)\\s+(?:my|the)\\s+(?:(?:mother|mom|mum|mama)['’]?s?\\s+maiden\\s+name|${PET}['’]?s?\\s+name)`, 'dgu'),
];

/** Spans of every value in capture group 1 that `value` matches (a PIN group "3941 or 0314" gives two spans). */
function valueSpans(text: string, re: RegExp, type: PiiType, value?: RegExp): PiiSpan[] {
  const out: PiiSpan[] = [];
  for (const m of text.matchAll(re)) {
    const at = m.indices?.[1];
    if (!at || (type === 'pin' && isAmountAfter(text, at[1]))) continue;
    if (!value) out.push({ type, start: at[0], end: at[1] });
    else for (const v of text.slice(at[0], at[1]).matchAll(value)) out.push({ type, start: at[0] + v.index, end: at[0] + v.index + v[0].length });
  }
  return out;
}

/** Trims a security-answer candidate to its leading name-like words ("Cooper if that helps" → "Cooper"). */
function secretWords(text: string, spans: PiiSpan[]): PiiSpan[] {
  return spans.flatMap((s) => {
    let end = s.start;
    for (const m of text.slice(s.start, s.end).matchAll(/\S+/g)) {
      if (!isNameWord(m[0])) break;
      end = s.start + m.index + m[0].length;
    }
    return end > s.start ? [{ ...s, end }] : [];
  });
}

// Cheap keyword gates: most turns mention none of these, and then no pattern needs to run.
const MAY_HAVE_ACCOUNT = /account|acct|a\/c|\bid\b|customer|member|client|subscriber|policy|loyalty|reward|pin/i;
const MAY_HAVE_PIN = /pin|pass|code|otp|cvv|cvc|csc/i;
const MAY_HAVE_SECRET = /maiden|pet|answer/i;

const accountLike = (text: string) => (s: PiiSpan): boolean => isAccountLike(text.slice(s.start, s.end));

/** Account ids, PINs (and card security codes) and security answers a text introduces on its own. */
export function findIntroducedCredentials(text: string): PiiSpan[] {
  return [
    ...(MAY_HAVE_ACCOUNT.test(text) ? ACCOUNT_INTRODUCED.flatMap((re) => valueSpans(text, re, 'account')).filter(accountLike(text)) : []),
    ...(MAY_HAVE_PIN.test(text) ? PIN_INTRODUCED.flatMap((re) => valueSpans(text, re, 'pin', /\d+/g)) : []),
    ...(MAY_HAVE_SECRET.test(text) ? secretWords(text, SECRET_INTRODUCED.flatMap((re) => valueSpans(text, re, 'secret'))) : []),
  ];
}
