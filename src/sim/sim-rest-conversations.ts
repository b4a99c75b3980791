// REST routes for conversations, analytics details, STA transcript URLs, message bodies and emails.
import { randomBytes } from 'node:crypto';
import { analyticsConversation, QueryError, runDetailsQuery } from './sim-analytics.js';
import { emailMessage, emailPreviews, messageData } from './sim-content.js';
import { mediaConversation, restConversation } from './sim-conversations.js';
import { badRequest, notFound, route, type Route, type RouteContext, type RouteResult, type SimContext } from './sim-routes.js';
import type { ConvRecord } from './sim-timeline.js';

const MEDIA_PATH = { calls: 'voice', messages: 'message', emails: 'email' } as const;

/** Conversation content and analytics routes. */
export function conversationRoutes(sim: SimContext): Route[] {
  const withRecord = (fn: (ctx: RouteContext, record: ConvRecord) => RouteResult, media?: ConvRecord['mediaType']): Route['handle'] => (ctx) => {
    const record = sim.records.get(ctx.params[0] ?? '');
    if (!record || (media && record.mediaType !== media)) return notFound(ctx, `Conversation ${ctx.params[0] ?? ''} not found`);
    return fn(ctx, record);
  };

  const transcriptUrl = withRecord((ctx, record) => {
    const communicationId = ctx.params[1] ?? '';
    const known = communicationId === record.customer.commId || communicationId === record.agent.commId;
    const ready = record.endedWallMs !== null && sim.now() >= record.endedWallMs + sim.transcriptDelayMs;
    if (record.mediaType !== 'voice' || !known || !ready) return notFound(ctx, 'No transcript found for the requested communication');
    const token = randomBytes(24).toString('hex');
    const expiresSeconds = Math.max(1, Math.ceil(sim.transcriptUrlTtlMs / 1000));
    sim.transcriptUrls.set(token, { conversationId: record.id, communicationId, expiresMs: sim.now() + sim.transcriptUrlTtlMs });
    const amzDate = new Date(sim.now()).toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '');
    const url = `${sim.baseUrl()}/sta-transcripts/${token}.json?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=${amzDate}&X-Amz-Expires=${expiresSeconds}&X-Amz-SignedHeaders=host&X-Amz-Signature=${token.slice(0, 32)}`;
    return { status: 200, body: { url } };
  });

  const bulk = withRecord((ctx, record) => {
    if (!Array.isArray(ctx.body) || !ctx.body.every((id) => typeof id === 'string')) return badRequest(ctx, 'Request body must be an array of message ids');
    if (ctx.body.length > 1000) return badRequest(ctx, 'The max messages you can request in the body is 1,000');
    // docs/genesys.md §7: `useNormalizedMessage=true` adds normalizedMessage; without it only textBody etc. (SDK 262's
    // wrapper drops the parameter, so our client sends it through ApiClient.callApi).
    const normalized = ctx.query.get('useNormalizedMessage') === 'true';
    const byId = new Map(record.turns.map((turn) => [turn.id, turn]));
    const entities = (ctx.body as string[]).flatMap((id) => {
      const turn = byId.get(id);
      return turn ? [messageData(record, turn, normalized)] : [];
    });
    return { status: 200, body: { entities, selfUri: `/api/v2/conversations/messages/${record.id}/messages/bulk` } };
  }, 'message');

  const routes: Route[] = [
    route('GET', '/api/v2/conversations/messages/:conversationId/messages/:messageId', withRecord((ctx, record) => {
      const turn = record.turns.find((t) => t.id === ctx.params[1]);
      return turn ? { status: 200, body: messageData(record, turn, ctx.query.get('useNormalizedMessage') === 'true') } : notFound(ctx);
    }, 'message')),
    route('POST', '/api/v2/conversations/messages/:conversationId/messages/bulk', bulk),
    route('GET', '/api/v2/conversations/emails/:conversationId/messages', withRecord((_ctx, record) => ({ status: 200, body: emailPreviews(record) }), 'email')),
    route('GET', '/api/v2/conversations/emails/:conversationId/messages/:messageId', withRecord((ctx, record) => {
      const message = emailMessage(record, ctx.params[1] ?? '');
      return message ? { status: 200, body: message } : notFound(ctx);
    }, 'email')),
    route('GET', '/api/v2/speechandtextanalytics/conversations/:conversationId/communications/:communicationId/transcripturl', transcriptUrl),
    route('GET', '/api/v2/analytics/conversations/:conversationId/details', withRecord((_ctx, record) => ({ status: 200, body: analyticsConversation(record, sim.endTimeAfterAcw) }))),
    route('GET', '/api/v2/analytics/conversations/details', (ctx) => {
      const ids = (ctx.query.get('id') ?? '').split(',').filter(Boolean);
      if (ids.length === 0) return badRequest(ctx, 'id is required');
      const conversations = ids.flatMap((id) => {
        const record = sim.records.get(id);
        return record ? [analyticsConversation(record, sim.endTimeAfterAcw)] : [];
      });
      return { status: 200, body: conversations.length > 0 ? { conversations } : {} };
    }),
    route('POST', '/api/v2/analytics/conversations/details/query', (ctx) => {
      if (typeof ctx.body !== 'object' || ctx.body === null || Array.isArray(ctx.body)) return badRequest(ctx, 'A ConversationQuery body is required');
      try {
        return { status: 200, body: runDetailsQuery([...sim.records.values()], ctx.body as Record<string, unknown>, sim.endTimeAfterAcw) };
      } catch (err) {
        if (err instanceof QueryError) return badRequest(ctx, err.message);
        throw err;
      }
    }),
  ];
  for (const [segment, media] of Object.entries(MEDIA_PATH)) {
    routes.push(route('GET', `/api/v2/conversations/${segment}/:conversationId`, withRecord((_ctx, record) => ({ status: 200, body: mediaConversation(record) }), media)));
  }
  routes.push(route('GET', '/api/v2/conversations/:conversationId', withRecord((_ctx, record) => ({ status: 200, body: restConversation(record, sim.endTimeAfterAcw) }))));
  return routes;
}
