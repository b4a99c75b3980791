// An OpenAI-compatible chat-completions server on 127.0.0.1 for tests and the demo, with switchable misbehaviour.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { answerForSchema, type AnswerContext } from './fake-schema-answer.js';
import { answerTokens, chattyObject, chattyText, outputCap, overshoot, overshootFactor, statedLimits, stopAt } from './fake-habits.js';

/**
 * How the fake answers: well, or with a specific fault ("-once" modes misbehave on the first call after setMode).
 * 'adversarial' cycles through ADVERSARIAL_FAULTS by call index (or the faults given in options), one per call.
 * The profiles of real models (every mode also stops at the request's output-token cap, like a real server):
 * - 'overshoot': every limit stated in the prompt or the schema's descriptions exceeded by 10–40 % (lists by at least
 *   one item); `maxLength` keywords ignored; re-asks come back the same way;
 * - 'chatty': the JSON inside a ```json fence between prose, enums capitalized or as synonyms ("Resolved",
 *   "follow-up needed"), "N/A" for empty optional fields, confidences as strings, an extra key, curly quotes;
 * - 'truncated': the first answer for each conversation (each distinct transcript) stops mid-JSON with
 *   `finish_reason: "length"`, as a verbose model does at the output cap; asked again, it finishes.
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
  | 'adversarial';

/** The faults 'adversarial' mode injects. */
export type AdversarialFault = 'leak-pii' | 'too-long' | 'invent-numbers' | 'broken-json';
export const ADVERSARIAL_FAULTS: readonly AdversarialFault[] = ['leak-pii', 'too-long', 'invent-numbers', 'broken-json'];

export interface OpenAiFake {
  /** Base URL ending in /v1, for `new OpenAI({ baseURL })`. */
  url: string;
  /** Every chat-completions request received, in order (headers lower-cased). */
  requests: Array<{ body: any; headers: Record<string, string> }>;
  readonly callCount: number;
  setMode(mode: FakeMode): void;
  /** The fault injected into each answered call, in order (undefined = a good answer). */
  readonly faults: Array<AdversarialFault | 'fail-500' | undefined>;
  /** Reports this usage in every later reply instead of the estimate (undefined restores the estimate). */
  setUsage(usage: { prompt_tokens: number; completion_tokens: number } | undefined): void;
  /** Holds every later answer this long after the request is recorded (a slow model; 0 answers at once). */
  setDelay(ms: number): void;
  /** Summary (JSON) requests per conversation, keyed by the transcript block they carry (map steps excluded). */
  callsByTranscript(): Map<string, number>;
  close(): Promise<void>;
}

export interface OpenAiFakeOptions {
  /** @default 0 (any free port) */
  port?: number;
  /** @default 'ok' */
  mode?: FakeMode;
  /** Answer delay in ms (see setDelay). @default 0 */
  delayMs?: number;
  /** The faults 'adversarial' mode cycles through, by call index. @default ADVERSARIAL_FAULTS */
  adversarialFaults?: readonly AdversarialFault[];
  /** How far 'overshoot' exceeds stated limits (factor range). @default [1.1, 1.4] */
  overshootRange?: readonly [number, number];
  /** Tokens after which 'truncated' stops its first answer. @default 120 */
  truncateAtTokens?: number;
}

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

type Messages = Array<{ role?: string; content?: unknown }>;

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

const promptText = (messages: Messages): string => messages.map((m) => (typeof m.content === 'string' ? m.content : '')).join('\n');

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
function wantsText(body: any): boolean {
  const format = body?.response_format?.type;
  if (format === 'text') return true;
  const system = promptText((body?.messages ?? []).filter((m: any) => m?.role === 'system'));
  return format === undefined && /\bnotes\b/i.test(system);
}

interface Habits {
  mode: FakeMode;
  /** 1-based call number since the mode was set. */
  call: number;
  overshootRange: readonly [number, number];
}

function content(body: any, fault: AdversarialFault | undefined, habits: Habits): string {
  const messages = body.messages as Messages;
  if (wantsText(body)) return notesAnswer(messages, fault);
  if (fault === 'broken-json') return '{"summary": "The customer called about';
  const schema = body?.response_format?.json_schema?.schema;
  let answer = answerForSchema(schema, answerContext(messages));
  if (habits.mode === 'overshoot') answer = overshoot(answer, statedLimits(messages, schema), overshootFactor(habits.call, habits.overshootRange), habits.overshootRange);
  if (fault) answer = withFault(answer, fault, messages);
  return habits.mode === 'chatty' ? chattyText(JSON.stringify(chattyObject(answer))) : JSON.stringify(answer);
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

const apiError = (message: string, type: string, code: string | null = null) => ({ error: { message, type, param: null, code } });

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Rough token counts (~4 characters a token, 4 tokens of framing per message) unless a usage was set. */
function completion(model: string, text: string, messages: Messages, fixed?: { prompt_tokens: number; completion_tokens: number }, finishReason = 'stop') {
  const completionTokens = fixed?.completion_tokens ?? answerTokens(text);
  const promptTokens = fixed?.prompt_tokens ?? messages.reduce((n, m) => n + 4 + Math.ceil(promptText([m]).length / 4), 3);
  return {
    id: `chatcmpl-fake-${Math.random().toString(36).slice(2, 12)}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, message: { role: 'assistant', content: text, refusal: null }, logprobs: null, finish_reason: finishReason }],
    usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
  };
}

/** Starts the fake on 127.0.0.1. POST /v1/chat/completions only; 401 without a bearer token, 400 without model/messages. */
export async function startOpenAiFake(options: OpenAiFakeOptions = {}): Promise<OpenAiFake> {
  let mode: FakeMode = options.mode ?? 'ok';
  let callsInMode = 0;
  let delayMs = options.delayMs ?? 0;
  let usage: { prompt_tokens: number; completion_tokens: number } | undefined;
  const faults: OpenAiFake['faults'] = [];
  const cycle = options.adversarialFaults?.length ? options.adversarialFaults : ADVERSARIAL_FAULTS;

  /** The fault for the `n`-th call (1-based) since the mode was set. */
  function faultFor(n: number): AdversarialFault | undefined {
    if (mode === 'ok' || mode === 'fail-500' || mode === 'overshoot' || mode === 'chatty' || mode === 'truncated') return undefined;
    if (mode === 'adversarial') return cycle[(n - 1) % cycle.length];
    if (mode.endsWith('-once') && n > 1) return undefined;
    return mode === 'leak-once' ? 'leak-pii' : mode === 'too-long-once' ? 'too-long' : mode;
  }
  const requests: OpenAiFake['requests'] = [];
  const timers = new Set<NodeJS.Timeout>();
  const truncatedOnce = new Set<string>();

  /** Waits `ms`; resolves early (false) when the client goes away or the fake closes. */
  function hold(res: ServerResponse, ms: number): Promise<boolean> {
    if (ms <= 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        res.off('close', gone);
        resolve(true);
      }, ms);
      const gone = (): void => {
        clearTimeout(timer);
        timers.delete(timer);
        resolve(false);
      };
      timers.add(timer);
      res.once('close', gone);
    });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST' || req.url?.split('?')[0] !== '/v1/chat/completions') {
      return send(res, 404, apiError(`Unknown route ${req.method} ${req.url}`, 'invalid_request_error'));
    }
    const raw = await readBody(req);
    let body: any;
    try {
      body = JSON.parse(raw);
    } catch {
      return send(res, 400, apiError('We could not parse the JSON body of your request.', 'invalid_request_error'));
    }
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')]));
    requests.push({ body, headers });
    callsInMode += 1;
    if (!(await hold(res, delayMs))) return;
    if (!/^Bearer \S+/.test(headers.authorization ?? '')) {
      return send(res, 401, apiError('You didn\'t provide an API key.', 'invalid_request_error', 'invalid_api_key'));
    }
    if (typeof body?.model !== 'string' || !Array.isArray(body?.messages) || body.messages.length === 0) {
      return send(res, 400, apiError('model and messages are required', 'invalid_request_error'));
    }
    if (mode === 'fail-500') {
      faults.push('fail-500');
      return send(res, 500, apiError('The server had an error processing your request.', 'server_error'));
    }
    const fault = faultFor(callsInMode);
    faults.push(fault);
    const text = content(body, fault, { mode, call: callsInMode, overshootRange: options.overshootRange ?? [1.1, 1.4] });
    // A real server stops at the output cap; 'truncated' also stops each conversation's first answer early.
    const key = transcriptKey(body.messages);
    const firstTry = !wantsText(body) && !truncatedOnce.has(key);
    if (mode === 'truncated' && firstTry) truncatedOnce.add(key);
    const cap = mode === 'truncated' && firstTry ? Math.min(outputCap(body) ?? Infinity, options.truncateAtTokens ?? 120) : outputCap(body);
    if (cap !== undefined && answerTokens(text) > cap) {
      send(res, 200, completion(body.model, stopAt(text, cap), body.messages, usage, 'length'));
      return;
    }
    send(res, 200, completion(body.model, text, body.messages, usage));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) send(res, 500, apiError('fake crashed', 'server_error'));
      else res.destroy();
    });
  });
  server.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    get callCount() {
      return requests.length;
    },
    faults,
    setUsage(next) {
      usage = next;
    },
    setMode(next) {
      mode = next;
      callsInMode = 0;
      truncatedOnce.clear();
    },
    callsByTranscript() {
      const counts = new Map<string, number>();
      for (const { body } of requests) {
        if (wantsText(body)) continue;
        const key = transcriptKey(body?.messages ?? []);
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      return counts;
    },
    setDelay(ms) {
      delayMs = ms;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
