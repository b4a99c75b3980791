// Account ids, PINs and security answers: introduced in the text, or given in reply to the agent's question.
import { describe, expect, it } from 'vitest';
import type { Turn } from '../../domain.js';
import { findPii, placeholder, redactText, redactTurns } from './pii.js';

const turn = (speaker: Turn['speaker'], text: string): Turn => ({ speaker, text, at: '2024-05-01T10:00:00Z' });
/** Redacts a dialogue given as alternating [agent, customer, agent, …] lines (or explicit turns). */
const chat = (...lines: Array<string | Turn>): string[] =>
  redactTurns(lines.map((l, i) => (typeof l === 'string' ? turn(i % 2 === 0 ? 'agent' : 'customer', l) : l))).turns.map((t) => t.text);

describe('introduced credentials (findPii, no context)', () => {
  it('uses the placeholders [ACCOUNT], [PIN] and [SECRET]', () => {
    expect([placeholder('account'), placeholder('pin'), placeholder('secret')]).toEqual(['[ACCOUNT]', '[PIN]', '[SECRET]']);
  });

  it.each([
    ['Account ID: ZNMHQSNR5A', 'Account ID: [ACCOUNT]'],
    ['account is Q4HRVDDMYA', 'account is [ACCOUNT]'],
    ['my name is albert sanders and my ID is 2UN7FUKM3V', 'my name is [NAME] and my ID is [ACCOUNT]'],
    ['Sarah Brown, 95381901 is my account #', 'Sarah Brown, [ACCOUNT] is my account #'],
    ['customer number 4471-2209-88 please', 'customer number [ACCOUNT] please'],
    ['Yes, the PIN is 597430', 'Yes, the PIN is [PIN]'],
    ['Just remembered my PIN: eitehr 3941 or 0314', 'Just remembered my PIN: eitehr [PIN] or [PIN]'],
    ['wait wait try either 3100 or 5380 for my PIN, sorry', 'wait wait try either [PIN] or [PIN] for my PIN, sorry'],
    ['check my bank balance 84318931431 pin 3100', 'check my bank balance [ACCOUNT] pin [PIN]'],
    ['CVV 382, expiry next year', 'CVV [PIN], expiry next year'],
    ["my mother's maiden name is Miller if that helps", "my mother's maiden name is [SECRET] if that helps"],
    ['Jane doe pin 3100 childhood pet charlie', 'Jane doe pin [PIN] childhood pet [SECRET]'],
    ['Security Answer: Alexander', 'Security Answer: [SECRET]'],
  ])('%s', (text, expected) => {
    expect(redactText(text).text).toBe(expected);
  });

  it.each([
    'Order ID: 3554122874',
    'order number is 7823615817, account is fine',
    'the account balance is 4500 dollars',
    'account locked since 10:45, paid $12,450.00',
    'my account has 3 cards and 12500 points',
    'the PIN pad at store 4471 was broken',
    'Your PIN must be 4 to 6 digits long.',
    'my pet is sick',
  ])('leaves "%s" alone', (text) => {
    expect(findPii(text)).toEqual([]);
  });

  it('counts the new types', () => {
    expect(redactText('Account is 95381901 and my PIN is 0314.').counts).toEqual({ account: 1, pin: 1 });
  });
});

describe('answers to the agent (redactTurns)', () => {
  it('takes the reply to "your account number?" as an account id', () => {
    expect(chat('Can you tell me your account number, please?', '95381901.')).toEqual(['Can you tell me your account number, please?', '[ACCOUNT].']);
    expect(chat('Can I have your full name and account ID please', 'Chloe Zhang', turn('customer', 'F5KCD5QPAW'))[2]).toBe('[ACCOUNT]');
  });

  it('without the question, a bare id stays', () => {
    expect(chat('How can I help?', '95381901')[1]).toBe('95381901');
  });

  it('after "account and order ID?" prefers the id not introduced as an order, and leaves a lone all-digit reply', () => {
    const q = 'Can I get your account and order ID?';
    expect(chat(q, 'Order ID: 7823615817, account Q4HRVDDMYA')[1]).toBe('Order ID: 7823615817, account [ACCOUNT]');
    expect(chat(q, '7823615817 and Q4HRVDDMYA')[1]).toBe('7823615817 and [ACCOUNT]');
    expect(chat(q, '6820094438')[1]).toBe('6820094438');
    expect(chat('May I have your order ID?', '6820094438')[1]).toBe('6820094438');
  });

  it('does not take a username, a mixed-case product or an allow-listed id for the account id', () => {
    const q = 'What is your account number?';
    expect(chat(q, 'I do not have it but my username is josephb9')[1]).toBe('I do not have it but my username is josephb9');
    expect(chat(q, 'I am on an iPhone15 sorry')[1]).toBe('I am on an iPhone15 sorry');
    expect(redactTurns([turn('agent', q), turn('customer', 'ORD-20231')], { allow: [/^ORD-\d+$/] }).turns[1]?.text).toBe('ORD-20231');
  });

  it('takes the digits after "and your PIN?" as the PIN, with its alternatives', () => {
    expect(chat('Right, and your PIN as well please.', '3941')[1]).toBe('[PIN]');
    expect(chat('Right, and your PIN as well please.', 'It is either 3941 or 9503.')[1]).toBe('It is either [PIN] or [PIN].');
    expect(chat('I will need your pin number to initiate the reset please', 'It is 919182')[1]).toBe('It is [PIN]');
    expect(chat('Account number, and PIN please.', 'sure 85731890 PIN 1596')[1]).toBe('sure [ACCOUNT] PIN [PIN]');
  });

  it('while a PIN is discussed, "either X or Y" is a PIN guess; otherwise it stays', () => {
    const pinTalk = chat('Right, and your PIN as well please.', "I can't remember it.", 'I cannot authenticate you.', "I think it's either 0314 or 7402.");
    expect(pinTalk[3]).toBe("I think it's either [PIN] or [PIN].");
    expect(chat('Which year was the car built?', "I think it's either 2014 or 2015.")[1]).toBe("I think it's either 2014 or 2015.");
  });

  it('takes the reply to a security question as a secret and redacts later capitalized mentions', () => {
    const out = chat('What was your mother\'s maiden name?', 'Cooper', 'And what was the name of the pet you had as a child?', 'That is Nemo', 'Great, thanks.', 'Nemo was a fish, sure thing buddy');
    expect(out.slice(1)).toEqual(['[SECRET]', 'And what was the name of the pet you had as a child?', 'That is [SECRET]', 'Great, thanks.', '[SECRET] was a fish, sure thing buddy']);
    expect(redactTurns([turn('agent', "What was your mother's maiden name?"), turn('customer', 'Cooper')]).counts).toEqual({ secret: 1 });
  });
});

describe('ids of other things are not account ids (finding 6)', () => {
  it.each([
    'the account SKU-99812 settings',
    'account: 2024 12 31 statement',
    'account 2024-12-31 was the last statement',
    'account CX-20931',
    'my account is ORD-55123 I think',
    'the account ticket TKT-88123 is open',
  ])('leaves "%s" alone', (text) => {
    expect(findPii(text)).toEqual([]);
  });

  it('does not take an order or SKU id given to "your account number?"', () => {
    expect(chat('What is your account number?', 'SKU-99812')[1]).toBe('SKU-99812');
    expect(chat('What is your account number?', 'MBR-778812')[1]).toBe('[ACCOUNT]');
  });

  it('still takes real account ids, spaced digit groups included', () => {
    expect(redactText('the account no. is 12 3456 7890').text).toBe('the account no. is [ACCOUNT]');
    expect(redactText('policy number: PLC-2231-0098').text).toBe('policy number: [ACCOUNT]');
  });
});
