// The tutorial's three summary routes (submit, poll status, direct retrieval), thin over the SummaryApi port.
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { isTaskSettled, type SummaryRecord, type TaskRecord } from '../domain.js';
import { AppError } from '../errors.js';
import type { HttpDeps, SummaryApi } from './ports.js';

/** The routes' dependencies (the staleness check is optional: absent → every summary reads `stale: false`). */
export type SummaryRoutesDeps = HttpDeps;
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
    413: problem('Body too large'),
    415: problem('Body is not JSON'),
  },
});

const statusRoute = createRoute({
  method: 'get',
  path: '/api/summary/status/{task_id}',
  tags: ['summaries'],
  summary: 'Poll a summarization task',
  security,
  request: { params: TaskParamsSchema },
  responses: { 200: json(TaskStatusResponseSchema, 'The task'), ...common, 404: problem('Unknown task') },
});

const summaryRoute = createRoute({
  method: 'get',
  path: '/api/summary/{conversation_id}',
  tags: ['summaries'],
  summary: 'The summary of a conversation, waiting up to ?wait= ms for a live one',
  security,
  request: { params: ConversationParamsSchema, query: SummaryQuerySchema },
  responses: {
    200: json(SummaryResponseSchema, 'The summary'),
    202: json(TaskAcceptedSchema, 'Still being generated: poll poll_url'),
    ...common,
    404: problem('Unknown conversation'),
    409: problem('Conversation not ended'),
    422: problem('Conversation cannot be summarized'),
    502: problem('An upstream dependency failed'),
  },
});

/** A stored summary answers a request when its text fits the requested length. */
const fits = (record: SummaryRecord, maxLength: number): boolean => record.summary.length <= maxLength;

type Stale = (record: SummaryRecord) => boolean;

/** The wire form of a record: the tutorial's v1 field types, then the v2 fields. */
function summaryFields(r: SummaryRecord, isStale: Stale) {
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
  };
}

function summaryBody(record: SummaryRecord, source: 'cache' | 'live', isStale: Stale) {
  return { task_id: record.task_id, status: 'completed' as const, source, ...summaryFields(record, isStale) };
}

function acceptedBody(task: TaskRecord) {
  const { task_id, status, conversation_id } = task;
  return { task_id, status, conversation_id, poll_url: `/api/summary/status/${task_id}` };
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
    ...(latency_ms === undefined ? {} : { latency_ms }),
    ...(quality_score === undefined ? {} : { quality_score }),
  };
}

/**
 * Starts or joins the task. A joined task that completed but whose summary is gone (expired before the task record)
 * or was since replaced by one too long for this request is started again with force, so a client is never stuck
 * on a completed task without a fitting summary.
 */
async function startOrJoin(api: SummaryApi, conversationId: string, maxLength: number, force: boolean) {
  const task = await api.request(conversationId, { maxLength, force });
  if (task.status !== 'completed') return { task, record: undefined };
  const record = await api.getSummary(conversationId);
  if (record && fits(record, maxLength)) return { task, record };
  return { task: await api.request(conversationId, { maxLength, force: true }), record: undefined };
}

/** Adds the summary routes (auth and body limits are applied by the app on /api/*). */
export function registerSummaryRoutes(app: OpenAPIHono, deps: SummaryRoutesDeps): void {
  const { api } = deps;
  const isStale: Stale = (record) => deps.isStale?.(record) ?? false;

  app.openapi(submitRoute, async (c) => {
    const body = c.req.valid('json');
    const maxLength = body.max_length ?? deps.defaultMaxLength;
    const force = body.force ?? false;
    if (!force) {
      const stored = await api.getSummary(body.conversation_id);
      if (stored && fits(stored, maxLength)) return c.json(summaryBody(stored, 'cache', isStale), 200);
    }
    const { task, record } = await startOrJoin(api, body.conversation_id, maxLength, force);
    if (record) return c.json(summaryBody(record, 'cache', isStale), 200);
    return c.json(acceptedBody(task), 202);
  });

  app.openapi(statusRoute, async (c) => {
    const { task_id } = c.req.valid('param');
    const task = await api.getTask(task_id);
    if (!task) throw new AppError('TASK_NOT_FOUND', `no task ${task_id}`);
    const record = task.status === 'completed' ? await api.getSummary(task.conversation_id) : undefined;
    return c.json(statusBody(task, record, isStale), 200);
  });

  app.openapi(summaryRoute, async (c) => {
    const { conversation_id } = c.req.valid('param');
    const query = c.req.valid('query');
    const maxLength = query.max_length ?? deps.defaultMaxLength;
    const stored = await api.getSummary(conversation_id);
    if (stored && fits(stored, maxLength)) return c.json(summaryBody(stored, 'cache', isStale), 200);
    let { task, record } = await startOrJoin(api, conversation_id, maxLength, false);
    const waitMs = Math.min(query.wait ?? 0, deps.maxWaitMs);
    if (!record && !isTaskSettled(task) && waitMs > 0) task = (await api.waitForTask(task.task_id, waitMs)) ?? task;
    if (!record && task.status === 'completed') record = await api.getSummary(conversation_id);
    if (record) return c.json(summaryBody(record, 'live', isStale), 200);
    // A skipped task (too little content, error CONTENT_TOO_SHORT) is final like a failure: a 422 problem.
    if (task.status === 'failed') throw taskFailureProblem(task.error);
    if (task.status === 'skipped') throw taskFailureProblem(task.error ?? { code: 'CONTENT_TOO_SHORT', message: 'nothing to summarize' });
    return c.json(acceptedBody(task), 202);
  });
}
