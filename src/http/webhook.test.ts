// POST /webhooks/genesys through app.request() and one real socket, over the real queue and summary service.
import { PassThrough } from 'node:stream';
import { Keyv } from 'keyv';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { createLogger, silentLogger, type Logger } from '../logger.js';
import { createSummaryService, type SummaryService } from '../pipeline/summary-service.js';
import { createAdmission } from '../pipeline/admission.js';
import { createWorker } from '../pipeline/worker.js';
import { createKeyvBackend, type KeyvBackend } from '../store/keyv-backend.js';
import { createSummaryStore } from '../store/summary-store.js';
import { createEmbeddedTaskQueue, type EmbeddedTaskQueue } from '../store/task-queue.js';
import { createHttpApp } from './app.js';
import type { HttpDeps } from './ports.js';
import { startHttpServer, type RunningHttpServer } from './server.js';

const TOKEN = 'webhook-token-9e4a7c2f1b8d5036a9e1c7f4b2d8';
const API_KEY = 'api-key-4d9b2e7f1a8c5036b9d1e7a4f2c8';
const CONV = '2f7bf00a-0fc2-4d6a-9b56-92238191433e';
const OTHER = '74a9811f-9eee-4b75-b53b-2cb4959b90f1';
const QUEUE = 'a6f03f8d-bb75-4bcf-8304-2d73a0f21572';

/** The blueprint fixture aws-event-bridge-conversation-end-event.json (docs/genesys.md §10 envelope, §4 detail). */
function eventBridgeEvent(conversationId = CONV, event = 'customer.end', body: Record<string, unknown> = {}) {
  return {
    version: '0',
    id: '58fb5dac-f077-4eec-a25f-c638dbdd4368',
    'detail-type': `v2.detail.events.conversation.{id}.${event}`,
    source: 'aws.partner/genesys.com.test/cloud/32aa07aa-db1b-4987-abd0-9483601ec29d/test-event-bus',
    account: '123456789012',
    time: '2022-06-14T16:12:11.000Z',
    region: 'us-east-1',
    resources: [],
    detail: notification(`v2.detail.events.conversation.${conversationId}.${event}`, {
      eventTime: 1649237504949,
      conversationId,
      participantId: '9fb2ca78-8389-4758-b76a-9b0300de1fce',
      sessionId: 'c03d300e-fa79-4353-9695-b97a71322785',
      mediaType: 'CHAT',
      provider: 'PureCloud Webchat v2',
      direction: 'INBOUND',
      externalContactId: '12456349-b5c7-4d8f-9eb4-f4df18bce9a9',
      externalOrganizationId: '5846bd38-fc14-4ee9-9bab-68a6818f4a9e',
      conversationExternalContactIds: ['12456349-b5c7-4d8f-9eb4-f4df18bce9a9'],
      interactingDurationMs: 60000,
      ...body,
    }),
  };
}

function notification(topicName: string, eventBody: Record<string, unknown>) {
  return {
    topicName,
    version: '2',
    eventBody,
    metadata: { CorrelationId: '7272d362-23b2-4c14-9d40-dc7b7683153a' },
    timestamp: '2022-04-06T09:30:45.013Z',
  };
}

/** A queue conversation snapshot (§3.2); `over` sets every participant's endTime. */
function queueSnapshot(conversationId: string, over: boolean) {
  const endTime = over ? { endTime: '2026-01-01T10:05:00.000Z' } : {};
  return notification(`v2.routing.queues.${QUEUE}.conversations`, {
    id: conversationId,
    participants: [
      { id: 'p-cust', purpose: 'customer', connectedTime: '2026-01-01T10:00:00.000Z', ...endTime },
      { id: 'p-agent', purpose: 'agent', userId: '6ade8ef8-bbc5-4f05-9ad5-31be015fda25', queueId: QUEUE, ...endTime },
    ],
  });
}

/** Test stand-in for genesys/end-detection: over when every participant has an endTime; throws on other shapes. */
function allPartiesLeft(eventBody: unknown): boolean {
  const participants = (eventBody as { participants?: unknown }).participants;
  if (!Array.isArray(participants)) throw new Error('not a queue conversation snapshot');
  return participants.length > 0 && participants.every((p: { endTime?: unknown }) => typeof p.endTime === 'string');
}

let backend: KeyvBackend;
let queue: EmbeddedTaskQueue;
let service: SummaryService;
let logLines: string[];
let logger: Logger;

function buildService(tasks: Keyv): { queue: EmbeddedTaskQueue; service: SummaryService } {
  const q = createEmbeddedTaskQueue({ keyv: tasks, logger: silentLogger() });
  // A real worker that is never started: only its 'settled' emitter is used by the service.
  const worker = createWorker({ queue: q, process: () => Promise.reject(new Error('not started')), logger: silentLogger() });
  const summaries = createSummaryStore({ keyv: backend.keyv('summaries'), defaultMaxLength: 500, logger: silentLogger() });
  const svc = createSummaryService({ queue: q, summaries, events: worker.events, defaultMaxLength: 500,
    templateVersion: 'default@1', logger: silentLogger() });
  return { queue: q, service: svc };
}

function app(overrides: Partial<HttpDeps> = {}, svc: SummaryService = service) {
  return createHttpApp({
    api: svc,
    readiness: [],
    apiKeys: [API_KEY],
    bodyLimitBytes: 1024,
    maxWaitMs: 1000,
    defaultMaxLength: 500,
    logger,
    webhook: { token: TOKEN, intake: (id, source) => svc.conversationEnded(id, source), isConversationOver: allPartiesLeft },
    ...overrides,
  });
}

const post = (body: unknown, headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` }) => ({
  method: 'POST',
  body: typeof body === 'string' ? body : JSON.stringify(body),
  headers: { 'content-type': 'application/json', ...headers },
});

type Task = { conversation_id: string; task_id: string; status: string };
type Accepted = { accepted: number; ignored: number; tasks: Task[] };

async function accepted(res: Response): Promise<Accepted> {
  expect(res.status).toBe(202);
  return (await res.json()) as Accepted;
}

async function expectProblem(res: Response, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
  const body = (await res.json()) as { code: string; status: number; invalid_params?: Array<{ name: string }> };
  expect(body).toMatchObject({ code, status });
  return body;
}

beforeEach(async () => {
  backend = await createKeyvBackend('memory://');
  ({ queue, service } = buildService(backend.keyv('tasks')));
  logLines = [];
  const sink = new PassThrough();
  sink.on('data', (chunk: Buffer) => logLines.push(chunk.toString()));
  logger = createLogger({ level: 'debug', destination: sink });
});

afterEach(async () => {
  queue.close();
  await backend.close();
});

describe('POST /webhooks/genesys: intake', () => {
  it('queues a task for the EventBridge customer.end fixture, recorded with source webhook', async () => {
    const body = await accepted(await app().request('/webhooks/genesys', post(eventBridgeEvent())));
    expect(body).toMatchObject({ accepted: 1, ignored: 0, tasks: [{ conversation_id: CONV, status: 'pending' }] });
    const task = await queue.get(body.tasks[0]?.task_id ?? '');
    expect(task).toMatchObject({ conversation_id: CONV, source: 'webhook', status: 'pending', max_length: 500 });
  });

  it('accepts bare notification envelopes (acw), user.end, and customer.end with a transfer disconnect', async () => {
    const acw = notification(`v2.detail.events.conversation.${CONV}.acw`, { conversationId: CONV, wrapupCode: 'x' });
    expect((await accepted(await app().request('/webhooks/genesys', post(acw)))).tasks).toHaveLength(1);
    const userEnd = eventBridgeEvent(OTHER, 'user.end', { userId: '6ade8ef8-bbc5-4f05-9ad5-31be015fda25' });
    expect(await accepted(await app().request('/webhooks/genesys', post(userEnd)))).toMatchObject({ accepted: 1 });
    const third = '5b0c8a0e-3c1f-4a55-9d57-1b8f6f7c2a10';
    const transfer = eventBridgeEvent(third, 'customer.end', { disconnectType: 'CONSULT_TRANSFER' });
    expect(await accepted(await app().request('/webhooks/genesys', post(transfer)))).toMatchObject({ accepted: 1 });
    expect((await queue.counts()).pending).toBe(3);
  });

  it('queues queue snapshots only when the conversation is over', async () => {
    const notOver = await accepted(await app().request('/webhooks/genesys', post(queueSnapshot(OTHER, false))));
    expect(notOver).toEqual({ accepted: 0, ignored: 1, tasks: [] });
    expect((await queue.counts()).pending).toBe(0);
    const over = await accepted(await app().request('/webhooks/genesys', post(queueSnapshot(OTHER, true))));
    expect(over).toMatchObject({ accepted: 1, ignored: 0, tasks: [{ conversation_id: OTHER }] });
  });

  it('acknowledges and ignores other topics (customer.start, media queue topics, anything else)', async () => {
    const events = [
      eventBridgeEvent(CONV, 'customer.start'),
      notification(`v2.routing.queues.${QUEUE}.conversations.calls`, { id: CONV }),
      notification('v2.users.6ade8ef8-bbc5-4f05-9ad5-31be015fda25.presence', { presenceDefinition: {} }),
    ];
    const body = await accepted(await app().request('/webhooks/genesys', post(events)));
    expect(body).toEqual({ accepted: 0, ignored: 3, tasks: [] });
    expect((await queue.counts()).pending).toBe(0);
  });

  it('takes a batch: one task per distinct conversation, ignored events counted', async () => {
    const batch = [
      eventBridgeEvent(CONV),
      notification(`v2.detail.events.conversation.${CONV}.acw`, { conversationId: CONV }),
      eventBridgeEvent(OTHER, 'customer.start'),
      queueSnapshot(OTHER, true),
    ];
    const body = await accepted(await app().request('/webhooks/genesys', post(batch)));
    expect(body.accepted).toBe(3);
    expect(body.ignored).toBe(1);
    expect(body.tasks.map((t) => t.conversation_id).sort()).toEqual([CONV, OTHER].sort());
  });

  it('joins the same task when an event is delivered three times', async () => {
    const a = app();
    const ids = new Set<string>();
    for (let i = 0; i < 3; i += 1) {
      const body = await accepted(await a.request('/webhooks/genesys', post(eventBridgeEvent())));
      ids.add(body.tasks[0]?.task_id ?? 'missing');
    }
    expect(ids.size).toBe(1);
    expect((await queue.counts()).pending).toBe(1);
  });

  it('logs topics and conversation ids, never event bodies', async () => {
    await accepted(await app().request('/webhooks/genesys', post([eventBridgeEvent(), queueSnapshot(OTHER, false)])));
    const logs = logLines.join('');
    expect(logs).toContain(CONV);
    expect(logs).toContain(`v2.routing.queues.${QUEUE}.conversations`);
    expect(logs).not.toContain('12456349-b5c7-4d8f-9eb4-f4df18bce9a9'); // externalContactId
    expect(logs).not.toContain('p-agent');
    expect(logs).not.toContain(TOKEN);
  });
});

describe('POST /webhooks/genesys: auth', () => {
  it('accepts the token as a Bearer credential or as x-api-key', async () => {
    await accepted(await app().request('/webhooks/genesys', post(eventBridgeEvent())));
    await accepted(await app().request('/webhooks/genesys', post(eventBridgeEvent(), { 'x-api-key': TOKEN })));
    const mixed = { authorization: 'Bearer wrong', 'x-api-key': TOKEN };
    await accepted(await app().request('/webhooks/genesys', post(eventBridgeEvent(), mixed)));
  });

  it('rejects wrong or missing tokens with 401 (the API key is not a webhook token)', async () => {
    const a = app();
    const attempts: Array<Record<string, string>> = [
      {},
      { authorization: 'Bearer nope' },
      { 'x-api-key': `${TOKEN}x` },
      { authorization: `Bearer ${API_KEY}` },
    ];
    for (const headers of attempts) {
      const res = await a.request('/webhooks/genesys', post(eventBridgeEvent(), headers));
      await expectProblem(res, 401, 'UNAUTHORIZED');
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
    expect((await queue.counts()).pending).toBe(0);
  });

  it('accepts deliveries with a WEBHOOK_TOKEN read from a secrets file (trailing newline)', async () => {
    const config = loadConfig({ GENESYS_CLIENT_ID: 'id', GENESYS_CLIENT_SECRET: 'secret', API_KEYS: API_KEY, WEBHOOK_TOKEN: `${TOKEN}\n` });
    const a = app({ webhook: { token: config.webhookToken ?? '', intake: (id, source) => service.conversationEnded(id, source), isConversationOver: allPartiesLeft } });
    expect((await accepted(await a.request('/webhooks/genesys', post(eventBridgeEvent())))).accepted).toBe(1);
    expect((await a.request('/webhooks/genesys', post(eventBridgeEvent(), { 'x-api-key': TOKEN }))).status).toBe(202);
  });

  it('answers 404 NOT_FOUND when no webhook token is configured', async () => {
    const intake = { intake: () => Promise.reject(new Error('unused')), isConversationOver: () => true };
    for (const a of [app({ webhook: undefined }), app({ webhook: { token: '', ...intake } })]) {
      const res = await a.request('/webhooks/genesys', post(eventBridgeEvent()));
      const body = await expectProblem(res, 404, 'NOT_FOUND');
      expect(JSON.stringify(body)).toMatch(/disabled/);
    }
  });
});

describe('POST /webhooks/genesys: bad input never 500s', () => {
  it('maps malformed JSON, wrong shapes and non-JSON bodies to 400/415 problems naming the field', async () => {
    const a = app();
    await expectProblem(await a.request('/webhooks/genesys', post('{"topicName": ')), 400, 'MALFORMED_JSON');
    const noBody = eventBridgeEvent();
    const broken = { ...noBody, detail: { topicName: noBody.detail.topicName } };
    const one = await expectProblem(await a.request('/webhooks/genesys', post(broken)), 400, 'BAD_REQUEST');
    expect(one.invalid_params?.map((p) => p.name)).toEqual(['detail.eventBody']);
    const batch = post([eventBridgeEvent(), { topicName: 'x' }]);
    const inBatch = await expectProblem(await a.request('/webhooks/genesys', batch), 400, 'BAD_REQUEST');
    expect(inBatch.invalid_params?.map((p) => p.name)).toEqual(['1.eventBody']);
    const scalar = await expectProblem(await a.request('/webhooks/genesys', post('42')), 400, 'BAD_REQUEST');
    expect(scalar.invalid_params?.[0]?.name).toBe('json');
    const tooMany = Array.from({ length: 101 }, () => eventBridgeEvent());
    await expectProblem(await a.request('/webhooks/genesys', post(tooMany, { 'x-api-key': TOKEN })), 400, 'BAD_REQUEST');
    await expectProblem(await a.request('/webhooks/genesys', post([])), 400, 'BAD_REQUEST');
    const text = { method: 'POST', body: 'hello', headers: { 'content-type': 'text/plain', authorization: `Bearer ${TOKEN}` } };
    await expectProblem(await a.request('/webhooks/genesys', text), 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('rejects a topic/id mismatch, non-UUID ids and unreadable snapshots; a bad batch records nothing', async () => {
    const a = app();
    const mismatch = eventBridgeEvent(CONV, 'customer.end', { conversationId: OTHER });
    const m = await expectProblem(await a.request('/webhooks/genesys', post(mismatch)), 400, 'BAD_REQUEST');
    expect(m.invalid_params?.[0]?.name).toBe('detail.topicName');
    const batch = post([eventBridgeEvent(), eventBridgeEvent('abc')]);
    const badId = await expectProblem(await a.request('/webhooks/genesys', batch), 400, 'INVALID_ID');
    expect(badId.invalid_params?.[0]?.name).toBe('1.detail.eventBody.conversationId');
    await expectProblem(await a.request('/webhooks/genesys', post(queueSnapshot('not-a-uuid', true))), 400, 'INVALID_ID');
    const missing = eventBridgeEvent(CONV, 'acw', { conversationId: undefined });
    await expectProblem(await a.request('/webhooks/genesys', post(missing)), 400, 'BAD_REQUEST');
    const odd = notification(`v2.routing.queues.${QUEUE}.conversations`, { id: OTHER, participants: 'none' });
    await expectProblem(await a.request('/webhooks/genesys', post(odd)), 400, 'BAD_REQUEST');
    expect((await queue.counts()).pending).toBe(0); // the valid first event of the bad batch was not recorded
  });

  it('answers 413 over the webhook body limit, which is separate from (and larger than) the API limit', async () => {
    const padded = eventBridgeEvent(CONV, 'customer.end', { subject: 'x'.repeat(4000) });
    await accepted(await app().request('/webhooks/genesys', post(padded))); // > the API's 1024 bytes
    const small = app({ webhookBodyLimitBytes: 2048 });
    await expectProblem(await small.request('/webhooks/genesys', post(padded)), 413, 'PAYLOAD_TOO_LARGE');
  });

  it('stays healthy after a run of bad requests', async () => {
    const a = app();
    for (const body of ['{', '[]', '"x"', JSON.stringify(eventBridgeEvent('zzz'))]) {
      expect((await a.request('/webhooks/genesys', post(body))).status).toBe(400);
    }
    expect((await a.request('/healthz')).status).toBe(200);
    await accepted(await a.request('/webhooks/genesys', post(eventBridgeEvent())));
  });
});

describe('POST /webhooks/genesys: durability', () => {
  it('answers 503 STORE_UNAVAILABLE while the store is down, and records the redelivery once it is back', async () => {
    const store = new Map<string, unknown>();
    const state = { down: false };
    const guard = <A extends unknown[], R>(fn: (...args: A) => R) => (...args: A): R => {
      if (state.down) throw new Error('disk I/O error');
      return fn(...args);
    };
    const flaky = {
      get: guard((k: string) => store.get(k)),
      set: guard((k: string, v: unknown) => store.set(k, v)),
      delete: guard((k: string) => store.delete(k)),
      has: guard((k: string) => store.has(k)),
      clear: guard(() => store.clear()),
    };
    const built = buildService(new Keyv({ store: flaky as unknown as Map<string, unknown>, throwOnErrors: true }));
    try {
      const a = app({}, built.service);
      state.down = true;
      const res = await a.request('/webhooks/genesys', post(eventBridgeEvent()));
      await expectProblem(res, 503, 'STORE_UNAVAILABLE');
      state.down = false;
      const body = await accepted(await a.request('/webhooks/genesys', post(eventBridgeEvent())));
      expect(await built.queue.get(body.tasks[0]?.task_id ?? '')).toMatchObject({ conversation_id: CONV, source: 'webhook' });
    } finally {
      built.queue.close();
    }
  });

  it('maps an intake failure that is not an AppError to 503 too (the event was not recorded)', async () => {
    const webhook = { token: TOKEN, intake: () => Promise.reject(new TypeError('boom')), isConversationOver: allPartiesLeft };
    const res = await app({ webhook }).request('/webhooks/genesys', post(eventBridgeEvent()));
    await expectProblem(res, 503, 'STORE_UNAVAILABLE');
  });
});

describe('POST /webhooks/genesys: what a delivery may start', () => {
  const ids = Array.from({ length: 5 }, (_, i) => `3c1e9a7f-0b2d-4e6a-8c15-${String(i).padStart(12, '0')}`);
  let clock = 0;

  /** The real service with a webhook budget of 3 tasks at once, then one a minute. */
  function limited() {
    const worker = createWorker({ queue, process: () => Promise.reject(new Error('not started')), logger: silentLogger() });
    const summaries = createSummaryStore({ keyv: backend.keyv('summaries'), defaultMaxLength: 500, logger: silentLogger() });
    const admission = createAdmission({ now: () => clock, webhookTasks: { ratePerMin: 1, burst: 3 } });
    const svc = createSummaryService({ queue, summaries, events: worker.events, defaultMaxLength: 500, templateVersion: 'default@1', logger: silentLogger(), admission, now: () => clock });
    const webhook = { token: TOKEN, intake: svc.conversationEnded, isConversationOver: allPartiesLeft };
    return { svc, worker, http: app({ api: svc, webhook }, svc) };
  }

  it('a batch that would start more tasks than the token may: 429 + Retry-After, what came first stays recorded', async () => {
    clock = Date.parse('2026-12-01T10:00:00Z');
    const { http } = limited();
    const batch = ids.map((id) => eventBridgeEvent(id));
    const first = await http.request('/webhooks/genesys', post(batch));
    await expectProblem(first, 429, 'TOO_MANY_REQUESTS');
    expect(first.headers.get('retry-after')).toBe('60');
    expect((await queue.counts()).pending).toBe(3);
    // The sender redelivers: the recorded three join their tasks for free; the rest wait for the budget.
    await expectProblem(await http.request('/webhooks/genesys', post(batch)), 429, 'TOO_MANY_REQUESTS');
    expect((await queue.counts()).pending).toBe(3);
    clock += 120_000;
    const later = await accepted(await http.request('/webhooks/genesys', post(batch)));
    expect(later.tasks.map((t) => t.conversation_id)).toEqual(ids);
    expect((await queue.counts()).pending).toBe(5);
    // Joining recorded conversations never spends anything.
    expect((await accepted(await http.request('/webhooks/genesys', post(batch)))).tasks).toHaveLength(5);
  });

  it('acknowledges a conversation Genesys just did not know without starting work, and lists it', async () => {
    clock = Date.parse('2026-12-01T10:00:00Z');
    const { svc, worker, http } = limited();
    // A client forced it at another length; Genesys answered 404.
    const forced = await svc.request(ids[0]!, { maxLength: 300, force: true });
    await queue.claim();
    worker.events.emit('settled', await queue.fail(forced.task_id, { code: 'CONVERSATION_NOT_FOUND', message: 'no such conversation' }));
    const body = await accepted(await http.request('/webhooks/genesys', post([eventBridgeEvent(ids[0]), eventBridgeEvent(ids[1])])));
    expect(body).toMatchObject({ accepted: 2, not_found: [ids[0]], tasks: [{ conversation_id: ids[1] }] });
    expect((await queue.counts()).pending).toBe(1);
  });
});

describe('POST /webhooks/genesys over a real socket', () => {
  let server: RunningHttpServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('accepts the EventBridge fixture with x-api-key and lists the route in /openapi.json', async () => {
    server = await startHttpServer(app(), { port: 0, host: '127.0.0.1' });
    const res = await fetch(`${server.url}/webhooks/genesys`, post(eventBridgeEvent(), { 'x-api-key': TOKEN }));
    const body = await accepted(res);
    expect(body.tasks[0]).toMatchObject({ conversation_id: CONV, status: 'pending' });
    const doc = (await (await fetch(`${server.url}/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(doc.paths).toHaveProperty(['/webhooks/genesys', 'post']);
  });
});
