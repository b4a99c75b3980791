import OpenAI from 'openai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FAKE_LEAKED_PII, startOpenAiFake, type OpenAiFake } from './openai-fake.js';

const PROMPT = [
  { role: 'system' as const, content: 'Summarize. The summary must be at most 200 characters.' },
  { role: 'user' as const, content: '<transcript>\n[00:00:00] agent: Hello\n[00:00:03] customer: I want to cancel my gym membership today\n</transcript>' },
];

describe('OpenAI-compatible fake', () => {
  let fake: OpenAiFake;
  let client: OpenAI;
  beforeEach(async () => {
    fake = await startOpenAiFake();
    client = new OpenAI({ baseURL: fake.url, apiKey: 'test', maxRetries: 0 });
  });
  afterEach(async () => {
    await fake.close();
  });

  const ask = () =>
    client.chat.completions.create({
      model: 'fake-model',
      messages: PROMPT,
      response_format: { type: 'json_schema', json_schema: { name: 's', strict: true, schema: { type: 'object' } } },
    });

  it('answers in the chat.completion shape with JSON built from the transcript, under the limit', async () => {
    const res = await ask();
    expect(res).toMatchObject({ object: 'chat.completion', model: 'fake-model', choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant' } }] });
    expect(res.usage?.total_tokens).toBeGreaterThan(0);
    const answer = JSON.parse(res.choices[0]?.message.content ?? '');
    expect(Object.keys(answer).sort()).toEqual(['follow_up_actions', 'intent', 'resolution', 'sentiment', 'summary']);
    expect(answer.summary).toContain('I want to cancel my gym membership today');
    expect(answer.summary.length).toBeLessThanOrEqual(120);
    expect(fake.callCount).toBe(1);
    expect(fake.requests[0]?.headers.authorization).toBe('Bearer test');
    expect(fake.requests[0]?.body.model).toBe('fake-model');
  });

  it('misbehaves per mode; "-once" modes only on the first call after setMode', async () => {
    fake.setMode('too-long');
    expect(JSON.parse((await ask()).choices[0]?.message.content ?? '').summary.length).toBeGreaterThan(200);
    fake.setMode('leak-once');
    expect((await ask()).choices[0]?.message.content).toContain(FAKE_LEAKED_PII.phone);
    expect((await ask()).choices[0]?.message.content).not.toContain(FAKE_LEAKED_PII.phone);
    fake.setMode('broken-json');
    const broken = (await ask()).choices[0]?.message.content ?? '';
    expect(() => JSON.parse(broken)).toThrow();
    fake.setMode('fail-500');
    await expect(ask()).rejects.toMatchObject({ status: 500 });
  });

  it('rejects a request without a bearer token or without messages', async () => {
    const noAuth = await fetch(`${fake.url}/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'm', messages: PROMPT }) });
    expect(noAuth.status).toBe(401);
    const noMessages = await fetch(`${fake.url}/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer x', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm' }),
    });
    expect(noMessages.status).toBe(400);
    expect(((await noMessages.json()) as { error: { type: string } }).error.type).toBe('invalid_request_error');
  });
});
