// The error matrix through app.request(): one problem+json shape, stable codes, and never a 500 for bad input.
import { describe, expect, it } from 'vitest';
import type { SummaryRecord, TaskRecord } from '../domain.js';
import { AppError } from '../errors.js';
import { silentLogger } from '../logger.js';
import { createHttpApp } from './app.js';
import type { SummaryApi } from './ports.js';
import { STATUS_BY_CODE, taskFailureProblem } from './problem.js';

const KEY = 'matrix-api-key-2e7b4f9a1c6d3085b7e2a9f4c1d6';
const CONV = '5b0c8a0e-3c1f-4a55-9d57-1b8f6f7c2a10';
const TASK = '9e4f0b31-6f4c-4d88-a08a-4ebc9caf5d43';
const auth = { authorization: `Bearer ${KEY}` };

function task(overrides: Partial<TaskRecord> = {}): TaskRecord {
  return {
    schema_version: 1,
    task_id: TASK,
    idempotency_key: `${CONV}:len500`,
    conversation_id: CONV,
    status: 'pending',
    source: 'api',
    max_length: 500,
    attempts: 0,
    created_at: '2024-05-01T10:00:00.000Z',
    updated_at: '2024-05-01T10:00:00.000Z',
    ...overrides,
  };
}

/** A stub of the port: no summaries, one task whose state the test chooses, optional failure on request(). */
function stubApi(state: { task?: TaskRecord; throws?: unknown } = {}): SummaryApi {
  return {
    getSummary: async (): Promise<SummaryRecord | undefined> => undefined,
    getTask: async (id) => (state.task && id === state.task.task_id ? state.task : undefined),
    request: async () => {
      if (state.throws) throw state.throws;
      return state.task ?? task();
    },
    waitForTask: async () => state.task,
  };
}

function app(api: SummaryApi = stubApi()) {
  return createHttpApp({
    api,
    readiness: [],
    apiKeys: [KEY, 'second-api-key-6a1f8c3e9b5d2047d8b3f1a6c9e4'],
    bodyLimitBytes: 256,
    maxWaitMs: 1000,
    defaultMaxLength: 500,
    logger: silentLogger(),
  });
}

const post = (body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
  ({ method: 'POST', body, headers: { ...auth, ...headers } }) as const;

async function expectProblem(res: Response, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  const body = (await res.json()) as Record<string, unknown>;
  expect(body).toMatchObject({ status, code, type: `https://wrapup.dev/errors/${code.toLowerCase()}` });
  expect(typeof body.title).toBe('string');
  expect(typeof body.detail).toBe('string');
  return body;
}

describe('error matrix', () => {
  it('rejects non-UUID ids with 400 INVALID_ID naming the field', async () => {
    const a = app();
    const byConversation = await expectProblem(await a.request('/api/summary/not-a-uuid', { headers: auth }), 400, 'INVALID_ID');
    expect(byConversation.invalid_params).toEqual([expect.objectContaining({ name: 'conversation_id' })]);
    await expectProblem(await a.request('/api/summary/status/123', { headers: auth }), 400, 'INVALID_ID');
    await expectProblem(await a.request('/api/summary/submit', post('{"conversation_id":"x"}')), 400, 'INVALID_ID');
  });

  it('rejects other invalid input with 400 BAD_REQUEST naming the fields', async () => {
    const a = app();
    const body = await expectProblem(
      await a.request('/api/summary/submit', post(JSON.stringify({ conversation_id: CONV, max_length: 10 }))),
      400,
      'BAD_REQUEST',
    );
    expect(body.detail).toContain('max_length');
    await expectProblem(await a.request(`/api/summary/${CONV}?wait=soon`, { headers: auth }), 400, 'BAD_REQUEST');
    await expectProblem(await a.request('/api/summary/submit', post('[1,2]')), 400, 'BAD_REQUEST');
  });

  it('answers malformed JSON with 400 MALFORMED_JSON and a wrong content type with 415', async () => {
    const a = app();
    await expectProblem(await a.request('/api/summary/submit', post('{"conversation_id":')), 400, 'MALFORMED_JSON');
    await expectProblem(await a.request('/api/summary/submit', post('')), 400, 'MALFORMED_JSON');
    const untyped = post(JSON.stringify({ conversation_id: CONV }), {});
    await expectProblem(await a.request('/api/summary/submit', untyped), 415, 'UNSUPPORTED_MEDIA_TYPE');
    const wrongType = post(JSON.stringify({ conversation_id: CONV }), { 'content-type': 'text/plain' });
    await expectProblem(await a.request('/api/summary/submit', wrongType), 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('answers an oversize body with 413 PAYLOAD_TOO_LARGE', async () => {
    const body = JSON.stringify({ conversation_id: CONV, pad: 'x'.repeat(1000) });
    await expectProblem(await app().request('/api/summary/submit', post(body)), 413, 'PAYLOAD_TOO_LARGE');
  });

  it('requires a valid bearer key on /api/* (401 with WWW-Authenticate) but not on probes and docs', async () => {
    const a = app();
    const attempts: Array<Record<string, string>> = [{}, { authorization: 'Bearer wrong-key-0123456789' }, { authorization: `Basic ${KEY}` }];
    for (const headers of attempts) {
      const res = await a.request(`/api/summary/${CONV}`, { headers });
      await expectProblem(res, 401, 'UNAUTHORIZED');
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
    expect((await a.request(`/api/summary/${CONV}`, { headers: { authorization: 'Bearer second-api-key-6a1f8c3e9b5d2047d8b3f1a6c9e4' } })).status).toBe(202);
    for (const path of ['/healthz', '/readyz', '/openapi.json']) expect((await a.request(path)).status).toBe(200);
  });

  it('answers unknown tasks, routes and methods with 404 problems', async () => {
    const a = app();
    await expectProblem(await a.request(`/api/summary/status/${TASK}`, { headers: auth }), 404, 'TASK_NOT_FOUND');
    await expectProblem(await a.request('/nope'), 404, 'NOT_FOUND');
    await expectProblem(await a.request('/api/summary/submit', { method: 'DELETE', headers: auth }), 404, 'NOT_FOUND');
  });

  it('maps failed tasks by the one table: content problems 422, upstream failures 502, internal 500, not found 404', async () => {
    const failed = (code: string) => task({ status: 'failed', error: { code, message: `${code} happened` } });
    const cases: Array<[string, number, string]> = [
      ['TRANSCRIPT_UNAVAILABLE', 422, 'TRANSCRIPT_UNAVAILABLE'],
      ['LLM_UNAVAILABLE', 502, 'LLM_UNAVAILABLE'],
      ['CONVERSATION_NOT_FOUND', 404, 'CONVERSATION_NOT_FOUND'],
      ['SOMETHING_ELSE', 500, 'INTERNAL'],
    ];
    for (const [code, status, expected] of cases) {
      const res = await app(stubApi({ task: failed(code) })).request(`/api/summary/${CONV}?wait=10`, { headers: auth });
      await expectProblem(res, status, expected);
    }
    expect(taskFailureProblem({ task_id: TASK, status: 'failed', attempts: 1, error: undefined }).code).toBe('INTERNAL');
    const status = await app(stubApi({ task: failed('TOO_LONG') })).request(`/api/summary/status/${TASK}`, { headers: auth });
    expect(await status.json()).toMatchObject({ status: 'failed', error: { code: 'TOO_LONG' } });
  });

  it('maps thrown AppErrors by the table and hides unknown errors behind 500 INTERNAL', async () => {
    const unavailable = new AppError('STORE_UNAVAILABLE', 'store down', { retryAfterMs: 1500 });
    const res = await app(stubApi({ throws: unavailable })).request(`/api/summary/${CONV}`, { headers: auth });
    await expectProblem(res, 503, 'STORE_UNAVAILABLE');
    expect(res.headers.get('retry-after')).toBe('2');
    const secret = new Error('db password is hunter2');
    const body = await expectProblem(
      await app(stubApi({ throws: secret })).request(`/api/summary/${CONV}`, { headers: auth }),
      500,
      'INTERNAL',
    );
    expect(JSON.stringify(body)).not.toContain('hunter2');
    expect(STATUS_BY_CODE.PAYLOAD_TOO_LARGE).toBe(413);
  });

  it('never answers bad input with a 5xx, and stays healthy afterwards', async () => {
    const a = app();
    const bad: Array<[string, RequestInit]> = [
      ['/api/summary/submit', post('nul')],
      ['/api/summary/submit', post('"string"')],
      ['/api/summary/submit', post(JSON.stringify({ conversation_id: CONV, force: 'yes' }))],
      ['/api/summary/submit', post(JSON.stringify({ conversation_id: CONV, max_length: 1e9 }))],
      ['/api/summary/submit', post('{}', { 'content-type': 'application/x-www-form-urlencoded' })],
      [`/api/summary/${CONV}?max_length=-5`, { headers: auth }],
      [`/api/summary/${CONV}?wait=1e99`, { headers: auth }],
      ['/api/summary/%E0%A4%A', { headers: auth }],
      ['/api/summary/status/', { headers: auth }],
    ];
    for (const [path, init] of bad) {
      const res = await a.request(path, init);
      expect(res.status, path).toBeGreaterThanOrEqual(400);
      expect(res.status, path).toBeLessThan(500);
      expect(res.headers.get('content-type'), path).toBe('application/problem+json');
    }
    expect((await a.request('/healthz')).status).toBe(200);
    const ok = await a.request('/api/summary/submit', post(JSON.stringify({ conversation_id: CONV })));
    expect(ok.status).toBe(202);
    expect(await ok.json()).toEqual({ task_id: TASK, status: 'pending', conversation_id: CONV, poll_url: `/api/summary/status/${TASK}` });
  });
});
