// Start-up of the intake: queue discovery, the notification socket, and the backfill of whatever it missed.
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { createCheckpointStore } from '../store/index.js';
import { discoverQueueIds, queryEndedConversations } from '../genesys/rest/index.js';
import { createNotificationSubscriber, isConversationOver, QueueConversationSnapshotSchema } from '../genesys/notifications/index.js';
import { createBackfill, createSnapshotIntake, streamHealthyUntil, type Backfill } from '../pipeline/index.js';
import { countingBackfillService } from './observability.js';
import type { Closer, Core, Intake } from './types.js';

/** Queue discovery, the notification socket, and the backfill of whatever it missed (in the background). */
export async function startIntake(config: Config, logger: Logger, core: Core, closers: Closer[]): Promise<Intake> {
  const queueIds = await discoverQueueIds(core.genesys, config.genesys.queueIds);
  logger.info({ queues: queueIds.length }, 'watching queues');
  const backfill: Backfill = createBackfill({
    query: (q) => queryEndedConversations(core.genesys, q),
    service: countingBackfillService(core.service, core.obs.metrics),
    checkpoints: createCheckpointStore({ keyv: core.backend.keyv('checkpoints'), logger: logger.child({ module: 'checkpoints' }) }),
    queueIds,
    // Never past an ended conversation whose task is still being written: its failure must stay within reach.
    healthyUntil: () => streamHealthyUntil(subscriber.state(), intake.oldestInFlight()),
    logger: logger.child({ module: 'backfill' }),
    ...config.backfill,
  });
  closers.push(() => backfill.stop(1000));
  const intake = createSnapshotIntake({
    service: core.service,
    logger: logger.child({ module: 'intake' }),
    onFailure: (conversationId, _error, receivedAt) => backfill.onIntakeFailure(conversationId, receivedAt),
  });
  const subscriber = createNotificationSubscriber({
    client: core.genesys,
    logger: logger.child({ module: 'notifications' }),
    queueIds,
    heartbeatTimeoutMs: config.genesys.heartbeatTimeoutMs,
    reconnect: config.genesys.reconnect,
    onSnapshot: (snapshot, meta) => {
      core.obs.metrics.eventReceived('socket', meta.topicName, isConversationOver(snapshot));
      return intake.onSnapshot(snapshot);
    },
    onReconnected: (info) => {
      core.obs.metrics.socketReconnected();
      backfill.onGap(`socket ${info.channelId} reconnected`);
    },
  });
  closers.push(() => subscriber.stop());
  core.obs.prom.observe({ channels: () => subscriber.state() });
  await subscriber.start();
  // After the socket is open: the gap since the last healthy moment (a restart, a crash) is filled from analytics.
  backfill.start();
  return { subscriber, backfill, queues: queueIds.length };
}

/** Webhook deliveries of queue snapshots use the same end rule as the socket. */
export function snapshotIsOver(eventBody: unknown): boolean {
  const parsed = QueueConversationSnapshotSchema.safeParse(eventBody);
  return parsed.success && isConversationOver(parsed.data);
}

