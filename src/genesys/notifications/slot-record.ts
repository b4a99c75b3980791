// The state of one channel slot (channel, sockets, timers, counters) and the small transitions every part of it shares.
import type { Logger } from '../../logger.js';
import type { NotificationChannel } from './channel.js';
import type { ChannelStatus, SlotDeps, SlotState } from './channel-slot-types.js';
import { createRejectedTopics, type RejectedTopics } from './rejected-topics.js';
import type { LiveSocket } from './socket.js';

/** A channel plus the moment we got it: rotation timing is relative to its lifetime. */
export type SlotChannel = NotificationChannel & { receivedAt: number };

/** A socket still connecting to `target`; settled true once it opened, false when it failed or was dropped. */
export interface Pending {
  socket: LiveSocket;
  target: SlotChannel;
  settle(opened: boolean): void;
}

/**
 * What the socket side (slot-connect.ts) asks of the recovery side (slot-reconnect.ts, slot-rotation.ts). Wired by
 * createChannelSlot, so the modules import one way only: rotation → reconnect → connect → record.
 */
export interface SlotRecovery {
  /** A socket opened: plan the move to a new channel before this one expires. */
  scheduleRotation(): void;
  /** No socket delivers: reconnect after a backoff; the gap starts now. */
  scheduleReconnect(): void;
  /** The channel stopped delivering (its subscriptions are gone): move to a new one. */
  channelLost(kind: 'no_longer_subscribed' | 'token_revoked', healthyAt: number | undefined): void;
}

/** One slot's mutable state; the functions of the slot-*.ts modules take it as their first argument. */
export interface Slot {
  readonly deps: SlotDeps;
  readonly topics: string[];
  readonly log: Logger;
  readonly rejected: RejectedTopics;
  readonly recovery: SlotRecovery;
  channel: SlotChannel | undefined;
  /** The socket that delivers (open, or the last one that was). */
  socket: LiveSocket | undefined;
  /** A socket still connecting: a reconnect, a socket_closing replacement or a rotation's new channel. */
  pending: Pending | undefined;
  state: SlotState;
  stopped: boolean;
  /** The current channel no longer delivers (no_longer_subscribed, token_revoked): only a new one helps. */
  needsNewChannel: boolean;
  /** Channels this slot moved away from: unsubscribed once a socket on the new channel is open. */
  readonly left: Set<string>;
  rotating: boolean;
  failures: number;
  rotationFailures: number;
  /** Start of the current delivery gap (epoch ms); reported through onReconnected once a socket is open again. */
  downSince: number | undefined;
  lastMessageAt: number | undefined;
  reconnectTimer: NodeJS.Timeout | undefined;
  rotateTimer: NodeJS.Timeout | undefined;
}

/** A slot for `topics` that has done nothing yet. */
export function createSlot(deps: SlotDeps, topics: string[], recovery: SlotRecovery): Slot {
  const log = deps.logger;
  const rejected = createRejectedTopics({ client: deps.client, logger: log, policy: deps.rejectedTopicRetry, random: deps.random, onChange: deps.onChange });
  return {
    deps, topics, log, rejected, recovery,
    channel: undefined, socket: undefined, pending: undefined,
    state: 'connecting', stopped: false, needsNewChannel: false, left: new Set<string>(), rotating: false,
    failures: 0, rotationFailures: 0, downSince: undefined, lastMessageAt: undefined,
    reconnectTimer: undefined, rotateTimer: undefined,
  };
}

export const errText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export function setState(slot: Slot, next: SlotState): void {
  if (slot.state !== next) {
    slot.state = next;
    slot.deps.onChange();
  }
}

/** Events from `since` on may be lost: remember the earliest such moment and stop reporting healthy. */
export function markGap(slot: Slot, since: number): void {
  slot.downSince = Math.min(slot.downSince ?? since, since);
  setState(slot, 'reconnecting');
}

/** Rotate `rotateAheadMs` before expiry, or halfway for channels that live shorter than that (no tight loops). */
export function rotationDueAt(slot: Slot, c: SlotChannel): number {
  return c.expiresAt - Math.min(slot.deps.rotateAheadMs, (c.expiresAt - c.receivedAt) / 2);
}

/** `next` becomes the slot's channel; the one it replaces is remembered for unsubscribing. */
export function useChannel(slot: Slot, next: SlotChannel): void {
  if (slot.channel && slot.channel.id !== next.id) slot.left.add(slot.channel.id);
  slot.channel = next;
  slot.needsNewChannel = false;
  slot.rejected.reset(next.id, next.rejectedTopics);
  slot.deps.onChange();
}

/** Drops the socket still connecting, if any (its connect settles false). */
export function closePending(slot: Slot): void {
  const p = slot.pending;
  slot.pending = undefined;
  p?.socket.close();
  p?.settle(false);
}

/** What status() reports: the channel, its state and its rejected topics. */
export function slotStatus(slot: Slot): ChannelStatus {
  const rejectedTopicIds = slot.rejected.ids();
  return {
    channelId: slot.channel?.id ?? '',
    state: slot.state,
    topics: slot.topics.length,
    expires: slot.channel?.expires ?? '',
    ...(slot.lastMessageAt !== undefined ? { lastMessageAt: slot.lastMessageAt } : {}),
    rejectedTopics: rejectedTopicIds.length,
    rejectedTopicIds,
  };
}
