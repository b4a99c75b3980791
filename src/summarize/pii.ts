// PII redaction: finds PII in text and replaces it with typed placeholders before anything leaves for a model.
import { z } from 'zod';
import type { Turn } from '../domain.js';
import { loadConfigJsonSync } from './config-file.js';
import { findPatternPii, findDates, findZips } from './pii-patterns.js';
import { ASKS_FOR_NAME, findAnsweredName, findIntroducedNames, findKnownNames } from './pii-names.js';
import { findIntroducedCredentials } from './pii-credentials.js';
import {
  ASKS_FOR_ACCOUNT, ASKS_FOR_PIN, ASKS_FOR_SECRET, MENTIONS_PIN, findAnsweredAccount, findAnsweredPin, findAnsweredSecret,
  findKnownCredentials, findPinGuesses,
} from './pii-answers.js';
import { placeholder, resolveOverlaps, type PiiSpan, type PiiType } from './pii-types.js';

export { PII_TYPES, placeholder, type PiiSpan, type PiiType } from './pii-types.js';

/** Counts of redacted values by type (only types that occurred). */
export type RedactionCounts = Partial<Record<PiiType, number>>;

/** Options for the redaction functions. */
export interface RedactOptions {
  /** A candidate span whose whole text matches one of these stays (order, ticket, tracking ids). @default [] */
  allow?: readonly RegExp[];
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
export function loadPiiConfig(path: string | URL): Required<RedactOptions> {
  const { allow } = loadConfigJsonSync('PII config', path, PiiConfigSchema);
  return { allow: allow.map((source) => new RegExp(source, 'i')) };
}

function allowed(text: string, spans: PiiSpan[], allow: readonly RegExp[] | undefined): PiiSpan[] {
  if (!allow || allow.length === 0) return spans;
  return spans.filter((s) => !allow.some((re) => re.test(text.slice(s.start, s.end).trim())));
}

/** Every PII value `text` shows on its own (no conversational context), non-overlapping, sorted by start. */
export function findPii(text: string, options: RedactOptions = {}): PiiSpan[] {
  const spans = [...findPatternPii(text), ...findIntroducedCredentials(text), ...findIntroducedNames(text)];
  return resolveOverlaps(allowed(text, spans, options.allow));
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

/** Is a PIN under discussion: mentioned in this turn or the four before it? */
const pinTopic = (turns: readonly Turn[], index: number): boolean =>
  turns.slice(Math.max(0, index - 4), index + 1).some((t) => MENTIONS_PIN.test(t.text));

/** Values given in reply to the agent's question (a name, DOB, zip, account id, PIN, security answer). */
function contextualSpans(turns: readonly Turn[], index: number, found: readonly PiiSpan[]): PiiSpan[] {
  const turn = turns[index];
  if (!turn || turn.speaker !== 'customer') return [];
  const question = precedingAgentText(turns, index);
  const spans: PiiSpan[] = [];
  const taken = (): PiiSpan[] => [...found, ...spans];
  if (ASKS_FOR_ACCOUNT.test(question)) spans.push(...findAnsweredAccount(turn.text, question, taken()));
  if (ASKS_FOR_PIN.test(question)) spans.push(...findAnsweredPin(turn.text, taken()));
  if (pinTopic(turns, index)) spans.push(...findPinGuesses(turn.text, taken()));
  if (ASKS_FOR_SECRET.test(question)) spans.push(...findAnsweredSecret(turn.text).filter((s) => !taken().some((t) => s.start < t.end && t.start < s.end)));
  if (ASKS_FOR_NAME.test(question)) spans.push(...findAnsweredName(turn.text));
  if (ASKS_FOR_DOB.test(question)) spans.push(...findDates(turn.text));
  if (ASKS_FOR_ZIP.test(question)) spans.push(...findZips(turn.text));
  return spans;
}

/** The spans `redactTurns` removes from each turn (same order as `turns`), for evaluation and debugging. */
export function findTurnSpans(turns: readonly Turn[], options: RedactOptions = {}): PiiSpan[][] {
  const names = new Set<string>();
  const credentials = new Map<string, PiiType>();
  const firstPass = turns.map((turn, i) => {
    const own = findPii(turn.text, options);
    const spans = resolveOverlaps(allowed(turn.text, [...own, ...contextualSpans(turns, i, own)], options.allow));
    for (const s of spans) {
      const value = turn.text.slice(s.start, s.end).replace(/\s+/g, ' ');
      if (s.type === 'name') names.add(value);
      if (s.type === 'account' || s.type === 'pin' || s.type === 'secret') credentials.set(value, s.type);
    }
    return spans;
  });
  return turns.map((turn, i) =>
    resolveOverlaps(allowed(turn.text, [...(firstPass[i] ?? []), ...findKnownNames(turn.text, names), ...findKnownCredentials(turn.text, credentials)], options.allow)),
  );
}

/**
 * Redacts a whole transcript. Beyond `findPii` it uses the conversation: a reply to "may I have your name?" is
 * a name, a date given after "date of birth?" is a DOB, an id after "your account number?" an account, digits after
 * "and your PIN?" a PIN, a reply to "your mother's maiden name?" a secret; every name, account id, PIN and security
 * answer found is redacted wherever it recurs.
 */
export function redactTurns(turns: readonly Turn[], options: RedactOptions = {}): { turns: Turn[]; counts: RedactionCounts } {
  const spans = findTurnSpans(turns, options);
  const counts: RedactionCounts = {};
  const redacted = turns.map((turn, i) => ({ ...turn, text: applySpans(turn.text, spans[i] ?? [], counts) }));
  return { turns: redacted, counts };
}
