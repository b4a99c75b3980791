// The notification channels on several replicas: exactly one replica runs them, the one holding the 'channels' lease
// in Redis. A replica that takes the lease starts the channels and the backfill, which fills the gap since the
// checkpoint the previous holder last wrote; one that loses it stops them. Webhooks and the API run on every replica.
import type { Logger } from '../logger.js';
import { within } from '../deadline.js';
import { toAppError } from '../errors.js';
import { redisParts } from './replicas.js';
import type { Channels, Intake } from './types.js';

export interface LeasedChannelsOptions {
  redisUrl: string;
  replicaId: string;
  /** The lease's TTL: a dead holder is replaced within about 1⅓ of it. */
  ttlMs: number;
  logger: Logger;
  /** Starts the channels; `fence` says whether this replica still holds the lease (ask before a holder-only write). */
  start(fence: () => Promise<boolean>): Promise<Channels>;
}

/** Competes for the channel lease at once; runs the channels while holding it. */
export async function holdChannelsByLease(options: LeasedChannelsOptions): Promise<Intake> {
  const { logger } = options;
  let channels: Channels | undefined;
  const { createRedisLease } = await redisParts();
  const lease = createRedisLease({
    redisUrl: options.redisUrl,
    name: 'channels',
    replicaId: options.replicaId,
    ttlMs: options.ttlMs,
    logger,
    async onAcquired(token) {
      const startedAt = Date.now();
      try {
        channels = await options.start(() => lease.stillHeld());
        logger.info({ token, replica: options.replicaId, startMs: Date.now() - startedAt }, 'this replica now holds the notification channels');
      } catch (err) {
        logger.error({ err: toAppError(err).message }, 'could not start the notification channels; releasing the lease for another replica');
        // Not awaited: the release runs its own transition after this one.
        void lease.release();
      }
    },
    async onLost(reason) {
      const running = channels;
      channels = undefined;
      await running?.stop(2000);
      if (running) logger.warn({ reason, replica: options.replicaId }, 'this replica no longer holds the notification channels');
    },
  });
  lease.start();
  return {
    channels: () => channels,
    role: async () => ({ replica: options.replicaId, holder: await lease.holder(), leased: true }),
    stop: async (deadlineMs) => within(deadlineMs, lease.stop()),
  };
}
