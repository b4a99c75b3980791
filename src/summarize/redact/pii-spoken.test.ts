// Personal data in speech-engine text (lower case, numbers as words) and sloppy typing, through the public redactor:
// the illustrations and phrasings written for these tests, not taken from the ASR set. Look-alikes stay.
import { describe, expect, it } from 'vitest';
import type { Turn } from '../../domain.js';
import { findOutputPii, findPii, redactText, redactTurns } from './pii.js';

const at = '2026-05-01T10:00:00Z';
const voice = (text: string): string => redactText(text, { voice: true }).text;
const call = (...lines: Array<[Turn['speaker'], string]>): string[] =>
  redactTurns(lines.map(([speaker, text]) => ({ speaker, text, at })), { voice: true }).turns.map((t) => t.text);

describe('spoken numbers with a validator or a key word', () => {
  it.each([
    ['my account number is six two zero eight four four one nine seven five', 'my account number is [ACCOUNT]'],
    ['the card is four one one one one one one one one one one one one one one one', 'the card is [CARD]'],
    ['my iban is g b eight two w e s t one two three four five six nine eight seven six five four three two', 'my iban is [IBAN]'],
    ['you can reach me on five five five uh oh one four two double three', 'you can reach me on [PHONE]'],
    ['my social is one two three four five six seven eight nine', 'my social is [SSN]'],
    ['passport number x wie xaver drei vier fünf sechs sieben acht', 'passport number [PASSPORT]'],
  ])('%s', (text, expected) => {
    expect(voice(text)).toBe(expected);
  });

  it('finds a spoken card in chat too (digits said as words fail closed in any medium)', () => {
    expect(redactText('ok its four one one one one one one one one one one one one one one one').text).toBe('ok its [CARD]');
  });
});

describe('spoken dates, e-mails, IPs, addresses', () => {
  it.each([
    'born june twenty third nineteen seventy nine',
    'it was the twenty third of june seventy nine',
    'nací el veintitrés de junio de mil novecientos setenta y nueve',
    'geboren am dreiundzwanzigster juni neunzehnhundertneunundsiebzig',
  ])('a date of birth: %s', (text) => {
    expect(findPii(text).map((s) => s.type)).toEqual(['dob']);
  });

  it('keeps dates without a year, or with a recent one', () => {
    expect(findPii('delivery on june twenty third at ten')).toEqual([]);
    expect(findPii('your appointment is the third of may twenty twenty five')).toEqual([]);
  });

  it.each([
    ['write to d dot quintero at mailbox dot com please', 'write to [EMAIL] please'],
    ['es luis punto ferrer arroba correo punto es', 'es [EMAIL]'],
    ['an lena punkt brandt at posteo punkt de bitte', 'an [EMAIL] bitte'],
    ['mail me at lena92 @posteo .de', 'mail me at [EMAIL]'],
    ['my email is dolores quintero at gmail dot com', 'my email is [EMAIL]'],
    ['my date of birth is oh three twenty three seventy nine', 'my date of birth is [DOB]'],
    ['my pin is one two three four', 'my pin is [PIN]'],
    ['the modem says one ninety two dot one sixty eight dot forty dot twelve', 'the modem says [IP]'],
    ['we moved to eighteen twenty two cypress lane last year', 'we moved to [ADDRESS] last year'],
    ['vivo en calle de los pinos número treinta y dos', 'vivo en [ADDRESS]'],
  ])('%s', (text, expected) => {
    expect(voice(text)).toBe(expected);
  });
});

describe('lower-case names in context', () => {
  it.each([
    ['hi this is dolores quintero calling about my bill', 'hi this is [NAME] calling about my bill'],
    ['yes dolores quintero speaking', 'yes [NAME] speaking'],
    ['thank you mister quintero', 'thank you mister [NAME]'],
    ['gracias señora quintero un momento', 'gracias señora [NAME] un momento'],
    ['hola me llamo luis ferrer y llamo por', 'hola me llamo [NAME] y llamo por'],
    ['guten tag ich heiße lena brandt und rufe an', 'guten tag ich heiße [NAME] und rufe an'],
  ])('%s', (text, expected) => {
    expect(voice(text)).toBe(expected);
  });

  it('takes "i\'m" with a first and last name, not "i\'m" with a state', () => {
    expect(voice("hi i'm dolores quintero and i have a problem")).toBe("hi i'm [NAME] and i have a problem");
    expect(findPii("i'm locked out of my account")).toEqual([]);
    expect(findPii("i'm super annoyed right now")).toEqual([]);
  });

  it('takes a spelled surname and the name the agent repeats back', () => {
    expect(call(['agent', 'can i have your last name please'], ['customer', 'quintero q u i n t e r o'], ['agent', 'okay quintero one moment'])).toEqual([
      'can i have your last name please',
      '[NAME] [NAME]',
      'okay [NAME] one moment',
    ]);
  });

  it('takes the name under an e-mail closing line, typos and lower case included', () => {
    expect(redactText('Hello,\n\nmy parcel is late.\n\nkind regrds,\ndolores quintero').text).toBe('Hello,\n\nmy parcel is late.\n\nkind regrds,\n[NAME]');
  });

  it('does not take ordinary words after an introduction', () => {
    expect(findPii('this is the second time i call')).toEqual([]);
    expect(findPii('hola soy cliente desde hace años')).toEqual([]);
  });
});

describe('fail closed on voice, look-alikes kept', () => {
  it('masks an unexplained run of 7+ digits as NUMBER on voice, not in chat', () => {
    expect(voice('sure its nine seven double zero zero two nine seven')).toBe('sure its [NUMBER]');
    expect(voice('sure its 97000297')).toBe('sure its [NUMBER]');
    expect(redactText('sure its 97000297').text).toBe('sure its 97000297');
  });

  it.each([
    'my order number is five five one two three four five six seven',
    'it ships with tracking number one z nine nine eight a b c one two three four five six seven eight nine',
    'that comes to one thousand two hundred forty nine dollars',
    'we will call you back at two forty five',
    'you are on flight u a five two one on june third',
    'its the x t eight hundred router firmware four dot eight dot two',
    'ich sehe die bestellung vier neun drei drei acht eins sieben zwei',
    'el pedido cinco cuatro cero cuatro cinco cero uno siete',
    'seven hundred fifty six items in total',
  ])('keeps %s', (text) => {
    expect(voice(text)).toBe(text);
  });

  it('keeps a typed order number with a typo in its key word', () => {
    expect(redactText('wegen der bestellug 534330743, die fehlt', { voice: true }).text).toBe('wegen der bestellug 534330743, die fehlt');
  });
});

describe('the output check reads the same forms', () => {
  it.each([
    ['The customer gave card four one one one one one one one one one one one one one one one.', 'card'],
    ['Confirmation goes to d dot quintero at mailbox dot com.', 'email'],
    ['Mister quintero asked for a refund.', 'name'],
    ['The customer, born june twenty third nineteen seventy nine, called.', 'dob'],
    ['The customer read out 97000297 as the reference.', 'number'],
  ])('%s', (text, type) => {
    expect(findOutputPii(text).map((s) => s.type)).toContain(type);
  });

  it('passes a summary with look-alikes only', () => {
    expect(findOutputPii('Refund of £257.99 for order 40458812 issued; tracking 1ZGB93585956472157; call back at 9:15.')).toEqual([]);
    expect(findOutputPii('CS-300417')).toEqual([]);
    expect(findOutputPii('SP-4471-0932')).toEqual([]);
  });
});
