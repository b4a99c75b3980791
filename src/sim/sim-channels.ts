// Notification channels: creation with the 20-per-client limit, expiry, subscriptions, and publishing to open sockets.
import type { WebSocket } from 'ws';
import type { SimRandom } from './sim-random.js';
import { checkTopic, type TopicVerdict } from './sim-topics.js';

export interface Channel {
  id: string;
  clientId: string;
  createdMs: number;
  expiresMs: number;
  lastUsedMs: number;
  /** Subscribed topic id → concrete topic names. */
  topics: Map<string, string[]>;
  socket: WebSocket | null;
  expiryTimer: NodeJS.Timeout;
}

export interface ChannelStoreOptions {
  channelTtlMs: number;
  rng: SimRandom;
  now: () => number;
  queueIds: ReadonlySet<string>;
  /** Called when a channel goes away (expiry, eviction): closes its socket. */
  onRemove: (channel: Channel) => void;
}

export const MAX_CHANNELS_PER_CLIENT = 20;
export const MAX_TOPICS_PER_CHANNEL = 1000;

/** A subscription request exceeding MAX_TOPICS_PER_CHANNEL. */
export class TopicLimitError extends Error {}

/** Creates the channel registry. */
export function createChannelStore(options: ChannelStoreOptions) {
  const channels = new Map<string, Channel>();
  let sequence = 0;

  function remove(channel: Channel): void {
    clearTimeout(channel.expiryTimer);
    channels.delete(channel.id);
    options.onRemove(channel);
  }

  function evictIfFull(clientId: string): void {
    const owned = [...channels.values()].filter((c) => c.clientId === clientId);
    if (owned.length < MAX_CHANNELS_PER_CLIENT) return;
    const byAge = (x: Channel, y: Channel): number => x.lastUsedMs - y.lastUsedMs;
    const idle = owned.filter((c) => !c.socket).sort(byAge);
    const victim = idle[0] ?? owned.sort(byAge)[0];
    if (victim) remove(victim);
  }

  /** POST /api/v2/notifications/channels. */
  function create(clientId: string): Channel {
    evictIfFull(clientId);
    const now = options.now();
    const id = `streaming-${sequence++ % 10}-${options.rng.base36(26)}`;
    const channel: Channel = {
      id, clientId, createdMs: now, expiresMs: now + options.channelTtlMs, lastUsedMs: now, topics: new Map(), socket: null,
      expiryTimer: setTimeout(() => remove(channel), options.channelTtlMs),
    };
    channel.expiryTimer.unref();
    channels.set(id, channel);
    return channel;
  }

  /** A live channel by id (owned by clientId when given). */
  function get(id: string, clientId?: string): Channel | undefined {
    const channel = channels.get(id);
    if (!channel || (clientId !== undefined && channel.clientId !== clientId)) return undefined;
    if (channel.expiresMs <= options.now()) {
      remove(channel);
      return undefined;
    }
    return channel;
  }

  /** PUT (replace) or POST (add) subscriptions; returns the verdict for every requested topic. */
  function subscribe(channel: Channel, ids: string[], mode: 'replace' | 'add'): TopicVerdict[] {
    const verdicts = ids.map((id) => checkTopic(id, options.queueIds));
    const next = mode === 'replace' ? new Map<string, string[]>() : new Map(channel.topics);
    for (const v of verdicts) if (v.state === 'Permitted') next.set(v.id, v.expanded);
    if (next.size > MAX_TOPICS_PER_CHANNEL) throw new TopicLimitError(`Subscription limit exceeded: a channel can have at most ${MAX_TOPICS_PER_CHANNEL} topics`);
    channel.topics = next;
    channel.lastUsedMs = options.now();
    return verdicts;
  }

  /** Channels whose open socket should receive a frame on `topic`. */
  function listeners(topic: string): Channel[] {
    return [...channels.values()].filter((c) => c.socket && [...c.topics.values()].some((names) => names.includes(topic)));
  }

  return {
    create,
    get,
    subscribe,
    listeners,
    remove,
    all: (): Channel[] => [...channels.values()],
    ofClient: (clientId: string): Channel[] => [...channels.values()].filter((c) => c.clientId === clientId),
    clear(): void {
      for (const channel of [...channels.values()]) remove(channel);
    },
  };
}

export type ChannelStore = ReturnType<typeof createChannelStore>;
