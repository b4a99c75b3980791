// Second-review findings on context-driven redaction: recurring security answers, order numbers and amounts taken for
// PINs, year-like PINs wiping dates, and product names taken for security answers.
import { describe, expect, it } from 'vitest';
import type { Turn } from '../../domain.js';
import { redactTurns } from './pii.js';

const turn = (speaker: Turn['speaker'], text: string): Turn => ({ speaker, text, at: '2024-05-01T10:00:00Z' });
/** Redacts alternating [agent, customer, agent, …] lines and returns the texts. */
const chat = (...lines: string[]): string[] =>
  redactTurns(lines.map((l, i) => turn(i % 2 === 0 ? 'agent' : 'customer', l))).turns.map((t) => t.text);

describe('security answers recur in any case (finding 1)', () => {
  it('redacts a multi-word answer wherever it recurs, whatever its case', () => {
    const out = chat('Can you answer the security question?', 'the answer to my security question is Blue Honda', 'Thanks.', 'yes the Blue Honda one, BLUE HONDA, blue  honda');
    expect(out[1]).toBe('the answer to my security question is [SECRET]');
    expect(out[3]).toBe('yes the [SECRET] one, [SECRET], [SECRET]');
  });

  it('redacts mixed-case names (McDonald, DeVito) in every case form, on word boundaries only', () => {
    expect(chat("What was your mother's maiden name?", 'McDonald', 'Thank you.', 'McDonald is right, MCDONALD, mcdonald, McDonalds')[3])
      .toBe('[SECRET] is right, [SECRET], [SECRET], McDonalds');
    expect(chat("What was your mother's maiden name?", 'DeVito', 'Thank you.', 'DeVito yes')[3]).toBe('[SECRET] yes');
  });
});

describe('order numbers and amounts are not PINs (finding 2)', () => {
  it('leaves a bare number given to "Which order is it?" alone, even right after PIN talk', () => {
    const out = chat('And your PIN?', 'I forgot my PIN', 'Which order is it?', '55123', 'Found it.', 'great, order 55123 then');
    expect(out.slice(3)).toEqual(['55123', 'Found it.', 'great, order 55123 then']);
  });

  it('never takes an amount for a PIN, even in reply to "your PIN?"', () => {
    expect(chat('What is your PIN?', 'Either 1500 or 2000 dollars')[1]).toBe('Either 1500 or 2000 dollars');
    expect(chat('What is your PIN?', 'it is 2500 euros, not sure')[1]).toBe('it is 2500 euros, not sure');
    expect(chat('And your PIN?', 'I paid 1200 dollars, my pin is 4417')[1]).toBe('I paid 1200 dollars, my pin is [PIN]');
  });

  it('still takes "X or Y" as PIN guesses when the PIN was asked and no other number since', () => {
    const out = chat('Right, and your PIN as well please.', 'I forgot it', 'Could you provide your date of birth, please?', 'Actually I just remembered it is 9503 or 1596');
    expect(out[3]).toBe('Actually I just remembered it is [PIN] or [PIN]');
    expect(chat('How much was the transfer? And your PIN?', '4417')[1]).toBe('[PIN]');
  });
});

describe('a year-like PIN does not wipe dates and quantities (finding 3)', () => {
  it('keeps "March 2024", "in 2024" and "2024 items" but redacts the PIN itself', () => {
    const out = chat('What is your PIN?', '2024', 'Thanks.', 'I ordered in March 2024 with 2024 items, in 2024, since 2024; the pin 2024 works');
    expect(out[1]).toBe('[PIN]');
    expect(out[3]).toBe('I ordered in March 2024 with 2024 items, in 2024, since 2024; the pin [PIN] works');
  });
});

describe('product names are not security answers (finding 4)', () => {
  it('takes no brand, product or common word from a reply after the security question, and chases none', () => {
    const out = chat(
      'Can you answer the security question?',
      'The Samsung Galaxy broke',
      'Sorry, I need the answer to the security question.',
      'Later, I will check. My Toyota Corolla lease is the issue',
      'OK.',
      'The Samsung Galaxy and the Toyota Corolla lease. Later then.',
    );
    expect(out[1]).toBe('The Samsung Galaxy broke');
    expect(out[3]).toBe('Later, I will check. My Toyota Corolla lease is the issue');
    expect(out[5]).toBe('The Samsung Galaxy and the Toyota Corolla lease. Later then.');
  });

  it('only reads the reply right after the question, and a long reply only by its short first clause or "it is …"', () => {
    const later = redactTurns([
      turn('agent', "What was your mother's maiden name?"),
      turn('customer', 'Hold on.'),
      turn('customer', 'Rodriguez Farms called me about Gomez'),
    ]).turns;
    expect(later[2]?.text).toBe('Rodriguez Farms called me about Gomez');
    expect(chat("What was your mother's maiden name?", 'Let me think about what you asked, it was Cooper I believe')[1]).toBe('Let me think about what you asked, it was [SECRET] I believe');
    expect(chat("What was your mother's maiden name?", 'I really do not know what Kevin Smith told you about it')[1]).toBe('I really do not know what Kevin Smith told you about it');
  });

  it('keeps an answer with a brand in it whole ("Blue Honda") and still takes plain answers', () => {
    expect(chat('Can you answer the security question?', 'Blue Honda', 'Thanks.', 'the blue honda, not the blue sky')).toEqual([
      'Can you answer the security question?', '[SECRET]', 'Thanks.', 'the [SECRET], not the blue sky',
    ]);
    expect(chat("What was your mother's maiden name?", 'Sanchez.  My childhood pet was Charlie if you need that.')[1]).toBe('[SECRET].  My childhood pet was [SECRET] if you need that.');
  });
});
