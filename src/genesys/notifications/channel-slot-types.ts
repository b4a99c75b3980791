// Types of a channel slot: its dependencies, its public handle and the status it reports.
import type { Logger } from '../../logger.js';
import type { GenesysClient } from '../rest/index.js';
import type { RejectedTopicRetryPolicy } from './rejected-topics.js';
import type { QueueConversationSnapshot } from './schemas.js';
import type { WebSocketFactory } from './socket.js';

export type SlotState = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface ChannelStatus {
  channelId: string;
  state: SlotState;
  topics: number;
  expires: string;
  lastMessageAt?: number;
  /** How many of this channel's topics Genesys rejected (missing permission?); retried a few times with backoff. */
  rejectedTopics: number;
  /** The rejected topic ids (topic names only, no secrets). */
  rejectedTopicIds: string[];
}

export interface SlotDeps {
  client: GenesysClient;
  logger: Logger;
  factory: WebSocketFactory;
  heartbeatTimeoutMs: number;
  reconnect: { baseDelayMs: number; maxDelayMs: number };
  rotateAheadMs: number;
  rejectedTopicRetry: RejectedTopicRetryPolicy;
  now: () => number;
  random: () => number;
  onSnapshot(snapshot: QueueConversationSnapshot, meta: { queueId: string; topicName: string }): void;
  onReconnected(info: { channelId: string; downSinceMs: number }): void;
  onChange(): void;
}

export interface ChannelSlot {
  /** Creates the channel (REST errors propagate) and resolves once the first socket opened or failed. */
  start(): Promise<void>;
  stop(): void;
  status(): ChannelStatus;
}
