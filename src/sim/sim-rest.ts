// REST routes for routing queues and notification channels/subscriptions.
import { MAX_TOPICS_PER_CHANNEL, TopicLimitError, type Channel } from './sim-channels.js';
import { badRequest, listing, notFound, paging, route, type Route, type RouteContext, type SimContext } from './sim-routes.js';
import type { SimQueue } from './sim-types.js';

function queueJson(queue: SimQueue, divisionId: string): Record<string, unknown> {
  return {
    id: queue.id,
    name: queue.name,
    division: { id: divisionId, name: 'Home', selfUri: `/api/v2/authorization/divisions/${divisionId}` },
    dateCreated: '2024-01-15T09:00:00.000Z',
    memberCount: 6,
    userMemberCount: 6,
    joinedMemberCount: 4,
    acwSettings: { wrapupPrompt: 'MANDATORY_TIMEOUT', timeoutMs: 300000 },
    skillEvaluationMethod: 'ALL',
    autoAnswerOnly: false,
    enableTranscription: true,
    enableAudioMonitoring: false,
    enableManualAssignment: false,
    selfUri: `/api/v2/routing/queues/${queue.id}`,
  };
}

function channelJson(sim: SimContext, channel: Channel): Record<string, unknown> {
  const ws = sim.baseUrl().replace(/^http/, 'ws');
  return { connectUri: `${ws}/channels/${channel.id}`, id: channel.id, expires: new Date(channel.expiresMs).toISOString() };
}

function topicIds(ctx: RouteContext): string[] | undefined {
  if (!Array.isArray(ctx.body)) return undefined;
  const ids = ctx.body.map((item: unknown) => (typeof item === 'object' && item !== null ? (item as { id?: unknown }).id : undefined));
  return ids.every((id): id is string => typeof id === 'string' && id.length > 0) ? ids : undefined;
}

function subscriptionsJson(channel: Channel): Record<string, unknown> {
  const selfUri = `/api/v2/notifications/channels/${channel.id}/subscriptions`;
  return { entities: [...channel.topics.keys()].map((id) => ({ id, state: 'Permitted', selfUri })) };
}

/** Queue and notification routes. */
export function platformRoutes(sim: SimContext, divisionId: string): Route[] {
  const findQueue = (id: string | undefined): SimQueue | undefined => sim.queues.find((q) => q.id === id);
  const withChannel = (fn: (ctx: RouteContext, channel: Channel) => ReturnType<Route['handle']>): Route['handle'] => (ctx) => {
    const channel = sim.channels.get(ctx.params[0] ?? '', ctx.clientId);
    return channel ? fn(ctx, channel) : notFound(ctx, `Channel ${ctx.params[0] ?? ''} not found`);
  };
  const changeSubscriptions = (mode: 'replace' | 'add'): Route['handle'] =>
    withChannel((ctx, channel) => {
      const ids = topicIds(ctx);
      if (!ids) return badRequest(ctx, 'Request body must be an array of topics with an id');
      if (ids.length > MAX_TOPICS_PER_CHANNEL) return badRequest(ctx, `Subscription limit exceeded: a channel can have at most ${MAX_TOPICS_PER_CHANNEL} topics`);
      try {
        const selfUri = `/api/v2/notifications/channels/${channel.id}/subscriptions`;
        const verdicts = sim.channels.subscribe(channel, ids, mode);
        return { status: 200, body: { entities: verdicts.map(({ id, state, rejectionReason }) => ({ id, state, rejectionReason, selfUri })) } };
      } catch (err) {
        if (err instanceof TopicLimitError) return badRequest(ctx, err.message);
        throw err;
      }
    });

  return [
    route('GET', '/api/v2/routing/queues', (ctx) => {
      const page = paging(ctx.query, 500);
      if (!page) return badRequest(ctx, 'Invalid paging parameters');
      const name = ctx.query.get('name');
      const matches = (q: SimQueue): boolean => !name || (name.endsWith('*') ? q.name.toLowerCase().startsWith(name.slice(0, -1).toLowerCase()) : q.name.toLowerCase() === name.toLowerCase());
      return { status: 200, body: listing(sim.queues.filter(matches).map((q) => queueJson(q, divisionId)), page, '/api/v2/routing/queues') };
    }),
    route('GET', '/api/v2/routing/queues/:queueId', (ctx) => {
      const queue = findQueue(ctx.params[0]);
      return queue ? { status: 200, body: queueJson(queue, divisionId) } : notFound(ctx);
    }),
    route('GET', '/api/v2/routing/queues/:queueId/wrapupcodes', (ctx) => {
      const queue = findQueue(ctx.params[0]);
      if (!queue) return notFound(ctx);
      const page = paging(ctx.query, 500);
      if (!page) return badRequest(ctx, 'Invalid paging parameters');
      const codes = queue.wrapupCodes.map((c) => ({ id: c.id, name: c.name, selfUri: `/api/v2/routing/wrapupcodes/${c.id}` }));
      return { status: 200, body: listing(codes, page, `/api/v2/routing/queues/${queue.id}/wrapupcodes`) };
    }),
    route('POST', '/api/v2/notifications/channels', (ctx) => ({ status: 200, body: channelJson(sim, sim.channels.create(ctx.clientId)) })),
    route('GET', '/api/v2/notifications/channels', (ctx) => ({ status: 200, body: { entities: sim.channels.ofClient(ctx.clientId).map((c) => channelJson(sim, c)) } })),
    route('HEAD', '/api/v2/notifications/channels/:channelId', withChannel(() => ({ status: 200 }))),
    route('GET', '/api/v2/notifications/channels/:channelId/subscriptions', withChannel((_ctx, channel) => ({ status: 200, body: subscriptionsJson(channel) }))),
    route('PUT', '/api/v2/notifications/channels/:channelId/subscriptions', changeSubscriptions('replace')),
    route('POST', '/api/v2/notifications/channels/:channelId/subscriptions', changeSubscriptions('add')),
    route(
      'DELETE',
      '/api/v2/notifications/channels/:channelId/subscriptions',
      withChannel((_ctx, channel) => {
        channel.topics = new Map();
        return { status: 200 };
      }),
    ),
  ];
}
