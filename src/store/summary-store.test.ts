import { Writable } from 'node:stream';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SummaryRecord } from '../domain.js';
import { isAppError } from '../errors.js';
import { createLogger, silentLogger } from '../logger.js';
import { createKeyvBackend, type KeyvBackend } from './keyv-backend.js';
import { sampleRecord } from '../../test/support/summaries.js';
import { createSummaryStore, INDEX_CHUNK, migrateSummaryRecord } from './summary-store.js';
import { createLocalSummaryChanges } from './summary-changes.js';

const CONVERSATION = '5b0c8a0e-3c1f-4a55-9d57-1b8f6f7c2a10';

function record(overrides: Partial<SummaryRecord> = {}): SummaryRecord {
  return sampleRecord({ conversation_id: CONVERSATION, ...overrides });
}

/** A record as v1 wrote it (schema_version 1: string resolution, string follow-ups, one sentiment). */
function v1Record(): Record<string, unknown> {
  return {
    schema_version: 1,
    conversation_id: CONVERSATION,
    task_id: 'c1a4f3d2-0a8b-4f7e-9a61-3b9e1d2c4f50',
    summary: 'Customer asked about a refund; agent resolved the issue.',
    intent: 'Customer wants to know why the refund for the returned winter jacket has not arrived in their account yet.',
    resolution: 'refund issued',
    follow_up_actions: ['send confirmation'],
    sentiment: 'positive',
    media_type: 'voice',
    language: 'en-US',
    max_length: 500,
    model: 'extractive',
    template: { id: 'default', version: '1.0.0', hash: 'abc' },
    quality_score: 0.8,
    quality: { coverage: 0.9 },
    redactions: { phone: 1 },
    repaired: false,
    latency_ms: 120,
    stage_latency_ms: { llm: 100 },
    turn_count: 12,
    created_at: '2024-05-01T10:00:00.000Z',
  };
}

/** A logger whose JSON lines land in `lines`. */
function capturingLogger(): { logger: ReturnType<typeof createLogger>; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  return { logger: createLogger({ level: 'warn', destination }), lines };
}

let dir: string;
const backends: KeyvBackend[] = [];
async function open(url: string): Promise<KeyvBackend> {
  const backend = await createKeyvBackend(url);
  backends.push(backend);
  return backend;
}

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'wrapup-summary-'));
});
afterEach(async () => {
  vi.useRealTimers();
  for (const backend of backends.splice(0)) await backend.close();
  await rm(dir, { recursive: true, force: true });
});

describe('summary store', () => {
  it('round-trips a record on memory:// and misses unknown ids', async () => {
    const store = createSummaryStore({ keyv: (await open('memory://')).keyv('summaries'), defaultMaxLength: 500, logger: silentLogger() });
    await store.put(record());
    expect(await store.get(CONVERSATION)).toEqual(record());
    expect(await store.get('00000000-0000-4000-8000-000000000000')).toBeUndefined();
    expect(await store.ping()).toBe(true);
  });

  it('keeps a summary made at another length beside the default one, never replacing it', async () => {
    const store = createSummaryStore({ keyv: (await open('memory://')).keyv('summaries'), defaultMaxLength: 500, logger: silentLogger() });
    const main = record();
    await store.put(main);
    for (const length of [300, 120, 50]) {
      const shorter = record({ task_id: `task-${length}`, max_length: length, summary: 'Refund issued.'.slice(0, length) });
      await store.put(shorter);
      expect(await store.get(CONVERSATION), `after a ${length}-character summary`).toEqual(main);
      expect(await store.get(CONVERSATION, 500)).toEqual(main);
      expect(await store.get(CONVERSATION, length)).toEqual(shorter);
    }
    expect(await store.get(CONVERSATION, 200), 'no summary was made at 200').toBeUndefined();
    // The default length replaces the conversation's summary; the index lists the conversation once.
    const again = record({ task_id: 'task-again' });
    await store.put(again);
    expect(await store.get(CONVERSATION)).toEqual(again);
    expect(await store.listIds()).toEqual([CONVERSATION]);
  });

  it('survives close and reopen of a sqlite file', async () => {
    const url = `sqlite://${path.join(dir, 'db.sqlite')}`;
    const first = await open(url);
    await createSummaryStore({ keyv: first.keyv('summaries'), defaultMaxLength: 500, logger: silentLogger() }).put(record());
    await first.close();
    const second = await open(url);
    const store = createSummaryStore({ keyv: second.keyv('summaries'), defaultMaxLength: 500, logger: silentLogger() });
    expect(await store.get(CONVERSATION)).toEqual(record());
    await second.close();
    expect(await store.ping()).toBe(false);
    await expect(store.get(CONVERSATION)).rejects.toSatisfy((err) => isAppError(err, 'STORE_UNAVAILABLE'));
  });

  it('expires records after the TTL', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2024-05-01T10:00:00Z'));
    const store = createSummaryStore({
      keyv: (await open('memory://')).keyv('summaries'),
      ttlMs: 1000,
      defaultMaxLength: 500,
      logger: silentLogger(),
    });
    await store.put(record());
    vi.setSystemTime(new Date('2024-05-01T10:00:00.900Z'));
    expect(await store.get(CONVERSATION)).toBeDefined();
    vi.setSystemTime(new Date('2024-05-01T10:00:01.100Z'));
    expect(await store.get(CONVERSATION)).toBeUndefined();
  });

  it('migrates a v1 record to v2 on read without inventing content', async () => {
    const keyv = (await open('memory://')).keyv('summaries');
    await keyv.set(CONVERSATION, v1Record());
    const migrated = await createSummaryStore({ keyv, defaultMaxLength: 500, logger: silentLogger() }).get(CONVERSATION);
    expect(migrated).toMatchObject({
      schema_version: 2,
      summary: v1Record().summary,
      resolution: { status: 'unknown', text: 'refund issued' },
      follow_up_actions: [{ action: 'send confirmation', owner: 'agent', due: null }],
      sentiment: { start: 'positive', end: 'positive' },
      topics: [],
      entities: [],
      language: 'en-US',
      wrapup_code: null,
    });
    expect(migrated?.confidence).toBeUndefined();
    expect(migrated?.headline.length).toBeLessThanOrEqual(80);
    expect(migrated?.headline).toMatch(/^Customer wants to know why the refund/);
  });

  it('migrates a v0 record (no schema_version, quality, redactions, stage latencies, language) through v1 to v2', async () => {
    const keyv = (await open('memory://')).keyv('summaries');
    const { schema_version, quality, redactions, stage_latency_ms, repaired, turn_count, template, language, ...v0 } = v1Record();
    await keyv.set(CONVERSATION, v0);
    const migrated = await createSummaryStore({ keyv, defaultMaxLength: 500, logger: silentLogger() }).get(CONVERSATION);
    expect(migrated).toMatchObject({ schema_version: 2, quality: {}, redactions: {}, stage_latency_ms: {}, language: 'und', headline: expect.any(String) });
    expect(migrated?.summary).toBe(v0.summary);
    expect(migrateSummaryRecord('not an object')).toBe('not an object');
    expect(migrateSummaryRecord(record())).toEqual(record());
  });

  it('lists the ids written (once each, across days), and keeps the index across a sqlite reopen', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2024-05-01T23:59:00Z'));
    const url = `sqlite://${path.join(dir, 'db.sqlite')}`;
    const first = await open(url);
    const store = createSummaryStore({ keyv: first.keyv('summaries'), defaultMaxLength: 500, logger: silentLogger() });
    expect(await store.listIds()).toEqual([]);
    const ids = ['11111111-1111-4111-8111-111111111111', '22222222-2222-4222-8222-222222222222'];
    await Promise.all([store.put(record({ conversation_id: ids[0] })), store.put(record({ conversation_id: ids[1] }))]);
    vi.setSystemTime(new Date('2024-05-02T00:01:00Z'));
    await store.put(record({ conversation_id: ids[0] }));
    await store.put(record());
    expect((await store.listIds()).sort()).toEqual([...ids, CONVERSATION].sort());
    await first.close();
    const second = await open(url);
    expect((await createSummaryStore({ keyv: second.keyv('summaries'), defaultMaxLength: 500, logger: silentLogger() }).listIds()).sort()).toEqual([...ids, CONVERSATION].sort());
  });

  it('keeps a day of many writes in bounded chunks: every id listed, no index value grows past INDEX_CHUNK ids', async () => {
    const keyv = (await open('memory://')).keyv('summaries');
    const store = createSummaryStore({ keyv, defaultMaxLength: 500, logger: silentLogger() });
    const ids = Array.from({ length: INDEX_CHUNK * 2 + 5 }, (_, i) => `${String(i).padStart(8, '0')}-1111-4111-8111-111111111111`);
    for (const id of ids) await store.put(record({ conversation_id: id }));
    await store.put(record({ conversation_id: ids[0] }));
    expect((await store.listIds()).sort()).toEqual([...ids].sort());
    const day = new Date().toISOString().slice(0, 10);
    expect(await keyv.get(`__index__:chunks:${day}`)).toBe(3);
    for (const key of [`__index__:ids:${day}`, `__index__:ids:${day}#2`, `__index__:ids:${day}#3`]) {
      expect(((await keyv.get(key)) as string[]).length).toBeLessThanOrEqual(INDEX_CHUNK);
    }
  });

  it('announces each write after it succeeded, with the record written', async () => {
    const changes = createLocalSummaryChanges();
    const seen: Array<[string, string | undefined]> = [];
    changes.onReplaced((id, written) => seen.push([id, written?.task_id]));
    const store = createSummaryStore({ keyv: (await open('memory://')).keyv('summaries'), defaultMaxLength: 500, logger: silentLogger(), changes });
    await store.put(record({ task_id: 'task-a' }));
    await store.put(record({ task_id: 'task-b', max_length: 200 }));
    await expect(store.put(record({ summary: '' }))).rejects.toThrow();
    expect(seen).toEqual([
      [CONVERSATION, 'task-a'],
      [CONVERSATION, 'task-b'],
    ]);
  });

  it('drops expired days from the index', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2024-05-01T10:00:00Z'));
    const store = createSummaryStore({ keyv: (await open('memory://')).keyv('summaries'), ttlMs: 1000, defaultMaxLength: 500, logger: silentLogger() });
    await store.put(record());
    expect(await store.listIds()).toEqual([CONVERSATION]);
    vi.setSystemTime(new Date('2024-05-02T10:00:02Z'));
    expect(await store.listIds()).toEqual([]);
  });

  it('reports a garbage record with its issue paths and reads it as missing', async () => {
    const keyv = (await open('memory://')).keyv('summaries');
    const { logger, lines } = capturingLogger();
    await keyv.set(CONVERSATION, { schema_version: 2, summary: 42 });
    const store = createSummaryStore({ keyv, defaultMaxLength: 500, logger });
    await expect(store.get(CONVERSATION)).resolves.toBeUndefined();
    const warning = lines.find((line) => line.conversationId === CONVERSATION);
    expect(warning?.level).toBe(40);
    expect(warning?.issues).toEqual(expect.arrayContaining(['summary', 'intent', 'template']));
    expect(warning).not.toHaveProperty('summary');
  });

  it('refuses to write an invalid record', async () => {
    const store = createSummaryStore({ keyv: (await open('memory://')).keyv('summaries'), defaultMaxLength: 500, logger: silentLogger() });
    const bad = { ...record(), quality_score: 7 };
    await expect(store.put(bad)).rejects.toSatisfy((err) => isAppError(err, 'STORE_RECORD_INVALID'));
    expect(await store.get(CONVERSATION)).toBeUndefined();
  });
});
