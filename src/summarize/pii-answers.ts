// Credentials given in reply to the agent's question: the account number/id after "your account number?", the PIN
// after "and your PIN?", the security answer after "your mother's maiden name?", and later mentions of each.
import { ACCOUNT_ID, PIN_DIGITS } from './pii-credentials.js';
import { isNameWord } from './pii-names.js';
import type { PiiSpan, PiiType } from './pii-types.js';

/** Does an agent turn ask for an account number/id (or a customer/member number)? "account and order ID" counts. */
export const ASKS_FOR_ACCOUNT =
  /\b(?:account|acct|a\/c)(?:\s+(?:and|&|or|\/)\s+(?:\w+\s+){0,2}?)?\s*(?:number|num|no\b|#|id\b|identifier)|\b(?:customer|member(?:ship)?|client|policy)\s*(?:number|no\b|#|id\b)/i;
/** Does it also ask for an order id (then a lone all-digit reply is taken for the order id and left alone)? */
const ASKS_FOR_ORDER = /\border\s*(?:id|number|no\b|#)/i;
/** Does an agent turn ask for a PIN, passcode, one-time or card security code? */
export const ASKS_FOR_PIN = /\b(?:pins?|pass\s*code|access\s+code|verification\s+code|one[-\s]time\s+(?:pass)?code|otp|cvv2?|cvc2?|security\s+code)\b/i;
/** Does an agent turn ask a security question (maiden name, childhood pet, "security question")? */
export const ASKS_FOR_SECRET =
  /\bmaiden\s+name|\bname\s+of\s+(?:the\s+|your\s+)?(?:first\s+|childhood\s+)?pet|\bpet['’]?s?\s+name|\b(?:security|secret)\s+(?:question|answer)|\bmemorable\s+(?:word|answer)/i;
/** Is a PIN under discussion (so "either 0314 or 7402" or a bare "1596" is one)? */
export const MENTIONS_PIN = /\b(?:pins?|pass\s*code)\b/i;

/** Ids introduced as something else ("order ID: 3554122874", "ticket 48213") are not account ids. */
const OTHER_ID = /\b(?:user\s*name|login|handle|e-?mail|order|ticket|tracking|case|reference|ref|confirmation|invoice|booking|reservation|flight|zip|postal|phone|serial|model|sku|item|product|pin)\b[^,;.!?]*$/i;
const overlapsAny = (s: PiiSpan, taken: readonly PiiSpan[]): boolean => taken.some((t) => s.start < t.end && t.start < s.end);

function candidates(text: string, source: string, type: PiiType, taken: readonly PiiSpan[]): PiiSpan[] {
  return [...text.matchAll(new RegExp(source, 'g'))]
    .map((m): PiiSpan => ({ type, start: m.index, end: m.index + m[0].length }))
    .filter((s) => !overlapsAny(s, taken) && !OTHER_ID.test(text.slice(Math.max(0, s.start - 40), s.start)));
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

const ALTERNATIVE = /^\s*,?\s*(?:or|\/)\s*(?:(?:maybe|possibly|perhaps|probably)\s+)?(?:it\s+(?:was|is|might\s+be)\s+)?/i;

/** The PIN in a reply to "and your PIN?": the first 4–8 digit run not already taken, with its "or …" alternatives. */
export function findAnsweredPin(text: string, taken: readonly PiiSpan[]): PiiSpan[] {
  const runs = candidates(text, PIN_DIGITS, 'pin', taken);
  const first = runs[0];
  if (!first) return [];
  const out = [first];
  for (const next of runs.slice(1)) {
    const last = out[out.length - 1]!;
    const gap = text.slice(last.end, next.start);
    if (!ALTERNATIVE.test(gap) || gap.replace(ALTERNATIVE, '').trim() !== '') break;
    out.push(next);
  }
  return out;
}

const GUESSES = new RegExp(`(?:either\\s+)?(${PIN_DIGITS})\\s*,?\\s*or\\s+(?:(?:maybe|possibly|perhaps)\\s+)?(?:it\\s+was\\s+)?(${PIN_DIGITS})`, 'dgi');
const ONLY_DIGITS = new RegExp(`^\\W*(?:(?:maybe|try|it['’]?s|it\\s+is|i\\s+think|ok|okay|yes|sure)[\\s,]+)*(${PIN_DIGITS})\\W*$`, 'di');

/** While a PIN is under discussion: "either 0314 or 7402" anywhere in the turn, or a turn that is just "1596". */
export function findPinGuesses(text: string, taken: readonly PiiSpan[]): PiiSpan[] {
  const out: PiiSpan[] = [];
  for (const m of [...text.matchAll(GUESSES), ONLY_DIGITS.exec(text)]) {
    for (const at of (m?.indices ?? []).slice(1)) if (at) out.push({ type: 'pin', start: at[0], end: at[1] });
  }
  return out.filter((s) => !overlapsAny(s, taken));
}

const FILLER_REPLY = /^(?:try|ahead|done|ready|moment|minute|second|maybe|perhaps|probably|possibly|definitely|honestly|hopefully|idea|clue|forgot|forget|remember|dunno|unsure|question|answer|skip|pass|repeat|again|hmm+|um+|uh+|ah+|oh+|hm+|wow|oops)$/i;

/**
 * The answer to a security question ("Wong", "That is Nemo", "Sanchez. My childhood pet was Charlie…"): in a reply of
 * one or two words any name-like word, otherwise up to three capitalized ones.
 */
export function findAnsweredSecret(text: string): PiiSpan[] {
  const words = [...text.matchAll(/\p{L}[\p{L}\p{N}'’-]*/gu)];
  const short = text.trim().split(/\s+/).length <= 3;
  return words
    .filter((m) => isNameWord(m[0]) && !FILLER_REPLY.test(m[0]) && !/(.)\1\1/i.test(m[0]) && !/n['’]t$/i.test(m[0]))
    .filter((m) => short || /^\p{Lu}\p{Ll}/u.test(m[0]))
    .slice(0, short ? 2 : 3)
    .map((m): PiiSpan => ({ type: 'secret', start: m.index, end: m.index + m[0].length }));
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Later (or earlier) mentions of credentials already found in the transcript: account ids and PINs as standalone
 * tokens, security answers only when capitalized (so "buddy" as a word is not chased through the text).
 */
export function findKnownCredentials(text: string, known: ReadonlyMap<string, PiiType>): PiiSpan[] {
  const out: PiiSpan[] = [];
  for (const [value, type] of known) {
    const body = type === 'secret' ? `(?:${escape(value.charAt(0).toUpperCase() + value.slice(1).toLowerCase())}|${escape(value.toUpperCase())})` : escape(value);
    const re = new RegExp(`(?<![\\w$£€.-])${body}(?![\\w%/-]|[.,:]\\d)`, type === 'account' ? 'gi' : 'g');
    for (const m of text.matchAll(re)) out.push({ type, start: m.index, end: m.index + m[0].length });
  }
  return out;
}
