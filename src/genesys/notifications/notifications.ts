// Queue-conversation notifications: channels of ≤1,000 `v2.routing.queues.{id}.conversations` topics, kept connected.
import type { Logger } from '../../logger.js';
import { chunkTopics } from './channel.js';
import { createChannelSlot, type ChannelSlot, type ChannelStatus } from './channel-slot.js';
import { DEFAULT_REJECTED_TOPIC_RETRY, type RejectedTopicRetryPolicy } from './rejected-topics.js';
import type { GenesysClient } from '../rest/index.js';
import { queueConversationsTopic, type QueueConversationSnapshot } from './schemas.js';
import { defaultWebSocketFactory, type WebSocketFactory } from './socket.js';

export type { ChannelStatus } from './channel-slot.js';
export type { RejectedTopicRetryPolicy } from './rejected-topics.js';
export type { WebSocketFactory } from './socket.js';

export interface NotificationSubscriberOptions {
  client: GenesysClient;
  logger: Logger;
  /** Queues whose conversation snapshots to receive. */
  queueIds: string[];
  /** No frame for this long → drop the socket and reconnect. Pings go out every third of it. */
  heartbeatTimeoutMs: number;
  reconnect: { baseDelayMs: number; maxDelayMs: number };
  /** Called for every valid snapshot (also repeats); errors and rejections are logged, never thrown back. */
  onSnapshot(snapshot: QueueConversationSnapshot, meta: { queueId: string; topicName: string }): void | Promise<void>;
  /** Called on every channel state change. */
  onState?(states: ChannelStatus[]): void;
  /**
   * Called when a socket is open again after a gap. Events during the gap are lost (Genesys does not replay):
   * backfill from `downSinceMs` (epoch ms the socket went down, or the last frame before the channel stopped
   * delivering: no_longer_subscribed, token_revoked, a channel that expired before it could be replaced).
   */
  onReconnected?(info: { channelId: string; downSinceMs: number }): void;
  /** @default (url) => new WebSocket(url) from `ws` */
  webSocketFactory?: WebSocketFactory;
  /** Move to a fresh channel this long before `expires`. @default 600000 */
  rotateAheadMs?: number;
  /**
   * Re-subscribing topics Genesys rejected (state "Rejected", e.g. a permission granted later).
   * @default { maxAttempts: 5, baseDelayMs: 60000, maxDelayMs: 900000 }
   */
  rejectedTopicRetry?: Partial<RejectedTopicRetryPolicy>;
  /** @default Date.now */
  now?: () => number;
  /** @default Math.random */
  random?: () => number;
}

export interface NotificationSubscriber {
  /** Creates channels, subscribes, connects. Rejects when Genesys REST fails (e.g. GENESYS_AUTH_FAILED). */
  start(): Promise<void>;
  /** Clears every timer and closes every socket. */
  stop(): Promise<void>;
  /** One entry per channel, including `rejectedTopics` (count) and `rejectedTopicIds` per channel. */
  state(): ChannelStatus[];
  /** True when there is at least one channel and every channel's socket is open. */
  isConnected(): boolean;
  /** Every topic id currently rejected by Genesys across channels (empty when all are subscribed). */
  rejectedTopics(): string[];
}

/** Creates the subscriber; nothing connects until start(). */
export function createNotificationSubscriber(options: NotificationSubscriberOptions): NotificationSubscriber {
  const logger = options.logger.child({ module: 'notifications' });
  let slots: ChannelSlot[] = [];
  const state = (): ChannelStatus[] => slots.map((s) => s.status());

  function deliver(snapshot: QueueConversationSnapshot, meta: { queueId: string; topicName: string }): void {
    const fail = (err: unknown): void =>
      logger.error({ conversationId: snapshot.id, err: err instanceof Error ? err.message : String(err) }, 'onSnapshot failed');
    try {
      const result = options.onSnapshot(snapshot, meta);
      if (result && typeof result.then === 'function') result.then(undefined, fail);
    } catch (err) {
      fail(err);
    }
  }

  const slotDeps: Parameters<typeof createChannelSlot>[0] = {
    client: options.client,
    logger,
    factory: options.webSocketFactory ?? defaultWebSocketFactory,
    heartbeatTimeoutMs: options.heartbeatTimeoutMs,
    reconnect: options.reconnect,
    rotateAheadMs: options.rotateAheadMs ?? 600_000,
    rejectedTopicRetry: { ...DEFAULT_REJECTED_TOPIC_RETRY, ...options.rejectedTopicRetry },
    now: options.now ?? Date.now,
    random: options.random ?? Math.random,
    onSnapshot: deliver,
    onReconnected: (info) => {
      logger.info({ channelId: info.channelId, downForMs: slotDeps.now() - info.downSinceMs }, 'notification socket back after a gap');
      options.onReconnected?.(info);
    },
    onChange: () => options.onState?.(state()),
  };

  return {
    async start() {
      const topics = [...new Set(options.queueIds)].map(queueConversationsTopic);
      if (topics.length === 0) logger.warn('no queues to watch: no notification channel opened');
      slots = chunkTopics(topics).map((group) => createChannelSlot(slotDeps, group));
      try {
        await Promise.all(slots.map((s) => s.start()));
      } catch (err) {
        for (const s of slots) s.stop();
        throw err;
      }
    },
    async stop() {
      for (const s of slots) s.stop();
    },
    state,
    isConnected: () => slots.length > 0 && slots.every((s) => s.status().state === 'open'),
    rejectedTopics: () => slots.flatMap((s) => s.status().rejectedTopicIds),
  };
}
