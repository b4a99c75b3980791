// The HTTP side of the composition root: the Hono app's dependencies and the readiness checks behind /readyz.
import { otherSecrets, type Config } from '../config.js';
import { createApiKeyRing } from '../config-keys.js';
import type { Logger } from '../logger.js';
import type { ChannelStatus } from '../genesys/notifications/index.js';
import { createTokenBuckets, type BackfillState } from '../pipeline/index.js';
import { createHttpApp, type CheckResult, type ReadinessCheck } from '../http/index.js';
import { isSummaryStale } from '../summarize/index.js';
import { snapshotIsOver } from './intake.js';
import { dashboardDeps } from './observability.js';
import type { ChannelRole, Core, Intake } from './types.js';

/** The HTTP app over the core (the intake appears once started: readiness reads it lazily). */
export function httpApp(config: Config, logger: Logger, core: Core, intake: () => Intake | undefined) {
  const { service, engine } = core;
  return createHttpApp({
    api: service,
    deliveries: core.deliveries.queue,
    readiness: readinessChecks(core, intake),
    replica: async () => {
      const role = await intake()?.role();
      return { id: core.replicaId, channel_holder: role ? (role.holder ?? null) : null };
    },
    apiKeys: createApiKeyRing({ keys: config.http.apiKeys, file: config.http.apiKeysFile, otherSecrets: otherSecrets(config), logger }),
    requestLimit: requestLimit(config.limits),
    bodyLimitBytes: config.http.bodyLimitBytes,
    maxWaitMs: config.http.maxWaitMs,
    defaultMaxLength: config.summary.maxLength,
    memoryTier: { changes: core.summaryChanges, maxEntries: config.store.summaryCacheMaxEntries, maxBytes: config.store.summaryCacheMaxBytes, ttlMs: config.store.summaryTtlSeconds * 1000 },
    isStale: (record) => isSummaryStale(record, engine.templateFor),
    logger: logger.child({ module: 'http' }),
    metrics: core.obs.metrics,
    metricsExposition: core.obs.prom,
    dashboard: dashboardDeps(core, intake),
    ...(config.webhookToken
      ? {
          webhook: {
            token: config.webhookToken,
            intake: (conversationId: string, source: 'webhook', client: string) => service.conversationEnded(conversationId, source, client),
            isConversationOver: snapshotIsOver,
          },
        }
      : {}),
  });
}

/** Each API key's request budget on /api/* (the same token buckets as its task budget; a rate of 0: no limit). */
function requestLimit(limits: Config['limits']): ((client: string) => number) | undefined {
  if (limits.apiRequestRatePerMin <= 0) return undefined;
  const buckets = createTokenBuckets({ ratePerMin: limits.apiRequestRatePerMin, burst: limits.apiRequestBurst });
  return (client) => buckets.take(client);
}

/**
 * /readyz: the store answers, the Genesys token is valid, every channel is open with every topic permitted. Public
 * answers show only ok and the state word; ids, queue counts, error texts and backfill windows are details
 * (GET /api/status, behind the API key).
 */
function readinessChecks(core: Core, intake: () => Intake | undefined): ReadinessCheck[] {
  return [
    { name: 'store', check: async () => ((await core.backend.ping()) ? { ok: true, state: 'up' } : { ok: false, state: 'down' }) },
    { name: 'genesys_auth', check: async () => genesysAuthCheck(core.genesys.authState()) },
    {
      name: 'notifications',
      check: async () => {
        const current = intake();
        const channels = current?.channels();
        if (channels) return socketCheck(channels.subscriber.state(), channels.queues);
        // Another replica holds the channels: this one serves the API and webhooks and stands by.
        if (current) return { ok: true, state: 'standby' };
        return { ok: false, state: 'starting' };
      },
    },
    {
      name: 'backfill',
      // Informational: a gap being filled is normal operation, not a reason to take the instance out of service.
      check: async () => (intake() && !intake()?.channels() ? { ok: true, state: 'standby' } : backfillCheck(intake()?.channels()?.backfill.state())),
    },
    {
      name: 'channels',
      // Informational: during a takeover nobody holds them for a few seconds; every replica stays in service.
      check: async () => channelsCheck(await intake()?.role()),
    },
  ];
}

/** Which replica holds the notification channels: this one (`held`), another (`standby`), or none right now (`unheld`). */
function channelsCheck(role: ChannelRole | undefined): CheckResult {
  if (!role) return { ok: true, state: 'starting' };
  const detail = { replica: role.replica, holder: role.holder ?? null, leased: role.leased };
  if (role.holder === undefined) return { ok: true, state: 'unheld', detail };
  return { ok: true, state: role.holder === role.replica ? 'held' : 'standby', detail };
}

function genesysAuthCheck(state: { ok: boolean; lastError?: string | undefined }): CheckResult {
  return state.ok ? { ok: true, state: 'valid' } : { ok: false, state: 'invalid', detail: { error: state.lastError ?? 'not logged in' } };
}

const SEVERITY: Record<ChannelStatus['state'], number> = { open: 0, connecting: 1, reconnecting: 2, closed: 3 };

/** The worst channel's state (then topics_rejected when all are open); the channels themselves are details. */
function socketCheck(channels: ChannelStatus[], queues: number): CheckResult {
  const detail = {
    queues,
    channels: channels.map((c) => ({
      channel_id: c.channelId,
      state: c.state,
      topics: c.topics,
      expires: c.expires,
      ...(c.lastMessageAt !== undefined ? { last_message_at: new Date(c.lastMessageAt).toISOString() } : {}),
      rejected_topics: c.rejectedTopicIds,
    })),
  };
  if (channels.length === 0) return { ok: false, state: 'no_channel', detail };
  const worst = channels.reduce((w, c) => (SEVERITY[c.state] > SEVERITY[w] ? c.state : w), 'open' as ChannelStatus['state']);
  if (worst !== 'open') return { ok: false, state: worst, detail };
  const rejected = channels.some((c) => c.rejectedTopics > 0);
  return rejected ? { ok: false, state: 'topics_rejected', detail } : { ok: true, state: 'open', detail };
}

function backfillCheck(state: BackfillState | undefined): CheckResult {
  if (!state) return { ok: true, state: 'starting' };
  const detail = {
    gap_open: state.gapOpen,
    queued: state.queued,
    ...(state.lastPassAt ? { last_pass_at: state.lastPassAt } : {}),
    ...(state.lastError ? { last_error: state.lastError } : {}),
  };
  return { ok: true, state: state.lastError ? 'failing' : state.gapOpen ? 'filling' : 'idle', detail };
}
