// Fault: the wrapup process is killed (kill -9) while a summarization is in flight. The task was persisted before
// the LLM call, so the next process on the same store resumes it: one completed task, one summary, same task id.
import { describe, expect, it } from 'vitest';
import { waitFor } from '../helpers.js';
import { listening, llmCalls, readStore, useChildRig } from './child.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const json = (res: Response): Promise<any> => res.json();

describe('fault injection: process killed mid-task', () => {
  const rig = useChildRig('kill');

  it('kill -9 while the LLM call is in flight → the next start completes that task: one summary, same task id', async () => {
    const { sim, fake } = rig;
    const storeUrl = rig.storeUrl('w.sqlite');
    const start = () => rig.spawn(storeUrl);
    fake.setDelay(120_000); // the model "thinks" far longer than the test lives
    const first = start();
    await listening(first);
    await waitFor(async () => sim.connectedSockets() > 0, 30_000);
    const conversation = await sim.playConversation();
    await llmCalls(fake, 1);
    const joined = await json(await first.post('/api/summary/submit', { conversation_id: conversation.id }));
    expect(joined).toMatchObject({ conversation_id: conversation.id, status: 'processing' });

    first.signal('SIGKILL');
    expect(await first.exited).toBeNull(); // died by the signal, no shutdown code ran
    const afterKill = await readStore(storeUrl, conversation.id, joined.task_id);
    expect(afterKill.summary).toBeUndefined();
    expect(afterKill.task?.status).toBe('processing');

    fake.setDelay(0);
    const second = start();
    await listening(second);
    const served = await waitFor(async () => {
      const res = await second.get(`/api/summary/${conversation.id}`);
      return res.status === 200 ? json(res) : undefined;
    }, 30_000);
    expect(served.task_id).toBe(joined.task_id);
    expect(fake.callCount, 'the interrupted call and the one that completed').toBe(2);

    second.signal('SIGTERM');
    expect(await second.exited).toBe(0);
    const final = await readStore(storeUrl, conversation.id);
    expect(final.summary?.task_id).toBe(joined.task_id);
    expect(final.task).toMatchObject({ task_id: joined.task_id, status: 'completed' });
    expect(final.counts).toMatchObject({ completed: 1, failed: 0, pending: 0, processing: 0 });
  }, 180_000);
});
