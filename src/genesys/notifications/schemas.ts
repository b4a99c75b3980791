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

/**
 * Lenient field: Genesys may send null (nothing guarantees absent fields are omitted) or, in fields we don't rely on,
 * an unexpected type. Either becomes undefined instead of failing the whole snapshot: one odd field must never cost us
 * a conversation's end.
 */
const lenient = <T extends z.ZodType>(schema: T) => schema.nullish().catch(undefined);
const text = lenient(z.string());
const flag = lenient(z.boolean());

/**
 * One media session (call, message, email, …) of a participant; only what end detection needs, extra keys kept.
 * An entry that is not even an object parses as `{}`: no state, so it counts as still open (never a false end).
 */
export const SnapshotMediaSchema = z.looseObject({
  id: text,
  state: text,
  disconnectType: text,
  connectedTime: text,
  disconnectedTime: text,
  afterCallWork: lenient(z.looseObject({ state: text, startTime: text, endTime: text })),
  afterCallWorkRequired: flag,
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

const mediaList = lenient(z.array(SnapshotMediaSchema.catch({})));

/** One participant; every field lenient, extra keys kept. A participant that is not an object parses as `{}`. */
export const SnapshotParticipantSchema = z.looseObject({
  id: text,
  purpose: text,
  userId: text,
  queueId: text,
  connectedTime: text,
  endTime: text,
  wrapupRequired: flag,
  wrapupExpected: flag,
  wrapup: lenient(z.looseObject({ code: text, endTime: text })),
  startAcwTime: text,
  endAcwTime: text,
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

/**
 * eventBody of `v2.routing.queues.{id}.conversations`: a snapshot of the whole conversation (no conversation-level
 * times). Only `id` is strict; a missing, null or malformed participant list reads as empty (never "over").
 */
export const QueueConversationSnapshotSchema = z.looseObject({
  id: z.string().min(1),
  participants: z
    .array(SnapshotParticipantSchema.catch({}))
    .nullish()
    .transform((list) => list ?? [])
    .catch([]),
});
export type QueueConversationSnapshot = z.infer<typeof QueueConversationSnapshotSchema>;

/** Topic name of a queue's conversation snapshots. */
export const queueConversationsTopic = (queueId: string): string => `v2.routing.queues.${queueId}.conversations`;

/** Matches `v2.routing.queues.{id}.conversations` (not the media-suffixed variants). */
export const QUEUE_TOPIC_PATTERN = /^v2\.routing\.queues\.([^.]+)\.conversations$/;

/** REST `Channel` (POST /api/v2/notifications/channels). */
export const ChannelSchema = z.looseObject({ id: z.string().min(1), connectUri: z.string().min(1), expires: z.string().nullish().catch(undefined) });
export type ChannelResponse = z.infer<typeof ChannelSchema>;

/** REST `ChannelTopicEntityListing` (PUT subscriptions). */
export const ChannelTopicListingSchema = z.object({
  entities: z.array(z.looseObject({ id: z.string(), state: z.string().nullish(), rejectionReason: z.string().nullish() })).nullish().transform((e) => e ?? []),
});
