// Genesys Cloud simulator: one loopback http server speaking OAuth, Platform API REST and notification WebSockets.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { silentLogger } from '../logger.js';
import { SCENARIOS } from './scenarios.js';
import { createAuth } from './sim-auth.js';
import { createChannelStore, type ChannelStore } from './sim-channels.js';
import { createLifecycle } from './sim-lifecycle.js';
import { createRandom } from './sim-random.js';
import { conversationRoutes } from './sim-rest-conversations.js';
import { platformRoutes } from './sim-rest.js';
import type { SimContext } from './sim-routes.js';
import { createRequestHandler, type FaultState } from './sim-server.js';
import { createSocketHub } from './sim-socket.js';
import type { GenesysSim, SimOptions, SimQueue, SimStats } from './sim-types.js';

export type * from './sim-types.js';
export { SCENARIOS, findScenario } from './scenarios.js';

/** Three queues with fixed UUIDs, used when SimOptions.queues is not given. */
export const DEFAULT_QUEUES: SimQueue[] = [
  {
    id: '7d4e2b9a-3f61-4c8e-9a12-5b0c6e1f8a01',
    name: 'Billing & Payments',
    wrapupCodes: [
      { id: '0b6f3c21-94a7-4d2e-8c15-a3e9f7d10b11', name: 'Refund issued' },
      { id: '1c7a4d32-a5b8-4e3f-9d26-b4fa08e21c12', name: 'Billing question answered' },
    ],
  },
  {
    id: '2c9f5a17-8b3e-4d62-a0f4-91e7c35d2b02',
    name: 'Technical Support',
    wrapupCodes: [
      { id: '2d8b5e43-b6c9-4f40-8e37-c50b19f32d13', name: 'Issue resolved' },
      { id: '3e9c6f54-c7da-4051-9f48-d61c2a043e14', name: 'Escalated to engineering' },
    ],
  },
  {
    id: 'e81b6d04-5a29-4f7c-b3d8-60a2f94c1e03',
    name: 'Customer Care',
    wrapupCodes: [
      { id: '4fad7065-d8eb-4162-8a59-e72d3b154f15', name: 'Account updated' },
      { id: '50be8176-e9fc-4273-9b6a-f83e4c265016', name: 'Follow-up required' },
    ],
  },
];

const ORGANIZATION_ID = '9a1e4c7b-2d5f-4e80-b3c6-7f0a1d2e3b4c';
const DIVISION_ID = 'c0ffee00-1234-4abc-8def-0123456789ab';

/** Starts the simulator on 127.0.0.1 (port 0 by default) and resolves once it listens. */
export async function startGenesysSim(options: SimOptions = {}): Promise<GenesysSim> {
  const host = options.host ?? '127.0.0.1';
  const clientId = options.clientId ?? 'sim-client-id';
  const clientSecret = options.clientSecret ?? 'sim-client-secret';
  const queues = options.queues ?? DEFAULT_QUEUES;
  const logger = (options.logger ?? silentLogger()).child({ module: 'genesys-sim' });
  const rng = createRandom(options.seed ?? 1);
  const now = (): number => Date.now();
  let baseUrl = '';
  const stats: SimStats = { requests: [], socketsOpened: 0, tokensIssued: 0 };
  const auth = createAuth({ clientId, clientSecret, tokenTtlSeconds: options.tokenTtlSeconds ?? 86399, rateLimitPerMinute: options.rateLimitPerMinute ?? 300, now });
  Object.defineProperty(stats, 'tokensIssued', { get: () => auth.tokensIssued(), enumerable: true });

  const hub = createSocketHub({ channels: () => channels, heartbeatIntervalMs: options.heartbeatIntervalMs ?? 30_000, rng, logger, onOpen: () => void (stats.socketsOpened += 1) });
  const channels: ChannelStore = createChannelStore({ channelTtlMs: options.channelTtlMs ?? 86_400_000, rng, now, queueIds: new Set(queues.map((q) => q.id)), onRemove: (c) => hub.closeChannelSocket(c) });
  const sim: SimContext = {
    queues, records: new Map(), channels, baseUrl: () => baseUrl, rng, now, organizationId: ORGANIZATION_ID,
    nullFields: options.nullFields ?? false, endTimeAfterAcw: options.endTimeAfterAcw ?? false, asrVoice: options.asrVoice ?? true,
    transcriptDelayMs: options.transcriptDelayMs ?? 0, transcriptUrlTtlMs: options.transcriptUrlTtlMs ?? 600_000, transcriptUrls: new Map(),
  };
  const faultState: FaultState = { rateLimit: { remaining: 0, retryAfterSeconds: 1 }, fail: { remaining: 0, status: 503, pathPrefix: undefined }, tokenDownUntilMs: 0 };
  const routes = [...platformRoutes(sim, DIVISION_ID), ...conversationRoutes(sim)];
  const handler = createRequestHandler({ sim, auth, routes, faults: faultState, stats, logger, apiLatencyMs: options.apiLatencyMs ?? 0 });
  const lifecycle = createLifecycle({
    sim, scenarios: SCENARIOS, divisionId: DIVISION_ID, wrapupDelayMs: options.wrapupDelayMs ?? 0, publish: (topic, body) => void hub.publish(topic, body),
  });

  const server = createServer((req, res) => void handler(req, res));
  server.on('upgrade', (req, socket, head) => hub.handleUpgrade(req, socket, head));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  baseUrl = `http://${host}:${(server.address() as AddressInfo).port}`;
  logger.debug({ url: baseUrl }, 'genesys sim listening');

  const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
  return {
    url: baseUrl,
    clientId,
    clientSecret,
    queues,
    scenarios: [...SCENARIOS],
    startConversation: (opts) => lifecycle.start(opts),
    endConversation: (id) => lifecycle.end(id),
    async playConversation(opts = {}) {
      const started = lifecycle.start(opts);
      const duration = opts.durationMs ?? 50;
      await sleep(duration / 2);
      lifecycle.during(started.id);
      await sleep(duration / 2);
      lifecycle.end(started.id);
      return lifecycle.view(started.id) ?? started;
    },
    getConversation: (id) => lifecycle.view(id),
    faults: {
      rateLimitNext(count, retryAfterSeconds = 1) {
        faultState.rateLimit = { remaining: count, retryAfterSeconds };
      },
      failNext(count, status = 503, pathPrefix) {
        faultState.fail = { remaining: count, status, pathPrefix };
      },
      tokenDownFor(ms) {
        faultState.tokenDownUntilMs = now() + ms;
      },
      dropSockets: () => hub.dropSockets(),
      socketClosing: (graceMs) => hub.socketClosing(graceMs),
      silenceHeartbeats: (silent, opts) => hub.silenceHeartbeats(silent, opts?.dropEvents ?? false),
      expireChannels: () => channels.clear(),
      noLongerSubscribed(channelId) {
        const message = 'Channel is no longer subscribed: another channel subscribed to its topics';
        for (const channel of hub.systemMessage('no_longer_subscribed', { reason: 'another_channel_subscribed', message }, channelId)) channel.topics = new Map();
      },
      tokenRevoked() {
        hub.systemMessage('token_revoked', { reason: 'user_tokens_revoked', oauthClientId: clientId, message: 'The token was revoked' });
        auth.revokeAll();
      },
    },
    stats,
    connectedSockets: () => hub.connectedSockets(),
    async close() {
      lifecycle.close();
      channels.clear();
      hub.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
