// Classifies one notification text frame: heartbeat, system message, queue snapshot, or something to drop.
import {
  ChannelMetadataBodySchema,
  NotificationFrameSchema,
  QUEUE_TOPIC_PATTERN,
  QueueConversationSnapshotSchema,
  type QueueConversationSnapshot,
} from './schemas.js';

export type ClassifiedFrame =
  | { kind: 'heartbeat'; message?: string | undefined }
  | { kind: 'socket_closing' }
  | { kind: 'no_longer_subscribed'; topicName: string }
  | { kind: 'token_revoked'; topicName: string }
  | { kind: 'system'; topicName: string }
  | { kind: 'snapshot'; topicName: string; queueId: string; snapshot: QueueConversationSnapshot }
  | { kind: 'untopiced' }
  | { kind: 'unknown'; topicName: string }
  | { kind: 'invalid'; reason: string; topicName?: string };

/** Parses with zod and classifies; never throws. Reasons and topic names are safe to log, bodies are never returned raw. */
export function classifyFrame(text: string): ClassifiedFrame {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { kind: 'invalid', reason: 'not JSON' };
  }
  const frame = NotificationFrameSchema.safeParse(json);
  if (!frame.success) return { kind: 'invalid', reason: 'not a notification envelope' };
  const topicName = frame.data.topicName;
  if (!topicName) return { kind: 'untopiced' };
  if (topicName === 'channel.metadata') {
    const body = ChannelMetadataBodySchema.safeParse(frame.data.eventBody ?? {});
    return { kind: 'heartbeat', message: body.success ? body.data.message : undefined };
  }
  if (topicName === 'v2.system.socket_closing') return { kind: 'socket_closing' };
  if (topicName.startsWith('v2.system.no_longer_subscribed')) return { kind: 'no_longer_subscribed', topicName };
  if (topicName.startsWith('v2.system.token_revoked')) return { kind: 'token_revoked', topicName };
  if (topicName.startsWith('v2.system.')) return { kind: 'system', topicName };
  const match = QUEUE_TOPIC_PATTERN.exec(topicName);
  if (!match?.[1]) return { kind: 'unknown', topicName };
  const snapshot = QueueConversationSnapshotSchema.safeParse(frame.data.eventBody);
  if (!snapshot.success) return { kind: 'invalid', reason: 'queue snapshot failed validation', topicName };
  return { kind: 'snapshot', topicName, queueId: match[1], snapshot: snapshot.data };
}
