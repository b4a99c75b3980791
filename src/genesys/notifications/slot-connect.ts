// The sockets of a slot: connecting one, the atomic switch once it opens, what its frames say and what its loss means.
import { unsubscribeChannel } from './channel.js';
import { classifyFrame } from './frames.js';
import { closePending, markGap, setState, useChannel, type Pending, type Slot, type SlotChannel } from './slot-record.js';
import { connectSocket, HEARTBEAT_TIMEOUT, type LiveSocket } from './socket.js';

/** Opens a socket to `target`; when `replace`, the current socket stays up until the new one is open. */
export function connectTo(slot: Slot, target: SlotChannel, replace: boolean): Promise<boolean> {
  if (!replace) {
    slot.socket?.close();
    slot.socket = undefined;
  }
  closePending(slot);
  return new Promise((resolve) => {
    const p: Pending = { target, settle: resolve, socket: undefined as unknown as LiveSocket };
    slot.pending = p;
    p.socket = connectSocket({
      url: target.connectUri,
      factory: slot.deps.factory,
      heartbeatTimeoutMs: slot.deps.heartbeatTimeoutMs,
      pingIntervalMs: Math.max(1, Math.floor(slot.deps.heartbeatTimeoutMs / 3)),
      logger: slot.log.child({ channelId: target.id }),
      onOpen: () => onSocketOpen(slot, p),
      onMessage: (text) => onFrame(slot, p.socket, text),
      onClose: (reason) => onSocketGone(slot, p.socket, reason),
    });
  });
}

/** The new socket is open: only now does the slot switch to its channel (atomic rotation) and drop the old socket. */
function onSocketOpen(slot: Slot, p: Pending): void {
  if (slot.pending !== p) return;
  slot.pending = undefined;
  const old = slot.socket;
  slot.socket = p.socket;
  if (p.target !== slot.channel) useChannel(slot, p.target);
  old?.close(true);
  slot.failures = 0;
  setState(slot, 'open');
  slot.log.info({ channelId: p.target.id }, 'notification socket open');
  unsubscribeLeftChannels(slot, p.target.id);
  slot.recovery.scheduleRotation();
  p.settle(true);
  if (slot.downSince !== undefined) {
    const since = slot.downSince;
    slot.downSince = undefined;
    slot.deps.onReconnected({ channelId: p.target.id, downSinceMs: since });
  }
}

/** In the background, after the new socket is open, so it never delays delivery. */
function unsubscribeLeftChannels(slot: Slot, current: string): void {
  for (const id of slot.left) if (id !== current) void unsubscribeChannel(slot.deps.client, id, slot.log);
  slot.left.clear();
}

/** Socket `s` closed or failed: decides whether this costs anything, and how the slot gets delivering again. */
function onSocketGone(slot: Slot, s: LiveSocket, reason: string): void {
  if (slot.stopped) return;
  const { pending } = slot;
  if (pending?.socket === s) {
    slot.pending = undefined;
    pending.settle(false);
    if (slot.socket?.isOpen()) return slot.log.warn({ reason }, 'replacement socket failed; keeping the current one');
    if (slot.rotating) return; // the rotation decides what comes next
  } else if (s === slot.socket) {
    slot.socket = undefined;
    if (pending && pending.target === slot.channel && !slot.rotating) return; // socket_closing hand-over: the server swaps sockets
    if (pending || slot.rotating) return markGap(slot, slot.deps.now()); // a new channel is on its way; events until it opens are lost
    if (reason !== HEARTBEAT_TIMEOUT) return closedUnderUs(slot, reason);
  } else {
    return;
  }
  slot.log.warn({ channelId: slot.channel?.id, reason }, 'notification socket lost');
  slot.recovery.scheduleReconnect();
}

/**
 * Genesys closed our open socket, or it failed. "A second WebSocket with the same channel ID disconnects the first",
 * with no documented close code or frame that tells that apart from a drop (docs/genesys.md §4): it may be a
 * takeover by someone who learned the channel id, and going back would fight them for it (each connect kicks the
 * other). Move to a new channel (its id unknown to them); the old one is unsubscribed once the new socket is open,
 * and the gap is backfilled as for any reconnect. (A socket our watchdog dropped for silence was not closed by
 * Genesys: it reconnects to the same channel.)
 */
function closedUnderUs(slot: Slot, reason: string): void {
  slot.log.warn({ channelId: slot.channel?.id, reason }, 'notification socket closed (dropped, or taken over by another connection to the channel); moving to a new channel');
  slot.needsNewChannel = true;
  slot.recovery.scheduleReconnect();
}

/** One text frame from socket `s`: a snapshot to deliver, a hand-over to start, a channel that stopped delivering, or noise. */
function onFrame(slot: Slot, s: LiveSocket, text: string): void {
  const healthyAt = slot.lastMessageAt;
  slot.lastMessageAt = slot.deps.now();
  const frame = classifyFrame(text);
  switch (frame.kind) {
    case 'snapshot':
      return slot.deps.onSnapshot(frame.snapshot, { queueId: frame.queueId, topicName: frame.topicName });
    case 'socket_closing':
      if (s !== slot.socket || !slot.channel) return;
      slot.log.info({ channelId: slot.channel.id }, 'socket_closing: opening a replacement socket');
      if (!slot.rotating) void connectTo(slot, slot.channel, true);
      return;
    case 'no_longer_subscribed':
    case 'token_revoked':
      if (s !== slot.socket) return slot.log.warn({ topicName: frame.topicName }, 'system message on a socket being replaced; ignored');
      return slot.recovery.channelLost(frame.kind, healthyAt);
    case 'system':
    case 'unknown':
      return slot.log.info({ topicName: frame.topicName }, 'dropping notification with unhandled topic');
    case 'invalid':
      return slot.log.warn({ reason: frame.reason, topicName: frame.topicName }, 'dropping invalid notification frame');
    default:
      return; // heartbeats, pongs, subscribe replies: liveness only
  }
}
