// The memory tier on its own: bounds (entries, bytes), fill on write and on read, invalidation by replacement notices,
// one store read for concurrent misses, and no fill from a read that overlapped a replacement.
import { describe, expect, it } from 'vitest';
import type { SummaryRecord } from '../domain.js';
import { sampleRecord } from '../../test/support/summaries.js';
import { createLocalSummaryChanges } from './summary-changes.js';
import { createSummaryResponseCache, ENTRY_OVERHEAD_BYTES, toCachedResponse } from './summary-response-cache.js';

const ID = (i: number): string => `${String(i).padStart(8, '0')}-3c1f-4a55-9d57-1b8f6f7c2a10`;
const record = (i: number, overrides: Partial<SummaryRecord> = {}): SummaryRecord =>
  sampleRecord({ conversation_id: ID(i), task_id: `task-${i}`, ...overrides });

function tier(maxEntries = 100, maxBytes = 1_000_000, ttlMs?: number) {
  const changes = createLocalSummaryChanges();
  const cache = createSummaryResponseCache({
    maxEntries,
    maxBytes,
    ttlMs,
    changes,
    defaultMaxLength: 500,
    render: (r) => JSON.stringify({ id: r.conversation_id, task: r.task_id, summary: r.summary }),
    servesAsIs: (r) => r.summary.length <= 500,
  });
  return { changes, cache };
}

/** A store read the test finishes by hand. */
function deferredRead() {
  let resolve!: (r: SummaryRecord | undefined) => void;
  let calls = 0;
  const promise = new Promise<SummaryRecord | undefined>((r) => (resolve = r));
  return { read: () => (calls++, promise), resolve, calls: () => calls };
}

describe('summary response cache (memory tier)', () => {
  it('holds the rendered bytes with a strong ETag of exactly those bytes, filled on first read', async () => {
    const { cache } = tier();
    expect(cache.get(ID(1))).toBeUndefined();
    const first = await cache.load(ID(1), async () => record(1));
    expect(JSON.parse(first!.body.toString())).toMatchObject({ id: ID(1), task: 'task-1' });
    expect(first!.etag).toMatch(/^"[A-Za-z0-9_-]{32}"$/);
    expect(first!.etag).toBe(toCachedResponse(first!.body.toString()).etag);
    expect(cache.get(ID(1))).toBe(first);
    // Its own memory, not a slice of node's shared pool (an evicted entry must not pin a pool slab).
    expect(first!.body.byteOffset).toBe(0);
    expect(first!.body.buffer.byteLength).toBe(first!.body.byteLength);
    expect(await cache.load(ID(2), async () => undefined)).toBeUndefined();
    expect(cache.stats().entries).toBe(1);
  });

  it('is bounded by entries: the least recently read goes first', async () => {
    const { cache } = tier(3);
    for (let i = 1; i <= 3; i++) await cache.load(ID(i), async () => record(i));
    cache.get(ID(1));
    await cache.load(ID(4), async () => record(4));
    expect(cache.stats().entries).toBe(3);
    expect(cache.get(ID(2))).toBeUndefined();
    expect(cache.get(ID(1))).toBeDefined();
    expect(cache.get(ID(4))).toBeDefined();
  });

  it('is bounded by bytes (bodies plus the per-entry overhead)', async () => {
    const size = toCachedResponse(JSON.stringify({ id: ID(1), task: 'task-1', summary: record(1).summary })).body.byteLength;
    const { cache } = tier(100, 2 * (size + ENTRY_OVERHEAD_BYTES) + 10);
    for (let i = 1; i <= 5; i++) await cache.load(ID(i), async () => record(i));
    expect(cache.stats().entries).toBe(2);
    expect(cache.stats().bytes).toBeLessThanOrEqual(2 * (size + ENTRY_OVERHEAD_BYTES) + 10);
    expect(cache.get(ID(5))).toBeDefined();
    expect(cache.get(ID(1))).toBeUndefined();
  });

  it('with 0 entries holds nothing but still answers every read', async () => {
    const { cache } = tier(0);
    expect(await cache.load(ID(1), async () => record(1))).toBeDefined();
    expect(cache.get(ID(1))).toBeUndefined();
    expect(cache.stats()).toEqual({ entries: 0, bytes: 0 });
  });

  it('a write of the default length refills it; a notice without the record (another replica) drops it', async () => {
    const { cache, changes } = tier();
    const old = await cache.load(ID(1), async () => record(1));
    changes.replaced(ID(1), record(1, { task_id: 'task-1b' }));
    const refilled = cache.get(ID(1));
    expect(JSON.parse(refilled!.body.toString()).task).toBe('task-1b');
    expect(refilled!.etag).not.toBe(old!.etag);
    changes.replaced(ID(1));
    expect(cache.get(ID(1))).toBeUndefined();
  });

  it('a write at another length leaves the default answer; one the default read would shorten is dropped, not filled', async () => {
    const { cache, changes } = tier();
    const held = await cache.load(ID(1), async () => record(1));
    changes.replaced(ID(1), record(1, { max_length: 200, task_id: 'task-short', summary: 'Short.' }));
    expect(cache.get(ID(1))).toBe(held);
    changes.replaced(ID(1), record(1, { task_id: 'task-long', summary: 'x'.repeat(600) }));
    expect(cache.get(ID(1))).toBeUndefined();
  });

  it('concurrent misses share one store read', async () => {
    const { cache } = tier();
    const read = deferredRead();
    const a = cache.load(ID(1), read.read);
    const b = cache.load(ID(1), read.read);
    read.resolve(record(1));
    const [ra, rb] = await Promise.all([a, b]);
    expect(read.calls()).toBe(1);
    expect(ra).toBe(rb);
  });

  it('a read that overlapped a replacement answers its caller but never fills the tier with what it read', async () => {
    const { cache, changes } = tier();
    const read = deferredRead();
    const pending = cache.load(ID(1), read.read);
    changes.replaced(ID(1));
    read.resolve(record(1, { task_id: 'task-old' }));
    expect(JSON.parse((await pending)!.body.toString()).task).toBe('task-old');
    expect(cache.get(ID(1))).toBeUndefined();
    // The next read goes to the store again (not joined to the stale one).
    expect(JSON.parse((await cache.load(ID(1), async () => record(1, { task_id: 'task-new' })))!.body.toString()).task).toBe('task-new');
    expect(JSON.parse(cache.get(ID(1))!.body.toString()).task).toBe('task-new');
  });

  it('never holds an answer past the expiry of its summary (created_at + the store TTL)', async () => {
    const { cache, changes } = tier(100, 1_000_000, 60_000);
    const expired = record(1, { created_at: new Date(Date.now() - 61_000).toISOString() });
    expect(await cache.load(ID(1), async () => expired)).toBeDefined();
    expect(cache.get(ID(1))).toBeUndefined();
    changes.replaced(ID(1), expired);
    expect(cache.get(ID(1))).toBeUndefined();
    const live = record(2, { created_at: new Date(Date.now() - 1_000).toISOString() });
    await cache.load(ID(2), async () => live);
    expect(cache.get(ID(2))).toBeDefined();
  });

  it('close() stops following notices', async () => {
    const { cache, changes } = tier();
    cache.close();
    changes.replaced(ID(1), record(1));
    expect(cache.get(ID(1))).toBeUndefined();
  });
});
