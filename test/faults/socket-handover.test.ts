// Faults where Genesys moves wrapup to another socket or channel: socket_closing (maintenance), channel expiry, and
// rotation before expiry. Conversations keep ending throughout; each must be summarized exactly once.
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers.js';
import { channelsCreated, expectAllSummarizedOnce, sleep, startRig, SUMMARY_TIMEOUT_MS, waitConnected, type Rig } from './rig.js';

/** Plays conversations back to back (a few at a time) until `stop()`; resolves when the last one has ended. */
function keepEnding(rig: Rig, everyMs = 60): { stop(): Promise<void> } {
  let running = true;
  const loop = (async () => {
    while (running) {
      await rig.play(40);
      await sleep(everyMs);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
    },
  };
}

describe('fault injection: socket and channel hand-over', () => {
  let rig: Rig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  it('socket_closing while conversations keep ending → replacement socket, every conversation handled once', async () => {
    rig = await startRig();
    await waitConnected(rig);
    const traffic = keepEnding(rig);
    await waitFor(async () => rig!.ended.length >= 3, SUMMARY_TIMEOUT_MS);
    const opened = rig.sim.stats.socketsOpened;
    rig.sim.faults.socketClosing(2000);
    await waitFor(async () => rig!.sim.stats.socketsOpened > opened, SUMMARY_TIMEOUT_MS);
    const endedAtHandover = rig.ended.length;
    await waitFor(async () => rig!.ended.length >= endedAtHandover + 3, SUMMARY_TIMEOUT_MS);
    await traffic.stop();

    await expectAllSummarizedOnce(rig);
    // A hand-over, not a gap: the same channel, and every conversation came over a socket.
    expect(channelsCreated(rig.sim)).toBe(1);
    for (const id of rig.ended) expect((await rig.task(id)).source).toBe('socket');
  });

  it('channel expiry while conversations end → new channel + subscriptions, all summarized', async () => {
    rig = await startRig({ tweak: (c) => void (c.genesys.reconnect = { baseDelayMs: 300, maxDelayMs: 600 }) });
    await waitConnected(rig);
    const traffic = keepEnding(rig);
    await waitFor(async () => rig!.ended.length >= 3, SUMMARY_TIMEOUT_MS);
    const live = rig.sim.startConversation();

    rig.sim.faults.expireChannels();
    // Ended while the channel is gone: no socket can deliver these.
    rig.end(live);
    const gap = [live, rig.startAndEnd()];

    await waitFor(async () => channelsCreated(rig!.sim) >= 2 && rig!.sim.connectedSockets() > 0, SUMMARY_TIMEOUT_MS);
    const endedAfter = rig.ended.length;
    await waitFor(async () => rig!.ended.length >= endedAfter + 3, SUMMARY_TIMEOUT_MS);
    await traffic.stop();

    await expectAllSummarizedOnce(rig);
    for (const c of gap) expect((await rig.task(c.id)).source, 'recovered by backfill').toBe('backfill');
  });

  it('short-lived channels (rotation before expiry) while conversations keep ending → all summarized once', async () => {
    // Channels live 1.6 s: wrapup moves to a fresh channel halfway, with both subscribed for a moment.
    rig = await startRig({ sim: { channelTtlMs: 1600 } });
    await waitConnected(rig);
    const traffic = keepEnding(rig);
    await waitFor(async () => channelsCreated(rig!.sim) >= 3, SUMMARY_TIMEOUT_MS);
    await traffic.stop();
    expect(rig.ended.length).toBeGreaterThan(3);
    await expectAllSummarizedOnce(rig);
  });
});
