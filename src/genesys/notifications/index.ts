// Genesys notification side: channels, the WebSocket subscriber, frame schemas and the rule that says a conversation is over.
export { createEndedFilter, isConversationOver } from './end-detection.js';
export { createNotificationSubscriber, type ChannelStatus, type NotificationSubscriber } from './notifications.js';
export { QueueConversationSnapshotSchema, type QueueConversationSnapshot } from './schemas.js';
