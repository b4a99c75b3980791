// The outbound-webhook delivery log: per conversation (GET /api/deliveries?conversation_id=) and per event
// (GET /api/webhooks/deliveries/{event_id}): status, attempts with their HTTP status codes, the next attempt. Never a
// URL, a secret or the payload.
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { DeliveryEventTypeSchema, type DeliveryRecord } from '../domain.js';
import { AppError } from '../errors.js';
import type { DeliveryLog } from './ports.js';
import { problem } from './schemas.js';

const uuidExample = '5b0c8a0e-3c1f-4a55-9d57-1b8f6f7c2a10';
const eventExample = 'msg_2bV0yQ7f1sDk3LrXw9Zp4MnT8aE';

const DeliveriesQuerySchema = z.object({
  conversation_id: z
    .uuid()
    .transform((id) => id.toLowerCase())
    .openapi({ param: { name: 'conversation_id', in: 'query' }, example: uuidExample }),
});

const EventParamsSchema = z.object({
  event_id: z
    .string()
    .regex(/^msg_[A-Za-z0-9_-]{1,64}$/, 'must be an event id (msg_…)')
    .openapi({ param: { name: 'event_id', in: 'path' }, example: eventExample }),
});

const DeliveryStatusSchema = z.enum(['pending', 'sending', 'delivered', 'failed']);

const DeliverySchema = z
  .object({
    delivery_id: z.string(),
    event_id: z.string().openapi({ description: 'The webhook-id header: the same on every attempt', example: eventExample }),
    event_type: DeliveryEventTypeSchema,
    conversation_id: z.string(),
    endpoint: z.string().openapi({ description: "The endpoint's configured name" }),
    status: DeliveryStatusSchema.openapi({ description: 'pending (waiting for its first or next attempt), sending, delivered (a 2xx), failed (given up)' }),
    attempts: z.number().int(),
    created_at: z.string(),
    updated_at: z.string(),
    next_attempt_at: z.string().nullable().openapi({ description: 'When the next attempt is due; null when none will be made' }),
    delivered_at: z.string().optional(),
    last_error: z
      .object({ code: z.string(), message: z.string(), details: z.record(z.string(), z.unknown()).optional() })
      .optional()
      .openapi({ description: 'Why the last attempt failed, or why delivery stopped' }),
    attempt_log: z
      .array(z.object({ at: z.string(), status_code: z.number().int().optional(), error: z.string().optional(), duration_ms: z.number() }))
      .openapi({ description: 'The most recent attempts (20), oldest first' }),
  })
  .openapi('Delivery');

const ConversationDeliveriesSchema = z.object({ conversation_id: z.string(), deliveries: z.array(DeliverySchema) }).openapi('ConversationDeliveries');
const EventDeliveriesSchema = z.object({ event_id: z.string(), deliveries: z.array(DeliverySchema) }).openapi('EventDeliveries');

const json = <T>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });
const security = [{ Bearer: [] }];
const common = { 400: problem('Invalid input'), 401: problem('Missing or invalid API key'), 503: problem('The store is unavailable') };

const byConversationRoute = createRoute({
  method: 'get',
  path: '/api/deliveries',
  tags: ['webhooks'],
  summary: 'Outbound webhook deliveries about one conversation (the newest 100), oldest first',
  security,
  request: { query: DeliveriesQuerySchema },
  responses: { 200: json(ConversationDeliveriesSchema, 'The deliveries (an empty list when there are none)'), ...common },
});

const byEventRoute = createRoute({
  method: 'get',
  path: '/api/webhooks/deliveries/{event_id}',
  tags: ['webhooks'],
  summary: 'One outbound webhook event: its delivery to each endpoint, with every attempt',
  security,
  request: { params: EventParamsSchema },
  responses: { 200: json(EventDeliveriesSchema, 'The deliveries of the event'), ...common, 404: problem('Unknown event (or its log expired)') },
});

const STATUS: Record<DeliveryRecord['status'], z.infer<typeof DeliveryStatusSchema>> = {
  pending: 'pending',
  processing: 'sending',
  completed: 'delivered',
  failed: 'failed',
  skipped: 'failed',
};

/** The wire form of a delivery record: its status in delivery words, the next attempt, no payload. */
export function deliveryBody(d: DeliveryRecord): z.infer<typeof DeliverySchema> {
  const next = d.status === 'pending' ? new Date(d.not_before ?? Date.parse(d.updated_at)).toISOString() : null;
  return {
    delivery_id: d.task_id,
    event_id: d.event_id,
    event_type: d.event_type,
    conversation_id: d.conversation_id,
    endpoint: d.endpoint,
    status: STATUS[d.status],
    attempts: d.attempts,
    created_at: d.created_at,
    updated_at: d.updated_at,
    next_attempt_at: next,
    ...(d.delivered_at === undefined ? {} : { delivered_at: d.delivered_at }),
    ...(d.error === undefined ? {} : { last_error: { code: d.error.code, message: d.error.message, ...(d.error.details ? { details: d.error.details } : {}) } }),
    attempt_log: d.attempt_log,
  };
}

/** Adds the delivery log routes (auth applies to /api/*). */
export function registerDeliveryRoutes(app: OpenAPIHono, log: DeliveryLog): void {
  app.openapi(byConversationRoute, async (c) => {
    const { conversation_id } = c.req.valid('query');
    const deliveries = await log.byConversation(conversation_id);
    return c.json({ conversation_id, deliveries: deliveries.map(deliveryBody) }, 200);
  });

  app.openapi(byEventRoute, async (c) => {
    const { event_id } = c.req.valid('param');
    const deliveries = await log.byEvent(event_id);
    if (deliveries.length === 0) throw new AppError('DELIVERY_NOT_FOUND', `no webhook event ${event_id}`);
    return c.json({ event_id, deliveries: deliveries.map(deliveryBody) }, 200);
  });
}
