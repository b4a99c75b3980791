// An OpenAI-compatible chat-completions server on 127.0.0.1 for tests and the demo, with switchable misbehaviour.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the fake answers: well, or with a specific fault ("-once" modes misbehave on the first call after setMode). */
export type FakeMode = 'ok' | 'leak-pii' | 'too-long' | 'broken-json' | 'fail-500' | 'leak-once' | 'too-long-once';

export interface OpenAiFake {
  /** Base URL ending in /v1, for `new OpenAI({ baseURL })`. */
  url: string;
  /** Every chat-completions request received, in order (headers lower-cased). */
  requests: Array<{ body: any; headers: Record<string, string> }>;
  readonly callCount: number;
  setMode(mode: FakeMode): void;
  close(): Promise<void>;
}

export interface OpenAiFakeOptions {
  /** @default 0 (any free port) */
  port?: number;
  /** @default 'ok' */
  mode?: FakeMode;
}

/** PII the 'leak' modes put in their answers (fictional, reserved ranges). */
export const FAKE_LEAKED_PII = { phone: '(555) 867-5309', email: 'leaky.customer@example.com' };

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

function maxLengthOf(messages: Array<{ content?: unknown }>): number {
  const text = messages.map((m) => (typeof m.content === 'string' ? m.content : '')).join('\n');
  const n = Number(/at most (\d+) characters/i.exec(text)?.[1]);
  return Number.isFinite(n) && n > 0 ? n : DEFAULT_MAX;
}

/** A plausible summary built from the customer's first request (letters and placeholders only), under 60% of the limit. */
function goodAnswer(messages: Array<{ content?: unknown }>): Record<string, unknown> {
  const lines = transcriptLines(messages);
  const request = lines.find((l) => l.speaker === 'customer' && l.text.split(/\s+/).length >= 3) ?? lines[0];
  const words = (request?.text ?? 'a question').split(/\s+/).filter((w) => /^[A-Za-z'\[\]]+[.,?!]?$/.test(w));
  const topic = words.slice(0, 12).join(' ').replace(/[.,?!]+$/, '') || 'a question';
  const limit = Math.floor(maxLengthOf(messages) * 0.6);
  const summary = `The customer contacted the agent about: ${topic}. The agent resolved the issue during the ${lines.length}-turn conversation; no further follow-up is needed.`;
  return {
    summary: summary.length <= limit ? summary : `${summary.slice(0, Math.max(10, limit - 1)).replace(/\s+\S*$/, '')}.`,
    intent: `Customer asked about: ${topic}`,
    resolution: 'The agent resolved the issue during the conversation.',
    follow_up_actions: ['Agent to confirm the outcome by email'],
    sentiment: 'neutral',
  };
}

function content(mode: FakeMode, misbehave: boolean, messages: Array<{ content?: unknown }>): string {
  const good = goodAnswer(messages);
  if (!misbehave) return JSON.stringify(good);
  if (mode === 'broken-json') return '{"summary": "The customer called about';
  if (mode === 'leak-pii' || mode === 'leak-once') {
    return JSON.stringify({ ...good, follow_up_actions: [`Call the customer back at ${FAKE_LEAKED_PII.phone} or write to ${FAKE_LEAKED_PII.email}`] });
  }
  const max = maxLengthOf(messages);
  return JSON.stringify({ ...good, summary: `${good.summary} ${'The agent explained the details once more. '.repeat(Math.ceil(max / 40))}`.trim() });
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

function completion(model: string, text: string, promptChars: number) {
  const completionTokens = Math.ceil(text.length / 4);
  const promptTokens = Math.ceil(promptChars / 4);
  return {
    id: `chatcmpl-fake-${Math.random().toString(36).slice(2, 12)}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, message: { role: 'assistant', content: text, refusal: null }, logprobs: null, finish_reason: 'stop' }],
    usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
  };
}

/** Starts the fake on 127.0.0.1. POST /v1/chat/completions only; 401 without a bearer token, 400 without model/messages. */
export async function startOpenAiFake(options: OpenAiFakeOptions = {}): Promise<OpenAiFake> {
  let mode: FakeMode = options.mode ?? 'ok';
  let callsInMode = 0;
  const requests: OpenAiFake['requests'] = [];

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
    if (!/^Bearer \S+/.test(headers.authorization ?? '')) {
      return send(res, 401, apiError('You didn\'t provide an API key.', 'invalid_request_error', 'invalid_api_key'));
    }
    if (typeof body?.model !== 'string' || !Array.isArray(body?.messages) || body.messages.length === 0) {
      return send(res, 400, apiError('model and messages are required', 'invalid_request_error'));
    }
    if (mode === 'fail-500') return send(res, 500, apiError('The server had an error processing your request.', 'server_error'));
    const misbehave = mode !== 'ok' && (!mode.endsWith('-once') || callsInMode === 1);
    send(res, 200, completion(body.model, content(mode, misbehave, body.messages), raw.length));
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
    setMode(next) {
      mode = next;
      callsInMode = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
