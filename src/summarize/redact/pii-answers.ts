// Credentials given in reply to the agent's question: the account number/id after "your account number?", the PIN
// after "and your PIN?" (security answers: pii-secrets.ts), and later mentions of each.
import { ACCOUNT_ID, PIN_DIGITS, isAccountLike, isAmountAfter } from './pii-credentials.js';
import { secretPattern } from './pii-secrets.js';
import type { PiiSpan, PiiType } from './pii-types.js';

export { ASKS_FOR_SECRET, findAnsweredSecret, propagatesSecret } from './pii-secrets.js';

/** Does an agent turn ask for an account number/id (or a customer/member number)? "account and order ID" counts. */
export const ASKS_FOR_ACCOUNT =
  /\b(?:account|acct|a\/c)(?:\s+(?:and|&|or|\/)\s+(?:\w+\s+){0,2}?)?\s*(?:number|num|no\b|#|id\b|identifier)|\b(?:customer|member(?:ship)?|client|policy)\s*(?:number|no\b|#|id\b)|\bn[úu]mero\s+de\s+(?:cliente|cuenta|socio|abonado)\b|\b(?:kunden|konto|mitglieds|vertrags)nummer\b/i;
/** Does it also ask for an order id (then a lone all-digit reply is taken for the order id and left alone)? */
const ASKS_FOR_ORDER = /\border\s*(?:id|number|no\b|#)/i;
/** Does an agent turn ask for a PIN, passcode, one-time or card security code? */
export const ASKS_FOR_PIN = /\b(?:pins?|pass\s*code|access\s+code|verification\s+code|one[-\s]time\s+(?:pass)?code|otp|cvv2?|cvc2?|security\s+code)\b/i;
/** Does an agent turn ask for another number ("Which order is it?", "How much was it?", "What year?", "your account number?")? */
export const ASKS_OTHER_NUMBER = /\b(?:order|amount|how\s+(?:much|many)|years?|quantity|price|cost|total|zip|postal|phone|account|ticket|case|reference|number\s+of)\b/i;
/** Does an agent turn ask anything at all (a question mark, or "please …")? */
export const ASKS_ANYTHING = /\?|\bplease\b|\b(?:can|could|may)\s+(?:i|you)\b/i;

/** Ids introduced as something else ("order ID: 3554122874", "ticket 48213") are not account ids. */
const OTHER_ID = /\b(?:user\s*name|login|handle|e-?mail|order|ticket|tracking|case|reference|ref|confirmation|invoice|booking|reservation|flight|zip|postal|phone|serial|model|sku|item|product|pin)\b[^,;.!?]*$/i;
const overlapsAny = (s: PiiSpan, taken: readonly PiiSpan[]): boolean => taken.some((t) => s.start < t.end && t.start < s.end);

function candidates(text: string, source: string, type: PiiType, taken: readonly PiiSpan[]): PiiSpan[] {
  return [...text.matchAll(new RegExp(source, 'g'))]
    .map((m): PiiSpan => ({ type, start: m.index, end: m.index + m[0].length }))
    .filter((s) => !overlapsAny(s, taken) && !OTHER_ID.test(text.slice(Math.max(0, s.start - 40), s.start)))
    .filter((s) => type !== 'account' || isAccountLike(text.slice(s.start, s.end)));
}

/** One case (ABCD's "F5KCD5QPAW") or all digits: a mixed-case word with a digit ("iPhone15") is not an account id. */
const ANSWER_ID = (s: string): boolean => /^[\d -]+$/.test(s) || (/[A-Za-z]/.test(s) && (s === s.toUpperCase() || s === s.toLowerCase()) && s.length >= 6);

/**
 * The account number/id in a reply to "your account number?": the first id-like token not introduced as an order,
 * ticket… id and not already taken. When the agent also asked for an order id, a letters-and-digits id is preferred
 * and a single all-digit reply is left alone (it is more likely the order id).
 */
export function findAnsweredAccount(text: string, question: string, taken: readonly PiiSpan[]): PiiSpan[] {
  const found = candidates(text, ACCOUNT_ID, 'account', taken).filter((s) => ANSWER_ID(text.slice(s.start, s.end)));
  if (!ASKS_FOR_ORDER.test(question)) return found.slice(0, 1);
  const mixed = found.find((s) => /[A-Za-z]/.test(text.slice(s.start, s.end)));
  if (mixed) return [mixed];
  return found.length >= 2 ? found.slice(0, 1) : [];
}

const ALTERNATIVE = /^\s*(?:,\s*)?(?:or|\/)\s*(?:(?:maybe|possibly|perhaps|probably)\s+)?(?:it\s+(?:was|is|might\s+be)\s+)?/i;

/** Splits digit runs into chains of alternatives ("3941 or 9503" is one chain). */
function chains(text: string, runs: PiiSpan[]): PiiSpan[][] {
  const out: PiiSpan[][] = [];
  for (const run of runs) {
    const chain = out[out.length - 1];
    const last = chain?.[chain.length - 1];
    const gap = last ? text.slice(last.end, run.start) : '';
    if (chain && last && ALTERNATIVE.test(gap) && gap.replace(ALTERNATIVE, '').trim() === '') chain.push(run);
    else out.push([run]);
  }
  return out;
}

/**
 * The PIN in a reply to "and your PIN?": the first 4–8 digit run not already taken, with its "or …" alternatives;
 * a run or chain followed by a currency ("1500 or 2000 dollars") is an amount and skipped.
 */
export function findAnsweredPin(text: string, taken: readonly PiiSpan[]): PiiSpan[] {
  return chains(text, candidates(text, PIN_DIGITS, 'pin', taken)).find((c) => !isAmountAfter(text, c[c.length - 1]!.end)) ?? [];
}

const GUESSES = new RegExp(`(?:either\\s+)?(${PIN_DIGITS})\\s*(?:,\\s*)?or\\s+(?:(?:maybe|possibly|perhaps)\\s+)?(?:it\\s+was\\s+)?(${PIN_DIGITS})`, 'dgi');
const ONLY_DIGITS = new RegExp(`^\\W*(?:(?:maybe|try|it['’]?s|it\\s+is|i\\s+think|ok|okay|yes|sure)[\\s,]+)*(${PIN_DIGITS})\\W*$`, 'di');

/**
 * While the agent waits for a PIN: "either 0314 or 7402" anywhere in the turn (not an amount), and with `bare` also a
 * turn that is just "1596".
 */
export function findPinGuesses(text: string, taken: readonly PiiSpan[], bare: boolean): PiiSpan[] {
  const out: PiiSpan[] = [];
  for (const m of [...text.matchAll(GUESSES), bare ? ONLY_DIGITS.exec(text) : null]) {
    if (!m || isAmountAfter(text, m.index + m[0].length)) continue;
    for (const at of (m.indices ?? []).slice(1)) if (at) out.push({ type: 'pin', start: at[0], end: at[1] });
  }
  return out.filter((s) => !overlapsAny(s, taken));
}

const MONTHS = 'jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?';
/** Words before a year: "March 2024", "March 3, 2024", "in 2024", "since 2019", "the year 2024", "from 2023 to 2024". */
const YEAR_BEFORE = new RegExp(`(?:\\b(?:${MONTHS})\\.?(?:\\s+\\d{1,2}(?:st|nd|rd|th)?)?,?|\\b(?:in|since|year|years|from|to|until|till|through|by|before|after|during|of|circa|around|early|late|mid|fy|class|model|summer|winter|spring|fall|autumn))\\s*$`, 'i');
/** Words after a number that make it a year or a quantity: "2024 items", "2024 model", "1999 was". */
const YEAR_AFTER = /^\s*(?:(?!(?:was|has|does|works|seems|sounds|looks)\b)[A-Za-z]{2,}s\b|(?:model|edition|season|item|unit|piece|person|people|time|year)\b)/i;

/** Is a recurrence of a year-like PIN (19xx/20xx) at [start, end) a date or a quantity instead? */
function yearInContext(value: string, text: string, start: number, end: number): boolean {
  if (!/^(?:19|20)\d\d$/.test(value)) return false;
  return YEAR_BEFORE.test(text.slice(Math.max(0, start - 24), start)) || YEAR_AFTER.test(text.slice(end, end + 24));
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The pattern for later mentions of a known account id or PIN: a standalone token, account ids in any case. */
const credentialPattern = (value: string, type: PiiType): RegExp =>
  new RegExp(`(?<![\\w$£€.-])${escape(value)}(?![\\w%/-]|[.,:]\\d)`, type === 'account' ? 'gi' : 'g');

/**
 * Later (or earlier) mentions of credentials already found in the transcript: account ids and PINs as standalone
 * tokens (a year-like PIN not where it reads as a date or a quantity: "March 2024", "2024 items"), security answers
 * in any case as whole words ("yes the blue honda one", "MCDONALD is right"). Only values that `propagatesSecret`
 * allows should be passed in as secrets.
 */
export function findKnownCredentials(text: string, known: ReadonlyMap<string, PiiType>): PiiSpan[] {
  const out: PiiSpan[] = [];
  for (const [value, type] of known) {
    const re = type === 'secret' ? secretPattern(value) : credentialPattern(value, type);
    for (const m of text.matchAll(re)) {
      const end = m.index + m[0].length;
      if (type === 'pin' && yearInContext(value, text, m.index, end)) continue;
      out.push({ type, start: m.index, end });
    }
  }
  return out;
}
