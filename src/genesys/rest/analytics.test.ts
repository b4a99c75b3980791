// queryEndedConversations against a loopback Genesys through the real client and SDK: paging, de-duplication, chunks.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../logger.js';
import { isAppError } from '../../errors.js';
import { createGenesysClient, type GenesysClient } from './client.js';
import { queryEndedConversations } from './analytics.js';
import { fakeGenesysConfig, isolateSdkHome, startFakeGenesys, type FakeGenesys, type FakeRequest } from '../../../test/support/genesys.js';

const QUERY_PATH = '/api/v2/analytics/conversations/details/query';
const Q = (n: number): string => `00000000-0000-4000-9000-${String(n).padStart(12, '0')}`;
const C = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const conv = (n: number, ended = true) => ({
  conversationId: C(n),
  conversationStart: '2026-01-01T10:00:00.000Z',
  ...(ended ? { conversationEnd: '2026-01-01T10:05:00.000Z' } : {}),
});
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => conv(from + i));

let fake: FakeGenesys;
let client: GenesysClient | undefined;
const query = { fromMs: Date.parse('2026-01-01T09:00:00Z'), toMs: Date.parse('2026-01-01T11:00:00Z'), queueIds: [Q(1)] };

beforeAll(() => isolateSdkHome());
afterEach(async () => {
  client?.close();
  client = undefined;
  await fake?.close();
});

async function setup(answer: (body: any, req: FakeRequest) => unknown): Promise<GenesysClient> {
  fake = await startFakeGenesys();
  fake.on('POST', QUERY_PATH, (req) => ({ body: answer(JSON.parse(req.body), req) }));
  client = createGenesysClient({ config: fakeGenesysConfig(fake.port, { retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 } }), logger: silentLogger() });
  return client;
}

const bodies = (): any[] => fake.requests.filter((r) => r.path === QUERY_PATH).map((r) => JSON.parse(r.body));

describe('queryEndedConversations', () => {
  it('pages past 100 results until totalHits is reached', async () => {
    const all = range(0, 250);
    const c = await setup((b) => ({ conversations: all.slice((b.paging.pageNumber - 1) * 100, b.paging.pageNumber * 100), totalHits: 250 }));
    const found = await queryEndedConversations(c, query);
    expect(found).toHaveLength(250);
    expect(new Set(found.map((f) => f.conversationId)).size).toBe(250);
    expect(bodies().map((b) => b.paging)).toEqual([1, 2, 3].map((pageNumber) => ({ pageSize: 100, pageNumber })));
    expect(bodies()[0]).toMatchObject({
      interval: '2026-01-01T09:00:00.000Z/2026-01-01T11:00:00.000Z',
      order: 'asc',
      orderBy: 'conversationStart',
      conversationFilters: [{ type: 'and', predicates: [{ dimension: 'conversationEnd', operator: 'exists' }] }],
      segmentFilters: [{ type: 'or', predicates: [{ dimension: 'queueId', value: Q(1) }] }],
    });
  });

  it('de-duplicates a conversation that shifts onto two pages, and drops ones without an end', async () => {
    // Live data arrived between the pages: page 2 starts with the last conversation of page 1.
    const pages: Record<number, unknown[]> = { 1: range(0, 100), 2: [conv(99), ...range(100, 150), conv(150, false)] };
    const c = await setup((b) => ({ conversations: pages[b.paging.pageNumber] ?? [], totalHits: 152 }));
    const found = await queryEndedConversations(c, query);
    expect(found.map((f) => f.conversationId)).toEqual(range(0, 150).map((x) => x.conversationId));
    expect(found[0]).toEqual({ conversationId: C(0), conversationEnd: '2026-01-01T10:05:00.000Z' });
  });

  it('keeps paging when totalHits is absent and a page is full', async () => {
    const all = range(0, 130);
    const c = await setup((b) => ({ conversations: all.slice((b.paging.pageNumber - 1) * 100, b.paging.pageNumber * 100) }));
    expect(await queryEndedConversations(c, query)).toHaveLength(130);
    expect(bodies()).toHaveLength(2);
  });

  it('splits many queues into queries of at most 50 queue predicates, merging their results', async () => {
    const queueIds = Array.from({ length: 120 }, (_, i) => Q(i));
    // Each chunk finds the conversation numbered after its first queue, plus one shared by every chunk.
    const c = await setup((b) => {
      const first = Number(b.segmentFilters[0].predicates[0].value.slice(-12));
      return { conversations: [conv(first), conv(999)], totalHits: 2 };
    });
    const found = await queryEndedConversations(c, { ...query, queueIds });
    const sent = bodies().map((b) => b.segmentFilters[0].predicates.map((p: { value: string }) => p.value));
    expect(sent.map((s) => s.length)).toEqual([50, 50, 20]);
    expect(sent.flat()).toEqual(queueIds);
    expect(found.map((f) => f.conversationId).sort()).toEqual([C(0), C(50), C(100), C(999)].sort());
  });

  it('reports an unexpected response shape as GENESYS_UNAVAILABLE', async () => {
    const c = await setup(() => ({ conversations: 'nope' }));
    const err = await queryEndedConversations(c, query).catch((e: unknown) => e);
    expect(isAppError(err, 'GENESYS_UNAVAILABLE')).toBe(true);
  });
});
