// Faults where the notification stream loses events (Genesys never replays them): a dropped socket, a drop before
// the first checkpoint, a half-open socket. Backfill from analytics must recover every conversation, exactly once.
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers.js';
import { expectAllSummarizedOnce, responses, startRig, SUMMARY_TIMEOUT_MS, waitConnected, type Rig } from './rig.js';

const ANALYTICS = '/api/v2/analytics/conversations/details/query';

describe('fault injection: events lost on the notification socket', () => {
  let rig: Rig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  it('socket dropped while conversations end → backfill recovers them after reconnect', async () => {
    rig = await startRig({ tweak: (c) => void (c.genesys.reconnect = { baseDelayMs: 400, maxDelayMs: 800 }) });
    await waitConnected(rig);
    await rig.play(); // the stream works (and heartbeats have moved the checkpoint)
    const live = [rig.sim.startConversation(), rig.sim.startConversation()];
    const opened = rig.sim.stats.socketsOpened;
    const queriesBefore = responses(rig.sim, ANALYTICS, 200);

    rig.sim.faults.dropSockets();
    // Synchronously after the drop: every frame below goes to a dead socket and is lost.
    for (const c of live) rig.end(c);
    const gap = [...live, rig.startAndEnd()];

    await waitFor(async () => rig!.sim.stats.socketsOpened > opened && rig!.sim.connectedSockets() > 0, SUMMARY_TIMEOUT_MS);
    await rig.play(); // and works again after the reconnect
    await expectAllSummarizedOnce(rig);
    expect(responses(rig.sim, ANALYTICS, 200)).toBeGreaterThan(queriesBefore);
    for (const c of gap) expect((await rig.task(c.id)).source, 'recovered by backfill').toBe('backfill');
  });

  it('socket dropped before the first checkpoint was written (first start) → still recovered', async () => {
    // No heartbeat and no pong for a long time: the stream never proves itself healthy before the drop.
    rig = await startRig({
      sim: { heartbeatIntervalMs: 60_000 },
      tweak: (c) => {
        c.genesys.heartbeatTimeoutMs = 120_000;
        c.genesys.reconnect = { baseDelayMs: 400, maxDelayMs: 800 };
      },
    });
    await waitConnected(rig);
    const opened = rig.sim.stats.socketsOpened;
    rig.sim.faults.dropSockets();
    const gap = [rig.startAndEnd(), rig.startAndEnd()];
    await waitFor(async () => rig!.sim.stats.socketsOpened > opened && rig!.sim.connectedSockets() > 0, SUMMARY_TIMEOUT_MS);
    await expectAllSummarizedOnce(rig);
    for (const c of gap) expect((await rig.task(c.id)).source).toBe('backfill');
  });

  it('heartbeat silence (half-open socket) while conversations end → watchdog reconnects, backfill recovers them', async () => {
    rig = await startRig({ tweak: (c) => void (c.genesys.heartbeatTimeoutMs = 900) });
    await waitConnected(rig);
    await rig.play();
    const live = rig.sim.startConversation();
    const opened = rig.sim.stats.socketsOpened;

    rig.sim.faults.silenceHeartbeats(true, { dropEvents: true });
    rig.end(live);
    const gap = [live, rig.startAndEnd(), rig.startAndEnd()];
    // Nothing tells wrapup the socket is dead except the missing frames: its watchdog must drop it and reconnect.
    await waitFor(async () => rig!.sim.stats.socketsOpened > opened, SUMMARY_TIMEOUT_MS);
    rig.sim.faults.silenceHeartbeats(false);

    await rig.play();
    await expectAllSummarizedOnce(rig);
    for (const c of gap) expect((await rig.task(c.id)).source, 'recovered by backfill').toBe('backfill');
  });
});
