// Cross-replica invalidation of cached summaries: a replica that replaces a conversation's summary publishes its id on
// a Redis pub/sub channel; every other replica's memory tier drops that entry. Pub/sub is at-most-once: while the
// subscription is down (a Redis restart) messages are lost, so on every re-subscription listeners hear `undefined`,
// meaning "anything may have changed: drop everything".
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Logger } from '../logger.js';
import type { SummaryInvalidation } from './invalidation.js';

/** Pub/sub on `<prefix>:summaries:replaced`; two connections (a subscribed one cannot publish). */
export function createRedisInvalidation(options: { redisUrl: string; logger: Logger; prefix?: string }): SummaryInvalidation {
  const channel = `${options.prefix ?? 'wrapup'}:summaries:replaced`;
  const self = randomUUID();
  const connect = (): Redis => {
    const redis = new Redis(options.redisUrl, { maxRetriesPerRequest: 1, retryStrategy: (times) => Math.min(2000, 50 * 2 ** Math.min(times, 6)) });
    redis.on('error', (err) => options.logger.debug({ err: err.message }, 'invalidation redis connection error'));
    return redis;
  };
  const pub = connect();
  const sub = connect();
  const listeners = new Set<(conversationId: string | undefined) => void>();
  const notify = (id: string | undefined): void => {
    for (const listener of [...listeners]) {
      try {
        listener(id);
      } catch (err) {
        options.logger.error({ err: (err as Error).message }, 'summary invalidation listener threw');
      }
    }
  };
  let subscribedOnce = false;
  sub.on('ready', () => {
    // ioredis re-subscribes by itself after a reconnect; whatever was published meanwhile is gone.
    if (subscribedOnce) notify(undefined);
    subscribedOnce = true;
  });
  void sub.subscribe(channel).catch((err: Error) => options.logger.warn({ err: err.message }, 'summary invalidation: subscribe failed'));
  sub.on('message', (_channel: string, message: string) => {
    const sep = message.indexOf(' ');
    if (sep < 0 || message.slice(0, sep) === self) return;
    notify(message.slice(sep + 1));
  });
  return {
    async replaced(conversationId) {
      await pub.publish(channel, `${self} ${conversationId}`).catch((err: Error) => options.logger.warn({ err: err.message }, 'summary invalidation: publish failed'));
    },
    onReplaced(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      listeners.clear();
      await Promise.allSettled([pub.quit(), sub.quit()]);
    },
  };
}
