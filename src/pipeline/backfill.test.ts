// Backfill against a loopback analytics API through the real Genesys client, with a memory:// checkpoint store.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../logger.js';
import type { SummaryRecord, TaskRecord } from '../domain.js';
import { createGenesysClient, type GenesysClient } from '../genesys/rest/client.js';
import { queryEndedConversations } from '../genesys/rest/analytics.js';
import { fakeGenesysConfig, isolateSdkHome, startFakeGenesys, type FakeGenesys } from '../../test/support/genesys.js';
import { createKeyvBackend, type KeyvBackend } from '../store/keyv-backend.js';
import { createCheckpointStore, type CheckpointStore } from '../store/checkpoint-store.js';
import { createBackfill, STREAM_CHECKPOINT, streamHealthyUntil, type Backfill, type BackfillOptions } from './backfill.js';

const QUERY_PATH = '/api/v2/analytics/conversations/details/query';
const DAY = 86_400_000;
const H = 3600_000;
const QUEUE = '00000000-0000-4000-9000-000000000001';
const OTHER_QUEUE = '00000000-0000-4000-9000-000000000002';
const C = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
/** "Now" for every test: early on a day, so a reach-back of hours touches the previous day. */
const NOW = Date.parse('2026-01-02T03:00:00Z');

interface Conv { id: string; startMs: number; endMs?: number; queueId?: string }

let fake: FakeGenesys;
let client: GenesysClient;
let backend: KeyvBackend;
let checkpoints: CheckpointStore;
let backfill: Backfill | undefined;
let conversations: Conv[];
let failNext: number;
let queryDelayMs: number;
let ended: string[];
let summarized: Set<string>;
let writes: number[];
let healthy: number | undefined;
/** Awaited before the query with this (1-based) number goes out: holds one pass at a known point. */
let queryGate: { call: number; gate: Promise<void> } | undefined;
let queryCalls: number;

beforeAll(() => isolateSdkHome());
afterEach(async () => {
  await backfill?.stop(1000);
  backfill = undefined;
  client?.close();
  await fake?.close();
  await backend?.close();
});

/** The analytics details query as genesys-api.md §4.3 describes it: start-day interval, queue filter, paging. */
function answerQuery(body: any): unknown {
  const [from, to] = String(body.interval).split('/').map((s) => Date.parse(s)) as [number, number];
  const dayStart = Math.floor(from / DAY) * DAY;
  const dayEnd = Math.floor((to - 1) / DAY) * DAY + DAY;
  const queues = new Set(body.segmentFilters[0].predicates.map((p: { value: string }) => p.value));
  const matched = conversations
    .filter((c) => c.startMs >= dayStart && c.startMs < dayEnd && c.endMs !== undefined && queues.has(c.queueId ?? QUEUE))
    .sort((a, b) => a.startMs - b.startMs);
  const { pageSize, pageNumber } = body.paging;
  const page = matched.slice((pageNumber - 1) * pageSize, pageNumber * pageSize).map((c) => ({
    conversationId: c.id,
    conversationStart: new Date(c.startMs).toISOString(),
    conversationEnd: new Date(c.endMs!).toISOString(),
  }));
  return { conversations: page, totalHits: matched.length };
}

async function setup(stored?: unknown, options: Partial<BackfillOptions> = {}): Promise<Backfill> {
  conversations = [];
  failNext = 0;
  queryDelayMs = 0;
  ended = [];
  summarized = new Set();
  writes = [];
  healthy = NOW;
  queryGate = undefined;
  queryCalls = 0;
  fake = await startFakeGenesys();
  fake.on('POST', QUERY_PATH, (req) => {
    if (failNext > 0) {
      failNext -= 1;
      return { status: 503, body: { status: 503, code: 'service.unavailable', message: 'down' } };
    }
    return { body: answerQuery(JSON.parse(req.body)), delayMs: queryDelayMs };
  });
  client = createGenesysClient({ config: fakeGenesysConfig(fake.port, { retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 } }), logger: silentLogger() });
  backend = await createKeyvBackend('memory://');
  const keyv = backend.keyv('checkpoints');
  if (stored !== undefined) await keyv.set(STREAM_CHECKPOINT, stored);
  const store = createCheckpointStore({ keyv, logger: silentLogger() });
  checkpoints = { get: store.get, set: async (name, at) => (writes.push(at), store.set(name, at)) };
  backfill = createBackfill({
    query: async (q) => {
      queryCalls += 1;
      if (queryGate?.call === queryCalls) await queryGate.gate;
      return queryEndedConversations(client, q);
    },
    service: {
      conversationEnded: async (id) => (ended.push(id), {} as TaskRecord),
      getSummary: async (id) => (summarized.has(id) ? ({} as SummaryRecord) : undefined),
    },
    checkpoints,
    queueIds: [QUEUE],
    healthyUntil: () => healthy,
    logger: silentLogger(),
    settleMs: 30,
    checkpointEveryMs: 20,
    retryBackoff: { baseDelayMs: 10, maxDelayMs: 20 },
    now: () => NOW,
    ...options,
  });
  return backfill;
}

const checkpoint = (at: number) => ({ schema_version: 1, at, updated_at: new Date(at).toISOString() });
const queries = (): any[] => fake.requests.filter((r) => r.path === QUERY_PATH).map((r) => JSON.parse(r.body));

async function until(fn: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error('condition not met');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('backfill', () => {
  it('on a first start records the start as the checkpoint and queries nothing; start() does not wait for the pass', async () => {
    const b = await setup();
    b.start();
    expect(b.state().gapOpen).toBe(true);
    await b.whenIdle();
    expect(queries()).toHaveLength(0);
    expect(await checkpoints.get(STREAM_CHECKPOINT)).toBe(NOW);
    expect(b.state()).toMatchObject({ gapOpen: false, queued: 0, lastPassAt: new Date(NOW).toISOString() });
  });

  it('fills the gap: reaches back for long conversations, keeps the end slack, skips summarized ones', async () => {
    const b = await setup(checkpoint(NOW - 2 * H), { maxConversationMs: 8 * H, endSlackMs: 60_000 });
    conversations.push(
      { id: C(1), startMs: Date.parse('2026-01-01T22:00:00Z'), endMs: NOW - H }, // started the day before, ended in the gap
      { id: C(2), startMs: NOW - 3 * H, endMs: NOW - 2 * H - 30 * 60_000 }, // ended 30 min before the gap: the stream saw it
      { id: C(3), startMs: NOW - 3 * H, endMs: NOW - 2 * H - 30_000 }, // ended within the slack before the gap
      { id: C(4), startMs: NOW - H, endMs: NOW - 30 * 60_000 }, // already summarized
      { id: C(5), startMs: NOW - H, endMs: NOW - 30 * 60_000, queueId: OTHER_QUEUE }, // not a watched queue
      { id: C(6), startMs: NOW - H }, // still going
    );
    summarized.add(C(4));
    b.start();
    await b.whenIdle();
    expect(ended).toEqual([C(1), C(3)]);
    expect(queries()[0].interval).toBe(`${new Date(NOW - 10 * H).toISOString()}/${new Date(NOW).toISOString()}`);
  });

  it('pages past 100 conversations in a gap', async () => {
    const b = await setup(checkpoint(NOW - H));
    for (let i = 0; i < 150; i++) conversations.push({ id: C(100 + i), startMs: NOW - 50 * 60_000 + i * 1000, endMs: NOW - 10 * 60_000 });
    b.start();
    await b.whenIdle();
    expect(new Set(ended).size).toBe(150);
    expect(b.state().queued).toBe(150);
  });

  it('never reaches back further than maxLookbackMs', async () => {
    const b = await setup(checkpoint(NOW - 48 * H), { maxLookbackMs: 24 * H, maxConversationMs: H });
    conversations.push({ id: C(1), startMs: NOW - 31 * H, endMs: NOW - 30 * H }, { id: C(2), startMs: NOW - 21 * H, endMs: NOW - 20 * H });
    b.start();
    await b.whenIdle();
    expect(ended).toEqual([C(2)]);
    expect(queries()[0].interval.split('/')[0]).toBe(new Date(NOW - 25 * H).toISOString());
  });

  it('treats an unreadable checkpoint as the longest lookback, not as a first start', async () => {
    const b = await setup({ garbage: true }, { maxLookbackMs: 24 * H, maxConversationMs: H });
    conversations.push({ id: C(1), startMs: NOW - 21 * H, endMs: NOW - 20 * H });
    b.start();
    await b.whenIdle();
    expect(ended).toEqual([C(1)]);
  });

  it('holds the checkpoint while a gap is open and advances it once the gap and its settle pass are filled', async () => {
    const b = await setup(checkpoint(NOW - H));
    failNext = 3;
    let openSettle!: () => void;
    // Queries 1-3 fail, 4 fills the gap, 5 is its settle pass: held here until the checkpoint was checked.
    queryGate = { call: 5, gate: new Promise<void>((resolve) => (openSettle = resolve)) };
    conversations.push({ id: C(1), startMs: NOW - 30 * 60_000, endMs: NOW - 20 * 60_000 });
    b.start();
    await until(() => failNext === 0);
    expect(b.state()).toMatchObject({ gapOpen: true, lastError: expect.stringContaining('GENESYS_UNAVAILABLE') });
    await until(() => ended.length === 1 && queryCalls === 5);
    expect(await checkpoints.get(STREAM_CHECKPOINT)).toBe(NOW - H);
    openSettle();
    await until(async () => (await checkpoints.get(STREAM_CHECKPOINT)) === NOW);
    expect(writes.every((w) => w === NOW)).toBe(true);
    expect(b.state().gapOpen).toBe(false);
    expect(new Set(ended)).toEqual(new Set([C(1)])); // the settle pass asks again (idempotently)
    expect(b.state().lastError).toBeUndefined();
  });

  it('retries a failed settle pass, which finds a conversation analytics had not shown yet', async () => {
    const b = await setup(checkpoint(NOW - H));
    b.start();
    await b.whenIdle();
    expect(queries()).toHaveLength(1);
    failNext = 1; // the settle pass fails once
    conversations.push({ id: C(7), startMs: NOW - 5 * 60_000, endMs: NOW - 60_000 }); // arrives in analytics late
    await until(() => ended.length === 1);
    expect(ended).toEqual([C(7)]);
    expect(queries().length).toBeGreaterThanOrEqual(2);
    await until(async () => (await checkpoints.get(STREAM_CHECKPOINT)) === NOW);
  });

  it('an intake failure reopens the gap: the checkpoint is held until a pass has filled it', async () => {
    const b = await setup(checkpoint(NOW - H));
    healthy = undefined; // the socket is not healthy yet: nothing advances
    b.start();
    await until(() => queries().length === 2); // the pass and its settle pass
    await b.whenIdle();
    failNext = 100;
    healthy = NOW;
    b.onIntakeFailure(C(9));
    expect(b.state().gapOpen).toBe(true);
    await until(() => queries().length >= 4);
    expect(await checkpoints.get(STREAM_CHECKPOINT)).toBe(NOW - H);
    conversations.push({ id: C(9), startMs: NOW - 5 * 60_000, endMs: NOW - 60_000 });
    failNext = 0;
    await until(() => ended.includes(C(9)));
    await until(async () => (await checkpoints.get(STREAM_CHECKPOINT)) === NOW);
  });

  it('stop() waits for a running pass, which then queues and writes nothing', async () => {
    const b = await setup(checkpoint(NOW - H));
    queryDelayMs = 200;
    conversations.push({ id: C(1), startMs: NOW - 30 * 60_000, endMs: NOW - 20 * 60_000 });
    b.start();
    await until(() => queries().length === 1);
    await b.stop(5000);
    const answered = fake.requests.length;
    const writesAtStop = writes.length;
    await new Promise((r) => setTimeout(r, 100));
    expect(ended).toEqual([]);
    expect(writes.length).toBe(writesAtStop);
    expect(writesAtStop).toBe(0);
    expect(fake.requests.length).toBe(answered);
    expect(b.state().gapOpen).toBe(true);
  });

  it('an intake failure reported after the checkpoint moved past its receipt fills from the receipt time', async () => {
    const b = await setup(checkpoint(NOW), { endSlackMs: 60_000 });
    b.start();
    await until(() => queries().length === 2); // the start-up pass and its settle pass
    await b.whenIdle();
    expect(await checkpoints.get(STREAM_CHECKPOINT)).toBe(NOW);
    // Received 10 min ago; its enqueue failed only now (after the slack): a pass from the checkpoint would skip it.
    conversations.push({ id: C(9), startMs: NOW - 15 * 60_000, endMs: NOW - 10 * 60_000 - 5000 });
    b.onIntakeFailure(C(9), NOW - 10 * 60_000);
    await until(() => ended.includes(C(9)));
    expect(queries()[2].interval.split('/')[0]).toBe(new Date(NOW - 10 * 60_000 - 8 * H).toISOString());
  });
});

describe('streamHealthyUntil', () => {
  const open = (lastMessageAt: number) => ({ state: 'open', lastMessageAt });
  it('is the oldest last frame, never past an enqueue still in flight, unknown while a channel is down', () => {
    expect(streamHealthyUntil([open(100), open(90)])).toBe(90);
    expect(streamHealthyUntil([open(100), open(90)], 50)).toBe(50);
    expect(streamHealthyUntil([open(100)], 150)).toBe(100);
    expect(streamHealthyUntil([open(100), { state: 'connecting' }], 50)).toBeUndefined();
    expect(streamHealthyUntil([])).toBeUndefined();
  });
});
