import { describe, expect, it } from 'vitest';
import type { SummaryFields, Turn } from '../domain.js';
import { QUALITY_WEIGHTS, salientWords, scoreSummary } from './quality.js';

const turn = (speaker: Turn['speaker'], text: string): Turn => ({ speaker, text, at: '2024-05-01T10:00:00Z' });
const turns = [
  turn('customer', 'My refund for the blue jacket has not arrived and the jacket refund was promised last week.'),
  turn('agent', 'I see the jacket refund; I have processed the refund again and you will get an email.'),
];
const fields: SummaryFields = {
  summary: 'The customer reported a missing refund for a blue jacket. The agent processed the jacket refund again, so the issue is resolved; the customer gets an email as follow-up.',
  intent: 'Missing jacket refund',
  resolution: 'Refund processed again',
  follow_up_actions: ['Email confirmation to the customer'],
  sentiment: 'neutral',
};

describe('scoreSummary', () => {
  it('scores a complete, well-sized, on-topic summary near 1 and records every part', () => {
    const { score, parts } = scoreSummary({ fields, turns, maxLength: 250 });
    expect(score).toBeGreaterThan(0.9);
    for (const key of Object.keys(QUALITY_WEIGHTS)) expect(parts[key]).toBeGreaterThanOrEqual(0);
    expect(parts.length_ratio).toBeCloseTo(fields.summary.length / 250, 3);
  });

  it('penalizes a summary under half the limit and one over 90%', () => {
    const ok = scoreSummary({ fields, turns, maxLength: 250 }).parts.length;
    expect(scoreSummary({ fields, turns, maxLength: 1000 }).parts.length).toBeLessThan(ok!);
    expect(scoreSummary({ fields, turns, maxLength: fields.summary.length }).parts.length).toBeLessThan(ok!);
  });

  it('penalizes missing fields and off-topic content', () => {
    const poor = { ...fields, summary: 'A call happened. '.repeat(9).trim(), intent: '', resolution: '', follow_up_actions: [] };
    const { score, parts } = scoreSummary({ fields: poor, turns, maxLength: 250 });
    expect(parts.fields).toBe(0);
    expect(parts.salience).toBe(0);
    expect(score).toBeLessThan(0.5);
  });

  it('asks for at least 30 summary words on transcripts over 500 words', () => {
    const long = Array.from({ length: 60 }, (_, i) => turn(i % 2 ? 'agent' : 'customer', 'the refund for the jacket is still pending today'));
    expect(scoreSummary({ fields: { ...fields, summary: 'Refund pending.' }, turns: long, maxLength: 250 }).parts.coverage).toBeCloseTo(2 / 30, 3);
    const thorough = { ...fields, summary: `${fields.summary} The customer thanked the agent at the end of the call.` };
    expect(scoreSummary({ fields: thorough, turns: long, maxLength: 250 }).parts.coverage).toBe(1);
  });

  it('finds salient words by frequency, ignoring placeholders', () => {
    expect(salientWords([turn('customer', '[NAME] jacket jacket refund refund refund [NAME]')])).toEqual(['refund', 'jacket']);
  });
});
