// Which queues to watch: the configured list, else every queue the OAuth client can see (paged).
import { z } from 'zod';
import type { GenesysClient } from './client.js';
import { parseUpstream } from './upstream-error.js';

const QueuePageSchema = z.object({
  entities: z.array(z.object({ id: z.string().min(1) })).default([]),
  pageCount: z.number().int().nonnegative().optional(),
});

/** Pages this far at most (100 per page → 100,000 queues), a guard against a server that never stops paging. */
const MAX_PAGES = 1000;

/**
 * Returns the queue ids to subscribe to. A non-empty `configuredIds` wins; otherwise pages through
 * GET /api/v2/routing/queues (pageSize 100) until `pageCount` is reached or a page comes back empty/short.
 */
export async function discoverQueueIds(client: GenesysClient, configuredIds?: string[]): Promise<string[]> {
  if (configuredIds && configuredIds.length > 0) return [...new Set(configuredIds)];
  const ids = new Set<string>();
  for (let pageNumber = 1; pageNumber <= MAX_PAGES; pageNumber += 1) {
    const raw = await client.call('getRoutingQueues', (apis) => apis.routing.getRoutingQueues({ pageSize: 100, pageNumber }));
    const page = parseUpstream(QueuePageSchema, raw, 'getRoutingQueues');
    for (const q of page.entities) ids.add(q.id);
    const last = page.pageCount !== undefined ? pageNumber >= page.pageCount : page.entities.length < 100;
    if (page.entities.length === 0 || last) break;
  }
  return [...ids];
}
