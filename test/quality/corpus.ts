// The labelled ABCD/STAR corpus and the synthetic PII set as Transcripts, plus which PII values must never leave.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Transcript, Turn } from '../../src/domain.js';
import { containsWord, labelKind, parseLabelledCorpus, type LabelledConversation } from '../support/pii-eval.js';
import { redactTurns } from '../../src/summarize/redact/pii.js';
import { SYNTHETIC } from '../pii/synthetic.js';

/** The corpus, relative to the repo (../shared/data/abcd from /work/main). */
export const CORPUS_PATH = fileURLToPath(new URL('../../../shared/data/abcd/conversations.jsonl', import.meta.url));
export const PROMPTS_DIR = fileURLToPath(new URL('../../config/prompts/', import.meta.url));

/** The corpus dialogues, or undefined (with a message) when the file is absent. */
export function loadCorpus(): LabelledConversation[] | undefined {
  if (!existsSync(CORPUS_PATH)) {
    console.log(`ABCD/STAR corpus not found at ${CORPUS_PATH}: skipping the corpus quality checks`);
    return undefined;
  }
  return parseLabelledCorpus(readFileSync(CORPUS_PATH, 'utf8'));
}

/** A deterministic UUID for the i-th test conversation (the API layer only accepts UUIDs). */
export function conversationUuid(i: number, group = 0): string {
  return `${String(group).padStart(8, '0')}-0000-4000-8000-${String(i).padStart(12, '0')}`;
}

/** Turns 10 s apart from a fixed origin. */
export function toTurns(turns: ReadonlyArray<{ speaker: Turn['speaker']; text: string }>): Turn[] {
  const origin = Date.UTC(2024, 4, 1, 10, 0, 0);
  return turns.map((t, i) => ({ speaker: t.speaker, text: t.text, at: new Date(origin + i * 10_000).toISOString() }));
}

export function toTranscript(conversationId: string, turns: ReadonlyArray<{ speaker: Turn['speaker']; text: string }>): Transcript {
  return { conversationId, mediaType: 'chat', turns: toTurns(turns) };
}

/** A value that must not leave: where it came from, for assertion messages. */
export interface Secret {
  /** Our redaction type (the key of a record's `redactions` counts). */
  type: string;
  value: string;
}

/** The redaction types that may account for a secret: a security answer that is a maiden name may be a [NAME]. */
export function redactionTypes(secret: Secret): string[] {
  return secret.type === 'secret' ? ['secret', 'name'] : [secret.type];
}

/** Corpus label kinds checked for leaks, as our redaction types. Bare values (ids, names) only where claimed. */
const CHECKED: Record<string, { type: string; claimedOnly: boolean }> = {
  email: { type: 'email', claimedOnly: false },
  phone: { type: 'phone', claimedOnly: false },
  name: { type: 'name', claimedOnly: true },
  account_id: { type: 'account', claimedOnly: true },
  'other/pin': { type: 'pin', claimedOnly: true },
  'other/security_answer': { type: 'secret', claimedOnly: true },
};

/**
 * The labelled values of a conversation that must never reach the model or the store: every email and phone, and
 * every name the redactor claims (no longer present anywhere in the redacted transcript).
 */
export function secretsOf(convo: Pick<LabelledConversation, 'pii'>, turns: readonly Turn[]): Secret[] {
  const redacted = redactTurns(turns).turns.map((t) => t.text).join('\n');
  const seen = new Set<string>();
  const out: Secret[] = [];
  for (const p of convo.pii) {
    const checked = CHECKED[labelKind(p)];
    if (!checked || seen.has(p.value) || (checked.claimedOnly && containsWord(redacted, p.value))) continue;
    seen.add(p.value);
    out.push({ type: checked.type, value: p.value });
  }
  return out;
}

/** The labelled name values the redactor left somewhere in the transcript (reported, not asserted). */
export function unclaimedNames(convo: Pick<LabelledConversation, 'pii'>, turns: readonly Turn[]): string[] {
  const redacted = redactTurns(turns).turns.map((t) => t.text).join('\n');
  return convo.pii.filter((p) => p.type === 'name' && containsWord(redacted, p.value)).map((p) => p.value);
}

/** The fixed wording of every prompt template (the text between placeholders), longest first. */
const TEMPLATE_TEXT: string[] = readdirSync(PROMPTS_DIR)
  .filter((f) => f.endsWith('.json') && f !== 'routing.json')
  .flatMap((f) => {
    const t = JSON.parse(readFileSync(path.join(PROMPTS_DIR, f), 'utf8')) as { system?: string; user?: string };
    return [t.system ?? '', t.user ?? ''].flatMap((s) => s.split(/\{\{\s*[a-z_]+\s*\}\}/));
  })
  .filter((s) => s.trim().length >= 20)
  .sort((a, b) => b.length - a.length);

/**
 * Every message content of a chat-completions request body, joined, with the templates' own wording removed (it
 * says "[NAME] mark removed personal data": the verb is not the customer Mark).
 */
export function requestText(body: unknown): string {
  const messages = (body as { messages?: Array<{ content?: unknown }> } | undefined)?.messages ?? [];
  const text = messages.map((m) => (typeof m.content === 'string' ? m.content : JSON.stringify(m.content))).join('\n');
  return TEMPLATE_TEXT.reduce((out, fixed) => out.split(fixed).join('\n'), text);
}

/** Secrets found in `text` (case-insensitive, whole word). */
export function leakedIn(text: string, secrets: readonly Secret[]): Secret[] {
  return secrets.filter((s) => containsWord(text, s.value));
}

/** A synthetic labelled text wrapped as a short but substantive support chat, with its labelled values. */
export interface SyntheticConversation {
  transcript: Transcript;
  secrets: Secret[];
}

/** Every synthetic positive (texts with at least one labelled value) as a four-turn chat. */
export function syntheticConversations(group = 9): SyntheticConversation[] {
  return SYNTHETIC.filter((c) => c.pii.length > 0).map((c, i) => {
    const id = conversationUuid(i, group);
    const transcript = toTranscript(id, [
      { speaker: 'agent', text: 'Thank you for contacting support, how can I help you today?' },
      { speaker: 'customer', text: c.text },
      { speaker: 'customer', text: 'I would like to update the details on my account and confirm the next steps.' },
      { speaker: 'agent', text: 'I have updated your account details and you will receive a confirmation shortly.' },
    ]);
    return { transcript, secrets: c.pii.map((p) => ({ type: p.type, value: p.value })) };
  });
}

/** Several corpus dialogues back to back (one very long conversation) with the union of their labels. */
export function concatenate(convos: readonly LabelledConversation[]): Pick<LabelledConversation, 'turns' | 'pii'> {
  return { turns: convos.flatMap((c) => c.turns), pii: convos.flatMap((c) => c.pii) };
}
