// zod schemas of Genesys notification payloads: the frame envelope, heartbeats, system topics, queue conversation snapshots.
import { z } from 'zod';

/** Every text frame: `{topicName, version, eventBody, metadata}`; subscribe replies may lack topicName. */
export const NotificationFrameSchema = z.object({
  topicName: z.string().optional(),
  version: z.string().optional(),
  eventBody: z.unknown().optional(),
  metadata: z.object({ CorrelationId: z.string().optional() }).optional(),
});
export type NotificationFrame = z.infer<typeof NotificationFrameSchema>;

/** `channel.metadata` body: "WebSocket Heartbeat" or "pong". */
export const ChannelMetadataBodySchema = z.object({ message: z.string().optional() });

/** `v2.system.*` body (SystemMessageSystemMessage); every field optional because socket_closing's exact body is undocumented. */
export const SystemMessageBodySchema = z.object({
  channelId: z.string().optional(),
  systemTopicType: z.string().optional(),
  reason: z.string().optional(),
  message: z.string().optional(),
});

/** One media session (call, message, email, …) of a participant; only what end detection needs. */
export const SnapshotMediaSchema = z.object({
  id: z.string().optional(),
  state: z.string().optional(),
  disconnectType: z.string().optional(),
  connectedTime: z.string().optional(),
  disconnectedTime: z.string().optional(),
  afterCallWork: z.object({ state: z.string().optional(), startTime: z.string().optional(), endTime: z.string().optional() }).nullish(),
  afterCallWorkRequired: z.boolean().optional(),
});
export type SnapshotMedia = z.infer<typeof SnapshotMediaSchema>;

/** Media arrays carried by a participant, in QueueConversationEventTopicParticipant spelling. */
export const SNAPSHOT_MEDIA_KEYS = [
  'calls',
  'callbacks',
  'chats',
  'cobrowsesessions',
  'emails',
  'messages',
  'internalMessages',
  'screenMonitorings',
  'screenshares',
  'socialExpressions',
  'videos',
] as const;

const mediaList = z.array(SnapshotMediaSchema).optional();

export const SnapshotParticipantSchema = z.object({
  id: z.string().optional(),
  purpose: z.string().optional(),
  userId: z.string().optional(),
  queueId: z.string().optional(),
  connectedTime: z.string().optional(),
  endTime: z.string().optional(),
  wrapupRequired: z.boolean().optional(),
  wrapupExpected: z.boolean().optional(),
  wrapup: z.object({ code: z.string().optional(), endTime: z.string().optional() }).nullish(),
  startAcwTime: z.string().optional(),
  endAcwTime: z.string().optional(),
  calls: mediaList,
  callbacks: mediaList,
  chats: mediaList,
  cobrowsesessions: mediaList,
  emails: mediaList,
  messages: mediaList,
  internalMessages: mediaList,
  screenMonitorings: mediaList,
  screenshares: mediaList,
  socialExpressions: mediaList,
  videos: mediaList,
});
export type SnapshotParticipant = z.infer<typeof SnapshotParticipantSchema>;

/** eventBody of `v2.routing.queues.{id}.conversations`: a snapshot of the whole conversation (no conversation-level times). */
export const QueueConversationSnapshotSchema = z.object({
  id: z.string().min(1),
  participants: z.array(SnapshotParticipantSchema).default([]),
});
export type QueueConversationSnapshot = z.infer<typeof QueueConversationSnapshotSchema>;

/** Topic name of a queue's conversation snapshots. */
export const queueConversationsTopic = (queueId: string): string => `v2.routing.queues.${queueId}.conversations`;

/** Matches `v2.routing.queues.{id}.conversations` (not the media-suffixed variants). */
export const QUEUE_TOPIC_PATTERN = /^v2\.routing\.queues\.([^.]+)\.conversations$/;

/** REST `Channel` (POST /api/v2/notifications/channels). */
export const ChannelSchema = z.object({ id: z.string().min(1), connectUri: z.string().min(1), expires: z.string().optional() });
export type ChannelResponse = z.infer<typeof ChannelSchema>;

/** REST `ChannelTopicEntityListing` (PUT subscriptions). */
export const ChannelTopicListingSchema = z.object({
  entities: z.array(z.object({ id: z.string(), state: z.string().optional(), rejectionReason: z.string().optional() })).default([]),
});
