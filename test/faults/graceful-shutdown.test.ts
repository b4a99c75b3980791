// SIGTERM while a summarization is in flight: wrapup stops intake, lets the running task finish within its
// shutdown deadline and exits 0; the next start on the same store serves that summary without summarizing again.
import { describe, expect, it } from 'vitest';
import { waitFor } from '../helpers.js';
import { listening, llmCalls, readStore, started, useChildRig, type WrapupChild } from './child.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const json = (res: Response): Promise<any> => res.json();
/** main.ts's SHUTDOWN_DEADLINE_MS plus room for a loaded machine. */
const EXIT_WITHIN_MS = 30_000;

async function exitCode(child: WrapupChild): Promise<number | null> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no exit within ${EXIT_WITHIN_MS} ms:\n${child.output.join('\n')}`)), EXIT_WITHIN_MS);
  });
  try {
    return await Promise.race([child.exited, late]);
  } finally {
    clearTimeout(timer);
  }
}

describe('graceful shutdown mid-task', () => {
  const rig = useChildRig('term');

  it('SIGTERM during the LLM call → exit 0 after the task completed; the next start serves it, no second summary', async () => {
    const { sim, fake } = rig;
    const storeUrl = rig.storeUrl('w.sqlite');
    const start = (): WrapupChild => rig.spawn(storeUrl);
    fake.setDelay(1500);
    const first = start();
    await listening(first);
    await waitFor(async () => sim.connectedSockets() > 0, 30_000);
    const conversation = await sim.playConversation();
    await llmCalls(fake, 1);

    first.signal('SIGTERM');
    expect(await exitCode(first)).toBe(0);
    expect(first.output.join('\n')).not.toContain('tasks still running at the deadline');
    fake.setDelay(0);
    const afterStop = await readStore(storeUrl, conversation.id);
    expect(afterStop.summary, 'finished during the shutdown').toBeDefined();
    expect(afterStop.task?.status).toBe('completed');

    const second = start();
    await started(second); // a signal before start-up is complete exits at once (130)
    const res = await second.get(`/api/summary/${conversation.id}`);
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ task_id: afterStop.summary!.task_id, source: 'cache' });
    second.signal('SIGTERM');
    expect(await exitCode(second)).toBe(0);

    expect(fake.callCount, 'summarized exactly once').toBe(1);
    const final = await readStore(storeUrl, conversation.id);
    expect(final.counts).toMatchObject({ completed: 1, failed: 0, pending: 0, processing: 0 });
  }, 180_000);

  it('a second signal exits at once; the interrupted task resumes on the next start, summarized once', async () => {
    const { sim, fake } = rig;
    const storeUrl = rig.storeUrl('second-signal.sqlite');
    const before = fake.callCount;
    fake.setDelay(60_000); // the LLM call would outlast any shutdown deadline
    const first = rig.spawn(storeUrl);
    await listening(first);
    await waitFor(async () => sim.connectedSockets() > 0, 30_000);
    const conversation = await sim.playConversation();
    await llmCalls(fake, before + 1);

    first.signal('SIGTERM');
    await waitFor(async () => first.output.some((l) => l.includes('signal received: stopping')), 30_000);
    first.signal('SIGTERM');
    expect(await exitCode(first)).toBe(130);
    expect(first.output.join('\n')).toContain('second signal: exiting now');
    const interrupted = await readStore(storeUrl, conversation.id);
    expect(interrupted.summary).toBeUndefined();
    expect(interrupted.counts).toMatchObject({ processing: 1, completed: 0, pending: 0 });

    fake.setDelay(0);
    const second = rig.spawn(storeUrl);
    await listening(second);
    await waitFor(async () => (await second.get(`/api/summary/${conversation.id}`)).status === 200, 60_000);
    second.signal('SIGTERM');
    expect(await exitCode(second)).toBe(0);
    const final = await readStore(storeUrl, conversation.id);
    expect(final.task?.status).toBe('completed');
    // The summary comes from the interrupted task itself, claimed once by each process (a new task would show 1).
    // Other conversations the backfill found may still be running at this exit: only this one is asserted.
    expect(final.task?.attempts, 'the recovered task, claimed once by each process').toBe(2);
    expect(final.counts.failed).toBe(0);
  }, 180_000);
});
