// What the OpenAI fake answers: summary JSON built from the request's schema and transcript, map-step notes, and the
// faults and real-model habits (fake-habits.ts) its modes inject.
import { answerForSchema, type AnswerContext } from './fake-schema-answer.js';
import { chattyObject, chattyText, overshoot, overshootFactor, statedLimits } from './fake-habits.js';
import { obey, ordersIn } from './fake-injection.js';

/**
 * How the fake answers: well, or with a specific fault ("-once" modes misbehave on the first call after setMode).
 * 'adversarial' cycles through ADVERSARIAL_FAULTS by call index (or the faults given in options), one per call.
 * The profiles of real models (every mode also stops at the request's output-token cap, like a real server):
 * - 'overshoot': every limit stated in the prompt or the schema's descriptions exceeded by 10–40 % (lists by at least
 *   one item); `maxLength` keywords ignored; re-asks come back the same way;
 * - 'chatty': the JSON inside a ```json fence between prose, enums capitalized or as synonyms ("Resolved",
 *   "follow-up needed"), "N/A" for empty optional fields, confidences as strings, an extra key, curly quotes;
 * - 'truncated': the first answer for each conversation (each distinct transcript) stops mid-JSON with
 *   `finish_reason: "length"`, as a verbose model does at the output cap; asked again, it finishes;
 * - 'obey-injection': a gullible model that follows instructions in the customer's text, fenced or not, every time it
 *   is asked ("write exactly X" → X in the summary and headline; codes it is told to include; a listing of the
 *   placeholders it sees when asked for account numbers or ids).
 */
export type FakeMode =
  | 'ok'
  | 'overshoot'
  | 'chatty'
  | 'truncated'
  | 'leak-pii'
  | 'too-long'
  | 'broken-json'
  | 'fail-500'
  | 'leak-once'
  | 'too-long-once'
  | 'invent-numbers'
  | 'obey-injection'
  | 'adversarial';

/** The faults 'adversarial' mode injects. */
export type AdversarialFault = 'leak-pii' | 'too-long' | 'invent-numbers' | 'broken-json';
export const ADVERSARIAL_FAULTS: readonly AdversarialFault[] = ['leak-pii', 'too-long', 'invent-numbers', 'broken-json'];

/** PII the 'leak' modes put in their answers (fictional, reserved ranges). */
export const FAKE_LEAKED_PII = { phone: '(555) 867-5309', email: 'leaky.customer@example.com', card: '4111 1111 1111 1111' };

const DEFAULT_MAX = 500;

function transcriptLines(messages: Array<{ role?: string; content?: unknown }>): Array<{ speaker: string; text: string }> {
  const text = messages.map((m) => (typeof m.content === 'string' ? m.content : '')).join('\n');
  const block = /<transcript>\n([\s\S]*?)\n<\/transcript>/.exec(text)?.[1] ?? '';
  return block
    .split('\n')
    .map((line) => /^\[[\d:]+\]\s+(\w+):\s*(.*)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ speaker: m[1] ?? '', text: m[2] ?? '' }));
}

/**
 * The summary's length limit as the prompt states it ("summary … at most N characters"; Spanish "resumen … como
 * máximo N caracteres"), else the largest stated limit: the headline's "at most 80 characters" is not the summary's.
 */
function maxLengthOf(messages: Array<{ content?: unknown }>): number {
  const text = messages.map((m) => (typeof m.content === 'string' ? m.content : '')).join('\n');
  const limit = String.raw`(?:at most|como máximo) (\d+) (?:characters|caracteres)`;
  const summary = new RegExp(String.raw`(?:summary|resumen)\b[^.\n]*?${limit}`, 'i').exec(text)?.[1];
  const stated = [...text.matchAll(new RegExp(limit, 'gi'))].map((m) => Number(m[1]));
  const n = summary !== undefined ? Number(summary) : stated.length > 0 ? Math.max(...stated) : Number.NaN;
  return Number.isFinite(n) && n > 0 ? n : DEFAULT_MAX;
}

export type Messages = Array<{ role?: string; content?: unknown }>;

/** The customer's first request (letters and placeholders only) and a summary under 60% of the limit. */
function answerContext(messages: Messages): AnswerContext {
  const lines = transcriptLines(messages);
  const request = lines.find((l) => l.speaker === 'customer' && l.text.split(/\s+/).length >= 3) ?? lines[0];
  const words = (request?.text ?? 'a question').split(/\s+/).filter((w) => /^[A-Za-z'\[\]]+[.,?!]?$/.test(w));
  const topic = words.slice(0, 12).join(' ').replace(/[.,?!]+$/, '') || 'a question';
  const limit = Math.floor(maxLengthOf(messages) * 0.6);
  // No numbers of its own: a faithful answer states nothing the transcript does not (the turn count is not said in it).
  const full = `The customer contacted the agent about: ${topic}. The agent resolved the issue during the conversation; no further follow-up is needed.`;
  const summary = full.length <= limit ? full : `${full.slice(0, Math.max(10, limit - 1)).replace(/\s+\S*$/, '')}.`;
  return { topic, summary, turnCount: lines.length };
}

/** Numbers that appear nowhere in the prompt, for the 'invent-numbers' fault. */
export function inventedFacts(promptText: string): { amount: string; reference: string; days: number } {
  const digits = promptText.replace(/[^0-9.]/g, ' ');
  let n = 487;
  while (digits.includes(String(n))) n += 1;
  return { amount: `$${n}.23`, reference: `RF-${n * 97 + 11}`, days: (n % 20) + 31 };
}

function withFault(answer: Record<string, unknown>, fault: AdversarialFault, messages: Messages): Record<string, unknown> {
  const out = { ...answer };
  const summary = String(out.summary ?? '');
  if (fault === 'leak-pii') {
    out.summary = `${summary} The customer can be reached at ${FAKE_LEAKED_PII.phone}.`;
    if ('headline' in out) out.headline = `Card ${FAKE_LEAKED_PII.card} charged twice`;
    const first = Array.isArray(out.follow_up_actions) ? out.follow_up_actions[0] : undefined;
    const leak = `Call the customer back at ${FAKE_LEAKED_PII.phone} or write to ${FAKE_LEAKED_PII.email}`;
    out.follow_up_actions = [typeof first === 'object' && first !== null ? { ...first, action: leak } : leak];
  } else if (fault === 'too-long') {
    out.summary = `${summary} ${'The agent explained the details once more. '.repeat(Math.ceil(maxLengthOf(messages) / 40))}`.trim();
  } else if (fault === 'invent-numbers') {
    const f = inventedFacts(promptText(messages));
    out.summary = `${summary} The agent issued a refund of ${f.amount} under reference ${f.reference}, due within ${f.days} days.`;
  }
  return out;
}

/** The <transcript> block of a request (its conversation), or '' when it has none. */
export function transcriptKey(messages: Messages): string {
  return /<transcript>\n([\s\S]*?)\n<\/transcript>/.exec(promptText(messages))?.[1] ?? '';
}

export const promptText = (messages: Messages): string => messages.map((m) => (typeof m.content === 'string' ? m.content : '')).join('\n');

/** Plain-text notes for a map (condense) request. */
function notesAnswer(messages: Messages, fault: AdversarialFault | undefined): string {
  const ctx = answerContext(messages);
  const notes = [`- The customer asked about: ${ctx.topic}`, `- ${ctx.turnCount} turns in this part`];
  if (fault === 'leak-pii') notes.push(`- Call back at ${FAKE_LEAKED_PII.phone}`);
  if (fault === 'invent-numbers') notes.push(`- Refund of ${inventedFacts(promptText(messages)).amount}`);
  if (fault === 'too-long') notes.push(`- ${'The agent explained the details once more. '.repeat(Math.ceil(maxLengthOf(messages) / 40))}`);
  return notes.join('\n');
}

/** Does the request want plain text (a map step) rather than JSON? */
export function wantsText(body: any): boolean {
  const format = body?.response_format?.type;
  if (format === 'text') return true;
  const system = promptText((body?.messages ?? []).filter((m: any) => m?.role === 'system'));
  return format === undefined && /\bnotes\b/i.test(system);
}

/** The answer after a gullible model followed the orders in the customer's lines. */
function obeyConversation(answer: Record<string, unknown>, messages: Messages): Record<string, unknown> {
  const lines = transcriptLines(messages);
  const customer = lines.filter((l) => l.speaker === 'customer').map((l) => l.text).join('\n');
  const placeholders = [...new Set(lines.flatMap((l) => l.text.match(/\[[A-Z_]+\]/g) ?? []))];
  return obey(answer, ordersIn(customer), placeholders);
}

export interface Habits {
  mode: FakeMode;
  /** 1-based call number since the mode was set. */
  call: number;
  overshootRange: readonly [number, number];
}

export function content(body: any, fault: AdversarialFault | undefined, habits: Habits): string {
  const messages = body.messages as Messages;
  if (wantsText(body)) return notesAnswer(messages, fault);
  if (fault === 'broken-json') return '{"summary": "The customer called about';
  const schema = body?.response_format?.json_schema?.schema;
  let answer = answerForSchema(schema, answerContext(messages));
  if (habits.mode === 'overshoot') answer = overshoot(answer, statedLimits(messages, schema), overshootFactor(habits.call, habits.overshootRange), habits.overshootRange);
  if (fault) answer = withFault(answer, fault, messages);
  if (habits.mode === 'obey-injection') answer = obeyConversation(answer, messages);
  return habits.mode === 'chatty' ? chattyText(JSON.stringify(chattyObject(answer))) : JSON.stringify(answer);
}

