import { describe, expect, it } from 'vitest';
import type { Turn } from '../../domain.js';
import { splitTurnsByTokens } from './chunking.js';
import { countTokens } from './tokens.js';

const turn = (i: number, text = `Turn number ${i} says something about order ${i}.`): Turn => ({
  speaker: i % 2 ? 'customer' : 'agent',
  text,
  at: `2024-05-01T10:00:${String(i % 60).padStart(2, '0')}Z`,
});
const line = (t: Turn): string => `[00:00:00] ${t.speaker}: ${t.text}`;
const cost = (chunk: Turn[]): number => chunk.reduce((n, t) => n + countTokens(line(t), 'gpt-4o') + 1, 0);

describe('splitTurnsByTokens', () => {
  const turns = Array.from({ length: 40 }, (_, i) => turn(i));

  it('keeps whole turns in order, every chunk within the budget', () => {
    const chunks = splitTurnsByTokens(turns, 100, 'gpt-4o');
    expect(chunks.length).toBeGreaterThan(3);
    expect(chunks.flat()).toEqual(turns);
    for (const c of chunks) expect(cost(c)).toBeLessThanOrEqual(100);
  });

  it('returns one chunk when everything fits, none for no turns', () => {
    expect(splitTurnsByTokens(turns, 100_000, 'gpt-4o')).toEqual([turns]);
    expect(splitTurnsByTokens([], 100, 'gpt-4o')).toEqual([]);
  });

  it('splits a single oversized turn at sentence boundaries, keeping speaker and time', () => {
    const long = turn(1, Array.from({ length: 30 }, (_, i) => `Sentence ${i} explains the billing problem in detail.`).join(' '));
    const chunks = splitTurnsByTokens([turn(0), long, turn(2)], 60, 'gpt-4o');
    const pieces = chunks.flat().filter((t) => t.text.startsWith('Sentence'));
    expect(pieces.length).toBeGreaterThan(1);
    for (const p of pieces) expect(p).toMatchObject({ speaker: 'customer', at: long.at, text: expect.stringMatching(/\.$/) });
    expect(pieces.map((p) => p.text).join(' ')).toBe(long.text);
    for (const c of chunks) expect(cost(c)).toBeLessThanOrEqual(60);
  });

  it('repeats the last turns of a chunk at the start of the next when overlap is asked', () => {
    const chunks = splitTurnsByTokens(turns, 100, 'gpt-4o', { overlapTurns: 1 });
    for (let i = 1; i < chunks.length; i++) expect(chunks[i]?.[0]).toEqual(chunks[i - 1]?.at(-1));
    expect([...new Set(chunks.flat())]).toEqual(turns);
  });
});
