// Wrap-up codes per queue (GET /api/v2/routing/queues/{id}/wrapupcodes, all pages), cached with a TTL and
// single-flight so a burst of conversations from one queue costs one lookup.
import { z } from 'zod';
import type { WrapupCode } from '../../domain.js';
import type { Logger } from '../../logger.js';
import type { GenesysClient } from './client.js';
import { parseUpstream } from './upstream-error.js';

const PAGE_SIZE = 100;
/** Pages this far at most (100 per page → 10,000 codes): a guard against a server that never stops paging. */
const MAX_PAGES = 100;

const WrapupCodePageSchema = z.object({
  entities: z.array(z.object({ id: z.string().min(1), name: z.string().default('') })).default([]),
  pageCount: z.number().int().nonnegative().optional(),
});

export interface WrapupCodeCacheOptions {
  client: Pick<GenesysClient, 'call'>;
  /** How long a queue's codes are reused. @default 600000 (10 minutes) */
  ttlMs?: number;
  logger: Logger;
  /** @default Date.now */
  now?: () => number;
}

export interface WrapupCodeCache {
  /** The queue's wrap-up codes ({id, name}); throws the client's AppError (NOT_FOUND for an unknown queue, …). */
  forQueue(queueId: string): Promise<WrapupCode[]>;
  /** Drops every cached entry. */
  clear(): void;
}

/** Fetches every page of a queue's wrap-up codes. */
export async function fetchQueueWrapupCodes(client: Pick<GenesysClient, 'call'>, queueId: string): Promise<WrapupCode[]> {
  const codes = new Map<string, WrapupCode>();
  for (let pageNumber = 1; pageNumber <= MAX_PAGES; pageNumber += 1) {
    const raw = await client.call('getRoutingQueueWrapupcodes', (apis) =>
      apis.routing.getRoutingQueueWrapupcodes(queueId, { pageSize: PAGE_SIZE, pageNumber }),
    );
    const page = parseUpstream(WrapupCodePageSchema, raw, 'getRoutingQueueWrapupcodes');
    for (const c of page.entities) codes.set(c.id, { id: c.id, name: c.name });
    const last = page.pageCount !== undefined ? pageNumber >= page.pageCount : page.entities.length < PAGE_SIZE;
    if (page.entities.length === 0 || last) break;
  }
  return [...codes.values()];
}

/** Creates the cache. Failures are not cached: the next call asks again. */
export function createWrapupCodeCache(options: WrapupCodeCacheOptions): WrapupCodeCache {
  const ttlMs = options.ttlMs ?? 600_000;
  const now = options.now ?? Date.now;
  const logger = options.logger.child({ module: 'wrapup-codes' });
  const cached = new Map<string, { codes: WrapupCode[]; at: number }>();
  const inFlight = new Map<string, Promise<WrapupCode[]>>();

  async function load(queueId: string): Promise<WrapupCode[]> {
    try {
      const codes = await fetchQueueWrapupCodes(options.client, queueId);
      cached.set(queueId, { codes, at: now() });
      logger.debug({ queueId, codes: codes.length }, 'wrap-up codes loaded');
      return codes;
    } finally {
      inFlight.delete(queueId);
    }
  }

  return {
    forQueue(queueId: string): Promise<WrapupCode[]> {
      const hit = cached.get(queueId);
      if (hit && now() - hit.at < ttlMs) return Promise.resolve(hit.codes.map((c) => ({ ...c })));
      let pending = inFlight.get(queueId);
      if (!pending) {
        pending = load(queueId);
        inFlight.set(queueId, pending);
      }
      return pending.then((codes) => codes.map((c) => ({ ...c })));
    },
    clear: () => cached.clear(),
  };
}
