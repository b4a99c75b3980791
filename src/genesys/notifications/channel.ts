// Notification channel REST: create a channel, subscribe its topics (reporting rejected ones), add topics, check it still exists.
import type { Logger } from '../../logger.js';
import { isAppError } from '../../errors.js';
import type { GenesysClient } from '../rest/index.js';
import { ChannelSchema, ChannelTopicListingSchema } from './schemas.js';
import { parseUpstream } from '../rest/index.js';

/** Genesys rejects more than this many topics per channel with 400. */
export const MAX_TOPICS_PER_CHANNEL = 1000;

export interface NotificationChannel {
  id: string;
  connectUri: string;
  /** ISO expiry as Genesys sent it ('' when absent). */
  expires: string;
  /** Epoch ms of `expires` (Infinity when absent or unparsable). */
  expiresAt: number;
  /** Topic ids Genesys answered with state "Rejected" (e.g. a missing permission). */
  rejectedTopics: string[];
}

type TopicListing = ReturnType<typeof ChannelTopicListingSchema.parse>;

/** Ids of topics in a subscription answer whose state is "Rejected"; logs them (names only). */
function rejectedIn(listing: TopicListing, channelId: string, logger: Logger): string[] {
  const rejected = listing.entities.filter((t) => t.state?.toLowerCase() === 'rejected').map((t) => t.id);
  if (rejected.length > 0) logger.warn({ channelId, rejected: rejected.slice(0, 20), count: rejected.length }, 'topics rejected (missing permissions?)');
  return rejected;
}

/** Splits topics into channel-sized groups. */
export function chunkTopics(topics: string[], size: number = MAX_TOPICS_PER_CHANNEL): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < topics.length; i += size) out.push(topics.slice(i, i + size));
  return out;
}

/** POST /api/v2/notifications/channels, then PUT its subscriptions. Rejected topics are logged (names only) and returned. */
export async function openChannel(client: GenesysClient, topics: string[], logger: Logger): Promise<NotificationChannel> {
  const raw = await client.call('postNotificationsChannels', (apis) => apis.notifications.postNotificationsChannels());
  const channel = parseUpstream(ChannelSchema, raw, 'postNotificationsChannels');
  const listing = parseUpstream(
    ChannelTopicListingSchema,
    await client.call('putNotificationsChannelSubscriptions', (apis) =>
      apis.notifications.putNotificationsChannelSubscriptions(channel.id, topics.map((id) => ({ id }))),
    ),
    'putNotificationsChannelSubscriptions',
  );
  const rejectedTopics = rejectedIn(listing, channel.id, logger);
  const expiresAt = channel.expires ? Date.parse(channel.expires) : Number.NaN;
  logger.info({ channelId: channel.id, topics: topics.length, expires: channel.expires }, 'notification channel subscribed');
  return {
    id: channel.id,
    connectUri: channel.connectUri,
    expires: channel.expires ?? '',
    expiresAt: Number.isFinite(expiresAt) ? expiresAt : Infinity,
    rejectedTopics,
  };
}

/** POST /api/v2/notifications/channels/{id}/subscriptions (adds to the list); resolves with the topics still rejected. */
export async function addSubscriptions(client: GenesysClient, channelId: string, topics: string[], logger: Logger): Promise<string[]> {
  const listing = parseUpstream(
    ChannelTopicListingSchema,
    await client.call('postNotificationsChannelSubscriptions', (apis) =>
      apis.notifications.postNotificationsChannelSubscriptions(channelId, topics.map((id) => ({ id }))),
    ),
    'postNotificationsChannelSubscriptions',
  );
  const stillRejected = new Set(rejectedIn(listing, channelId, logger));
  // Topics missing from the answer are treated as still rejected: only an explicit non-rejected state counts.
  const answered = new Set(listing.entities.map((t) => t.id));
  return topics.filter((t) => stillRejected.has(t) || !answered.has(t));
}

/**
 * DELETE /api/v2/notifications/channels/{id}/subscriptions: a channel wrapup left delivers nothing more to whoever may
 * still hold a socket on it. Best effort: a channel already gone (404) or any failure is only logged.
 */
export async function unsubscribeChannel(client: GenesysClient, channelId: string, logger: Logger): Promise<void> {
  try {
    await client.call('deleteNotificationsChannelSubscriptions', (apis) => apis.notifications.deleteNotificationsChannelSubscriptions(channelId));
    logger.info({ channelId }, 'left notification channel unsubscribed');
  } catch (err) {
    if (isAppError(err, 'NOT_FOUND')) return;
    logger.warn({ channelId, err: err instanceof Error ? err.message : String(err) }, 'could not unsubscribe a left notification channel');
  }
}

/** HEAD /api/v2/notifications/channels/{id}: false on 404, throws other failures. */
export async function channelExists(client: GenesysClient, channelId: string): Promise<boolean> {
  try {
    await client.call('headNotificationsChannel', (apis) => apis.notifications.headNotificationsChannel(channelId));
    return true;
  } catch (err) {
    if (isAppError(err, 'NOT_FOUND')) return false;
    throw err;
  }
}
