// Reconnecting a slot that has no live socket: backoff, then the same channel if it still serves, else a new one at once.
import { backoffDelay } from '../../backoff.js';
import { channelExists, openChannel } from './channel.js';
import { connectTo } from './slot-connect.js';
import { errText, markGap, rotationDueAt, useChannel, type Slot } from './slot-record.js';

/** Records the gap (from `since`) and reconnects after a backoff that grows with every failure in a row. */
export function scheduleReconnect(slot: Slot, since: number = slot.deps.now()): void {
  if (slot.stopped) return;
  clearTimeout(slot.rotateTimer);
  markGap(slot, since);
  slot.failures += 1;
  clearTimeout(slot.reconnectTimer);
  slot.reconnectTimer = setTimeout(() => void reconnect(slot), backoffDelay(slot.failures, slot.deps.reconnect, slot.deps.random));
}

/** A new channel when the old one must not or cannot be used again (lost, expiring, gone), then a socket to it. */
async function reconnect(slot: Slot): Promise<void> {
  try {
    const { channel } = slot;
    const expiring = !channel || slot.deps.now() >= rotationDueAt(slot, channel);
    if (slot.needsNewChannel || expiring || !(await channelExists(slot.deps.client, channel!.id))) await renewChannel(slot);
    if (slot.stopped || !slot.channel) return;
    await connectTo(slot, slot.channel, false);
  } catch (err) {
    slot.log.warn({ err: errText(err) }, 'reconnect failed');
    scheduleReconnect(slot);
  }
}

/** Start and reconnect path (no live socket): a new channel replaces the current one at once. */
export async function renewChannel(slot: Slot): Promise<void> {
  const next = await openChannel(slot.deps.client, slot.topics, slot.log);
  if (!slot.stopped) useChannel(slot, { ...next, receivedAt: slot.deps.now() });
}
