// One group of ≤1,000 topics kept connected: a channel, its socket, reconnects, socket_closing hand-over, atomic rotation,
// and never going back to a channel whose socket was lost (it may have been taken over). This file wires the parts:
// slot-record.ts (state), slot-connect.ts (sockets and frames), slot-reconnect.ts (backoff), slot-rotation.ts (new channels).
import type { ChannelSlot, SlotDeps } from './channel-slot-types.js';
import { connectTo } from './slot-connect.js';
import { renewChannel, scheduleReconnect } from './slot-reconnect.js';
import { closePending, createSlot, setState, slotStatus, type Slot } from './slot-record.js';
import { channelLost, scheduleRotation } from './slot-rotation.js';

export type { ChannelSlot, ChannelStatus, SlotDeps, SlotState } from './channel-slot-types.js';

/** Creates a slot for `topics`; nothing happens until start(). */
export function createChannelSlot(deps: SlotDeps, topics: string[]): ChannelSlot {
  const slot: Slot = createSlot(deps, topics, {
    scheduleRotation: () => scheduleRotation(slot),
    scheduleReconnect: () => scheduleReconnect(slot),
    channelLost: (kind, healthyAt) => channelLost(slot, kind, healthyAt),
  });
  return {
    start: () => startSlot(slot),
    stop: () => stopSlot(slot),
    status: () => slotStatus(slot),
  };
}

/** A new channel (REST errors propagate), then the first socket; a failed first socket reconnects in the background. */
async function startSlot(slot: Slot): Promise<void> {
  slot.stopped = false;
  setState(slot, 'connecting');
  await renewChannel(slot);
  if (slot.stopped || !slot.channel) return;
  const opened = await connectTo(slot, slot.channel, false);
  if (!opened && !slot.stopped) slot.log.warn({ channelId: slot.channel.id }, 'first connect failed; reconnecting in background');
}

/** Clears every timer and closes every socket; nothing reconnects afterwards. */
function stopSlot(slot: Slot): void {
  slot.stopped = true;
  clearTimeout(slot.reconnectTimer);
  clearTimeout(slot.rotateTimer);
  slot.rejected.stop();
  closePending(slot);
  slot.socket?.close();
  slot.socket = undefined;
  setState(slot, 'closed');
}
