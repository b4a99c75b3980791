// Start-up of the intake: queue discovery, the notification channels, and the backfill of whatever they missed. On a
// redis:// store only the replica holding the channel lease runs them (channels.ts); webhooks and the API run everywhere.
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { toAppError } from '../errors.js';
import { within } from '../deadline.js';
import { createCheckpointStore, type CheckpointStore } from '../store/index.js';
import { discoverQueueIds, queryEndedConversations } from '../genesys/rest/index.js';
import { createNotificationSubscriber, isConversationOver, QueueConversationSnapshotSchema } from '../genesys/notifications/index.js';
import { createBackfill, createSnapshotIntake, streamHealthyUntil, type Backfill } from '../pipeline/index.js';
import { countingBackfillService } from './observability.js';
import { holdChannelsByLease } from './channels.js';
import { redisUrlOf } from './replicas.js';
import type { Channels, Closer, Core, Intake } from './types.js';

/**
 * One replica (sqlite://, memory://): the channels start now and run until stop. Several (redis://): this replica
 * competes for the channel lease and runs the channels only while it holds it.
 */
export async function startIntake(config: Config, logger: Logger, core: Core, closers: Closer[]): Promise<Intake> {
  const redisUrl = redisUrlOf(config);
  if (redisUrl) {
    const intake = await holdChannelsByLease({
      redisUrl,
      replicaId: core.replicaId,
      ttlMs: config.cluster.leaseTtlMs,
      logger: logger.child({ module: 'channel-lease' }),
      start: (fence) => startChannels(config, logger, core, fence),
    });
    closers.push(() => intake.stop(1000));
    return intake;
  }
  const channels = await startChannels(config, logger, core);
  closers.push(() => channels.stop(1000));
  return {
    channels: () => channels,
    role: async () => ({ replica: core.replicaId, holder: core.replicaId, leased: false }),
    stop: (deadlineMs) => channels.stop(deadlineMs),
  };
}

/**
 * Queue discovery, the notification socket, and the backfill (in the background) of the gap since the checkpoint.
 * `fence` (the lease's stillHeld) is asked before each checkpoint write: a replica that lost the lease never moves it.
 */
export async function startChannels(config: Config, logger: Logger, core: Core, fence?: () => Promise<boolean>): Promise<Channels> {
  const queueIds = await discoverQueueIds(core.genesys, config.genesys.queueIds);
  logger.info({ queues: queueIds.length }, 'watching queues');
  const checkpoints = createCheckpointStore({ keyv: core.backend.keyv('checkpoints'), logger: logger.child({ module: 'checkpoints' }) });
  const backfill: Backfill = createBackfill({
    query: (q) => queryEndedConversations(core.genesys, q),
    service: countingBackfillService(core.service, core.obs.metrics),
    checkpoints: fence ? fenced(checkpoints, fence, logger) : checkpoints,
    queueIds,
    // Never past an ended conversation whose task is still being written: its failure must stay within reach.
    healthyUntil: () => streamHealthyUntil(subscriber.state(), intake.oldestInFlight()),
    logger: logger.child({ module: 'backfill' }),
    ...config.backfill,
  });
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
  core.obs.prom.observe({ channels: () => subscriber.state() });
  const stop = async (deadlineMs: number): Promise<void> => {
    const endAt = Date.now() + deadlineMs;
    await backfill.stop(deadlineMs);
    await within(Math.max(0, endAt - Date.now()), subscriber.stop().catch((err: unknown) => logger.warn({ err: toAppError(err).message }, 'socket stop failed')));
  };
  try {
    await subscriber.start();
  } catch (err) {
    await stop(1000);
    throw err;
  }
  // After the socket is open: the gap since the last healthy moment (a restart, a crash, a takeover) is filled from analytics.
  backfill.start();
  return { subscriber, backfill, queues: queueIds.length, stop };
}

/** Checkpoint writes only while the fence holds (the lease is still this replica's in Redis). */
function fenced(checkpoints: CheckpointStore, fence: () => Promise<boolean>, logger: Logger): CheckpointStore {
  return {
    get: (name) => checkpoints.get(name),
    async set(name, atMs) {
      if (await fence()) return checkpoints.set(name, atMs);
      logger.warn({ checkpoint: name }, 'checkpoint not written: this replica no longer holds the channel lease');
    },
  };
}

/** Webhook deliveries of queue snapshots use the same end rule as the socket. */
export function snapshotIsOver(eventBody: unknown): boolean {
  const parsed = QueueConversationSnapshotSchema.safeParse(eventBody);
  return parsed.success && isConversationOver(parsed.data);
}
