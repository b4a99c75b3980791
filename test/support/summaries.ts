// Test-only fixtures: a valid v2 SummaryFields / SummaryRecord, and a scripted OpenAI-compatible loopback server
// whose default answer is built from the request's json_schema (it picks the first wrap-up code id offered).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SummaryFields, SummaryRecord } from '../../src/domain.js';

/** A valid v2 answer. */
export function sampleFields(overrides: Partial<SummaryFields> = {}): SummaryFields {
  return {
    headline: 'Late refund re-issued',
    summary: 'The customer asked about a late refund for order ORD-20231; the agent confirmed it was issued again.',
    intent: 'Check refund status',
    resolution: { status: 'resolved', text: 'Refund confirmed as issued' },
    follow_up_actions: [{ action: 'Agent to email the [EMAIL] address a receipt', owner: 'agent', due: 'within 24 hours' }],
    sentiment: { start: 'negative', end: 'positive' },
    topics: ['refund', 'billing'],
    entities: [{ type: 'order_reference', value: 'ORD-20231' }],
    language: 'en',
    wrapup_code_id: null,
    confidence: { summary: 0.9, intent: 0.9, resolution: 0.8, wrapup_code: 0 },
    ...overrides,
  };
}

/** A valid v2 stored record. */
export function sampleRecord(overrides: Partial<SummaryRecord> = {}): SummaryRecord {
  const { wrapup_code_id: _id, ...fields } = sampleFields();
  return {
    ...fields,
    schema_version: 2,
    conversation_id: '5b0c8a0e-3c1f-4a55-9d57-1b8f6f7c2a10',
    task_id: 'c1a4f3d2-0a8b-4f7e-9a61-3b9e1d2c4f50',
    wrapup_code: { id: 'code-1', name: 'Refund issued' },
    media_type: 'voice',
    max_length: 500,
    model: 'gpt-4o-mini',
    template: { id: 'default', version: '2.0.0', hash: 'abc123abc123' },
    route: { queue_id: null, media_type: 'voice', language: 'en' },
    quality_score: 0.8,
    quality: { coverage: 0.9 },
    redactions: { phone: 1 },
    repaired: false,
    latency_ms: 120,
    stage_latency_ms: { llm: 100 },
    turn_count: 12,
    created_at: '2024-05-01T10:00:00.000Z',
    usage: { prompt_tokens: 1000, completion_tokens: 200, total_tokens: 1200 },
    cost_usd: 0.00027,
    ...overrides,
  };
}

type Body = { messages: Array<{ role: string; content: string }>; response_format?: { json_schema?: { schema?: any } }; max_tokens?: number; max_completion_tokens?: number };

/** The enum ids a request's schema offers for wrapup_code_id (null excluded). */
export function offeredCodes(body: Body): string[] {
  const prop = body.response_format?.json_schema?.schema?.properties?.wrapup_code_id;
  return Array.isArray(prop?.enum) ? prop.enum.filter((v: unknown): v is string => typeof v === 'string') : [];
}

/** A raw reply: the content as is with this finish reason, or an HTTP error status with an OpenAI-style error body. */
export interface ScriptedReply {
  reply: { content?: string; finishReason?: string; status?: number; message?: string };
}

type ScriptItem = SummaryFields | string | ScriptedReply | ((body: Body) => SummaryFields | string);

export interface ScriptedLlm {
  url: string;
  requests: Body[];
  /** Answers in order; once used up, the default (schema-driven) answer repeats. A string is sent as the content as is. */
  script: ScriptItem[];
  close(): Promise<void>;
}

const isReply = (item: unknown): item is ScriptedReply => typeof item === 'object' && item !== null && 'reply' in item;

/** Starts the scripted server on 127.0.0.1:0 (POST /v1/chat/completions). Map calls (no response_format) get notes. */
export async function startScriptedLlm(): Promise<ScriptedLlm> {
  const requests: Body[] = [];
  const script: ScriptedLlm['script'] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Body;
      requests.push(body);
      let content: string;
      let finishReason = 'stop';
      if (!body.response_format) content = '- The customer asked for help.\n- The agent helped.';
      else {
        const next = script.shift() ?? ((b: Body) => sampleFields({ wrapup_code_id: offeredCodes(b)[0] ?? null }));
        if (isReply(next) && next.reply.status !== undefined) {
          res.writeHead(next.reply.status, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: { message: next.reply.message ?? 'scripted error', type: 'invalid_request_error', param: null, code: null } }));
          return;
        }
        const answer = isReply(next) ? (next.reply.content ?? '') : typeof next === 'function' ? next(body) : next;
        if (isReply(next)) finishReason = next.reply.finishReason ?? 'stop';
        content = typeof answer === 'string' ? answer : JSON.stringify(answer);
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          id: 'chatcmpl-scripted', object: 'chat.completion', created: 0, model: 'gpt-4o-mini',
          choices: [{ index: 0, message: { role: 'assistant', content, refusal: null }, logprobs: null, finish_reason: finishReason }],
          usage: { prompt_tokens: 100, completion_tokens: 50, total_tokens: 150 },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    script,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
