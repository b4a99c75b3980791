import { describe, expect, it } from 'vitest';
import type { Turn } from '../../domain.js';
import { findPii, redactText, redactTurns } from './pii.js';

const turn = (speaker: Turn['speaker'], text: string): Turn => ({ speaker, text, at: '2024-05-01T10:00:00Z' });

describe('redactText', () => {
  it('replaces values with typed placeholders and counts them by type', () => {
    const out = redactText('Card 4111 1111 1111 1111, call (555) 123-4567 or +44 20 7946 0958, mail a@b.io');
    expect(out.text).toBe('Card [CARD], call [PHONE] or [PHONE], mail [EMAIL]');
    expect(out.counts).toEqual({ card: 1, phone: 2, email: 1 });
  });

  it('does not call a non-Luhn 16-digit number a card', () => {
    expect(findPii('number 4111 1111 1111 1112')).toEqual([]);
  });

  it('needs "social" or "ssn" before a bare 9-digit SSN', () => {
    expect(redactText('my social is 078051120').text).toBe('my social is [SSN]');
    expect(redactText('order 078051120').text).toBe('order 078051120');
  });

  it('only calls a date a DOB when it is introduced as one', () => {
    expect(redactText('born on 04/07/1985, delivered 05/07/2024').text).toBe('born on [DOB], delivered 05/07/2024');
  });

  it('returns spans with offsets into the text', () => {
    const text = 'Hi, this is Priya Patel from 42 Elm Street';
    const spans = findPii(text);
    expect(spans.map((s) => [s.type, text.slice(s.start, s.end)])).toEqual([
      ['name', 'Priya Patel'],
      ['address', '42 Elm Street'],
    ]);
  });
});

describe('redactTurns', () => {
  it('takes a reply to "may I have your name?" as a name and redacts it wherever it recurs', () => {
    const { turns, counts } = redactTurns([
      turn('agent', 'May I have your full name or account ID?'),
      turn('customer', 'crystal minh, I have an order ID'),
      turn('agent', 'Thanks Crystal. What is your date of birth?'),
      turn('customer', '12/20/1979 I think'),
      turn('agent', 'All set, Ms Minh. Have a good day crystal minh!'),
    ]);
    expect(turns.map((t) => t.text)).toEqual([
      'May I have your full name or account ID?',
      '[NAME], I have an order ID',
      'Thanks [NAME]. What is your date of birth?',
      '[DOB] I think',
      'All set, Ms [NAME]. Have a good day [NAME]!',
    ]);
    expect(counts).toEqual({ name: 4, dob: 1 });
  });

  it('keeps speakers and times and does not touch clean turns', () => {
    const input = [turn('customer', 'Where is order ORD-20231? Ticket 48213, it was $129.99.')];
    expect(redactTurns(input)).toEqual({ turns: input, counts: {} });
  });

  it('does not chase a name that is also a word unless capitalized', () => {
    const { turns } = redactTurns([turn('customer', 'My name is Mark.'), turn('agent', 'I will mark it resolved, Mark.')]);
    expect(turns[1]?.text).toBe('I will mark it resolved, [NAME].');
  });
});

describe('names in e-mail salutations and sign-offs', () => {
  it('redacts the customer name after "Dear" and in a closing', () => {
    const text = 'Dear Nadia, thank you. You can reach me at home. Regards, Nadia Kowalczyk';
    const out = redactText(text).text;
    expect(out).not.toMatch(/Nadia|Kowalczyk/);
    expect(redactText('Kind regards, Benjamin').text).toBe('Kind regards, [NAME]');
    expect(redactText('Thanks, have a great day').text).toBe('Thanks, have a great day');
  });
});

describe('addresses outside the US/UK street-suffix style', () => {
  it.each([
    ['Please send it to 14 Rue des Lilas, 75011 Paris thanks', 'Please send it to [ADDRESS] thanks'],
    ['I live at Calle Mayor 5, 28013 Madrid', 'I live at [ADDRESS]'],
    ['meine Adresse ist Hauptstraße 12, 10115 Berlin', 'meine Adresse ist [ADDRESS]'],
  ])('redacts %s', (text, expected) => {
    expect(redactText(text).text).toBe(expected);
  });

  it.each(['appointment 10:40 with Dr Malik', 'at 3 with Dr Malik', 'via email please', 'la plaza estaba llena', 'the rue is nice'])(
    'leaves %s alone',
    (text) => {
      expect(redactText(text).text).toBe(text);
    },
  );
});

describe('names beyond English introductions', () => {
  it.each([
    ['Hola, me llamo José Pérez y tengo un problema', 'Hola, me llamo [NAME] y tengo un problema'],
    ["Bonjour, je m'appelle Éloïse Dubois", "Bonjour, je m'appelle [NAME]"],
    ['Guten Tag, ich heiße Jürgen Müller', 'Guten Tag, ich heiße [NAME]'],
    ['The name on the door is Camille Bertrand.', 'The name on the door is [NAME].'],
    ['GB-bank, in the name of Oliver Penhaligon.', 'GB-bank, in the name of [NAME].'],
  ])('%s', (text, expected) => {
    expect(redactText(text).text).toBe(expected);
  });

  it('finds a Spanish name given in answer to "¿Me indica su nombre completo?" and its later mentions', () => {
    const t = (speaker: Turn['speaker'], text: string): Turn => ({ speaker, text, at: '2024-05-01T10:00:00Z' });
    const out = redactTurns([t('agent', '¿Me indica su nombre completo?'), t('customer', 'Javier Montes Ibarra.'), t('agent', 'Gracias, Javier.')]);
    expect(out.turns.map((x) => x.text)).toEqual(['¿Me indica su nombre completo?', '[NAME].', 'Gracias, [NAME].']);
  });

  it('leaves ordinary words after the same lead-ins alone', () => {
    expect(redactText('Soy muy feliz con el servicio').text).toBe('Soy muy feliz con el servicio');
    expect(redactText('I paid in the name of convenience').text).toBe('I paid in the name of convenience');
  });
});

describe('company and plan names are not person names (finding 5)', () => {
  it.each([
    'The parcel is addressed to Acme Corp.',
    'The booking is in the name of Contoso Travel',
    'the account holder is Contoso Ltd, not me',
    'It was sent in the name of Fabrikam GmbH.',
    'I am Premium since last year',
    'Soy Premium desde enero',
    "I'm Gold, so the fee should be waived",
  ])('leaves "%s" alone', (text) => {
    expect(findPii(text)).toEqual([]);
  });

  it('still finds the people in the same lead-ins', () => {
    expect(redactText('The parcel is addressed to Oliver Penhaligon.').text).toBe('The parcel is addressed to [NAME].');
    expect(redactText('the account holder is Maria Lopez').text).toBe('the account holder is [NAME]');
    expect(redactText('Soy Javier, cliente Premium').text).toBe('Soy [NAME], cliente Premium');
  });

  it('does not take a company given in reply to "your name?" for a name', () => {
    const out = redactTurns([turn('agent', 'May I have your full name?'), turn('customer', 'Contoso Travel, we have a corporate account')]);
    expect(out.turns[1]?.text).toBe('Contoso Travel, we have a corporate account');
  });
});
