// Start and stop under pressure: long-polls are answered (not cut) at shutdown and running tasks are left for the
// next start (never failed); a start that fails after recovery has run nothing; a signal during start-up exits at once.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startWrapup } from '../../src/app.js';
import { silentLogger } from '../../src/logger.js';
import { startGenesysSim, type GenesysSim } from '../../src/sim/genesys-sim.js';
import { startOpenAiFake, type OpenAiFake } from '../../src/sim/openai-fake.js';
import { createKeyvBackend } from '../../src/store/keyv-backend.js';
import { createEmbeddedTaskQueue } from '../../src/store/task-queue.js';
import { isolateHome, TEST_API_KEY, testConfig, waitFor } from '../helpers.js';
import { killAll, llmCalls, readStore, spawnWrapup, type WrapupChild } from './child.js';
import { fastConfig, startRig, waitConnected, type Rig } from './rig.js';

const CONV = '00000000-0000-4000-8000-00000000c0de';

describe('stop within one deadline', () => {
  let rig: Rig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  it('answers a pending ?wait= long-poll with 202 at stop and leaves the running task processing, not failed', async () => {
    rig = await startRig({ tweak: (c) => void (c.http.maxWaitMs = 25_000) });
    await waitConnected(rig);
    rig.fake.setDelay(600_000); // the LLM call outlasts any deadline
    const conversation = await rig.play();
    await llmCalls(rig.fake, 1);
    const poll = fetch(`${rig.wrapup.url}/api/summary/${conversation.id}?wait=25000`, { headers: { authorization: `Bearer ${TEST_API_KEY}` } });
    await waitFor(async () => rig!.wrapup.service.waiting() === 1); // the poll joined the running task and waits
    await rig.wrapup.stop(1500);
    const res = await poll;
    expect(res.status).toBe(202);
    const stored = await readStore(rig.config.store.url, conversation.id, ((await res.json()) as { task_id: string }).task_id);
    expect(stored.task).toMatchObject({ status: 'processing' });
    expect(stored.counts.failed).toBe(0);
  }, 60_000);
});

describe('a failed start', () => {
  let sim: GenesysSim;
  let fake: OpenAiFake;
  let home: ReturnType<typeof isolateHome>;
  beforeAll(async () => {
    home = isolateHome();
    sim = await startGenesysSim({ heartbeatIntervalMs: 150 });
    fake = await startOpenAiFake();
  });
  afterAll(async () => {
    await fake?.close();
    await sim?.close();
    home?.cleanup();
  });

  it('when queue discovery fails, tasks recovered from the previous process were never run nor failed', async () => {
    const storeUrl = `sqlite://${path.join(home.dir, 'failed-start.sqlite')}`;
    const backend = await createKeyvBackend(storeUrl);
    const queue = createEmbeddedTaskQueue({ keyv: backend.keyv('tasks'), logger: silentLogger() });
    const { task } = await queue.enqueue({ conversationId: CONV, idempotencyKey: 'left-running', maxLength: 500, source: 'socket' });
    await queue.claim(); // the previous process died with it running
    queue.close();
    await backend.close();

    const config = testConfig(sim, storeUrl, { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: fake.url, OPENAI_MODEL: 'fake-model' });
    fastConfig(config);
    config.genesys.queueIds = [];
    sim.faults.failNext(1000, 503, '/api/v2/routing/queues');
    await expect(startWrapup(config, silentLogger())).rejects.toMatchObject({ code: 'GENESYS_UNAVAILABLE' });
    sim.faults.failNext(0, 503, '/api/v2/routing/queues');
    expect(fake.callCount).toBe(0);
    const stored = await readStore(storeUrl, CONV, task.task_id);
    expect(stored.task?.status).toBe('processing');
    expect(stored.task?.attempts).toBe(1);
  }, 60_000);
});

describe('a signal during start-up', () => {
  let sim: GenesysSim;
  let fake: OpenAiFake;
  let dir: string;
  const children: WrapupChild[] = [];
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'wrapup-startup-'));
    sim = await startGenesysSim({ heartbeatIntervalMs: 500 });
    fake = await startOpenAiFake();
  });
  afterAll(async () => {
    await killAll(children);
    await fake?.close();
    await sim?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('exits at once (130) while login is still retrying, instead of waiting for start-up to finish', async () => {
    sim.faults.tokenDownFor(600_000);
    const child = spawnWrapup({ sim, fake, home: dir, storeUrl: `sqlite://${path.join(dir, 'w.sqlite')}` });
    children.push(child);
    child.url.catch(() => undefined); // it never listens: that rejection is expected
    await waitFor(async () => child.output.some((l) => l.includes('genesys login failed; retrying')), 60_000);
    child.signal('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<string>((resolve) => (timer = setTimeout(resolve, 30_000, 'still running')));
    const code = await Promise.race([child.exited, late]);
    clearTimeout(timer);
    expect(code, child.output.join('\n')).toBe(130);
    expect(child.output.join('\n')).toContain('signal during start-up: exiting now');
  }, 120_000);
});
