import { describe, expect, it } from 'vitest';
import type { Turn } from '../domain.js';
import { describeIntent, extractiveSummarize, lexiconSentiment, matchWrapupCode, sentimentArc } from './extractive.js';
import { redactTurns } from './pii.js';
import { validateSummary } from './validate.js';

const turn = (speaker: Turn['speaker'], text: string): Turn => ({ speaker, text, at: '2024-05-01T10:00:00Z' });

const SHORT: Turn[] = [
  turn('agent', 'Hello, how can I help you today?'),
  turn('customer', 'Hi. I want to return my running shoes because they are too small, this is so annoying.'),
  turn('agent', 'May I have your full name?'),
  turn('customer', 'Dana Reyes'),
  turn('agent', 'Thanks Dana. I have created a return label for the shoes.'),
  turn('agent', 'You will receive the label by email within 24 hours.'),
  turn('customer', 'Great, thank you so much!'),
  turn('agent', 'Have a great day!'),
];

function longTranscript(): Turn[] {
  const out: Turn[] = [turn('customer', 'Hello, I need to change the delivery address for my order because I moved to 42 Elm Street.')];
  for (let i = 1; i < 80; i += 1) {
    out.push(
      i % 2
        ? turn('agent', `Step ${i}: I am checking the order details with the warehouse team now.`)
        : turn('customer', `Okay, still waiting, the courier app still shows the old address (note ${i}).`),
    );
  }
  out.push(turn('agent', 'I have updated the delivery address and the courier will send you a new tracking email within 2 hours.'));
  return out;
}

describe('extractiveSummarize', () => {
  it('writes a valid, deterministic summary of a short call', () => {
    const { turns } = redactTurns(SHORT);
    const fields = extractiveSummarize(turns, { maxLength: 300 });
    expect(fields.intent).toBe('Customer wants to return their running shoes because they are too small, this is so annoying.');
    expect(fields.resolution.text).toMatch(/created a return label/);
    expect(fields.resolution.status).toBe('resolved');
    expect(fields.follow_up_actions).toEqual([{ action: 'The customer will receive the label by email within 24 hours', owner: 'agent', due: 'within 24 hours' }]);
    expect(fields.sentiment).toEqual({ start: 'negative', end: 'positive' });
    expect(fields.headline.length).toBeLessThanOrEqual(80);
    expect(fields).toMatchObject({ language: 'en', wrapup_code_id: null, topics: [], entities: [] });
    expect(fields.summary.length).toBeLessThanOrEqual(300);
    expect(validateSummary(fields, { maxLength: 300 })).toEqual([]);
    expect(JSON.stringify(fields)).not.toContain('Dana');
    expect(extractiveSummarize(turns, { maxLength: 300 })).toEqual(fields);
  });

  it('keeps an 80-turn call within a small maxLength on one line', () => {
    const { turns } = redactTurns(longTranscript());
    for (const maxLength of [80, 200, 500]) {
      const fields = extractiveSummarize(turns, { maxLength });
      expect(fields.summary.length).toBeLessThanOrEqual(maxLength);
      expect(fields.summary).not.toMatch(/\n/);
      expect(validateSummary(fields, { maxLength })).toEqual([]);
    }
    const fields = extractiveSummarize(turns, { maxLength: 500 });
    expect(fields.intent).toMatch(/^Customer needs to change the delivery address for their order/);
    expect(fields.intent).toContain('[ADDRESS]');
    expect(fields.follow_up_actions.map((a) => a.action).join(' ')).toMatch(/new tracking email within 2 hours/);
    expect(fields.sentiment.end).toBe('negative');
  });

  it('falls back gracefully on a transcript with nothing substantive', () => {
    const fields = extractiveSummarize([turn('customer', 'hi'), turn('agent', 'bye')], { maxLength: 100 });
    expect(validateSummary(fields, { maxLength: 100 })).toEqual([]);
    expect(fields.intent).toBe('Customer contacted support.');
  });
});

describe('describeIntent / lexiconSentiment', () => {
  it('rewrites common request forms into the third person', () => {
    expect(describeIntent('Can you cancel my subscription?')).toBe('Customer asked the agent to cancel their subscription');
    expect(describeIntent("I'd like to update my card")).toBe('Customer would like to update their card');
  });
  it('picks a wrap-up code only when all its words appear in the transcript', () => {
    const codes = [{ id: 'a', name: 'Escalated to engineering' }, { id: 'b', name: 'Return label sent' }];
    expect(matchWrapupCode(SHORT, codes)).toBeNull();
    const withLabel = [...SHORT, turn('agent', 'The return label was sent to you.')];
    expect(matchWrapupCode(withLabel, codes)).toEqual(codes[1]);
    expect(extractiveSummarize(withLabel, { maxLength: 300, allowedWrapupCodes: codes }).wrapup_code_id).toBe('b');
  });

  it('compares the start and the end of the customer turns', () => {
    expect(sentimentArc([turn('customer', 'this is terrible'), turn('customer', 'thanks, great')])).toEqual({ start: 'negative', end: 'positive' });
    expect(lexiconSentiment([turn('customer', 'thanks, great'), turn('customer', 'perfect')])).toBe('positive');
    expect(lexiconSentiment([turn('customer', 'hello'), turn('customer', 'ok')])).toBe('neutral');
  });
});
