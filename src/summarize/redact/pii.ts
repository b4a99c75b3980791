// PII redaction: finds PII in text and replaces it with typed placeholders before anything leaves for a model.
import { z } from 'zod';
import type { Turn } from '../../domain.js';
import { loadConfigJsonSync } from '../config-file.js';
import { findPatternPii, findDates, findZips } from './pii-patterns.js';
import { ASKS_FOR_NAME, findAnsweredName, findIntroducedNames, findKnownNames, findUnambiguousNames } from './pii-names.js';
import { findIntroducedCredentials } from './pii-credentials.js';
import { findAnsweredNumbers, findSpokenPii } from './pii-spoken.js';
import { asksForNumber } from './pii-numbers.js';
import { findSpokenNames, findTitledNames } from './pii-names-spoken.js';
import {
  ASKS_ANYTHING, ASKS_FOR_ACCOUNT, ASKS_FOR_PIN, ASKS_FOR_SECRET, ASKS_OTHER_NUMBER, findAnsweredAccount, findAnsweredPin, findAnsweredSecret,
  findKnownCredentials, findPinGuesses, propagatesSecret,
} from './pii-answers.js';
import { WINDOW, collapseSpace, scanWindows, testWindows } from './pii-scan.js';
import { placeholder, resolveOverlaps, type PiiSpan, type PiiType } from './pii-types.js';

export { PII_TYPES, placeholder, type PiiSpan, type PiiType } from './pii-types.js';

/** Counts of redacted values by type (only types that occurred). */
export type RedactionCounts = Partial<Record<PiiType, number>>;

/** Options for the redaction functions. */
export interface RedactOptions {
  /** A candidate span whose whole text matches one of these stays (order, ticket, tracking ids). @default [] */
  allow?: readonly RegExp[];
  /**
   * The text is a voice transcript: a run of 7+ digits no look-alike rule explains is masked even when the speech
   * engine wrote it as digits. Digits said as words are masked in any medium. @default false
   */
  voice?: boolean;
}

const isRegExp = (source: string): boolean => {
  try {
    return new RegExp(source, 'i') instanceof RegExp;
  } catch {
    return false;
  }
};
const PiiConfigSchema = z.object({ allow: z.array(z.string().refine(isRegExp, 'not a valid regular expression')).default([]) });

/** Reads config/pii.json (`{ allow: ["^ORD-\\d+$", …] }`) into RedactOptions; throws AppError CONFIG_INVALID. */
export function loadPiiConfig(path: string | URL): Required<Pick<RedactOptions, 'allow'>> {
  const { allow } = loadConfigJsonSync('PII config', path, PiiConfigSchema);
  return { allow: allow.map((source) => new RegExp(source, 'i')) };
}

function allowed(text: string, spans: PiiSpan[], allow: readonly RegExp[] | undefined): PiiSpan[] {
  if (!allow || allow.length === 0) return spans;
  return spans.filter((s) => !allow.some((re) => re.test(text.slice(s.start, s.end).trim())));
}

/** The detectors for transcript text; `voice` fails closed on written long numbers too (see RedactOptions.voice). */
const detectOwn = (voice: boolean) => (text: string): PiiSpan[] => [
  ...findPatternPii(text), ...findIntroducedCredentials(text), ...findIntroducedNames(text),
  ...findSpokenPii(text, { spelledAs: 'name', allNumbers: voice }), ...findSpokenNames(text),
];
/** The detectors for model output: the same normalizer and the fail-closed number rule, only unambiguous names. */
const detectOutput = (text: string): PiiSpan[] => [
  ...findPatternPii(text), ...findIntroducedCredentials(text), ...findUnambiguousNames(text),
  ...findSpokenPii(text, { allNumbers: true }), ...findTitledNames(text),
];

/** `detect` over `text` with whitespace runs collapsed and in bounded windows, allow-listed spans dropped; original offsets. */
function scan(text: string, detect: (t: string) => PiiSpan[], options: RedactOptions): PiiSpan[] {
  const collapsed = collapseSpace(text);
  return resolveOverlaps(allowed(collapsed.text, scanWindows(collapsed.text, detect), options.allow)).map(collapsed.restore);
}

/** Every PII value `text` shows on its own (no conversational context), non-overlapping, sorted by start. */
export function findPii(text: string, options: RedactOptions = {}): PiiSpan[] {
  return scan(text, detectOwn(options.voice === true), options);
}

/**
 * The PII check for model output, which has no conversation to read: the structured detectors (card, email, phone,
 * SSN, IBAN, DOB, address), introduced account ids, PINs and security answers, and only the names introduced
 * unambiguously ("name is X", "Mr./Ms. X", "me llamo X"). "I am Premium", "in the name of Contoso Travel" or a bare
 * first name pass; the redactor removed the customer's names before the model saw the transcript.
 */
export function findOutputPii(text: string, options: RedactOptions = {}): PiiSpan[] {
  return scan(text, detectOutput, options);
}

function applySpans(text: string, spans: PiiSpan[], counts: RedactionCounts): string {
  let out = '';
  let at = 0;
  for (const span of resolveOverlaps(spans)) {
    out += text.slice(at, span.start) + placeholder(span.type);
    at = span.end;
    counts[span.type] = (counts[span.type] ?? 0) + 1;
  }
  return out + text.slice(at);
}

/** Replaces every PII value in `text` with its placeholder, e.g. "card 4111 1111 1111 1111" → "card [CARD]". */
export function redactText(text: string, options: RedactOptions = {}): { text: string; counts: RedactionCounts } {
  const counts: RedactionCounts = {};
  return { text: applySpans(text, findPii(text, options), counts), counts };
}

const ASKS_FOR_ZIP = /\b(?:zip|postal\s*code|post\s*code)\b/i;
const ASKS_FOR_DOB = /\b(?:date\s+of\s+birth|birth\s*date|birthday|d\.?o\.?b|born)\b/i;

/** The agent's question this turn answers: the latest agent turn within the three before it, if no other customer turn answered it. */
function precedingAgentText(turns: readonly Turn[], index: number): string {
  for (let j = index - 1; j >= Math.max(0, index - 3); j -= 1) {
    const turn = turns[j];
    if (turn?.speaker === 'agent') return turn.text;
    if (turn?.speaker === 'customer' && words(turn.text) > 2) return '';
  }
  return '';
}

const words = (text: string): number => text.trim().split(/\s+/).filter(Boolean).length;

/**
 * Is the agent waiting for a PIN? Walking back over the four turns before, the first agent turn that asks decides:
 * a PIN/passcode request yes; a question for another number ("Which order is it?", "How much?", "What year?") no.
 * With `strict` (a bare "55123" reply) any other question decides no too; otherwise other questions ("your date of
 * birth, please?") and statements ("I cannot authenticate you.") are passed over, so "it is 9503 or 1596" still counts.
 */
function pinAsked(turns: readonly Turn[], index: number, strict: boolean): boolean {
  for (let j = index - 1; j >= Math.max(0, index - 4); j -= 1) {
    const turn = turns[j];
    if (turn?.speaker !== 'agent') continue;
    if (testWindows(turn.text, ASKS_FOR_PIN)) return true;
    if (testWindows(turn.text, ASKS_OTHER_NUMBER) || (strict && testWindows(turn.text, ASKS_ANYTHING))) return false;
  }
  return false;
}

/** Does the turn right before this one ask a security question? Only that reply can hold the bare answer. */
const secretAsked = (turns: readonly Turn[], index: number): boolean => {
  const previous = turns[index - 1];
  return previous?.speaker === 'agent' && testWindows(previous.text, ASKS_FOR_SECRET);
};

/**
 * Values given in reply to the agent's question (a name, DOB, zip, account id, PIN, security answer). Answers open a
 * reply, so only its first WINDOW characters are read (and the agent's question in windows).
 */
function contextualSpans(turns: readonly Turn[], index: number, found: readonly PiiSpan[]): PiiSpan[] {
  const turn = turns[index];
  if (!turn || turn.speaker !== 'customer') return [];
  const text = turn.text.slice(0, WINDOW);
  const question = precedingAgentText(turns, index);
  const asks = (re: RegExp): boolean => testWindows(question, re);
  const spans: PiiSpan[] = [];
  const taken = (): PiiSpan[] => [...found, ...spans];
  const free = (s: PiiSpan): boolean => !taken().some((t) => s.start < t.end && t.start < s.end);
  if (asks(ASKS_FOR_ACCOUNT)) spans.push(...findAnsweredAccount(text, question.slice(-WINDOW), taken()));
  if (asks(ASKS_FOR_PIN)) spans.push(...findAnsweredPin(text, taken()));
  if (pinAsked(turns, index, false)) spans.push(...findPinGuesses(text, taken(), pinAsked(turns, index, true)));
  if (secretAsked(turns, index)) spans.push(...findAnsweredSecret(text).filter(free));
  if (asks(ASKS_FOR_NAME)) spans.push(...findAnsweredName(text));
  if (asks(ASKS_FOR_DOB)) spans.push(...findDates(text));
  if (asks(ASKS_FOR_ZIP)) spans.push(...findZips(text));
  if (asksForNumber(question.slice(-WINDOW))) spans.push(...findAnsweredNumbers(text).filter(free));
  return spans;
}

/**
 * The spans `redactTurns` removes from each turn (same order as `turns`), for evaluation and debugging. Works on the
 * turns with whitespace runs collapsed and maps the spans back to the original text.
 */
export function findTurnSpans(turns: readonly Turn[], options: RedactOptions = {}): PiiSpan[][] {
  const collapsed = turns.map((turn) => collapseSpace(turn.text));
  const plain = turns.map((turn, i): Turn => ({ ...turn, text: collapsed[i]?.text ?? turn.text }));
  const names = new Set<string>();
  const credentials = new Map<string, PiiType>();
  const firstPass = plain.map((turn, i) => {
    const own = resolveOverlaps(allowed(turn.text, scanWindows(turn.text, detectOwn(options.voice === true)), options.allow));
    const spans = resolveOverlaps(allowed(turn.text, [...own, ...contextualSpans(plain, i, own)], options.allow));
    for (const s of spans) {
      const value = turn.text.slice(s.start, s.end).replace(/\s+/g, ' ');
      if (s.type === 'name') names.add(value);
      if (s.type === 'account' || s.type === 'pin' || (s.type === 'secret' && propagatesSecret(value))) credentials.set(value, s.type);
    }
    return spans;
  });
  const known = (text: string): PiiSpan[] => [...findKnownNames(text, names), ...findKnownCredentials(text, credentials)];
  return plain.map((turn, i) => {
    const spans = resolveOverlaps(allowed(turn.text, [...(firstPass[i] ?? []), ...scanWindows(turn.text, known)], options.allow));
    return spans.map(collapsed[i]?.restore ?? ((s) => s));
  });
}

/**
 * Redacts a whole transcript. Beyond `findPii` it uses the conversation: a reply to "may I have your name?" is
 * a name, a date given after "date of birth?" is a DOB, an id after "your account number?" an account, digits after
 * "and your PIN?" a PIN (not an amount, nor digits after "Which order is it?"), the reply right after "your mother's
 * maiden name?" a secret; every name, account id and PIN found is redacted wherever it recurs (a year-like PIN not in
 * "March 2024" or "2024 items"), and every security answer too, in any case, unless it is a single common or brand word.
 * Long turns are read in bounded windows; a turn of any length is redacted.
 */
export function redactTurns(turns: readonly Turn[], options: RedactOptions = {}): { turns: Turn[]; counts: RedactionCounts } {
  const spans = findTurnSpans(turns, options);
  const counts: RedactionCounts = {};
  const redacted = turns.map((turn, i) => ({ ...turn, text: applySpans(turn.text, spans[i] ?? [], counts) }));
  return { turns: redacted, counts };
}
