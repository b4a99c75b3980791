// Route table plumbing shared by the simulator's REST modules: context, result and ErrorBody helpers.
import type { ChannelStore } from './sim-channels.js';
import type { SimRandom } from './sim-random.js';
import type { ConvRecord } from './sim-timeline.js';
import type { SimQueue } from './sim-types.js';

export interface RouteContext {
  method: string;
  params: string[];
  query: URLSearchParams;
  body: unknown;
  clientId: string;
  correlationId: string;
}

export interface RouteResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface Route {
  method: string;
  pattern: RegExp;
  handle: (ctx: RouteContext) => RouteResult;
}

/** Everything the REST handlers read or change. */
export interface SimContext {
  queues: SimQueue[];
  records: Map<string, ConvRecord>;
  channels: ChannelStore;
  /** http://host:port of the simulator. */
  baseUrl: () => string;
  rng: SimRandom;
  now: () => number;
  organizationId: string;
  transcriptDelayMs: number;
  transcriptUrlTtlMs: number;
  /** Snapshots carry explicit null for absent optional fields (SimOptions.nullFields). */
  nullFields: boolean;
  /** REST endTime / analytics conversationEnd wait for the agent's wrap-up (SimOptions.endTimeAfterAcw). */
  endTimeAfterAcw: boolean;
  /** Voice transcripts in ASR form (SimOptions.asrVoice). */
  asrVoice: boolean;
  /** Pre-signed transcript URL token → what it serves and until when. */
  transcriptUrls: Map<string, { conversationId: string; communicationId: string; expiresMs: number }>;
}

const SEGMENT = '([^/]+)';

/** Builds a route from a path template where `:x` matches one path segment. */
export function route(method: string, template: string, handle: Route['handle']): Route {
  const pattern = new RegExp(`^${template.replace(/:[a-zA-Z]+/g, SEGMENT)}/?$`);
  return { method, pattern, handle };
}

/** A Genesys ErrorBody result. */
export function fail(ctx: Pick<RouteContext, 'correlationId'>, status: number, code: string, message: string): RouteResult {
  return { status, body: { message, code, status, contextId: ctx.correlationId, details: [], errors: [] } };
}

export const notFound = (ctx: Pick<RouteContext, 'correlationId'>, what = 'The requested resource was not found.'): RouteResult => fail(ctx, 404, 'not.found', what);
export const badRequest = (ctx: Pick<RouteContext, 'correlationId'>, message: string): RouteResult => fail(ctx, 400, 'bad.request', message);

/** Parses pageSize/pageNumber query parameters; undefined means invalid. */
export function paging(query: URLSearchParams, maxPageSize: number): { pageSize: number; pageNumber: number } | undefined {
  const pageSize = Number(query.get('pageSize') ?? 25);
  const pageNumber = Number(query.get('pageNumber') ?? 1);
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > maxPageSize) return undefined;
  if (!Number.isInteger(pageNumber) || pageNumber < 1) return undefined;
  return { pageSize, pageNumber };
}

/** A Genesys entity listing page of `items`. */
export function listing<T>(items: T[], page: { pageSize: number; pageNumber: number }, path: string): Record<string, unknown> {
  const pageCount = Math.max(1, Math.ceil(items.length / page.pageSize));
  const uri = (n: number): string => `${path}?pageSize=${page.pageSize}&pageNumber=${n}`;
  return {
    entities: items.slice((page.pageNumber - 1) * page.pageSize, page.pageNumber * page.pageSize),
    pageSize: page.pageSize,
    pageNumber: page.pageNumber,
    total: items.length,
    firstUri: uri(1),
    selfUri: uri(page.pageNumber),
    lastUri: uri(pageCount),
    ...(page.pageNumber < pageCount ? { nextUri: uri(page.pageNumber + 1) } : {}),
    ...(page.pageNumber > 1 ? { previousUri: uri(page.pageNumber - 1) } : {}),
    pageCount,
  };
}
