// GET /api/summary/{id} with and without the memory tier, over a real socket and the real store and read service:
// the tier serves exactly the store path's bytes and ETag (migrated records included), never another length's
// summary for the default read, and a replacement written through the store reaches every later read.
import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../logger.js';
import type { SummaryChanges } from '../ports.js';
import { createKeyvBackend, createLocalSummaryChanges, createSummaryStore, createEmbeddedTaskQueue, type KeyvBackend } from '../store/index.js';
import { createSummaryService } from '../pipeline/index.js';
import { sampleRecord } from '../../test/support/summaries.js';
import { createHttpApp } from './app.js';
import { startHttpServer, type RunningHttpServer } from './server.js';

const KEY = 'test-api-key-7f3c9a1e5b2d8046c1e9a7f3b5d2';
const ID = '5b0c8a0e-3c1f-4a55-9d57-1b8f6f7c2a10';

let backend: KeyvBackend;
let changes: SummaryChanges;
let summaries: ReturnType<typeof createSummaryStore>;
let queue: ReturnType<typeof createEmbeddedTaskQueue>;
const servers: RunningHttpServer[] = [];

/** A server over the shared store; `maxEntries` 0 = no memory tier (every read from the store). */
async function serve(maxEntries: number): Promise<(path: string, headers?: Record<string, string>) => Promise<Response>> {
  const service = createSummaryService({ queue, summaries, events: new EventEmitter(), defaultMaxLength: 500, templateVersion: 'default@1', logger: silentLogger() });
  const app = createHttpApp({
    api: service,
    readiness: [],
    apiKeys: [KEY],
    bodyLimitBytes: 1024,
    maxWaitMs: 0,
    defaultMaxLength: 500,
    logger: silentLogger(),
    memoryTier: { changes, maxEntries, maxBytes: 1_000_000 },
  });
  const server = await startHttpServer(app, { port: 0, host: '127.0.0.1' });
  servers.push(server);
  return (path, headers = {}) => fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${KEY}`, ...headers } });
}

const read = async (res: Promise<Response>) => {
  const r = await res;
  return { status: r.status, etag: r.headers.get('etag'), body: await r.text() };
};

beforeEach(async () => {
  backend = await createKeyvBackend('memory://');
  changes = createLocalSummaryChanges();
  summaries = createSummaryStore({ keyv: backend.keyv('summaries'), defaultMaxLength: 500, logger: silentLogger(), changes });
  queue = createEmbeddedTaskQueue({ keyv: backend.keyv('tasks'), logger: silentLogger() });
});

afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
  queue.close();
  await backend.close();
});

describe('GET /api/summary/{id} through the memory tier', () => {
  it('serves the very bytes and ETag the store path serves, for a record migrated on read too', async () => {
    const { schema_version: _v, headline: _h, topics: _t, entities: _e, wrapup_code: _w, ...rest } = sampleRecord({ conversation_id: ID });
    // A v1 record as an older version wrote it: string resolution, string follow-ups, one sentiment.
    await backend.keyv('summaries').set(ID, { ...rest, schema_version: 1, resolution: 'refund issued', follow_up_actions: ['send receipt'], sentiment: 'positive' });
    const tiered = await serve(100);
    const direct = await serve(0);
    const fromStore = await read(direct(`/api/summary/${ID}`));
    const miss = await read(tiered(`/api/summary/${ID}`));
    const hit = await read(tiered(`/api/summary/${ID}`));
    expect(fromStore.status).toBe(200);
    expect(JSON.parse(fromStore.body)).toMatchObject({ resolution: 'refund issued', resolution_status: 'unknown', sentiment_start: 'positive' });
    expect(miss).toEqual(fromStore);
    expect(hit).toEqual(fromStore);
    // The migrated record rewritten in the current shape (what a migration or re-run writes) replaces the answer.
    await summaries.put(sampleRecord({ conversation_id: ID, task_id: 'c1a4f3d2-0a8b-4f7e-9a61-3b9e1d2c4f51' }));
    const rewritten = await read(tiered(`/api/summary/${ID}`));
    expect(rewritten.etag).not.toBe(hit.etag);
    expect(rewritten).toEqual(await read(direct(`/api/summary/${ID}`)));
    expect((await tiered(`/api/summary/${ID}`, { 'if-none-match': hit.etag! })).status).toBe(200);
  });

  it('never answers the default read with another length, nor another length with the default answer', async () => {
    const long = 'The customer called about a late refund. '.repeat(11).trim();
    await summaries.put(sampleRecord({ conversation_id: ID, summary: long }));
    const get = await serve(100);
    const byDefault = await read(get(`/api/summary/${ID}`));
    expect(JSON.parse(byDefault.body)).toMatchObject({ max_length: 500, summary: long });
    // Derived: a shorter copy of the default summary, with its own ETag.
    const derived = await read(get(`/api/summary/${ID}?max_length=100`));
    expect(JSON.parse(derived.body).max_length).toBe(100);
    expect(derived.etag).not.toBe(byDefault.etag);
    // A summary made at 200 (a forced re-run at that length) is stored beside the default one.
    await summaries.put(sampleRecord({ conversation_id: ID, max_length: 200, summary: 'Refund re-issued.', task_id: 'c1a4f3d2-0a8b-4f7e-9a61-3b9e1d2c4f52' }));
    expect(JSON.parse((await read(get(`/api/summary/${ID}?max_length=200`))).body)).toMatchObject({ max_length: 200, summary: 'Refund re-issued.' });
    expect(await read(get(`/api/summary/${ID}`))).toEqual(byDefault);
    expect(await read(get(`/api/summary/${ID}?max_length=500`))).toEqual(byDefault);
    expect(JSON.parse((await read(get(`/api/summary/${ID}?max_length=100`))).body).max_length).toBe(100);
  });

  it('a default summary longer than the default length is served shortened, from the tier as from the store', async () => {
    await summaries.put(sampleRecord({ conversation_id: ID, summary: 'A sentence about the refund. '.repeat(30).trim() }));
    const tiered = await serve(100);
    const direct = await serve(0);
    const fromStore = await read(direct(`/api/summary/${ID}`));
    expect(JSON.parse(fromStore.body).summary.length).toBeLessThanOrEqual(500);
    expect(await read(tiered(`/api/summary/${ID}`))).toEqual(fromStore);
    expect(await read(tiered(`/api/summary/${ID}`))).toEqual(fromStore);
  });

  it('answers 404 for an unknown conversation with no memory of it', async () => {
    const get = await serve(100);
    const unknown = await get('/api/summary/7d2eac20-5e3b-4c77-9f79-3dab8b9e4c32', { 'if-none-match': '*' });
    expect([200, 304]).not.toContain(unknown.status);
  });
});
