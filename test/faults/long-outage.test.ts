// Faults that outlast the worker's old attempt budget (maxAttempts tries): an LLM outage, and voice transcripts that
// Genesys processes late. Retries are bounded by time windows now, so every conversation is still summarized once.
import { afterEach, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config.js';
import { waitFor } from '../helpers.js';
import { expectAllSummarizedOnce, startRig, SUMMARY_TIMEOUT_MS, waitConnected, type Rig } from './rig.js';

/** Two tries would have been the whole budget before; the windows (1 h, 35 min) are far longer than these tests. */
const MAX_ATTEMPTS = 2;

/**
 * Small tries, small backoff. `retryBaseDelayMs`/`retryMaxDelayMs` are the worker backoff keys proposed to the lead
 * (config.worker); until app.ts passes them the worker's defaults (2 s … 60 s) apply and the tests only take longer.
 */
function fewTries(config: Config): void {
  config.worker.maxAttempts = MAX_ATTEMPTS;
  Object.assign(config.worker, { retryBaseDelayMs: 200, retryMaxDelayMs: 1000 });
  config.openai.maxRetries = 0; // one LLM call per try, so the tries are countable
}

/** Every ended conversation's task has been claimed more than the old budget allowed (it would have failed for good). */
async function outlastedOldBudget(rig: Rig): Promise<boolean> {
  for (const id of rig.ended) {
    const task = await rig.task(id).catch(() => undefined);
    if (!task || task.attempts <= MAX_ATTEMPTS || task.status === 'failed') return false;
  }
  return true;
}

describe('fault injection: outages longer than the attempt budget', () => {
  let rig: Rig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  it('the LLM answers 500 for longer than maxAttempts × backoff → all summarized once when it recovers', async () => {
    rig = await startRig({ tweak: fewTries });
    await waitConnected(rig);
    rig.fake.setMode('fail-500');
    await Promise.all([rig.play(), rig.play(), rig.play()]);
    await waitFor(() => outlastedOldBudget(rig!), SUMMARY_TIMEOUT_MS);
    expect(rig.fake.faults.filter((f) => f === 'fail-500').length).toBeGreaterThanOrEqual(rig.ended.length * MAX_ATTEMPTS);
    rig.fake.setMode('ok');
    await expectAllSummarizedOnce(rig);
    for (const id of rig.ended) expect((await rig.task(id)).attempts).toBeGreaterThan(MAX_ATTEMPTS);
  });

  it('voice transcripts not ready for longer than the old budget → still summarized within the window', async () => {
    rig = await startRig({
      sim: { transcriptDelayMs: 9000 },
      tweak: (c) => {
        fewTries(c);
        // Each try waits for the transcript at most taskTimeoutMs / 2 = 2 s, then is re-queued (retryable).
        c.worker.taskTimeoutMs = 4000;
      },
    });
    await waitConnected(rig);
    await Promise.all([rig.play(50, 'voice-billing-dispute'), rig.play(50, 'voice-card-replacement')]);
    await expectAllSummarizedOnce(rig);
    for (const id of rig.ended) {
      const task = await rig.task(id);
      expect(task.attempts, 'tries beyond the old budget').toBeGreaterThan(MAX_ATTEMPTS);
    }
  });
});
