// Analytics conversation-detail queries for backfill: ended conversations in the watched queues over an interval.
// POST /api/v2/analytics/conversations/details/query (docs/genesys.md §8): the interval selects conversations by
// the day they STARTED, so callers reach back by the longest expected conversation; results are paged (≤100) and
// shift while live data arrives, so pages are de-duplicated by conversation id.
import { z } from 'zod';
import { AppError } from '../../errors.js';
import type { GenesysClient } from './client.js';

const PAGE_SIZE = 100;
/** Queue predicates per query: Genesys limits predicates per filter; stay well below any plausible limit. */
const QUEUES_PER_QUERY = 50;
/** A guard against a runaway loop if totalHits keeps growing while we page. */
const MAX_PAGES = 1000;

const QueryResponseSchema = z.object({
  conversations: z
    .array(
      z.looseObject({
        conversationId: z.string(),
        conversationStart: z.string().optional(),
        conversationEnd: z.string().optional(),
      }),
    )
    .optional(),
  totalHits: z.number().optional(),
});

export interface EndedConversation {
  conversationId: string;
  conversationEnd: string;
}

export interface EndedQuery {
  /** Interval start (epoch ms): conversations that STARTED on a day touched by [from, to]. */
  fromMs: number;
  toMs: number;
  queueIds: string[];
}

const iso = (ms: number): string => new Date(ms).toISOString();

function queryBody(query: EndedQuery, queueIds: string[], pageNumber: number): Record<string, unknown> {
  return {
    interval: `${iso(query.fromMs)}/${iso(query.toMs)}`,
    order: 'asc',
    orderBy: 'conversationStart',
    paging: { pageSize: PAGE_SIZE, pageNumber },
    conversationFilters: [{ type: 'and', predicates: [{ dimension: 'conversationEnd', operator: 'exists' }] }],
    segmentFilters: [{ type: 'or', predicates: queueIds.map((id) => ({ dimension: 'queueId', value: id })) }],
  };
}

/** Every ended conversation in `queueIds` that started within the interval, all pages, de-duplicated. */
export async function queryEndedConversations(client: GenesysClient, query: EndedQuery): Promise<EndedConversation[]> {
  const found = new Map<string, EndedConversation>();
  for (let i = 0; i < query.queueIds.length; i += QUEUES_PER_QUERY) {
    const chunk = query.queueIds.slice(i, i + QUEUES_PER_QUERY);
    for (let page = 1; page <= MAX_PAGES; page++) {
      const raw = await client.call('postAnalyticsConversationsDetailsQuery', (apis) =>
        apis.analytics.postAnalyticsConversationsDetailsQuery(queryBody(query, chunk, page) as never),
      );
      const parsed = QueryResponseSchema.safeParse(raw);
      if (!parsed.success) throw new AppError('GENESYS_UNAVAILABLE', 'unexpected analytics query response shape');
      const body = parsed.data;
      const conversations = body.conversations ?? [];
      for (const c of conversations) {
        if (c.conversationEnd) found.set(c.conversationId, { conversationId: c.conversationId, conversationEnd: c.conversationEnd });
      }
      // A short page is the last; without totalHits a full page says nothing, so keep paging until a short one.
      if (conversations.length < PAGE_SIZE || (body.totalHits !== undefined && page * PAGE_SIZE >= body.totalHits)) break;
    }
  }
  return [...found.values()];
}
