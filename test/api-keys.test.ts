// Named, scoped API keys and the per-key request rate on /api/*, through the real HTTP app, summary service,
// admission and embedded queue (memory store): who may read, who may start work, 429 + Retry-After, key names in
// logs and never a secret, rotation with two keys valid at once.
import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHttpApp, type HttpDeps } from '../src/http/index.js';
import { createLogger } from '../src/logger.js';
import { createAdmission, createSummaryService, createTokenBuckets, type SummaryService } from '../src/pipeline/index.js';
import { createEmbeddedTaskQueue, createKeyvBackend, createSummaryStore, type EmbeddedTaskQueue, type KeyvBackend } from '../src/store/index.js';

const READER = { name: 'crm-a', scopes: ['read'] as const, secret: 'crm-a-read-key-6f2b9d4e1a8c5073b9e2d7f4a1c6' };
const SUBMITTER = { name: 'ops', scopes: ['submit'] as const, secret: 'ops-submit-key-3c8a1f6e9b2d4075a8e3c1f9b6d2' };
const FULL = { name: 'crm-b', scopes: ['read', 'submit'] as const, secret: 'crm-b-full-key-9a4e7c2f5b1d8036e2a9c4f7b1d5' };
const CONV = '5b0c8a0e-3c1f-4a55-9d57-1b8f6f7c2a10';

let backend: KeyvBackend;
let queue: EmbeddedTaskQueue;
let service: SummaryService;
let lines: string[];

beforeEach(async () => {
  backend = await createKeyvBackend('memory://');
  queue = createEmbeddedTaskQueue({ keyv: backend.keyv('tasks'), logger: createLogger({ level: 'silent' }) });
  lines = [];
  const logger = createLogger({ level: 'debug', destination: new Writable({ write: (c: Buffer, _e, done) => (lines.push(c.toString()), done()) }) });
  service = createSummaryService({
    queue,
    summaries: createSummaryStore({ keyv: backend.keyv('summaries'), defaultMaxLength: 500, logger }),
    events: new EventEmitter(),
    defaultMaxLength: 500,
    templateVersion: 'default@1',
    admission: createAdmission({ apiTasks: { ratePerMin: 60, burst: 20 } }),
    logger,
  });
});
afterEach(async () => {
  queue.close();
  await backend.close();
});

function app(overrides: Partial<HttpDeps> = {}) {
  const logger = createLogger({ level: 'debug', destination: new Writable({ write: (c: Buffer, _e, done) => (lines.push(c.toString()), done()) }) });
  return createHttpApp({ api: service, readiness: [], apiKeys: [READER, SUBMITTER, FULL], bodyLimitBytes: 4096, maxWaitMs: 1000, defaultMaxLength: 500, logger, ...overrides });
}

const as = (key: { secret: string } | undefined, init: RequestInit = {}): RequestInit => ({
  ...init,
  headers: { ...(key ? { authorization: `Bearer ${key.secret}` } : {}), 'content-type': 'application/json', ...init.headers },
});
const submit = (key: { secret: string }, body: unknown = { conversation_id: CONV }) => as(key, { method: 'POST', body: JSON.stringify(body) });

describe('scopes', () => {
  it('a read key reads and joins but never starts work; a submit key starts it', async () => {
    const a = app();
    const refused = await a.request(`/api/summary/${CONV}`, as(READER));
    expect(refused.status).toBe(403);
    expect(refused.headers.get('content-type')).toBe('application/problem+json');
    expect(await refused.json()).toMatchObject({ code: 'FORBIDDEN', detail: expect.stringMatching(/scope read only/) });
    expect(await queue.counts()).toMatchObject({ pending: 0 });

    expect((await a.request('/api/summary/submit', submit(READER))).status).toBe(403);
    const started = await a.request('/api/summary/submit', submit(SUBMITTER));
    expect(started.status).toBe(202);
    const { task_id } = (await started.json()) as { task_id: string };

    // Now a task exists: the read key joins it (202, the same task) and may poll it.
    const joined = await a.request(`/api/summary/${CONV}`, as(READER));
    expect(joined.status).toBe(202);
    expect(await joined.json()).toMatchObject({ task_id });
    expect((await a.request(`/api/summary/status/${task_id}`, as(READER))).status).toBe(200);
    expect(await queue.counts()).toMatchObject({ pending: 1 });
  });

  it('a submit-only key cannot use GET routes; a full key can do both; an unknown key is 401', async () => {
    const a = app();
    const forbidden = await a.request('/api/status', as(SUBMITTER));
    expect(forbidden.status).toBe(403);
    expect(await forbidden.json()).toMatchObject({ code: 'FORBIDDEN', detail: 'API key "ops" has scope submit; GET needs read' });
    expect((await a.request('/api/status', as(FULL))).status).toBe(200);
    expect((await a.request(`/api/summary/${CONV}`, as(FULL))).status).toBe(202);
    const unknown = await a.request('/api/status', as({ secret: 'not-a-key-1f4e7b2a9c5d8036b1e4a7f2c9d5' }));
    expect(unknown.status).toBe(401);
    expect((await a.request('/api/status', as(undefined))).status).toBe(401);
  });
});

describe('request rate per key', () => {
  it('answers 429 problem+json with Retry-After once a key’s budget is spent; other keys and reads of it recover', async () => {
    let now = 0;
    const buckets = createTokenBuckets({ ratePerMin: 60, burst: 2, now: () => now });
    const a = app({ requestLimit: (client) => buckets.take(client) });
    expect((await a.request('/api/status', as(READER))).status).toBe(200);
    expect((await a.request('/api/status', as(READER))).status).toBe(200);
    const limited = await a.request('/api/status', as(READER));
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(limited.headers.get('content-type')).toBe('application/problem+json');
    expect(await limited.json()).toMatchObject({ status: 429, code: 'TOO_MANY_REQUESTS' });
    // Another key has its own budget; a request without a valid key spends nothing.
    expect((await a.request('/api/status', as(FULL))).status).toBe(200);
    expect((await a.request('/api/status', as(undefined))).status).toBe(401);
    now += 1000;
    expect((await a.request('/api/status', as(READER))).status).toBe(200);
    expect((await a.request('/api/status', as(READER))).status).toBe(429);
  });

  it('is not applied to public routes', async () => {
    const buckets = createTokenBuckets({ ratePerMin: 1, burst: 1, now: () => 0 });
    const a = app({ requestLimit: (client) => buckets.take(client) });
    for (let i = 0; i < 3; i += 1) expect((await a.request('/healthz')).status).toBe(200);
  });
});

describe('key names in logs, rotation', () => {
  it('logs the key’s name with each request and the queued task, never its secret', async () => {
    const a = app();
    expect((await a.request('/api/summary/submit', submit(FULL))).status).toBe(202);
    await a.request('/api/status', as(READER));
    const log = lines.join('');
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(parsed.find((l) => l.msg === 'http request' && l.path === '/api/summary/submit')).toMatchObject({ client: 'crm-b', status: 202 });
    expect(parsed.find((l) => l.msg === 'summarization queued')).toMatchObject({ client: 'crm-b', conversationId: CONV });
    expect(parsed.find((l) => l.msg === 'http request' && l.path === '/api/status')).toMatchObject({ client: 'crm-a' });
    for (const key of [READER, SUBMITTER, FULL]) expect(log).not.toContain(key.secret);
  });

  it('accepts the old and the new secret of a key while both are listed, and only the new one after', async () => {
    const NEW = { ...READER, secret: 'crm-a-new-read-key-8d3f1b6e9a2c4075e1b8d3f6' };
    let keys: ReadonlyArray<typeof READER> = [READER];
    const a = app({ apiKeys: () => keys });
    expect((await a.request('/api/status', as(READER))).status).toBe(200);
    expect((await a.request('/api/status', as(NEW))).status).toBe(401);
    keys = [READER, NEW];
    expect((await a.request('/api/status', as(READER))).status).toBe(200);
    expect((await a.request('/api/status', as(NEW))).status).toBe(200);
    keys = [NEW];
    expect((await a.request('/api/status', as(READER))).status).toBe(401);
    expect((await a.request('/api/status', as(NEW))).status).toBe(200);
  });
});
