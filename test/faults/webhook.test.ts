// Webhook faults: EventBridge redelivers (at-least-once), and one conversation arrives by socket, webhook and
// backfill at the same time. Either way: one task, one summary, one LLM call.
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_QUEUES, type SimConversation } from '../../src/sim/genesys-sim.js';
import { waitFor } from '../helpers.js';
import { expectAllSummarizedOnce, responses, startRig, SUMMARY_TIMEOUT_MS, waitConnected, type Rig } from './rig.js';

const WEBHOOK_TOKEN = 'webhook-token-9e4a7c2f1b8d5036a9e1c7f4b2d8';
const WEBHOOK_PATH = '/webhooks/genesys';

/** The Amazon EventBridge event Genesys' partner source emits for a customer.end detail event (docs/genesys.md §10). */
function customerEndEvent(conversation: SimConversation, eventId = randomUUID()): Record<string, unknown> {
  const topicName = `v2.detail.events.conversation.${conversation.id}.customer.end`;
  const endMs = Date.parse(conversation.endTime ?? new Date().toISOString());
  return {
    version: '0',
    id: eventId,
    'detail-type': 'v2.detail.events.conversation.{id}.customer.end',
    source: 'aws.partner/genesys.com/cloud/9a1e4c7b-2d5f-4e80-b3c6-7f0a1d2e3b4c/wrapup',
    account: '123456789012',
    time: new Date(endMs).toISOString(),
    region: 'us-east-1',
    resources: [],
    detail: {
      topicName,
      version: '2',
      eventBody: {
        eventTime: endMs,
        conversationId: conversation.id,
        participantId: randomUUID(),
        sessionId: randomUUID(),
        mediaType: conversation.mediaType.toUpperCase(),
        direction: 'INBOUND',
        disconnectType: 'ENDPOINT',
      },
      metadata: { CorrelationId: randomUUID() },
    },
  };
}

type Accepted = { accepted: number; ignored: number; tasks: Array<{ conversation_id: string; task_id: string; status: string }> };

async function deliver(rig: Rig, event: unknown): Promise<Accepted> {
  const res = await fetch(`${rig.wrapup.url}${WEBHOOK_PATH}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${WEBHOOK_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(event),
  });
  expect(res.status, `POST ${WEBHOOK_PATH}: ${await res.clone().text()}`).toBe(202);
  return (await res.json()) as Accepted;
}

describe('fault injection: webhook deliveries', () => {
  let rig: Rig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  it('EventBridge redelivers the same event (in a row and at once) → one task, one summary', async () => {
    // The third queue is not watched: the webhook is the only way its conversations reach wrapup.
    const watched = DEFAULT_QUEUES.slice(0, 2).map((q) => q.id);
    rig = await startRig({ env: { WEBHOOK_TOKEN, GENESYS_QUEUE_IDS: watched.join(',') } });
    await waitConnected(rig);
    const conversation = rig.startAndEnd({ queueId: DEFAULT_QUEUES[2]!.id });
    const event = customerEndEvent(rig.sim.getConversation(conversation.id)!);

    const first = await deliver(rig, event);
    const again = [await deliver(rig, event), ...(await Promise.all([deliver(rig, event), deliver(rig, event), deliver(rig, event)]))];
    expect(first).toMatchObject({ accepted: 1, ignored: 0, tasks: [{ conversation_id: conversation.id }] });
    for (const reply of again) expect(reply.tasks[0]?.task_id, 'a redelivery joins the first task').toBe(first.tasks[0]?.task_id);

    await expectAllSummarizedOnce(rig);
    // And a redelivery after the summary exists changes nothing.
    expect((await deliver(rig, event)).tasks[0]).toMatchObject({ task_id: first.tasks[0]?.task_id, status: 'completed' });
    expect(rig.fake.callCount).toBe(1);
  });

  it('one conversation by socket, webhook and backfill at once → one task, one summary', async () => {
    rig = await startRig({ env: { WEBHOOK_TOKEN }, tweak: (c) => void (c.genesys.reconnect = { baseDelayMs: 100, maxDelayMs: 200 }) });
    await waitConnected(rig);
    await rig.play();
    await waitFor(async () => rig!.fake.callCount === 1, SUMMARY_TIMEOUT_MS);
    // A slow model keeps the summary unstored, so backfill cannot skip the conversation as done.
    rig.fake.setDelay(1500);
    const conversation = rig.startAndEnd(); // the socket delivers it (a watched queue)
    const event = customerEndEvent(rig.sim.getConversation(conversation.id)!);
    const byWebhook = Promise.all([deliver(rig, event), deliver(rig, [event, event])]);
    await waitFor(async () => rig!.fake.callCount === 2, SUMMARY_TIMEOUT_MS);
    // Now a gap: on reconnect backfill finds the conversation (ended just now, no summary yet) and queues it too.
    const queries = responses(rig.sim, '/api/v2/analytics/conversations/details/query', 200);
    const opened = rig.sim.stats.socketsOpened;
    rig.sim.faults.dropSockets();
    const [single, batch] = await byWebhook;
    await waitFor(async () => rig!.sim.stats.socketsOpened > opened && responses(rig!.sim, '/api/v2/analytics/conversations/details/query', 200) > queries, SUMMARY_TIMEOUT_MS);
    await deliver(rig, event);
    rig.fake.setDelay(0);

    await expectAllSummarizedOnce(rig);
    const task = await rig.task(conversation.id);
    expect(single.tasks[0]?.task_id).toBe(task.task_id);
    expect(batch).toMatchObject({ accepted: 2, tasks: [{ task_id: task.task_id }] });
    expect(batch.tasks).toHaveLength(1);
  });
});
