import { describe, expect, it } from 'vitest';
import type { SummaryFields, Turn } from '../../domain.js';
import { QUALITY_WEIGHTS, salientWords, scoreSummary } from './quality.js';
import { sampleFields } from '../../../test/support/summaries.js';

const turn = (speaker: Turn['speaker'], text: string): Turn => ({ speaker, text, at: '2024-05-01T10:00:00Z' });
const turns = [
  turn('customer', 'My refund for the blue jacket has not arrived and the jacket refund was promised last week.'),
  turn('agent', 'I see the jacket refund; I have processed the refund again and you will get an email.'),
];
const fields: SummaryFields = sampleFields({
  headline: 'Missing jacket refund processed again',
  summary: 'The customer reported a missing refund for a blue jacket. The agent processed the jacket refund again, so the issue is resolved; the customer gets an email as follow-up.',
  intent: 'Missing jacket refund',
  resolution: { status: 'resolved', text: 'Refund processed again' },
  follow_up_actions: [{ action: 'Email confirmation to the customer', owner: 'agent', due: null }],
  topics: ['refund'],
  entities: [],
});

describe('scoreSummary', () => {
  it('scores a complete, well-sized, on-topic, grounded summary near 1 and records every part', () => {
    const { score, parts } = scoreSummary({ fields, turns, maxLength: 250, faithfulness: 1 });
    expect(score).toBeGreaterThan(0.9);
    for (const key of Object.keys(QUALITY_WEIGHTS)) expect(parts[key]).toBeGreaterThanOrEqual(0);
    expect(parts.length_ratio).toBeCloseTo(fields.summary.length / 250, 3);
  });

  it('keeps the keyword heuristic at most 0.1 of the score, with or without faithfulness', () => {
    const total = Object.values(QUALITY_WEIGHTS).reduce((a, b) => a + b, 0);
    expect(total).toBeCloseTo(1, 6);
    expect(QUALITY_WEIGHTS.keywords / (total - QUALITY_WEIGHTS.faithfulness)).toBeLessThanOrEqual(0.1);
    const noKeywords = { ...fields, summary: fields.summary.replace(/customer|agent|resolved|issue|follow-up/gi, 'x') };
    const drop = scoreSummary({ fields, turns, maxLength: 250 }).score - scoreSummary({ fields: noKeywords, turns, maxLength: 250 }).score;
    expect(drop).toBeLessThanOrEqual(0.1);
  });

  it('lowers the score when the grounding check finds unsupported facts', () => {
    const grounded = scoreSummary({ fields, turns, maxLength: 250, faithfulness: 1 });
    const ungrounded = scoreSummary({ fields, turns, maxLength: 250, faithfulness: 0 });
    expect(ungrounded.parts.faithfulness).toBe(0);
    expect(grounded.score - ungrounded.score).toBeCloseTo(QUALITY_WEIGHTS.faithfulness, 2);
    expect(scoreSummary({ fields, turns, maxLength: 250 }).parts).not.toHaveProperty('faithfulness');
  });

  it('penalizes a summary under half the limit and one over 90%', () => {
    const ok = scoreSummary({ fields, turns, maxLength: 250 }).parts.length;
    expect(scoreSummary({ fields, turns, maxLength: 1000 }).parts.length).toBeLessThan(ok!);
    expect(scoreSummary({ fields, turns, maxLength: fields.summary.length }).parts.length).toBeLessThan(ok!);
  });

  it('penalizes missing fields and off-topic content', () => {
    const poor: SummaryFields = {
      ...fields,
      headline: '',
      summary: 'A call happened. '.repeat(9).trim(),
      intent: '',
      resolution: { status: 'unresolved', text: '' },
      follow_up_actions: [],
      topics: [],
    };
    const { score, parts } = scoreSummary({ fields: poor, turns, maxLength: 250 });
    expect(parts.completeness).toBe(0);
    expect(parts.salience).toBe(0);
    expect(parts.coverage).toBe(0);
    expect(score).toBeLessThan(0.5);
  });

  it('finds salient words by frequency, ignoring placeholders', () => {
    expect(salientWords([turn('customer', '[NAME] jacket jacket refund refund refund [NAME]')])).toEqual(['refund', 'jacket']);
  });
});
