// Faults of the Genesys REST side while conversations end: a 429 storm (Retry-After), 5xx bursts, and the token
// endpoint down while tokens must be renewed. Every conversation must still be summarized exactly once.
import { afterEach, describe, expect, it } from 'vitest';
import type { GenesysSim } from '../../src/sim/genesys-sim.js';
import { waitFor } from '../helpers.js';
import { expectAllSummarizedOnce, responses, startRig, SUMMARY_TIMEOUT_MS, waitConnected, type Rig } from './rig.js';

const API = '/api/v2/';

/** Records when each sim response finished (stats.requests only keeps method, path and status). */
function timeRequests(sim: GenesysSim): number[] {
  const times: number[] = [];
  const requests = sim.stats.requests;
  const push = requests.push.bind(requests);
  requests.push = (...items) => {
    for (const _ of items) times.push(Date.now());
    return push(...items);
  };
  return times;
}

describe('fault injection: Genesys REST failures', () => {
  let rig: Rig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  it('a 429 storm while conversations end → all summarized once, Retry-After honoured', async () => {
    rig = await startRig();
    await waitConnected(rig);
    const times = timeRequests(rig.sim);
    const from = rig.sim.stats.requests.length;
    rig.sim.faults.rateLimitNext(8, 1);
    await Promise.all([rig.play(), rig.play(), rig.play()]);
    await expectAllSummarizedOnce(rig);

    const seen = rig.sim.stats.requests.slice(from).map((r, i) => ({ ...r, at: times[from + i] ?? 0 }));
    const api = seen.filter((r) => r.path.startsWith(API));
    expect(api.filter((r) => r.status === 429)).toHaveLength(8);
    const first429 = api.findIndex((r) => r.status === 429);
    const firstOk = api.findIndex((r, i) => i > first429 && r.status < 400);
    // Retry-After: 1 s. Our own backoff is 25–300 ms, so a success this late means the header was obeyed.
    expect(api[firstOk]!.at - api[first429]!.at).toBeGreaterThanOrEqual(950);
  });

  it('5xx bursts while conversations end → all summarized once', async () => {
    rig = await startRig();
    await waitConnected(rig);
    rig.sim.faults.failNext(10, 503);
    await Promise.all([rig.play(), rig.play(), rig.play()]);
    await waitFor(async () => responses(rig!.sim, API, 503) >= 10, SUMMARY_TIMEOUT_MS);
    // A second burst of a different 5xx, on conversation reads only, while more conversations end.
    rig.sim.faults.failNext(6, 502, '/api/v2/conversations');
    await Promise.all([rig.play(), rig.play()]);
    await expectAllSummarizedOnce(rig);
    expect(responses(rig.sim, API, 503)).toBe(10);
    expect(responses(rig.sim, API, 502)).toBe(6);
  });

  it('token endpoint down while tokens must be renewed → all summarized once', async () => {
    // Tokens live 2 s and are renewed 0.5 s early; the token endpoint is down for 3 s.
    rig = await startRig({ sim: { tokenTtlSeconds: 2 }, tweak: (c) => void (c.genesys.tokenRefreshMarginMs = 500) });
    await waitConnected(rig);
    const issued = rig.sim.stats.tokensIssued;
    rig.sim.faults.tokenDownFor(3000);
    await rig.play();
    await rig.play(1000);
    await rig.play(1000);
    await rig.play(600);
    await expectAllSummarizedOnce(rig);
    expect(responses(rig.sim, '/oauth/token', 503), 'renewal attempted during the outage').toBeGreaterThan(0);
    expect(rig.sim.stats.tokensIssued).toBeGreaterThan(issued);
  });
});
