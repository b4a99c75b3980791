// Main flows through a real socket: startHttpServer on port 0, fetch, a SummaryApi fake over the real store and queue.
import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SummaryRecord, TaskRecord } from '../domain.js';
import type { SummaryStore } from '../ports.js';
import { silentLogger } from '../logger.js';
import { createKeyvBackend, type KeyvBackend } from '../store/keyv-backend.js';
import { createSummaryStore } from '../store/summary-store.js';
import { createEmbeddedTaskQueue, type EmbeddedTaskQueue } from '../store/task-queue.js';
import { createSummaryService } from '../pipeline/summary-service.js';
import { createHttpApp } from './app.js';
import type { HttpDeps, SummaryApi } from './ports.js';
import { startHttpServer, type RunningHttpServer } from './server.js';
import type { SummaryRoutesDeps } from './summary-routes.js';
import { sampleRecord } from '../../test/support/summaries.js';

const KEY = 'test-api-key-7f3c9a1e5b2d8046c1e9a7f3b5d2';
const KNOWN = '5b0c8a0e-3c1f-4a55-9d57-1b8f6f7c2a10';
const CACHED = '6c1d9b1f-4d2a-4b66-8e68-2c9a7a8d3b21';
const UNKNOWN = '7d2eac20-5e3b-4c77-9f79-3dab8b9e4c32';

function summaryRecord(conversationId: string, taskId: string, text: string): SummaryRecord {
  return sampleRecord({
    conversation_id: conversationId,
    task_id: taskId,
    summary: text,
    intent: 'billing question',
    resolution: { status: 'follow_up_needed', text: 'explained the invoice' },
    follow_up_actions: [{ action: 'email invoice copy', owner: 'agent', due: 'today' }],
    sentiment: { start: 'negative', end: 'neutral' },
    model: 'extractive',
    quality_score: 0.75,
    redactions: { email: 1 },
    latency_ms: 15,
  });
}

/** A fake of the SummaryApi port backed by the real store and queue; its "worker" settles tasks after `delayMs`. */
function createFakeApi(queue: EmbeddedTaskQueue, summaries: SummaryStore, known: Set<string>, delayMs: number) {
  const events = new EventEmitter();
  const timers = new Set<NodeJS.Timeout>();
  async function work(): Promise<void> {
    const task = await queue.claim();
    if (!task) return;
    let settled: TaskRecord;
    if (known.has(task.conversation_id)) {
      const text = 'Customer asked about an invoice; agent explained it and will email a copy.';
      await summaries.put(summaryRecord(task.conversation_id, task.task_id, text));
      settled = await queue.complete(task.task_id, { latencyMs: 15, qualityScore: 0.75 });
    } else {
      settled = await queue.fail(task.task_id, { code: 'CONVERSATION_NOT_FOUND', message: 'no such conversation' });
    }
    events.emit('settled', settled);
  }
  const unsubscribe = queue.onReady(() => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      work().catch(() => undefined);
    }, delayMs);
    timers.add(timer);
  });
  // Reads go through the real service (derived shorter summaries); the rest is this fake's own.
  const service = createSummaryService({ queue, summaries, events, defaultMaxLength: 500, templateVersion: 'default@1', logger: silentLogger() });
  const api: SummaryApi = {
    getSummary: (id, maxLength) => service.getSummary(id, maxLength),
    getTask: (id) => queue.get(id),
    async request(conversationId, { maxLength, force }) {
      const key = `${conversationId}:len${maxLength}${force ? `:force:${Date.now()}` : ''}`;
      return (await queue.enqueue({ conversationId, idempotencyKey: key, maxLength, source: 'api' })).task;
    },
    async waitForTask(taskId, timeoutMs) {
      const first = await queue.get(taskId);
      if (!first || first.status === 'completed' || first.status === 'failed') return first;
      return new Promise((resolve) => {
        const done = (task: TaskRecord | undefined) => {
          clearTimeout(timer);
          events.off('settled', onSettled);
          resolve(task);
        };
        const onSettled = (task: TaskRecord) => task.task_id === taskId && done(task);
        const timer = setTimeout(() => void queue.get(taskId).then(done), timeoutMs);
        events.on('settled', onSettled);
      });
    },
  };
  const close = () => {
    unsubscribe();
    for (const timer of timers) clearTimeout(timer);
  };
  return { api, close };
}

let backend: KeyvBackend;
let queue: EmbeddedTaskQueue;
let summaries: SummaryStore;
let fake: ReturnType<typeof createFakeApi>;
let server: RunningHttpServer;
let ready: { ok: boolean };

async function start(overrides: Partial<SummaryRoutesDeps> = {}, shutdownGraceMs?: number): Promise<void> {
  // isStale rides along in the deps object (createHttpApp hands it to the summary routes).
  const deps: SummaryRoutesDeps = {
    api: fake.api,
    readiness: [
      {
        name: 'store',
        check: async () => (ready.ok ? { ok: true, state: 'up' } : { ok: false, state: 'down', detail: { error: 'connect ECONNREFUSED 10.1.2.3:6379' } }),
      },
    ],
    apiKeys: [KEY],
    bodyLimitBytes: 1024,
    maxWaitMs: 5000,
    defaultMaxLength: 500,
    logger: silentLogger(),
    ...overrides,
  };
  const app = createHttpApp(deps);
  server = await startHttpServer(app, { port: 0, host: '127.0.0.1', ...(shutdownGraceMs ? { shutdownGraceMs } : {}) });
}

const call = (path: string, init: RequestInit = {}) =>
  fetch(`${server.url}${path}`, { ...init, headers: { authorization: `Bearer ${KEY}`, ...init.headers } });
const submit = (body: unknown) =>
  call('/api/summary/submit', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

beforeEach(async () => {
  backend = await createKeyvBackend('memory://');
  queue = createEmbeddedTaskQueue({ keyv: backend.keyv('tasks'), logger: silentLogger() });
  summaries = createSummaryStore({ keyv: backend.keyv('summaries'), defaultMaxLength: 500, logger: silentLogger() });
  fake = createFakeApi(queue, summaries, new Set([KNOWN]), 30);
  ready = { ok: true };
  await summaries.put(summaryRecord(CACHED, 'c1a4f3d2-0a8b-4f7e-9a61-3b9e1d2c4f50', 'Cached summary text for the CRM.'));
  await start();
});

afterEach(async () => {
  await server.close();
  fake.close();
  queue.close();
  await backend.close();
});

describe('HTTP API over a real socket', () => {
  it('answers a cache hit with 200 and the structured fields', async () => {
    const res = await submit({ conversation_id: CACHED });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      task_id: 'c1a4f3d2-0a8b-4f7e-9a61-3b9e1d2c4f50',
      status: 'completed',
      conversation_id: CACHED,
      summary: 'Cached summary text for the CRM.',
      source: 'cache',
      quality_score: 0.75,
      intent: 'billing question',
      resolution: 'explained the invoice',
      follow_up_actions: ['email invoice copy'],
      sentiment: 'neutral',
    });
    const direct = await call(`/api/summary/${CACHED}`);
    expect(direct.status).toBe(200);
    expect(await direct.json()).toMatchObject({ source: 'cache', redactions: { email: 1 }, model: 'extractive' });
  });

  it('folds upper-case ids to the lower-case Genesys form: same summary, same task', async () => {
    const upper = await call(`/api/summary/${CACHED.toUpperCase()}`);
    expect(upper.status).toBe(200);
    expect(await upper.json()).toMatchObject({ conversation_id: CACHED, source: 'cache' });
    const submitted = await submit({ conversation_id: CACHED.toUpperCase() });
    expect(await submitted.json()).toMatchObject({ conversation_id: CACHED, status: 'completed' });
  });

  it('keeps the tutorial field types and adds the v2 fields beside them', async () => {
    const body = (await (await call(`/api/summary/${CACHED}`)).json()) as Record<string, unknown>;
    // v1 contract: strings and a string array, exactly as before.
    expect(typeof body.summary).toBe('string');
    expect(body.resolution).toBe('explained the invoice');
    expect(body.follow_up_actions).toEqual(['email invoice copy']);
    expect(body.sentiment).toBe('neutral');
    expect(typeof body.quality_score).toBe('number');
    expect(body).toMatchObject({
      headline: 'Late refund re-issued',
      resolution_status: 'follow_up_needed',
      follow_ups: [{ action: 'email invoice copy', owner: 'agent', due: 'today' }],
      sentiment_start: 'negative',
      sentiment_end: 'neutral',
      topics: ['refund', 'billing'],
      entities: [{ type: 'order_reference', value: 'ORD-20231' }],
      language: 'en',
      wrapup_code: { id: 'code-1', name: 'Refund issued' },
      confidence: { summary: 0.9, intent: 0.9, resolution: 0.8, wrapup_code: 0 },
      template: { id: 'default', version: '2.0.0', hash: 'abc123abc123' },
      stale: false,
      quality: { coverage: 0.9 },
      usage: { prompt_tokens: 1000, completion_tokens: 200, total_tokens: 1200 },
      cost_usd: 0.00027,
    });
    expect(body).not.toHaveProperty('chunks');
  });

  it('reports stale: true when the template routing now picks another template', async () => {
    await server.close();
    await start({ isStale: (record) => record.conversation_id === CACHED });
    expect(await (await call(`/api/summary/${CACHED}`)).json()).toMatchObject({ stale: true });
    expect(await (await submit({ conversation_id: CACHED })).json()).toMatchObject({ stale: true, source: 'cache' });
  });

  it('misses with 202 and a poll_url that reaches completed', async () => {
    const res = await submit({ conversation_id: KNOWN, max_length: 300 });
    expect(res.status).toBe(202);
    const accepted = (await res.json()) as { task_id: string; poll_url: string; status: string };
    expect(accepted).toMatchObject({ status: 'pending', conversation_id: KNOWN });
    expect(accepted.poll_url).toBe(`/api/summary/status/${accepted.task_id}`);
    let body: Record<string, unknown> = {};
    for (let i = 0; i < 100 && body.status !== 'completed'; i += 1) {
      const poll = await call(accepted.poll_url);
      expect(poll.status).toBe(200);
      body = (await poll.json()) as Record<string, unknown>;
      if (body.status !== 'completed') await new Promise((r) => setTimeout(r, 20));
    }
    expect(body).toMatchObject({ status: 'completed', task_id: accepted.task_id, quality_score: 0.75, latency_ms: 15 });
    expect(body.summary).toMatch(/invoice/);
    // Submitting again now answers from the store.
    expect((await submit({ conversation_id: KNOWN, max_length: 300 })).status).toBe(200);
  });

  it('returns a live summary within ?wait and 202 without waiting', async () => {
    const immediate = await call(`/api/summary/${KNOWN}?max_length=400`);
    expect(immediate.status).toBe(202);
    expect(await immediate.json()).toMatchObject({ conversation_id: KNOWN, poll_url: expect.any(String) });
    const res = await call(`/api/summary/${KNOWN}?wait=3000`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ conversation_id: KNOWN, source: 'live', sentiment: 'neutral' });
  });

  it('answers a shorter max_length from the stored summary, cut at a sentence (no new task); regenerates only when forced', async () => {
    const text = 'The customer asked for a refund. The agent issued it at once. The customer thanked the agent for the help.';
    await summaries.put(summaryRecord(KNOWN, 'd3b5a4e3-1b9c-4a8f-8b72-4cae2e3d5a61', text));
    const shorter = await submit({ conversation_id: KNOWN, max_length: 64 });
    expect(shorter.status).toBe(200);
    expect(await shorter.json()).toMatchObject({ summary: 'The customer asked for a refund. The agent issued it at once.', max_length: 64, adjustments: ['summary_shortened'] });
    const read = await call(`/api/summary/${KNOWN}?max_length=50`);
    expect(await read.json()).toMatchObject({ summary: 'The customer asked for a refund.', source: 'cache' });
    // The stored summary itself is untouched: the default read still serves it whole.
    expect(((await (await call(`/api/summary/${KNOWN}`)).json()) as { summary: string }).summary).toBe(text);
    expect((await submit({ conversation_id: CACHED, max_length: 50 })).status).toBe(200); // 32 chars fit
    const forced = await submit({ conversation_id: CACHED, force: true });
    expect(forced.status).toBe(202);
  });

  it('maps an unknown conversation to 404 CONVERSATION_NOT_FOUND after waiting', async () => {
    const res = await call(`/api/summary/${UNKNOWN}?wait=3000`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(await res.json()).toMatchObject({ code: 'CONVERSATION_NOT_FOUND', status: 404, instance: `/api/summary/${UNKNOWN}` });
  });

  it('rejects oversize bodies with 413 and missing keys with 401 on the wire', async () => {
    const big = await submit({ conversation_id: KNOWN, padding: 'x'.repeat(5000) });
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    const anonymous = await fetch(`${server.url}/api/summary/${KNOWN}`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  it('serves healthz always and readyz as 200 or 503', async () => {
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const readyRes = await fetch(`${server.url}/readyz`);
    expect(readyRes.status).toBe(200);
    expect(await readyRes.json()).toEqual({ status: 'ready', checks: { store: { ok: true, state: 'up' } } });
    ready.ok = false;
    const notReady = await fetch(`${server.url}/readyz`);
    expect(notReady.status).toBe(503);
    // Public: the state word only, never the error text (an address here).
    expect(await notReady.json()).toEqual({ status: 'not_ready', checks: { store: { ok: false, state: 'down' } } });
  });

  it('GET /api/status needs the API key and carries the details /readyz never shows', async () => {
    await server.close();
    const CHANNEL = 'streaming-0-fmtdmf8cdis7jh14udg5p89t6z';
    await start({
      readiness: [
        { name: 'notifications', check: async () => ({ ok: true, state: 'open', detail: { queues: 3, channels: [{ channel_id: CHANNEL, state: 'open' }] } }) },
        // A state outside the vocabulary (a bug in a check) must not reach the public answer either.
        { name: 'odd', check: async () => ({ ok: true, state: CHANNEL as never }) },
      ],
    });
    const publicTexts = await Promise.all(
      ['/readyz', '/healthz', '/openapi.json', '/no-such-route', '/api/status'].map(async (path) => (await fetch(`${server.url}${path}`)).text()),
    );
    for (const text of publicTexts) expect(text).not.toContain(CHANNEL);
    expect(JSON.parse(publicTexts[0]!)).toEqual({ status: 'ready', checks: { notifications: { ok: true, state: 'open' }, odd: { ok: true, state: 'error' } } });
    expect((await fetch(`${server.url}/api/status`)).status).toBe(401);

    const res = await call('/api/status');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      status: 'ready',
      checks: { notifications: { ok: true, state: 'open', detail: { queues: 3, channels: [{ channel_id: CHANNEL, state: 'open' }] } }, odd: { ok: true, state: 'error' } },
    });
  });

  it('counts a hanging or throwing readiness check as not ready', async () => {
    await server.close();
    await start({
      readinessTimeoutMs: 50,
      readiness: [
        { name: 'hangs', check: () => new Promise(() => undefined) },
        { name: 'throws', check: async () => Promise.reject(new Error('boom')) },
      ],
    });
    const res = await fetch(`${server.url}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: 'not_ready', checks: { hangs: { ok: false, state: 'timed_out' }, throws: { ok: false, state: 'error' } } });
    const status = await call('/api/status');
    expect(status.status).toBe(200);
    expect(await status.json()).toMatchObject({
      status: 'not_ready',
      checks: { hangs: { ok: false, state: 'timed_out', detail: { error: 'timed out after 50ms' } }, throws: { ok: false, state: 'error', detail: { error: 'boom' } } },
    });
  });

  it('serves an OpenAPI 3.1 document with the three summary routes', async () => {
    const res = await fetch(`${server.url}/openapi.json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { openapi: string; info: { title: string }; paths: Record<string, unknown> };
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.title).toBe('wrapup');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/summary/submit', '/api/summary/status/{task_id}', '/api/summary/{conversation_id}', '/api/status', '/readyz']),
    );
    const summary = (doc as any).components.schemas.Summary;
    expect(summary.properties.resolution.type).toBe('string');
    expect(summary.properties.follow_up_actions).toMatchObject({ type: 'array', items: { type: 'string' } });
    for (const field of ['headline', 'resolution_status', 'follow_ups', 'sentiment_start', 'sentiment_end', 'topics', 'entities', 'wrapup_code', 'confidence', 'template', 'stale', 'quality']) {
      expect(summary.required).toContain(field);
    }
    for (const field of ['ungrounded', 'usage', 'cost_usd', 'chunks']) expect(summary.properties).toHaveProperty(field);
  });

  it('close() ends idle keep-alive connections at once (no wait for the grace period)', { timeout: 10_000 }, async () => {
    await server.close();
    // With a grace period longer than the test timeout, a lingering keep-alive socket would make close() hang.
    await start({}, 600_000);
    const res = await fetch(`${server.url}/healthz`, { headers: { connection: 'keep-alive' } });
    await res.text();
    await server.close();
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
  });
});
