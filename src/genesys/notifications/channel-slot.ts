// One group of ≤1,000 topics kept connected: a channel, its socket, reconnects, socket_closing hand-over, atomic rotation,
// and never going back to a channel whose socket was lost (it may have been taken over).
import { backoffDelay } from '../../backoff.js';
import { channelExists, openChannel, unsubscribeChannel, type NotificationChannel } from './channel.js';
import { classifyFrame } from './frames.js';
import type { ChannelSlot, ChannelStatus, SlotDeps, SlotState } from './channel-slot-types.js';
import { createRejectedTopics } from './rejected-topics.js';
import { connectSocket, HEARTBEAT_TIMEOUT, type LiveSocket } from './socket.js';

export type { ChannelSlot, ChannelStatus, SlotDeps, SlotState } from './channel-slot-types.js';

type SlotChannel = NotificationChannel & { receivedAt: number };
interface Pending {
  socket: LiveSocket;
  target: SlotChannel;
  settle(opened: boolean): void;
}

const MAX_TIMER_MS = 2 ** 31 - 1;
const errText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** Creates a slot for `topics`; nothing happens until start(). */
export function createChannelSlot(deps: SlotDeps, topics: string[]): ChannelSlot {
  const log = deps.logger;
  let channel: SlotChannel | undefined;
  let socket: LiveSocket | undefined;
  let pending: Pending | undefined;
  let state: SlotState = 'connecting';
  let stopped = false;
  /** The current channel no longer delivers (no_longer_subscribed, token_revoked): only a new one helps. */
  let needsNewChannel = false;
  /** Channels this slot moved away from: unsubscribed once a socket on the new channel is open. */
  const left = new Set<string>();
  let rotating = false;
  let failures = 0;
  let rotationFailures = 0;
  /** Start of the current delivery gap (epoch ms); reported through onReconnected once a socket is open again. */
  let downSince: number | undefined;
  let lastMessageAt: number | undefined;
  let reconnectTimer: NodeJS.Timeout | undefined;
  let rotateTimer: NodeJS.Timeout | undefined;
  const rejected = createRejectedTopics({ client: deps.client, logger: log, policy: deps.rejectedTopicRetry, random: deps.random, onChange: deps.onChange });

  const setState = (next: SlotState): void => {
    if (state !== next) {
      state = next;
      deps.onChange();
    }
  };

  /** Events from `since` on may be lost: remember the earliest such moment and stop reporting healthy. */
  function markGap(since: number): void {
    downSince = Math.min(downSince ?? since, since);
    setState('reconnecting');
  }

  /** Rotate `rotateAheadMs` before expiry, or halfway for channels that live shorter than that (no tight loops). */
  function rotationDueAt(c: SlotChannel): number {
    return c.expiresAt - Math.min(deps.rotateAheadMs, (c.expiresAt - c.receivedAt) / 2);
  }

  function scheduleRotation(delayMs?: number): void {
    clearTimeout(rotateTimer);
    if (!channel || !Number.isFinite(channel.expiresAt)) return;
    const wait = delayMs ?? rotationDueAt(channel) - deps.now();
    rotateTimer = setTimeout(() => void rotate('channel expiry ahead'), Math.min(MAX_TIMER_MS, Math.max(0, wait)));
  }

  function useChannel(next: SlotChannel): void {
    if (channel && channel.id !== next.id) left.add(channel.id);
    channel = next;
    needsNewChannel = false;
    rejected.reset(next.id, next.rejectedTopics);
    deps.onChange();
  }

  function closePending(): void {
    const p = pending;
    pending = undefined;
    p?.socket.close();
    p?.settle(false);
  }

  /** Opens a socket to `target`; when `replace`, the current socket stays up until the new one is open. */
  function connectTo(target: SlotChannel, replace: boolean): Promise<boolean> {
    if (!replace) {
      socket?.close();
      socket = undefined;
    }
    closePending();
    return new Promise((resolve) => {
      const p: Pending = { target, settle: resolve, socket: undefined as unknown as LiveSocket };
      pending = p;
      p.socket = connectSocket({
        url: target.connectUri,
        factory: deps.factory,
        heartbeatTimeoutMs: deps.heartbeatTimeoutMs,
        pingIntervalMs: Math.max(1, Math.floor(deps.heartbeatTimeoutMs / 3)),
        logger: log.child({ channelId: target.id }),
        onOpen: () => onOpen(p),
        onMessage: (text) => onFrame(p.socket, text),
        onClose: (reason) => onSocketGone(p.socket, reason),
      });
    });
  }

  /** The new socket is open: only now does the slot switch to its channel (atomic rotation) and drop the old socket. */
  function onOpen(p: Pending): void {
    if (pending !== p) return;
    pending = undefined;
    const old = socket;
    socket = p.socket;
    if (p.target !== channel) useChannel(p.target);
    old?.close(true);
    failures = 0;
    setState('open');
    log.info({ channelId: p.target.id }, 'notification socket open');
    unsubscribeLeftChannels(p.target.id);
    scheduleRotation();
    p.settle(true);
    if (downSince !== undefined) {
      const since = downSince;
      downSince = undefined;
      deps.onReconnected({ channelId: p.target.id, downSinceMs: since });
    }
  }

  /** In the background, after the new socket is open, so it never delays delivery. */
  function unsubscribeLeftChannels(current: string): void {
    for (const id of left) if (id !== current) void unsubscribeChannel(deps.client, id, log);
    left.clear();
  }

  function onSocketGone(s: LiveSocket, reason: string): void {
    if (stopped) return;
    if (pending?.socket === s) {
      const p = pending;
      pending = undefined;
      p.settle(false);
      if (socket?.isOpen()) return log.warn({ reason }, 'replacement socket failed; keeping the current one');
      if (rotating) return; // the rotation decides what comes next
    } else if (s === socket) {
      socket = undefined;
      if (pending && pending.target === channel && !rotating) return; // socket_closing hand-over: the server swaps sockets
      if (pending || rotating) return markGap(deps.now()); // a new channel is on its way; events until it opens are lost
      if (reason !== HEARTBEAT_TIMEOUT) return closedUnderUs(reason);
    } else {
      return;
    }
    log.warn({ channelId: channel?.id, reason }, 'notification socket lost');
    scheduleReconnect();
  }

  /**
   * Genesys closed our open socket, or it failed. "A second WebSocket with the same channel ID disconnects the first",
   * with no documented close code or frame that tells that apart from a drop (genesys-api.md §2.3): it may be a
   * takeover by someone who learned the channel id, and going back would fight them for it (each connect kicks the
   * other). Move to a new channel (its id unknown to them); the old one is unsubscribed once the new socket is open,
   * and the gap is backfilled as for any reconnect. (A socket our watchdog dropped for silence was not closed by
   * Genesys: it reconnects to the same channel.)
   */
  function closedUnderUs(reason: string): void {
    log.warn({ channelId: channel?.id, reason }, 'notification socket closed (dropped, or taken over by another connection to the channel); moving to a new channel');
    needsNewChannel = true;
    scheduleReconnect();
  }

  function scheduleReconnect(since: number = deps.now()): void {
    if (stopped) return;
    clearTimeout(rotateTimer);
    markGap(since);
    failures += 1;
    clearTimeout(reconnectTimer);
    reconnectTimer = setTimeout(() => void reconnect(), backoffDelay(failures, deps.reconnect, deps.random));
  }

  async function reconnect(): Promise<void> {
    try {
      const expiring = !channel || deps.now() >= rotationDueAt(channel);
      if (needsNewChannel || expiring || !(await channelExists(deps.client, channel!.id))) await renewChannel();
      if (stopped || !channel) return;
      await connectTo(channel, false);
    } catch (err) {
      log.warn({ err: errText(err) }, 'reconnect failed');
      scheduleReconnect();
    }
  }

  /** Reconnect path (no live socket): a new channel replaces the current one at once. */
  async function renewChannel(): Promise<void> {
    const next = await openChannel(deps.client, topics, log);
    if (!stopped) useChannel({ ...next, receivedAt: deps.now() });
  }

  /** The old channel expired before a rotation could succeed: drop its socket and reconnect (which records the gap). */
  function fallBackToReconnect(reason: string): void {
    const expiredAt = channel && Number.isFinite(channel.expiresAt) ? channel.expiresAt : deps.now();
    log.warn({ channelId: channel?.id, reason }, 'old channel expired before rotation succeeded; reconnecting');
    socket?.close();
    socket = undefined;
    closePending();
    needsNewChannel = true;
    scheduleReconnect(Math.min(deps.now(), expiredAt));
  }

  /**
   * Atomic move to a new channel: create + subscribe it and open its socket while the old channel and socket stay
   * as they are; switch only once the new socket is open. On failure keep the old ones and retry with backoff.
   */
  async function rotate(reason: string): Promise<void> {
    if (stopped || rotating) return;
    if (channel && deps.now() >= channel.expiresAt) return fallBackToReconnect(reason);
    rotating = true;
    clearTimeout(rotateTimer);
    log.info({ channelId: channel?.id, reason }, 'moving to a new notification channel');
    try {
      const next = await openChannel(deps.client, topics, log);
      if (stopped) return;
      if (!(await connectTo({ ...next, receivedAt: deps.now() }, true))) throw new Error('socket to the new channel did not open');
      rotationFailures = 0;
    } catch (err) {
      if (!stopped) onRotationFailed(reason, err);
    } finally {
      rotating = false;
    }
  }

  function onRotationFailed(reason: string, err: unknown): void {
    rotationFailures += 1;
    if (!socket?.isOpen()) {
      log.warn({ err: errText(err), reason }, 'channel rotation failed and no socket is left; reconnecting');
      return scheduleReconnect();
    }
    const delayMs = backoffDelay(rotationFailures, deps.reconnect, deps.random);
    log.warn({ err: errText(err), reason, retryInMs: delayMs }, 'channel rotation failed; keeping the current channel');
    clearTimeout(rotateTimer);
    rotateTimer = setTimeout(() => void rotate(reason), delayMs);
  }

  /** The channel stopped delivering (its subscriptions are gone): a gap since the last frame known healthy. */
  function channelLost(kind: 'no_longer_subscribed' | 'token_revoked', healthyAt: number | undefined): void {
    log.warn({ channelId: channel?.id, kind }, 'notification channel no longer delivers; moving to a new one');
    needsNewChannel = true;
    markGap(healthyAt ?? deps.now());
    if (kind === 'token_revoked') deps.client.invalidateToken();
    void rotate(kind);
  }

  function onFrame(s: LiveSocket, text: string): void {
    const healthyAt = lastMessageAt;
    lastMessageAt = deps.now();
    const frame = classifyFrame(text);
    switch (frame.kind) {
      case 'snapshot':
        return deps.onSnapshot(frame.snapshot, { queueId: frame.queueId, topicName: frame.topicName });
      case 'socket_closing':
        if (s !== socket || !channel) return;
        log.info({ channelId: channel.id }, 'socket_closing: opening a replacement socket');
        if (!rotating) void connectTo(channel, true);
        return;
      case 'no_longer_subscribed':
      case 'token_revoked':
        if (s !== socket) return log.warn({ topicName: frame.topicName }, 'system message on a socket being replaced; ignored');
        return channelLost(frame.kind, healthyAt);
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
      if (stopped || !channel) return;
      const opened = await connectTo(channel, false);
      if (!opened && !stopped) log.warn({ channelId: channel.id }, 'first connect failed; reconnecting in background');
    },
    stop() {
      stopped = true;
      clearTimeout(reconnectTimer);
      clearTimeout(rotateTimer);
      rejected.stop();
      closePending();
      socket?.close();
      socket = undefined;
      setState('closed');
    },
    status() {
      const rejectedTopicIds = rejected.ids();
      return {
        channelId: channel?.id ?? '',
        state,
        topics: topics.length,
        expires: channel?.expires ?? '',
        ...(lastMessageAt !== undefined ? { lastMessageAt } : {}),
        rejectedTopics: rejectedTopicIds.length,
        rejectedTopicIds,
      };
    },
  };
}
