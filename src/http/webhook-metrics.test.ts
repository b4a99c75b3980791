// POST /webhooks/genesys counts each event by topic pattern and whether it said the conversation is over.
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../logger.js';
import { NOOP_METRICS, type Metrics } from '../ports.js';
import { createHttpApp } from './app.js';
import type { HttpDeps } from './ports.js';

const TOKEN = 'webhook-token-9e4a7c2f1b8d5036a9e1c7f4b2d8';
const CONV = '2f7bf00a-0fc2-4d6a-9b56-92238191433e';
const QUEUE = 'a6f03f8d-bb75-4bcf-8304-2d73a0f21572';

describe('webhook event metrics', () => {
  it('reports every event of a batch with its topic and whether it ended a conversation', async () => {
    const events: Array<[string, string, boolean]> = [];
    const metrics: Metrics = { ...NOOP_METRICS, eventReceived: (source, topic, ended) => void events.push([source, topic, ended]) };
    const deps: HttpDeps = {
      api: { getSummary: async () => undefined, request: async () => { throw new Error('unused'); }, getTask: async () => undefined, waitForTask: async () => undefined },
      readiness: [],
      apiKeys: [],
      bodyLimitBytes: 65_536,
      maxWaitMs: 0,
      defaultMaxLength: 500,
      logger: silentLogger(),
      metrics,
      webhook: {
        token: TOKEN,
        intake: async (conversationId) => ({ task_id: 't1', status: 'pending', conversation_id: conversationId }),
        isConversationOver: () => false,
      },
    };
    const app = createHttpApp(deps);
    const body = [
      { topicName: `v2.detail.events.conversation.${CONV}.customer.end`, version: '2', eventBody: { conversationId: CONV } },
      { topicName: `v2.routing.queues.${QUEUE}.conversations`, version: '2', eventBody: { id: CONV, participants: [] } },
      { topicName: 'v2.users.x.presence', version: '2', eventBody: {} },
    ];
    const res = await app.request('/webhooks/genesys', { method: 'POST', headers: { 'x-api-key': TOKEN, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(res.status).toBe(202);
    expect(events).toEqual([
      ['webhook', `v2.detail.events.conversation.${CONV}.customer.end`, true],
      ['webhook', `v2.routing.queues.${QUEUE}.conversations`, false],
      ['webhook', 'v2.users.x.presence', false],
    ]);
  });
});
