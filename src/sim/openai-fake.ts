// An OpenAI-compatible chat-completions server on 127.0.0.1 for tests and the demo, with switchable misbehaviour.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { answerTokens, outputCap, stopAt } from './fake-habits.js';
import { ADVERSARIAL_FAULTS, content, promptText, transcriptKey, wantsText, type AdversarialFault, type FakeMode, type Messages } from './fake-answers.js';

export { ADVERSARIAL_FAULTS, FAKE_LEAKED_PII, inventedFacts, transcriptKey, type AdversarialFault, type FakeMode } from './fake-answers.js';

export interface OpenAiFake {
  /** Base URL ending in /v1, for `new OpenAI({ baseURL })`. */
  url: string;
  /** Every chat-completions request received, in order (headers lower-cased), with when it arrived (epoch ms). */
  requests: Array<{ body: any; headers: Record<string, string>; at: number }>;
  readonly callCount: number;
  setMode(mode: FakeMode): void;
  /** The fault injected into each answered call, in order (undefined = a good answer). */
  readonly faults: Array<AdversarialFault | 'fail-500' | undefined>;
  /** When each of `faults` was answered (epoch ms, the same order). */
  readonly answeredAt: number[];
  /**
   * For each of `faults`: true when it answered a summary's first ask to its end — not a map step, not a repair (a
   * request carrying an earlier answer), not an answer stopped at the output cap (which the caller asks again, the
   * same way, in the same run). One conversation answered so twice was paid for by two runs.
   */
  readonly completedFirstAsks: boolean[];
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
  const answeredAt: number[] = [];
  const completedFirstAsks: boolean[] = [];
  const cycle = options.adversarialFaults?.length ? options.adversarialFaults : ADVERSARIAL_FAULTS;

  /** The fault for the `n`-th call (1-based) since the mode was set. */
  function faultFor(n: number): AdversarialFault | undefined {
    if (mode === 'ok' || mode === 'fail-500' || mode === 'overshoot' || mode === 'chatty' || mode === 'truncated' || mode === 'obey-injection') return undefined;
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
    requests.push({ body, headers, at: Date.now() });
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
      answeredAt.push(Date.now());
      completedFirstAsks.push(false);
      return send(res, 500, apiError('The server had an error processing your request.', 'server_error'));
    }
    const fault = faultFor(callsInMode);
    faults.push(fault);
    answeredAt.push(Date.now());
    const text = content(body, fault, { mode, call: callsInMode, overshootRange: options.overshootRange ?? [1.1, 1.4] });
    // A real server stops at the output cap; 'truncated' also stops each conversation's first answer early.
    const key = transcriptKey(body.messages);
    const firstTry = !wantsText(body) && !truncatedOnce.has(key);
    if (mode === 'truncated' && firstTry) truncatedOnce.add(key);
    const cap = mode === 'truncated' && firstTry ? Math.min(outputCap(body) ?? Infinity, options.truncateAtTokens ?? 120) : outputCap(body);
    const cutOff = cap !== undefined && answerTokens(text) > cap;
    completedFirstAsks.push(!cutOff && !wantsText(body) && !body.messages.some((m: { role?: string }) => m?.role === 'assistant'));
    if (cutOff) {
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
    answeredAt,
    completedFirstAsks,
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
