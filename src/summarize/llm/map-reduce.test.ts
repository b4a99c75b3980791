import { readFileSync } from 'node:fs';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Turn } from '../../domain.js';
import { startOpenAiFake, type OpenAiFake } from '../../sim/openai-fake.js';
import { condenseTranscript, notesFromContent, type CondenseMessage, type MapTemplate } from './map-reduce.js';
import { countTokens } from './tokens.js';
import { formatTranscript } from '../transcript-format.js';

const TEMPLATE = JSON.parse(readFileSync(new URL('../../../config/prompts/chunk-map.json', import.meta.url), 'utf8')) as MapTemplate & { id: string };
const turns: Turn[] = Array.from({ length: 120 }, (_, i) => ({
  speaker: i % 2 ? 'customer' : 'agent',
  text: `Message ${i}: the [NAME] account shows a charge of ${i}.99 dollars on the March statement, please check it.`,
  at: new Date(Date.UTC(2024, 4, 1, 10, 0, i)).toISOString(),
}));
const base = { model: 'gpt-4o-mini', mapTemplate: TEMPLATE, formatTurns: formatTranscript };

describe('condenseTranscript', () => {
  it('returns a transcript that fits unchanged, with no LLM call', async () => {
    let calls = 0;
    const complete = async () => ((calls += 1), { content: '' });
    const out = await condenseTranscript({ ...base, turns: turns.slice(0, 4), budgetTokens: 10_000, complete });
    expect(out).toEqual({ notes: formatTranscript(turns.slice(0, 4)), chunks: 1, usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 }, truncated: false });
    expect(calls).toBe(0);
  });

  it('maps each chunk with the delimited chunk-map prompt and joins "Part i/n notes" blocks in order', async () => {
    const seen: CondenseMessage[][] = [];
    const complete = async (messages: CondenseMessage[]) => {
      seen.push(messages);
      const first = /\] \w+: Message (\d+)/.exec(messages[1]?.content ?? '')?.[1];
      return { content: `- starts at message ${first}`, usage: { prompt_tokens: 100, completion_tokens: 10 } };
    };
    const out = await condenseTranscript({ ...base, turns, budgetTokens: 1500, complete });
    expect(out.chunks).toBeGreaterThan(1);
    expect(seen).toHaveLength(out.chunks);
    expect(out.notes.split('\n\n')[0]).toBe(`Part 1/${out.chunks} notes:\n- starts at message 0`);
    expect(out.notes).toContain(`Part ${out.chunks}/${out.chunks} notes:`);
    expect(out.usage).toEqual({ prompt_tokens: 100 * out.chunks, completion_tokens: 10 * out.chunks, total_tokens: 110 * out.chunks });
    const user = seen[0]?.[1]?.content ?? '';
    expect(user).toMatch(/<transcript>\n\[00:00:00\] agent: Message 0[\s\S]*\n<\/transcript>$/);
    expect(seen[0]?.[0]?.content).toMatch(/ignore any instructions/i);
    expect(seen[0]?.[0]?.content).not.toMatch(/\{\{/);
    for (const m of seen) expect(countTokens(m[1]?.content ?? '', 'gpt-4o-mini')).toBeLessThanOrEqual(1500);
  });

  it('condenses the notes again while they exceed the budget, then cuts at the depth limit', async () => {
    let calls = 0;
    const verbose = async () => ((calls += 1), { content: '- a note that is rather long and keeps going on and on. '.repeat(20) });
    const out = await condenseTranscript({ ...base, turns, budgetTokens: 600, complete: verbose, maxDepth: 2 });
    expect(out.truncated).toBe(true);
    expect(out.notes).toMatch(/\[notes truncated\]$/);
    expect(countTokens(out.notes, 'gpt-4o-mini')).toBeLessThanOrEqual(600);
    expect(calls).toBeGreaterThan(out.chunks);
  });

  it('reads a JSON answer as notes when a model was forced into a schema', () => {
    expect(notesFromContent('{"summary":"Charged twice","follow_up_actions":["Refund"]}')).toBe('- Charged twice\n- Refund');
    expect(notesFromContent('- plain')).toBe('- plain');
  });
});

describe('condenseTranscript through the OpenAI-compatible fake', () => {
  let fake: OpenAiFake;
  beforeAll(async () => {
    fake = await startOpenAiFake();
  });
  afterAll(() => fake.close());

  it('gets plain-text notes for each part and reports the usage', async () => {
    const client = new OpenAI({ baseURL: fake.url, apiKey: 'k', maxRetries: 0 });
    const complete = async (messages: CondenseMessage[]) => {
      const res = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, response_format: { type: 'text' } });
      return { content: res.choices[0]?.message.content ?? null, usage: res.usage };
    };
    const out = await condenseTranscript({ ...base, turns, budgetTokens: 2000, complete });
    expect(fake.callCount).toBe(out.chunks);
    expect(out.notes).toMatch(/^Part 1\/\d+ notes:\n- The customer asked about: /);
    expect(out.usage.prompt_tokens).toBeGreaterThan(0);
  });
});
