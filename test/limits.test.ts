// What a client can make wrapup spend, over real HTTP against the simulator (which counts every Genesys request): a
// burst of reads of random ids stays within the key's task budget, never delays a conversation that just ended and
// logs no error; an unknown id costs one Genesys call whatever the lengths and forces; one key's burst does not limit
// another; one webhook delivery of 100 ids stays within the token's budget.
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.js';
import { DEFAULT_QUEUES } from '../src/sim/genesys-sim.js';
import { TEST_API_KEY, waitFor } from './helpers.js';
import { SUMMARY_TIMEOUT_MS, sleep, startRig, waitConnected, type Rig } from './faults/rig.js';

const SECOND_KEY = 'second-crm-key-8c2e5a9f1d7b4036e8a2c9f5b1d7';
const WEBHOOK_TOKEN = 'limits-webhook-token-4b9e2c7a1f8d5063b2e9';
const API_BURST = 100;
const WEBHOOK_BURST = 10;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Body = any;

describe('limits', () => {
  let rig: Rig;
  const lines: Array<{ level: number; msg: string; [key: string]: unknown }> = [];

  const get = async (path: string, key = TEST_API_KEY): Promise<{ status: number; retryAfter: string | null; body: Body }> => {
    const res = await fetch(`${rig.wrapup.url}${path}`, { headers: { authorization: `Bearer ${key}` } });
    return { status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.json() };
  };
  const submit = async (body: unknown, key = TEST_API_KEY): Promise<{ status: number; body: Body }> => {
    const res = await fetch(`${rig.wrapup.url}/api/summary/submit`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  };
  /** Genesys requests (as the simulator saw them) that name one of these conversation ids. */
  const genesysCallsFor = (ids: Iterable<string>, from = 0): number => {
    const wanted = new Set(ids);
    return rig.sim.stats.requests.slice(from).filter((r) => wanted.has(r.path.split('/').at(-1) ?? '')).length;
  };
  const errors = () => lines.filter((line) => line.level >= 50).map((line) => line.msg);

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) lines.push(JSON.parse(line));
        done();
      },
    });
    rig = await startRig({
      // Genesys takes time to answer (the simulator answers at once otherwise): reads' tasks queue up behind each other.
      sim: { apiLatencyMs: 20 },
      logger: createLogger({ level: 'info', destination: sink }),
      env: {
        API_KEYS: `${TEST_API_KEY},${SECOND_KEY}`,
        API_TASK_BURST: String(API_BURST),
        API_TASK_RATE_PER_MIN: '1',
        WEBHOOK_TOKEN,
        WEBHOOK_TASK_BURST: String(WEBHOOK_BURST),
        WEBHOOK_TASK_RATE_PER_MIN: '1',
        // One slot for reads, one always free for conversations Genesys reports.
        WORKER_CONCURRENCY: '2',
        NOT_FOUND_TASK_TTL_SECONDS: '1',
        // The third queue is not watched: its conversations reach wrapup only when a client asks.
        GENESYS_QUEUE_IDS: DEFAULT_QUEUES.slice(0, 2).map((q) => q.id).join(','),
      },
    });
    await waitConnected(rig);
  });
  afterAll(async () => rig?.close());

  it('400 reads of random ids: Genesys calls stay within the key’s budget, a conversation ending meanwhile goes first, no error is logged', async () => {
    const from = rig.sim.stats.requests.length;
    const started = Date.now();
    const random = Array.from({ length: 400 }, () => randomUUID());
    const first = await Promise.all(random.slice(0, 200).map((id) => get(`/api/summary/${id}`)));
    // A real conversation ends in a watched queue while the reads' tasks are still queued.
    const real = rig.startAndEnd({ queueId: DEFAULT_QUEUES[0]!.id });
    const second = await Promise.all(random.slice(200).map((id) => get(`/api/summary/${id}`)));
    const answers = [...first, ...second];
    const allowed = API_BURST + 1 + Math.floor((Date.now() - started) / 60_000);

    const limited = answers.filter((a) => a.status === 429);
    expect(answers.length - limited.length).toBeLessThanOrEqual(allowed);
    expect(limited.length).toBeGreaterThanOrEqual(400 - allowed);
    for (const answer of limited) {
      expect(answer.body.code).toBe('TOO_MANY_REQUESTS');
      expect(Number(answer.retryAfter)).toBeGreaterThan(0);
    }

    await waitFor(() => rig.wrapup.service.getSummary(real.id), SUMMARY_TIMEOUT_MS);
    // Every read that got a task is answered by Genesys (404) in time; the rest never reached Genesys.
    await waitFor(async () => {
      const tasks = await Promise.all(random.map((id) => rig.wrapup.service.findTask(id)));
      return tasks.every((t) => t === undefined || t.status === 'failed');
    }, SUMMARY_TIMEOUT_MS);
    expect(genesysCallsFor(random, from)).toBe(answers.length - limited.length);
    expect(genesysCallsFor(random, from)).toBeLessThanOrEqual(allowed);

    // Order, not time: the ended conversation's task was claimed while reads' tasks were still waiting.
    const requests = rig.sim.stats.requests.slice(from);
    const realFirst = requests.findIndex((r) => r.path.endsWith(real.id));
    const unknownIds = new Set<string>(random);
    const readsAfter = requests.slice(realFirst).filter((r) => unknownIds.has(r.path.split('/').at(-1) ?? '')).length;
    expect(realFirst).toBeGreaterThanOrEqual(0);
    expect(readsAfter, 'reads fetched after the ended conversation (it overtook them)').toBeGreaterThan(0);

    expect(errors()).toEqual([]);
    const notFound = lines.filter((line) => line.msg === 'task failed' && line.code === 'CONVERSATION_NOT_FOUND');
    expect(notFound.length).toBe(answers.length - limited.length);
    expect(notFound.every((line) => line.level === 30)).toBe(true);
  });

  it('one key’s spent budget does not limit another key, nor answers from the store', async () => {
    const missed = rig.startAndEnd({ queueId: DEFAULT_QUEUES[2]!.id });
    const refused = await get(`/api/summary/${missed.id}`);
    expect(refused.status).toBe(429);
    expect(Number(refused.retryAfter)).toBeGreaterThan(0);
    const other = await get(`/api/summary/${missed.id}?wait=20000`, SECOND_KEY);
    expect(other.status).toBe(200);
    expect(other.body).toMatchObject({ conversation_id: missed.id, source: 'live' });
    // Now stored: the limited key reads it like anyone else.
    expect((await get(`/api/summary/${missed.id}`)).body).toMatchObject({ source: 'cache', summary: other.body.summary });
  });

  it('an unknown id asked at 30 lengths (read and forced) costs one Genesys call; its record expires early but stays known', async () => {
    const unknown = randomUUID();
    const from = rig.sim.stats.requests.length;
    const first = await get(`/api/summary/${unknown}?wait=20000`, SECOND_KEY);
    expect(first.status).toBe(404);
    expect(first.body.code).toBe('CONVERSATION_NOT_FOUND');
    for (let i = 0; i < 30; i++) {
      const length = 60 + i * 15;
      const read = await get(`/api/summary/${unknown}?max_length=${length}`, SECOND_KEY);
      expect(read.status, `GET max_length=${length}`).toBe(404);
      expect(read.body.code).toBe('CONVERSATION_NOT_FOUND');
      const forced = await submit({ conversation_id: unknown, max_length: length, force: true }, SECOND_KEY);
      expect(forced.status, `force max_length=${length}: ${JSON.stringify(forced.body)}`).toBe(404);
      expect(forced.body.code).toBe('CONVERSATION_NOT_FOUND');
    }
    expect(genesysCallsFor([unknown], from)).toBe(1);
    // Its failed task is kept only briefly (not the 7-day task TTL)...
    await waitFor(async () => (await rig.wrapup.service.findTask(unknown)) === undefined, 5000);
    // ...while Genesys' answer is still remembered: 404 at once, no second call.
    const later = await get(`/api/summary/${unknown}`, SECOND_KEY);
    expect(later.status).toBe(404);
    expect(later.body.code).toBe('CONVERSATION_NOT_FOUND');
    expect(genesysCallsFor([unknown], from)).toBe(1);
    expect(errors()).toEqual([]);
  });

  it('one webhook delivery of 100 ended conversations starts at most the token’s budget of tasks', async () => {
    const from = rig.sim.stats.requests.length;
    const ids = Array.from({ length: 100 }, () => randomUUID());
    const events = ids.map((id) => ({
      topicName: `v2.detail.events.conversation.${id}.customer.end`,
      version: '2',
      eventBody: { conversationId: id, mediaType: 'VOICE', disconnectType: 'PEER' },
      metadata: { CorrelationId: randomUUID() },
    }));
    const res = await fetch(`${rig.wrapup.url}/webhooks/genesys`, {
      method: 'POST',
      headers: { 'x-api-key': WEBHOOK_TOKEN, 'content-type': 'application/json' },
      body: JSON.stringify(events),
    });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    // The tasks recorded before the budget ran out run (and find nothing); nothing else reaches Genesys.
    await waitFor(async () => {
      const tasks = await Promise.all(ids.map((id) => rig.wrapup.service.findTask(id)));
      const recorded = tasks.filter((t) => t !== undefined);
      return recorded.length > 0 && recorded.every((t) => t.status === 'failed') && recorded;
    }, SUMMARY_TIMEOUT_MS);
    await sleep(200);
    expect(genesysCallsFor(ids, from)).toBeGreaterThan(0);
    expect(genesysCallsFor(ids, from)).toBeLessThanOrEqual(WEBHOOK_BURST + 1);
    expect(errors()).toEqual([]);
  });
});
