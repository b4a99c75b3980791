// Moving a live slot to a new channel: before expiry or when the channel stops delivering, switching only once the new socket is open.
import { backoffDelay } from '../../backoff.js';
import { openChannel } from './channel.js';
import { connectTo } from './slot-connect.js';
import { scheduleReconnect } from './slot-reconnect.js';
import { closePending, errText, markGap, rotationDueAt, type Slot } from './slot-record.js';

const MAX_TIMER_MS = 2 ** 31 - 1;

/** Plans the rotation of the current channel at rotationDueAt; a channel without expiry never rotates. */
export function scheduleRotation(slot: Slot): void {
  clearTimeout(slot.rotateTimer);
  if (!slot.channel || !Number.isFinite(slot.channel.expiresAt)) return;
  const wait = rotationDueAt(slot, slot.channel) - slot.deps.now();
  slot.rotateTimer = setTimeout(() => void rotate(slot, 'channel expiry ahead'), Math.min(MAX_TIMER_MS, Math.max(0, wait)));
}

/**
 * Atomic move to a new channel: create + subscribe it and open its socket while the old channel and socket stay
 * as they are; switch only once the new socket is open. On failure keep the old ones and retry with backoff.
 */
async function rotate(slot: Slot, reason: string): Promise<void> {
  if (slot.stopped || slot.rotating) return;
  if (slot.channel && slot.deps.now() >= slot.channel.expiresAt) return fallBackToReconnect(slot, reason);
  slot.rotating = true;
  clearTimeout(slot.rotateTimer);
  slot.log.info({ channelId: slot.channel?.id, reason }, 'moving to a new notification channel');
  try {
    const next = await openChannel(slot.deps.client, slot.topics, slot.log);
    if (slot.stopped) return;
    if (!(await connectTo(slot, { ...next, receivedAt: slot.deps.now() }, true))) throw new Error('socket to the new channel did not open');
    slot.rotationFailures = 0;
  } catch (err) {
    if (!slot.stopped) onRotationFailed(slot, reason, err);
  } finally {
    slot.rotating = false;
  }
}

/** Keeps the current channel while its socket is open and retries with backoff; with no socket left, reconnects. */
function onRotationFailed(slot: Slot, reason: string, err: unknown): void {
  slot.rotationFailures += 1;
  if (!slot.socket?.isOpen()) {
    slot.log.warn({ err: errText(err), reason }, 'channel rotation failed and no socket is left; reconnecting');
    return scheduleReconnect(slot);
  }
  const delayMs = backoffDelay(slot.rotationFailures, slot.deps.reconnect, slot.deps.random);
  slot.log.warn({ err: errText(err), reason, retryInMs: delayMs }, 'channel rotation failed; keeping the current channel');
  clearTimeout(slot.rotateTimer);
  slot.rotateTimer = setTimeout(() => void rotate(slot, reason), delayMs);
}

/** The old channel expired before a rotation could succeed: drop its socket and reconnect (which records the gap). */
function fallBackToReconnect(slot: Slot, reason: string): void {
  const { channel, deps } = slot;
  const expiredAt = channel && Number.isFinite(channel.expiresAt) ? channel.expiresAt : deps.now();
  slot.log.warn({ channelId: channel?.id, reason }, 'old channel expired before rotation succeeded; reconnecting');
  slot.socket?.close();
  slot.socket = undefined;
  closePending(slot);
  slot.needsNewChannel = true;
  scheduleReconnect(slot, Math.min(deps.now(), expiredAt));
}

/** The channel stopped delivering (its subscriptions are gone): a gap since the last frame known healthy. */
export function channelLost(slot: Slot, kind: 'no_longer_subscribed' | 'token_revoked', healthyAt: number | undefined): void {
  slot.log.warn({ channelId: slot.channel?.id, kind }, 'notification channel no longer delivers; moving to a new one');
  slot.needsNewChannel = true;
  markGap(slot, healthyAt ?? slot.deps.now());
  if (kind === 'token_revoked') slot.deps.client.invalidateToken();
  void rotate(slot, kind);
}
