// The tutorial's three summary routes (submit, poll status, direct retrieval), thin over the SummaryApi port. The
// direct retrieval answers with a strong ETag (304 to a matching If-None-Match) and, at the default length, from the
// memory tier (store/summary-response-cache.ts) when one is configured; the tier's hits usually never get here, as
// the fast path (summary-fast-path.ts) answers them before Hono with the same bytes and headers.
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { isTaskSettled, type SummaryRecord, type TaskRecord } from '../domain.js';
import { AppError } from '../errors.js';
import { createLocalSummaryChanges, createSummaryResponseCache, toCachedResponse, type CachedResponse } from '../store/index.js';
import { canSubmit, clientOf } from './auth.js';
import type { HttpDeps, SummaryApi } from './ports.js';
import { taskFailureProblem } from './problem.js';
import {
  ConversationParamsSchema,
  problem,
  SubmitBodySchema,
  SummaryQuerySchema,
  SummaryResponseSchema,
  TaskAcceptedSchema,
  TaskParamsSchema,
  TaskStatusResponseSchema,
} from './schemas.js';

/** The routes' dependencies (the staleness check is optional: absent → every summary reads `stale: false`). */
export type SummaryRoutesDeps = HttpDeps;

const json = <T>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });
const security = [{ Bearer: [] }];
const common = { 400: problem('Invalid input'), 401: problem('Missing or invalid API key') };

const submitRoute = createRoute({
  method: 'post',
  path: '/api/summary/submit',
  tags: ['summaries'],
  summary: 'Start (or join) summarization; answers from the store when a fitting summary exists',
  security,
  request: { body: { required: true, content: { 'application/json': { schema: SubmitBodySchema } } } },
  responses: {
    200: json(SummaryResponseSchema, 'A stored summary'),
    202: json(TaskAcceptedSchema, 'Accepted: poll poll_url'),
    ...common,
    404: problem('Unknown conversation, or its summary expired'),
    409: problem('Conversation not ended'),
    413: problem('Body too large'),
    415: problem('Body is not JSON'),
    422: problem('Conversation cannot be summarized'),
    403: problem('This API key has no scope submit'),
    429: problem('force: true again too soon for this conversation, this API key started too many summaries, or it made too many requests (see Retry-After)'),
    502: problem('An upstream dependency failed'),
  },
});

const statusRoute = createRoute({
  method: 'get',
  path: '/api/summary/status/{task_id}',
  tags: ['summaries'],
  summary: 'Poll a summarization task',
  security,
  request: { params: TaskParamsSchema },
  responses: { 200: json(TaskStatusResponseSchema, 'The task'), ...common, 403: problem('This API key has no scope read'), 404: problem('Unknown task'), 429: problem('This API key made too many requests (see Retry-After)') },
});

const summaryRoute = createRoute({
  method: 'get',
  path: '/api/summary/{conversation_id}',
  tags: ['summaries'],
  summary: 'The summary of a conversation, waiting up to ?wait= ms for a live one',
  security,
  request: { params: ConversationParamsSchema, query: SummaryQuerySchema },
  responses: {
    200: { ...json(SummaryResponseSchema, 'The summary (with a strong ETag; Cache-Control: private, no-cache)'), headers: { ETag: { schema: { type: 'string' } } } },
    202: json(TaskAcceptedSchema, 'Still being generated: poll poll_url'),
    304: { description: 'If-None-Match matched the ETag: the summary is unchanged' },
    ...common,
    404: problem('Unknown conversation, or its summary expired'),
    409: problem('Conversation not ended'),
    422: problem('Conversation cannot be summarized'),
    403: problem('This API key has no scope read; or a new summary would be started and it has no scope submit'),
    429: problem('A new summary would be started and this API key started too many, or it made too many requests (see Retry-After)'),
    502: problem('An upstream dependency failed'),
  },
});

type Stale = (record: SummaryRecord) => boolean;

/** The wire form of a record: the tutorial's v1 field types, then the v2 fields (also the body of outbound webhooks). */
export function summaryFields(r: SummaryRecord, isStale: Stale) {
  return {
    conversation_id: r.conversation_id,
    summary: r.summary,
    intent: r.intent,
    resolution: r.resolution.text,
    follow_up_actions: r.follow_up_actions.map((a) => a.action),
    sentiment: r.sentiment.end,
    quality_score: r.quality_score,
    model: r.model,
    created_at: r.created_at,
    latency_ms: r.latency_ms,
    max_length: r.max_length,
    redactions: r.redactions,
    language: r.language,
    headline: r.headline,
    resolution_status: r.resolution.status,
    follow_ups: r.follow_up_actions,
    sentiment_start: r.sentiment.start,
    sentiment_end: r.sentiment.end,
    topics: r.topics,
    entities: r.entities,
    wrapup_code: r.wrapup_code,
    confidence: r.confidence ?? null,
    template: r.template,
    stale: isStale(r),
    quality: r.quality,
    ...(r.ungrounded === undefined ? {} : { ungrounded: r.ungrounded }),
    ...(r.usage === undefined ? {} : { usage: r.usage }),
    ...(r.cost_usd === undefined ? {} : { cost_usd: r.cost_usd }),
    ...(r.chunks === undefined ? {} : { chunks: r.chunks }),
    ...(r.adjustments === undefined ? {} : { adjustments: r.adjustments }),
    ...(r.fallback === undefined ? {} : { fallback: r.fallback }),
    ...(r.fallback_reason === undefined ? {} : { fallback_reason: r.fallback_reason }),
    ...(r.injection === undefined ? {} : { injection: r.injection }),
  };
}

function summaryBody(record: SummaryRecord, source: 'cache' | 'live', isStale: Stale) {
  return { task_id: record.task_id, status: 'completed' as const, source, ...summaryFields(record, isStale) };
}

/** When a task waiting after a failed attempt runs again (ISO), if it is waiting. */
const retryAt = (task: TaskRecord): string | undefined =>
  task.status === 'pending' && task.not_before !== undefined ? new Date(task.not_before).toISOString() : undefined;

function acceptedBody(task: TaskRecord) {
  const { task_id, status, conversation_id, error } = task;
  const at = retryAt(task);
  return {
    task_id,
    status,
    conversation_id,
    poll_url: `/api/summary/status/${task_id}`,
    ...(at === undefined ? {} : { retry_at: at }),
    ...(error === undefined || isTaskSettled(task) ? {} : { last_error: error }),
  };
}

function statusBody(task: TaskRecord, record: SummaryRecord | undefined, isStale: Stale) {
  const { task_id, conversation_id, status, attempts, created_at, updated_at, error, latency_ms, quality_score } = task;
  const summary = record ? summaryFields(record, isStale) : {};
  return {
    ...summary,
    task_id,
    conversation_id,
    status,
    attempts,
    created_at,
    updated_at,
    ...(error === undefined ? {} : { error }),
    ...(retryAt(task) === undefined ? {} : { retry_at: retryAt(task) }),
    ...(latency_ms === undefined ? {} : { latency_ms }),
    ...(quality_score === undefined ? {} : { quality_score }),
  };
}

/**
 * What a client gets for a conversation without a stored summary: the task's summary once it completed, the
 * failure as a problem (a read never runs a settled task again), or the task to poll.
 */
async function settledAnswer(api: SummaryApi, task: TaskRecord, maxLength: number): Promise<SummaryRecord | TaskRecord> {
  if (task.status === 'completed') {
    const record = await api.getSummary(task.conversation_id, maxLength);
    if (record) return record;
    throw new AppError('SUMMARY_EXPIRED', 'the summary of this conversation is no longer stored; submit with force: true to summarize it again', {
      problem: { task_id: task.task_id },
    });
  }
  // A skipped task (too little content, error CONTENT_TOO_SHORT) is final like a failure: a 422 problem.
  if (task.status === 'failed') throw taskFailureProblem(task);
  if (task.status === 'skipped') throw taskFailureProblem({ ...task, error: task.error ?? { code: 'CONTENT_TOO_SHORT', message: 'nothing to summarize' } });
  return task;
}

const isRecord = (value: SummaryRecord | TaskRecord): value is SummaryRecord => 'summary' in value;

/**
 * A summary changes only when it is generated again: any client may keep it but must revalidate before each use
 * (no-cache), which the ETag makes a bodyless 304; `private` keeps shared caches (proxies, CDNs) from storing
 * customer data fetched with an API key.
 */
export const SUMMARY_CACHE_CONTROL = 'private, no-cache';

/** True when an If-None-Match header (`*`, or a list of tags, weak or strong) matches `etag` (weak comparison). */
export function noneMatchHits(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}

/**
 * The headers of a stored answer: the validators, then (unless it is a 304) type and length, the latter set so a
 * HEAD carries it too. One list, in one order, for the route and the fast path (summary-fast-path.ts).
 */
export function storedAnswerHeaders(answer: CachedResponse, notModified: boolean): Record<string, string> {
  const validators = { etag: answer.etag, 'cache-control': SUMMARY_CACHE_CONTROL };
  return notModified ? validators : { ...validators, 'content-type': 'application/json', 'content-length': String(answer.body.byteLength) };
}

/** The stored answer as bytes with its validators, or a 304 when the client holds these bytes already. */
function storedAnswer(c: Context, answer: CachedResponse): Response {
  if (noneMatchHits(c.req.header('if-none-match'), answer.etag)) return new Response(null, { status: 304, headers: storedAnswerHeaders(answer, true) });
  return new Response(answer.body, { status: 200, headers: storedAnswerHeaders(answer, false) });
}

/** The summary routes' reads of stored answers, shared with the fast path (summary-fast-path.ts). */
export interface SummaryReader {
  /** The default-length answer the memory tier holds, or undefined: no store read, no promise, no metrics. */
  held(conversationId: string): CachedResponse | undefined;
  /**
   * The stored answer at a length: the default one through the memory tier (no store read, zod parse or JSON on a
   * hit; the lookup is counted), any other rendered from the store each time; both with their ETag.
   */
  read(conversationId: string, maxLength: number): Promise<CachedResponse | undefined>;
}

/** Every summary reads `stale: false` when the deps have no staleness check. */
const stalenessOf = (deps: SummaryRoutesDeps): Stale => (record) => deps.isStale?.(record) ?? false;

export function createSummaryReader(deps: SummaryRoutesDeps): SummaryReader {
  const isStale = stalenessOf(deps);
  const render = (record: SummaryRecord): string => JSON.stringify(summaryBody(record, 'cache', isStale));
  const tier = createSummaryResponseCache({
    maxEntries: deps.memoryTier?.maxEntries ?? 0,
    maxBytes: deps.memoryTier?.maxBytes ?? 0,
    ttlMs: deps.memoryTier?.ttlMs,
    changes: deps.memoryTier?.changes ?? createLocalSummaryChanges(),
    defaultMaxLength: deps.defaultMaxLength,
    render,
    // The default read shortens a longer summary (getSummary); only one it serves unchanged is filled on write.
    servesAsIs: (record) => record.summary.length <= deps.defaultMaxLength,
  });
  return {
    held: (conversationId) => tier.get(conversationId),
    async read(conversationId, maxLength) {
      if (maxLength === deps.defaultMaxLength) {
        const held = tier.get(conversationId);
        deps.metrics?.memoryTierLookup(held !== undefined);
        return held ?? tier.load(conversationId, () => deps.api.getSummary(conversationId, maxLength));
      }
      const record = await deps.api.getSummary(conversationId, maxLength);
      return record && toCachedResponse(render(record));
    },
  };
}

/** Adds the summary routes (auth and body limits are applied by the app on /api/*). */
export function registerSummaryRoutes(app: OpenAPIHono, deps: SummaryRoutesDeps, reader = createSummaryReader(deps)): void {
  const { api } = deps;
  const isStale = stalenessOf(deps);
  /** Every conversation has one summary at the default length; other lengths are derived from it. */
  const defaultLength = { maxLength: deps.defaultMaxLength };

  app.openapi(submitRoute, async (c) => {
    const body = c.req.valid('json');
    const maxLength = body.max_length ?? deps.defaultMaxLength;
    if (body.force) {
      // An explicit re-run, limited per conversation and by the key's task budget (429 + Retry-After).
      const task = await api.request(body.conversation_id, { maxLength, force: true, client: clientOf(c) });
      return c.json(acceptedBody(task), 202);
    }
    const stored = await api.getSummary(body.conversation_id, maxLength);
    if (stored) return c.json(summaryBody(stored, 'cache', isStale), 200);
    const task = await api.request(body.conversation_id, { ...defaultLength, client: clientOf(c) });
    const answer = await settledAnswer(api, task, maxLength);
    if (isRecord(answer)) return c.json(summaryBody(answer, 'cache', isStale), 200);
    return c.json(acceptedBody(answer), 202);
  });

  app.openapi(statusRoute, async (c) => {
    const { task_id } = c.req.valid('param');
    const task = await api.getTask(task_id);
    if (!task) throw new AppError('TASK_NOT_FOUND', `no task ${task_id}`);
    const record = task.status === 'completed' ? await api.getSummary(task.conversation_id, task.max_length) : undefined;
    return c.json(statusBody(task, record, isStale), 200);
  });

  app.openapi(summaryRoute, async (c) => {
    const { conversation_id } = c.req.valid('param');
    const query = c.req.valid('query');
    const maxLength = query.max_length ?? deps.defaultMaxLength;
    const held = await reader.read(conversation_id, maxLength);
    if (held) return storedAnswer(c, held);
    // Starts the first summarization of a conversation nobody reported yet; joins (never re-runs) an existing one.
    let task = await api.request(conversation_id, { ...defaultLength, client: clientOf(c), mayStart: canSubmit(c) });
    const waitMs = Math.min(query.wait ?? 0, deps.maxWaitMs);
    if (!isTaskSettled(task) && waitMs > 0) task = (await api.waitForTask(task.task_id, waitMs)) ?? task;
    const answer = await settledAnswer(api, task, maxLength);
    if (isRecord(answer)) return c.json(summaryBody(answer, 'live', isStale), 200);
    return c.json(acceptedBody(answer), 202);
  });
}
