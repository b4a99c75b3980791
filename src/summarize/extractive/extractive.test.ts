import { describe, expect, it } from 'vitest';
import type { Turn } from '../../domain.js';
import { describeIntent, extractiveSummarize, lexiconSentiment, matchWrapupCode, sentimentArc } from './extractive.js';
import { groundedness } from '../checks/grounding.js';
import { redactTurns } from '../redact/pii.js';
import { formatTranscript } from '../transcript-format.js';
import { stringFields, validateSummary } from '../checks/validate.js';

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
  it('writes a valid, deterministic third-person wrap-up of a short call', () => {
    const { turns } = redactTurns(SHORT);
    const fields = extractiveSummarize(turns, { maxLength: 300 });
    expect(fields.intent).toBe('Customer wants to return their running shoes because they are too small, this is so annoying.');
    expect(fields.headline).toBe('Return their running shoes — return label created');
    expect(fields.summary).toBe(
      'The customer wanted to return their running shoes because they are too small, this is so annoying. The agent created a return label for the shoes. Follow-up: the customer will receive the label by email within 24 hours.',
    );
    expect(fields.resolution).toEqual({ status: 'resolved', text: 'The agent created a return label for the shoes.' });
    expect(fields.follow_up_actions).toEqual([{ action: 'The customer will receive the label by email within 24 hours', owner: 'team', due: 'within 24 hours' }]);
    expect(fields.sentiment).toEqual({ start: 'negative', end: 'positive' });
    expect(fields.entities).toEqual([{ type: 'product', value: 'running shoes' }]);
    expect(fields.topics.length).toBeGreaterThan(0);
    expect(fields).toMatchObject({ language: 'en', wrapup_code_id: null });
    expect(validateSummary(fields, { maxLength: 300 })).toEqual([]);
    expect(JSON.stringify(fields)).not.toContain('Dana');
    expect(extractiveSummarize(turns, { maxLength: 300 })).toEqual(fields);
  });

  it('keeps an 80-turn call within max_length on one line, with the final action and the pending email', () => {
    const { turns } = redactTurns(longTranscript());
    for (const maxLength of [80, 150, 300, 500]) {
      const fields = extractiveSummarize(turns, { maxLength });
      expect(fields.summary.length).toBeLessThanOrEqual(maxLength);
      expect(fields.summary).not.toMatch(/\n/);
      expect(validateSummary(fields, { maxLength })).toEqual([]);
    }
    expect(extractiveSummarize(turns, { maxLength: 150 }).summary).toContain('The agent updated the delivery address.');
    const fields = extractiveSummarize(turns, { maxLength: 500 });
    expect(fields.intent).toMatch(/^Customer needs to change the delivery address for their order/);
    expect(fields.intent).toContain('[ADDRESS]');
    expect(fields.headline).toBe('Delivery address change — delivery address updated');
    // "I am checking … now" is work in progress, not a completed action.
    expect(fields.resolution.text).toBe('The agent updated the delivery address.');
    expect(fields.follow_up_actions).toEqual([{ action: 'The courier will send the customer a new tracking email within 2 hours', owner: 'team', due: 'within 2 hours' }]);
    expect(fields.sentiment.end).toBe('negative');
  });

  it('says nothing it cannot ground: every fact in the fields is in the transcript', () => {
    for (const source of [SHORT, longTranscript()]) {
      const { turns } = redactTurns(source);
      const fields = extractiveSummarize(turns, { maxLength: 500 });
      expect(groundedness(stringFields(fields).map(([, t]) => t), formatTranscript(turns)).ungrounded).toEqual([]);
    }
  });

  it('falls back gracefully on a transcript with nothing substantive', () => {
    const fields = extractiveSummarize([turn('customer', 'hi'), turn('agent', 'bye')], { maxLength: 100 });
    expect(validateSummary(fields, { maxLength: 100 })).toEqual([]);
    expect(fields.intent).toBe('Customer contacted support.');
    expect(fields.resolution.status).toBe('unresolved');
  });

  it('reports a failed request as unresolved', () => {
    const fields = extractiveSummarize(
      [turn('customer', 'I want to change my ride to Craig and Center.'), turn('agent', 'Unfortunately I was not able to update your booking, sorry.'), turn('customer', 'Okay, thanks.')],
      { maxLength: 300 },
    );
    expect(fields.resolution.status).toBe('unresolved');
    expect(fields.headline).toMatch(/— not completed$/);
    expect(fields.summary).toContain('The agent reported that');
  });
});

describe('describeIntent / wrap-up code / sentiment', () => {
  it('rewrites common request forms into the third person', () => {
    expect(describeIntent('Can you cancel my subscription?')).toBe('Customer asked the agent to cancel their subscription');
    expect(describeIntent("I'd like to update my card")).toBe('Customer would like to update their card');
    expect(describeIntent('I was charged twice for my order.')).toBe('Customer reports that they were charged twice for their order');
    expect(describeIntent('Is there an outage in my area?')).toBe('Customer asked whether there is an outage in their area');
    expect(describeIntent(undefined)).toBe('Customer contacted support');
  });

  it('picks a wrap-up code only when the summary clearly supports its name', () => {
    const codes = [{ id: 'a', name: 'Escalated to engineering' }, { id: 'b', name: 'Return label sent' }];
    expect(matchWrapupCode(SHORT, codes)).toBeNull();
    expect(extractiveSummarize(SHORT, { maxLength: 300, allowedWrapupCodes: codes }).wrapup_code_id).toBeNull();
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
