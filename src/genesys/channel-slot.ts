// One group of ≤1,000 topics kept connected: a channel, its socket, reconnects, socket_closing hand-over, rotation before expiry.
import type { Logger } from '../logger.js';
import { backoffDelay } from './backoff.js';
import { channelExists, openChannel, type NotificationChannel } from './channel.js';
import type { GenesysClient } from './client.js';
import { classifyFrame } from './frames.js';
import type { QueueConversationSnapshot } from './schemas.js';
import { connectSocket, type LiveSocket, type WebSocketFactory } from './socket.js';

export type SlotState = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface ChannelStatus {
  channelId: string;
  state: SlotState;
  topics: number;
  expires: string;
  lastMessageAt?: number;
}

export interface SlotDeps {
  client: GenesysClient;
  logger: Logger;
  factory: WebSocketFactory;
  heartbeatTimeoutMs: number;
  reconnect: { baseDelayMs: number; maxDelayMs: number };
  rotateAheadMs: number;
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

const MAX_TIMER_MS = 2 ** 31 - 1;

/** Creates a slot for `topics`; nothing happens until start(). */
export function createChannelSlot(deps: SlotDeps, topics: string[]): ChannelSlot {
  const log = deps.logger;
  let channel: (NotificationChannel & { receivedAt: number }) | undefined;
  let socket: LiveSocket | undefined;
  let pending: LiveSocket | undefined;
  let state: SlotState = 'connecting';
  let stopped = false;
  let needsNewChannel = false;
  let failures = 0;
  let downSince: number | undefined;
  let lastMessageAt: number | undefined;
  let reconnectTimer: NodeJS.Timeout | undefined;
  let rotateTimer: NodeJS.Timeout | undefined;

  const setState = (next: SlotState): void => {
    if (state !== next) {
      state = next;
      deps.onChange();
    }
  };

  /** Rotate `rotateAheadMs` before expiry, or halfway for channels that live shorter than that (no tight loops). */
  function rotationDueAt(c: NotificationChannel & { receivedAt: number }): number {
    const lifetime = c.expiresAt - c.receivedAt;
    return c.expiresAt - Math.min(deps.rotateAheadMs, lifetime / 2);
  }

  function scheduleRotation(): void {
    clearTimeout(rotateTimer);
    if (!channel || !Number.isFinite(channel.expiresAt)) return;
    const wait = Math.min(MAX_TIMER_MS, Math.max(0, rotationDueAt(channel) - deps.now()));
    rotateTimer = setTimeout(() => void rotate('channel expiry ahead'), wait);
  }

  /** Opens a socket to the current channel; when `replace`, the old socket stays up until the new one is open. */
  function connect(replace: boolean): Promise<boolean> {
    const target = channel;
    if (!target) return Promise.resolve(false);
    if (!replace) {
      socket?.close();
      socket = undefined;
    }
    pending?.close();
    return new Promise((resolve) => {
      const s: LiveSocket = connectSocket({
        url: target.connectUri,
        factory: deps.factory,
        heartbeatTimeoutMs: deps.heartbeatTimeoutMs,
        pingIntervalMs: Math.max(1, Math.floor(deps.heartbeatTimeoutMs / 3)),
        logger: log.child({ channelId: target.id }),
        onOpen: () => {
          onOpen(s, target);
          resolve(true);
        },
        onMessage: (text) => onFrame(text),
        onClose: (reason) => {
          onSocketGone(s, reason);
          resolve(false);
        },
      });
      pending = s;
    });
  }

  function onOpen(s: LiveSocket, target: NotificationChannel): void {
    if (pending !== s) return;
    const old = socket;
    socket = s;
    pending = undefined;
    old?.close(true);
    failures = 0;
    setState('open');
    log.info({ channelId: target.id }, 'notification socket open');
    scheduleRotation();
    if (downSince !== undefined) {
      const since = downSince;
      downSince = undefined;
      deps.onReconnected({ channelId: target.id, downSinceMs: since });
    }
  }

  function onSocketGone(s: LiveSocket, reason: string): void {
    if (stopped) return;
    if (s === pending) {
      pending = undefined;
      if (socket?.isOpen()) return log.warn({ reason }, 'replacement socket failed; keeping the current one');
    } else if (s === socket) {
      socket = undefined;
      if (pending) return; // a replacement is on its way
    } else {
      return;
    }
    log.warn({ channelId: channel?.id, reason }, 'notification socket lost');
    scheduleReconnect();
  }

  function scheduleReconnect(): void {
    if (stopped) return;
    downSince ??= deps.now();
    failures += 1;
    setState('reconnecting');
    clearTimeout(reconnectTimer);
    const delayMs = backoffDelay(failures, deps.reconnect, deps.random);
    reconnectTimer = setTimeout(() => void reconnect(), delayMs);
  }

  async function reconnect(): Promise<void> {
    try {
      const expiring = !channel || deps.now() >= rotationDueAt(channel);
      if (needsNewChannel || expiring || !(await channelExists(deps.client, channel!.id))) await renewChannel();
      if (stopped) return;
      await connect(false);
    } catch (err) {
      log.warn({ err: err instanceof Error ? err.message : String(err) }, 'reconnect failed');
      scheduleReconnect();
    }
  }

  async function renewChannel(): Promise<void> {
    const next = await openChannel(deps.client, topics, log);
    if (stopped) return;
    channel = { ...next, receivedAt: deps.now() };
    needsNewChannel = false;
    deps.onChange();
  }

  /** New channel + subscriptions, then a socket to it; the old socket closes once the new one is open. */
  async function rotate(reason: string): Promise<void> {
    if (stopped) return;
    log.info({ channelId: channel?.id, reason }, 'moving to a new notification channel');
    try {
      await renewChannel();
      if (!stopped) await connect(true);
    } catch (err) {
      log.warn({ err: err instanceof Error ? err.message : String(err) }, 'channel rotation failed; retrying');
      needsNewChannel = true;
      clearTimeout(rotateTimer);
      rotateTimer = setTimeout(() => void rotate(reason), backoffDelay(1, deps.reconnect, deps.random));
    }
  }

  function onFrame(text: string): void {
    lastMessageAt = deps.now();
    const frame = classifyFrame(text);
    switch (frame.kind) {
      case 'snapshot':
        return deps.onSnapshot(frame.snapshot, { queueId: frame.queueId, topicName: frame.topicName });
      case 'socket_closing':
        log.info({ channelId: channel?.id }, 'socket_closing: opening a replacement socket');
        void connect(true);
        return;
      case 'no_longer_subscribed':
        needsNewChannel = true;
        void rotate('no_longer_subscribed');
        return;
      case 'system':
      case 'unknown':
        return log.info({ topicName: frame.topicName }, 'dropping notification with unhandled topic');
      case 'invalid':
        return log.warn({ reason: frame.reason, topicName: frame.topicName }, 'dropping invalid notification frame');
      default:
        return; // heartbeats, pongs, subscribe replies: liveness only
    }
  }

  return {
    async start() {
      stopped = false;
      setState('connecting');
      await renewChannel();
      if (stopped) return;
      const opened = await connect(false);
      if (!opened && !stopped) log.warn({ channelId: channel?.id }, 'first connect failed; reconnecting in background');
    },
    stop() {
      stopped = true;
      clearTimeout(reconnectTimer);
      clearTimeout(rotateTimer);
      pending?.close();
      socket?.close();
      pending = undefined;
      socket = undefined;
      setState('closed');
    },
    status() {
      return {
        channelId: channel?.id ?? '',
        state,
        topics: topics.length,
        expires: channel?.expires ?? '',
        ...(lastMessageAt !== undefined ? { lastMessageAt } : {}),
      };
    },
  };
}
