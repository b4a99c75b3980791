import { describe, expect, it } from 'vitest';
import type { Turn } from '../../domain.js';
import { analyze } from './extractive-analysis.js';
import { dueOf, followUpActions } from './extractive-followups.js';
import { composeHeadline, headlineTopic, outcomeOf, shortPhrase } from './extractive-headline.js';
import { intentPhrases } from './extractive-intent.js';
import { transcriptLines } from './extractive-lines.js';
import { entitiesOf, pickWrapupCode, topicsOf } from './extractive-tags.js';
import { agentPast, pastOf, pastOfIng } from './extractive-verbs.js';
import { toCustomerView } from './perspective.js';

const turn = (speaker: Turn['speaker'], text: string): Turn => ({ speaker, text, at: '2024-05-01T10:00:00Z' });

describe('extractive-verbs', () => {
  it('forms the simple past of service verbs', () => {
    expect([pastOf('upgrade'), pastOf('send'), pastOf('apply'), pastOf('lock')]).toEqual(['upgraded', 'sent', 'applied', 'locked']);
    expect([pastOfIng('issuing'), pastOfIng('cancelling'), pastOfIng('checking')]).toEqual(['issued', 'cancelled', undefined]);
    expect(agentPast(toCustomerView('I have lowered the line profile'))).toBe('the agent lowered the line profile');
    expect(agentPast(toCustomerView('I am issuing a refund right now.'))).toBe('the agent issued a refund.');
    expect(agentPast(toCustomerView('I am checking the order now'))).toBe('the agent is checking the order now');
  });
});

describe('extractive-lines', () => {
  it('takes an e-mail subject and drops salutations, sign-offs and signatures', () => {
    const { lines, subject } = transcriptLines([turn('customer', 'Refund for flight AX 1\n\nHello,\n\nMy flight was cancelled.\n\nRegards,\n[NAME]'), turn('ivr', 'Press one.')]);
    expect(subject).toBe('Refund for flight AX 1');
    expect(lines.map((l) => l.text)).toEqual(['My flight was cancelled.']);
  });
  it('strips fillers and leaves credentials out', () => {
    const { lines } = transcriptLines([turn('customer', 'Okay, great. Yes, the PIN is 597430. I need a new card.')]);
    expect(lines.map((l) => l.text)).toEqual(['I need a new card.']);
  });
});

describe('extractive-intent', () => {
  it('gives present and past forms', () => {
    expect(intentPhrases('I need to move my appointment.')).toEqual({ present: 'Customer needs to move their appointment', past: 'The customer needed to move their appointment' });
    expect(intentPhrases('What time does the store close?').past).toBe('The customer asked: what time does the store close?');
  });
});

describe('extractive-headline', () => {
  it('finds topics from patterns, subjects or the request', () => {
    expect(headlineTopic(undefined, 'I was charged twice for my order.', '')).toBe('Duplicate charge on an order');
    expect(headlineTopic(undefined, 'I lost my debit card on the bus.', '')).toBe('Lost debit card');
    expect(headlineTopic('Late delivery of order 55', 'Where is it?', '')).toBe('Late delivery of order 55');
    expect(headlineTopic(undefined, 'I want to return my shoes because they are small.', '')).toBe('Return their shoes');
  });
  it('names the outcome of a completed action', () => {
    expect(outcomeOf('I am issuing a refund of 142 dollars right now.')).toBe('refund issued');
    expect(outcomeOf('I have submitted a full refund of 412.80 to the card.')).toBe('refund submitted');
    expect(outcomeOf('Your flight is now reserved!')).toBe('flight reserved');
    expect(outcomeOf('Thanks for waiting.')).toBeUndefined();
  });
  it('keeps headlines within 80 characters without dangling words', () => {
    expect(shortPhrase('Change the address on the policy of the', 80)).toBe('Change the address on the policy');
    const long = composeHeadline('A very long topic about a billing address that was changed after the customer moved house twice', 'address updated', 'resolved', false);
    expect(long.length).toBeLessThanOrEqual(80);
    expect(long).toMatch(/ — address updated$/);
    expect(composeHeadline('Store hours', undefined, 'resolved', true)).toBe('Store hours — question answered');
  });
});

describe('extractive-followups', () => {
  it('keeps only future items, with owners, and drops completed or in-call steps', () => {
    const a = analyze([
      turn('customer', 'I was charged twice.'),
      turn('agent', 'I have refunded the duplicate charge. I will also send you a confirmation today.'),
      turn('customer', 'How long will it take to show up?'),
      turn('agent', 'Three to five business days.'),
      turn('agent', 'Please keep the receipt until then.'),
    ]);
    expect(followUpActions(a, 'refund')).toEqual([
      { action: 'Send the customer a confirmation today', owner: 'agent', due: 'today' },
      { action: 'Refund expected in three to five business days', owner: 'team', due: 'in three to five business days' },
      { action: 'Customer to keep the receipt until then', owner: 'customer', due: null },
    ]);
    expect(dueOf('arrives within 2 hours')).toBe('within 2 hours');
    expect(dueOf('no date given')).toBeNull();
  });
});

describe('extractive-tags', () => {
  const lines = transcriptLines([
    turn('customer', 'My router keeps dropping the internet, order ORD-1234, membership number PF-220918.'),
    turn('agent', 'Your case reference is CS-300417. I moved you to the Fibre Max plan.'),
  ]).lines;
  it('finds topics and non-personal entities', () => {
    expect(topicsOf(lines, false)).toEqual(['internet connection', 'membership']);
    expect(entitiesOf(lines, analyze([turn('customer', 'order ORD-1234, membership number PF-220918'), turn('agent', 'Your case reference is CS-300417.')]).refs)).toEqual([
      { type: 'product', value: 'router' },
      { type: 'plan', value: 'Fibre Max plan' },
      { type: 'order_reference', value: 'ORD-1234' },
      { type: 'order_reference', value: 'CS-300417' },
    ]);
  });
  it('matches wrap-up codes on all words of the name, category words as tie-breakers', () => {
    const codes = [{ id: '1', name: 'Issue resolved' }, { id: '2', name: 'Billing - Refund issued' }, { id: '3', name: 'Technical - Refund issued' }];
    expect(pickWrapupCode(codes, 'refund issued resolved', 'billing payments')?.id).toBe('2');
    expect(pickWrapupCode(codes, 'refund approved')).toBeNull();
    expect(pickWrapupCode(codes, 'the issue was resolved')?.id).toBe('1');
    expect(pickWrapupCode([], 'refund issued')).toBeNull();
  });
});
