import { Writable } from 'node:stream';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SummaryRecord } from '../domain.js';
import { isAppError } from '../errors.js';
import { createLogger, silentLogger } from '../logger.js';
import { createKeyvBackend, type KeyvBackend } from './keyv-backend.js';
import { createSummaryStore, migrateSummaryRecord } from './summary-store.js';

const CONVERSATION = '5b0c8a0e-3c1f-4a55-9d57-1b8f6f7c2a10';

function record(overrides: Partial<SummaryRecord> = {}): SummaryRecord {
  return {
    schema_version: 1,
    conversation_id: CONVERSATION,
    task_id: 'c1a4f3d2-0a8b-4f7e-9a61-3b9e1d2c4f50',
    summary: 'Customer asked about a refund; agent resolved the issue.',
    intent: 'refund',
    resolution: 'refund issued',
    follow_up_actions: ['send confirmation'],
    sentiment: 'positive',
    media_type: 'voice',
    max_length: 500,
    model: 'extractive',
    template: { id: 'default', version: '1', hash: 'abc' },
    quality_score: 0.8,
    quality: { coverage: 0.9 },
    redactions: { phone: 1 },
    repaired: false,
    latency_ms: 120,
    stage_latency_ms: { llm: 100 },
    turn_count: 12,
    created_at: '2024-05-01T10:00:00.000Z',
    ...overrides,
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
    const store = createSummaryStore({ keyv: (await open('memory://')).keyv('summaries'), logger: silentLogger() });
    await store.put(record());
    expect(await store.get(CONVERSATION)).toEqual(record());
    expect(await store.get('00000000-0000-4000-8000-000000000000')).toBeUndefined();
    expect(await store.ping()).toBe(true);
  });

  it('survives close and reopen of a sqlite file', async () => {
    const url = `sqlite://${path.join(dir, 'db.sqlite')}`;
    const first = await open(url);
    await createSummaryStore({ keyv: first.keyv('summaries'), logger: silentLogger() }).put(record());
    await first.close();
    const second = await open(url);
    const store = createSummaryStore({ keyv: second.keyv('summaries'), logger: silentLogger() });
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
      logger: silentLogger(),
    });
    await store.put(record());
    vi.setSystemTime(new Date('2024-05-01T10:00:00.900Z'));
    expect(await store.get(CONVERSATION)).toBeDefined();
    vi.setSystemTime(new Date('2024-05-01T10:00:01.100Z'));
    expect(await store.get(CONVERSATION)).toBeUndefined();
  });

  it('migrates a v0 record (no schema_version, quality, redactions, stage latencies)', async () => {
    const keyv = (await open('memory://')).keyv('summaries');
    const { schema_version, quality, redactions, stage_latency_ms, repaired, turn_count, template, ...v0 } = record();
    await keyv.set(CONVERSATION, v0);
    const store = createSummaryStore({ keyv, logger: silentLogger() });
    const migrated = await store.get(CONVERSATION);
    expect(migrated).toMatchObject({ schema_version: 1, quality: {}, redactions: {}, stage_latency_ms: {} });
    expect(migrated?.summary).toBe(v0.summary);
    expect(migrateSummaryRecord('not an object')).toBe('not an object');
  });

  it('reports a garbage record with its issue paths and reads it as missing', async () => {
    const keyv = (await open('memory://')).keyv('summaries');
    const { logger, lines } = capturingLogger();
    await keyv.set(CONVERSATION, { schema_version: 1, summary: 42 });
    const store = createSummaryStore({ keyv, logger });
    await expect(store.get(CONVERSATION)).resolves.toBeUndefined();
    const warning = lines.find((line) => line.conversationId === CONVERSATION);
    expect(warning?.level).toBe(40);
    expect(warning?.issues).toEqual(expect.arrayContaining(['summary', 'intent', 'template']));
    expect(warning).not.toHaveProperty('summary');
  });

  it('refuses to write an invalid record', async () => {
    const store = createSummaryStore({ keyv: (await open('memory://')).keyv('summaries'), logger: silentLogger() });
    const bad = { ...record(), quality_score: 7 };
    await expect(store.put(bad)).rejects.toSatisfy((err) => isAppError(err, 'STORE_RECORD_INVALID'));
    expect(await store.get(CONVERSATION)).toBeUndefined();
  });
});
