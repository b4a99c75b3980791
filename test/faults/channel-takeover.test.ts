// An attacker with no credentials who learns wrapup's notification channel id connects a raw socket to it (a channel
// serves one socket: the second disconnects the first, docs/genesys.md §4) and reconnects whenever it is kicked.
// wrapup must not publish the id, must not fight for the channel, and must lose no conversation.
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { TEST_API_KEY, waitFor } from '../helpers.js';
import { expectAllSummarizedOnce, sleep, startRig, SUMMARY_TIMEOUT_MS, waitConnected, type Rig } from './rig.js';

interface ChannelDetail {
  channel_id: string;
  state: string;
}

/** A socket on a channel that reconnects when kicked (at most `maxReconnects` times), counting queue snapshots. */
function startIntruder(connectUri: string, maxReconnects = 50) {
  let socket: WebSocket | undefined;
  let stopped = false;
  const counts = { opens: 0, kicks: 0, snapshots: 0 };
  const connect = (): void => {
    const ws = new WebSocket(connectUri);
    socket = ws;
    ws.on('open', () => void (counts.opens += 1));
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as { topicName?: string };
      if (frame.topicName?.startsWith('v2.routing.queues.')) counts.snapshots += 1;
    });
    ws.on('error', () => undefined);
    ws.on('close', () => {
      if (stopped) return;
      counts.kicks += 1;
      if (counts.kicks <= maxReconnects) setTimeout(connect, 20);
    });
  };
  connect();
  return {
    counts,
    isOpen: () => socket?.readyState === WebSocket.OPEN,
    stop(): void {
      stopped = true;
      socket?.terminate();
    },
  };
}

describe('fault injection: a second socket takes over the notification channel', () => {
  let rig: Rig | undefined;
  let intruder: ReturnType<typeof startIntruder> | undefined;
  afterEach(async () => {
    intruder?.stop();
    intruder = undefined;
    await rig?.close();
    rig = undefined;
  });

  const channels = async (r: Rig): Promise<ChannelDetail[]> => {
    const res = await fetch(`${r.wrapup.url}/api/status`, { headers: { authorization: `Bearer ${TEST_API_KEY}` } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { checks: { notifications: { detail?: { channels: ChannelDetail[] } } } };
    return body.checks.notifications.detail?.channels ?? [];
  };

  it('no public route shows the channel id; wrapup moves to a new channel, the intruder gets nothing more, 0 lost', async () => {
    rig = await startRig();
    await waitConnected(rig);
    const r = rig;
    await r.play(); // the stream works
    const [first] = await waitFor(async () => {
      const list = await channels(r);
      return list.length === 1 && list[0]!.state === 'open' && list;
    });
    const stolenId = first!.channel_id;

    // Nothing unauthenticated names the channel (the review read it from /readyz).
    for (const path of ['/readyz', '/healthz', '/openapi.json', '/api/status', '/no-such-route']) {
      expect(await (await fetch(`${r.wrapup.url}${path}`)).text(), path).not.toContain(stolenId);
    }

    // The id leaked anyway (a log line, a screenshot): the intruder connects with no credentials at all.
    const wsBase = r.sim.url.replace(/^http/, 'ws');
    intruder = startIntruder(`${wsBase}/channels/${stolenId}`);
    const spy = intruder;
    await waitFor(async () => spy.counts.opens > 0, SUMMARY_TIMEOUT_MS);
    // A conversation ends while wrapup is off its socket: only the intruder may see it, backfill must recover it.
    const duringTakeover = r.startAndEnd();

    // wrapup moves to a channel the intruder does not know and unsubscribes the stolen one.
    await waitFor(async () => {
      const list = await channels(r);
      return list.length === 1 && list[0]!.channel_id !== stolenId && list[0]!.state === 'open';
    }, SUMMARY_TIMEOUT_MS);
    const unsubscribed = (): boolean =>
      r.sim.stats.requests.some((q) => q.method === 'DELETE' && q.path === `/api/v2/notifications/channels/${stolenId}/subscriptions` && q.status === 200);
    await waitFor(async () => unsubscribed(), SUMMARY_TIMEOUT_MS);
    const seenBefore = spy.counts.snapshots;
    const kicksBefore = spy.counts.kicks;

    for (let i = 0; i < 3; i += 1) await r.play();
    await expectAllSummarizedOnce(r);
    expect((await r.task(duringTakeover.id)).status).toBe('completed');
    expect(spy.counts.snapshots, 'snapshots the intruder received after wrapup moved').toBe(seenBefore);
    // wrapup stopped fighting: the intruder holds the (now empty) old channel undisturbed.
    await sleep(200);
    expect(spy.counts.kicks).toBe(kicksBefore);
    expect(spy.isOpen()).toBe(true);
    expect(await (await fetch(`${r.wrapup.url}/readyz`)).json()).toEqual({
      status: 'ready',
      checks: {
        store: { ok: true, state: 'up' },
        genesys_auth: { ok: true, state: 'valid' },
        notifications: { ok: true, state: 'open' },
        backfill: { ok: true, state: expect.stringMatching(/^(idle|filling)$/) },
        channels: { ok: true, state: 'held' },
      },
      // Which replica holds the channels (issue 13): process names, never the channel id or its address.
      replica: { id: expect.any(String), channel_holder: expect.any(String) },
    });
  });
});
