// A model slot never waits on Genesys: with WORKER_CONCURRENCY unset, wrapup works on twice as many conversations as
// the model has slots (OPENAI_MAX_CONCURRENCY), so while the model answers a burst's first conversations the next
// ones are already fetched, redacted and prompted, and take the slots as they free. Observed from outside: the
// simulator serves every conversation's transcript before the (slow) fake has answered anything.
import { afterEach, describe, expect, it } from 'vitest';
import path from 'node:path';
import { startGenesysSim, type GenesysSim } from '../src/sim/genesys-sim.js';
import { startOpenAiFake, type OpenAiFake } from '../src/sim/openai-fake.js';
import { startWrapup, type Wrapup } from '../src/app.js';
import { silentLogger } from '../src/logger.js';
import { endAll, isolateHome, testConfig, waitFor } from './helpers.js';

const MODEL_SLOTS = 4;
const MODEL_DELAY_MS = 3000;

describe('model slots and the conversations in progress', () => {
  let home: ReturnType<typeof isolateHome> | undefined;
  let sim: GenesysSim | undefined;
  let fake: OpenAiFake | undefined;
  let wrapup: Wrapup | undefined;

  afterEach(() => endAll({ wrapup, fake, sim, home }));

  it('fetches the next conversations while the model answers the first ones, then gives each one model call', async () => {
    home = isolateHome();
    sim = await startGenesysSim({ heartbeatIntervalMs: 500 });
    // A real model's habit: every answer overshoots its stated limits (repaired locally, never asked again).
    fake = await startOpenAiFake({ delayMs: MODEL_DELAY_MS, mode: 'overshoot' });
    const config = testConfig(sim, `sqlite://${path.join(home.dir, 'wrapup.sqlite')}`, {
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: fake.url,
      OPENAI_MODEL: 'fake-model',
      OPENAI_MAX_CONCURRENCY: String(MODEL_SLOTS),
    });
    expect(config.worker.concurrency).toBe(2 * MODEL_SLOTS);
    wrapup = await startWrapup(config, silentLogger());
    await waitFor(async () => sim!.connectedSockets() > 0);
    const voice = sim.scenarios.filter((s) => s.mediaType === 'voice');
    const ids = Array.from({ length: 2 * MODEL_SLOTS }, (_, i) => sim!.startConversation({ scenario: voice[i % voice.length]! }).id);
    await new Promise((r) => setTimeout(r, 500)); // the subscription's topics
    for (const id of ids) sim.endConversation(id);

    const transcriptAsked = (id: string): boolean => sim!.stats.requests.some((r) => r.path.includes(`/conversations/${id}/`) && r.path.endsWith('/transcripturl'));
    await waitFor(async () => ids.every(transcriptAsked), MODEL_DELAY_MS * 3);
    // Every transcript was read before the model finished its first answer, and no more than its slots were asked.
    expect(fake.answeredAt).toHaveLength(0);
    expect(fake.callCount).toBeLessThanOrEqual(MODEL_SLOTS);

    await waitFor(async () => (await Promise.all(ids.map((id) => wrapup!.service.getSummary(id)))).every(Boolean), MODEL_DELAY_MS * 5);
    expect(fake.callCount).toBe(ids.length);
    for (const id of ids) expect((await wrapup.service.getSummary(id))?.fallback, id).toBeUndefined();
  }, 30_000);
});
