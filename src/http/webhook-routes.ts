// POST /webhooks/genesys: Genesys events (EventBridge API destination or a workflow's Data Action) → durable tasks.
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from './body-limit.js';
import { ConversationIdSchema } from '../domain.js';
import { AppError, isAppError } from '../errors.js';
import type { Logger } from '../logger.js';
import { clientOf, webhookAuth } from './auth.js';
import type { HttpDeps, WebhookDeps, WebhookTask } from './ports.js';
import { problemResponse } from './problem.js';
import { problem } from './schemas.js';
import {
  envelopeOf,
  WebhookAcceptedSchema,
  WebhookBodySchema,
  webhookValidationHook,
  type WebhookEvent,
} from './webhook-schemas.js';

export const WEBHOOK_PATH = '/webhooks/genesys';
/** EventBridge's own event size limit. */
export const DEFAULT_WEBHOOK_BODY_LIMIT = 262_144;

/**
 * Analytics detail events that mean "a party left": customer.end (also with TRANSFER-like disconnectTypes — the
 * pipeline confirms the end with GET /api/v2/conversations/{id} and retries while it is active, so early is safe),
 * user.end and acw (docs/genesys.md §5).
 */
const DETAIL_END_TOPIC = /^v2\.detail\.events\.conversation\.([^.]+)\.(?:customer\.end|user\.end|acw)$/;
/** Queue conversation snapshots (§3.2): the whole conversation, ended or not. */
const QUEUE_SNAPSHOT_TOPIC = /^v2\.routing\.queues\.[^.]+\.conversations$/;

/** Either header works (alternatives). Typed wide: an inferred union of object literals breaks route input typing. */
const webhookSecurity: Array<Record<string, string[]>> = [{ Bearer: [] }, { WebhookApiKey: [] }];

const webhookRoute = createRoute({
  method: 'post',
  path: WEBHOOK_PATH,
  tags: ['intake'],
  summary: 'Genesys conversation events: EventBridge events, notification envelopes, or arrays of either (≤ 100)',
  description:
    'Queues a summary for conversations that ended (detail customer.end / user.end / acw, queue snapshots that are ' +
    'over); other topics are acknowledged and ignored. 202 is sent only after every task is durably recorded, so ' +
    'retrying on 5xx is safe and redeliveries join the same task. Disabled (404) when no WEBHOOK_TOKEN is configured.',
  security: webhookSecurity,
  request: { body: { required: true, content: { 'application/json': { schema: WebhookBodySchema } } } },
  responses: {
    202: { description: 'Recorded', content: { 'application/json': { schema: WebhookAcceptedSchema } } },
    400: problem('Malformed JSON, wrong shape, invalid id, or topic/id mismatch (do not retry)'),
    401: problem('Missing or invalid webhook token'),
    404: problem('Webhook intake disabled (no WEBHOOK_TOKEN)'),
    413: problem('Body too large'),
    415: problem('Body is not JSON'),
    429: problem('The token started too many summaries: events before the limit are recorded; retry after Retry-After'),
    503: problem('Could not record the events (retry)'),
  },
});

/** What one event means for intake. */
export type Classified = { kind: 'ended'; conversationId: string; topic: string } | { kind: 'ignored'; topic: string };

function badEvent(code: 'BAD_REQUEST' | 'INVALID_ID', name: string, reason: string): AppError {
  return new AppError(code, `invalid event: ${name}`, { problem: { invalid_params: [{ name, reason }] } });
}

/** A conversation id from an event body field: a string (BAD_REQUEST) holding a UUID (INVALID_ID), lower-cased. */
function conversationIdAt(eventBody: Record<string, unknown>, field: string, name: string): string {
  const value = eventBody[field];
  if (typeof value !== 'string') throw badEvent('BAD_REQUEST', name, 'expected a conversation id string');
  if (!ConversationIdSchema.safeParse(value).success) throw badEvent('INVALID_ID', name, 'expected a UUID');
  return value.toLowerCase();
}

/** Decides what one event means; throws a 400 AppError for bad input. `at` names the event in messages. */
export function classifyEvent(
  event: WebhookEvent,
  at: string,
  isConversationOver: WebhookDeps['isConversationOver'],
): Classified {
  const { topicName: topic, eventBody } = envelopeOf(event);
  const prefix = `${at}${'detail' in event ? 'detail.' : ''}`;
  const detail = DETAIL_END_TOPIC.exec(topic);
  if (detail) {
    const conversationId = conversationIdAt(eventBody, 'conversationId', `${prefix}eventBody.conversationId`);
    if (detail[1]?.toLowerCase() !== conversationId) {
      const reason = 'names a different conversation than eventBody.conversationId';
      throw badEvent('BAD_REQUEST', `${prefix}topicName`, reason);
    }
    return { kind: 'ended', conversationId, topic };
  }
  if (!QUEUE_SNAPSHOT_TOPIC.test(topic)) return { kind: 'ignored', topic };
  const conversationId = conversationIdAt(eventBody, 'id', `${prefix}eventBody.id`);
  let over: boolean;
  try {
    over = isConversationOver(eventBody);
  } catch {
    throw badEvent('BAD_REQUEST', `${prefix}eventBody`, 'not a queue conversation snapshot');
  }
  return (over ? { kind: 'ended', conversationId, topic } : { kind: 'ignored', topic });
}

/** Topic names and conversation ids only, never bodies. */
function logEvent(log: Logger, event: Classified): void {
  const topic = event.topic.slice(0, 200);
  if (event.kind === 'ended') log.info({ topic, conversationId: event.conversationId }, 'conversation end event');
  else log.debug({ topic }, 'event ignored');
}

interface Recorded {
  tasks: WebhookTask[];
  /** Conversations Genesys recently answered 404 for: acknowledged, nothing started. */
  notFound: string[];
}

/**
 * Records each distinct conversation in turn. A spent task budget stops the batch with 429 (Retry-After): what was
 * recorded stays recorded, and the sender's redelivery joins it for free. Any other failure means "not recorded,
 * send again" (503).
 */
async function recordAll(webhook: WebhookDeps, conversationIds: string[], client: string, log: Logger): Promise<Recorded> {
  const recorded: Recorded = { tasks: [], notFound: [] };
  for (const conversationId of conversationIds) {
    try {
      const { task_id, status, conversation_id } = await webhook.intake(conversationId, 'webhook', client);
      recorded.tasks.push({ conversation_id, task_id, status });
    } catch (err) {
      if (isAppError(err, 'CONVERSATION_NOT_FOUND')) {
        recorded.notFound.push(conversationId);
        continue;
      }
      if (isAppError(err, 'TOO_MANY_REQUESTS')) {
        const left = conversationIds.length - recorded.tasks.length - recorded.notFound.length;
        log.info({ recorded: recorded.tasks.length, left }, 'webhook task budget spent; asking the sender to retry');
        throw err;
      }
      log.warn({ conversationId }, 'could not record an ended conversation; asking the sender to retry');
      // An outage that says so (store down, shutting down) goes out as it is; anything else is asked to be retried.
      if (isAppError(err) && err.retryable) throw err;
      const message = 'could not record the event; retry later';
      throw new AppError('STORE_UNAVAILABLE', message, { cause: err, retryable: true });
    }
  }
  return recorded;
}


/** Adds POST /webhooks/genesys with its own auth and body limit (it is outside /api/*). */
export function registerWebhookRoutes(app: OpenAPIHono, deps: HttpDeps): void {
  const log = deps.logger.child({ module: 'webhook' });
  const limit = deps.webhookBodyLimitBytes ?? DEFAULT_WEBHOOK_BODY_LIMIT;
  app.use(WEBHOOK_PATH, webhookAuth(deps.webhook?.token));
  app.use(WEBHOOK_PATH, bodyLimit({ maxBytes: limit }));
  const apiKeyScheme = { type: 'apiKey', in: 'header', name: 'x-api-key' } as const;
  app.openAPIRegistry.registerComponent('securitySchemes', 'WebhookApiKey', apiKeyScheme);

  app.openapi(
    webhookRoute,
    async (c) => {
      const webhook = deps.webhook;
      if (!webhook) throw new AppError('NOT_FOUND', 'webhook intake is disabled');
      const body = c.req.valid('json');
      const events = Array.isArray(body) ? body : [body];
      const at = (i: number) => (Array.isArray(body) ? `${i}.` : '');
      const classified = events.map((event, i) => classifyEvent(event, at(i), webhook.isConversationOver));
      const ended = classified.filter((e) => e.kind === 'ended');
      for (const e of classified) {
        logEvent(log, e);
        deps.metrics?.eventReceived('webhook', e.topic, e.kind === 'ended');
      }
      const ids = [...new Set(ended.map((e) => e.conversationId))];
      const { tasks, notFound } = await recordAll(webhook, ids, clientOf(c) ?? '', log);
      const accepted = { accepted: ended.length, ignored: classified.length - ended.length, tasks };
      return c.json(notFound.length > 0 ? { ...accepted, not_found: notFound } : accepted, 202);
    },
    // Problems are plain Responses, not typed route responses (the library types its own defaultHook as `any`).
    (result, c) => webhookValidationHook(result, c) as never,
  );
}
