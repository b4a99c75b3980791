// The ASR renderer: numbers, dates, addresses and e-mails as a speech engine writes them, per language and seed.
import { describe, expect, it } from 'vitest';
import { cardinal, dateForms, hundreds, ordinal, renderAsr, speakAmount, speakDigits, speakEmail, speakIpv4, spell, year } from './asr.js';
import { FILLERS } from './asr-words.js';
import { createRandom } from './sim-random.js';

const EN_DIGITS: Record<string, string> = { oh: '0', zero: '0', one: '1', two: '2', three: '3', four: '4', five: '5', six: '6', seven: '7', eight: '8', nine: '9' };

/** Reads English single/double/triple digit words back to digits, skipping fillers. */
function readBack(words: string): string {
  let out = '';
  const tokens = words.split(' ');
  for (let i = 0; i < tokens.length; i += 1) {
    const t = tokens[i] ?? '';
    const times = t === 'double' ? 2 : t === 'triple' ? 3 : 1;
    const word = times > 1 ? tokens[(i += 1)] ?? '' : t;
    if (word in EN_DIGITS) out += (EN_DIGITS[word] ?? '').repeat(times);
  }
  return out;
}

describe('number words', () => {
  it('writes cardinals the way each language does', () => {
    expect(cardinal(192, 'en')).toBe('one hundred ninety two');
    expect(cardinal(23, 'es')).toBe('veintitrés');
    expect(cardinal(39, 'es')).toBe('treinta y nueve');
    expect(cardinal(192, 'es')).toBe('ciento noventa y dos');
    expect(cardinal(100, 'es')).toBe('cien');
    expect(cardinal(79, 'de')).toBe('neunundsiebzig');
    expect(cardinal(21, 'de')).toBe('einundzwanzig');
    expect(cardinal(192, 'de')).toBe('hundertzweiundneunzig');
  });

  it('writes years and ordinals as spoken', () => {
    expect(year(1979, 'en')).toBe('nineteen seventy nine');
    expect(year(2005, 'en')).toBe('two thousand five');
    expect(year(1979, 'es')).toBe('mil novecientos setenta y nueve');
    expect(year(1979, 'de')).toBe('neunzehnhundertneunundsiebzig');
    expect(ordinal(23, 'en')).toBe('twenty third');
    expect(ordinal(23, 'de')).toBe('dreiundzwanzigster');
    expect(ordinal(3, 'de', true)).toBe('dritten');
  });
});

describe('speakDigits', () => {
  it('reads every digit, with "oh"/"zero" and double/triple, and nothing else', () => {
    for (let seed = 1; seed <= 50; seed += 1) {
      const spoken = speakDigits('6208441975000', 'en', createRandom(seed), { style: 'double', groups: [13] });
      expect(readBack(spoken), spoken).toBe('6208441975000');
      expect(spoken).toMatch(/double four/);
      expect(spoken).toMatch(/triple (oh|zero)/);
    }
  });

  it('reads pairs and groups of three as numbers', () => {
    expect(speakDigits('4539', 'en', createRandom(1), { style: 'pairs' })).toBe('forty five thirty nine');
    expect(speakDigits('4539', 'es', createRandom(1), { style: 'pairs' })).toBe('cuarenta y cinco treinta y nueve');
    expect(speakDigits('4539', 'de', createRandom(1), { style: 'pairs' })).toBe('fünfundvierzig neununddreißig');
    expect(hundreds('192', 'en', createRandom(1))).toBe('one ninety two');
    expect(hundreds('105', 'en', createRandom(1))).toBe('one oh five');
    expect(hundreds('192', 'es', createRandom(1))).toBe('ciento noventa y dos');
  });

  it('puts fillers only between groups, taken from the language list', () => {
    const spoken = speakDigits('123456789012', 'en', createRandom(7), { groups: [3], fillerRate: 1 });
    const fillers = FILLERS.en.filter((f) => spoken.includes(f));
    expect(fillers.length).toBeGreaterThan(0);
    expect(spoken.startsWith('one two three ')).toBe(true);
    expect(readBack(spoken)).toBe('123456789012');
  });

  it('chooses variants by seed: same seed same words, other seeds other words', () => {
    const say = (seed: number): string => speakDigits('6208441975', 'en', createRandom(seed), { style: 'double', groups: [3, 3, 4], fillerRate: 0.5 });
    expect(say(11)).toBe(say(11));
    expect(new Set(Array.from({ length: 20 }, (_, i) => say(i + 1))).size).toBeGreaterThan(3);
  });
});

describe('dates, e-mail, IP addresses, spelling, amounts', () => {
  it('has the spoken date forms of each language', () => {
    const date = { year: 1979, month: 6, day: 23 };
    expect(dateForms(date, 'en')).toContain('june twenty third nineteen seventy nine');
    expect(dateForms(date, 'en')).toContain('the twenty third of june seventy nine');
    expect(dateForms(date, 'es')).toContain('veintitrés de junio de mil novecientos setenta y nueve');
    expect(dateForms(date, 'de')).toContain('dreiundzwanzigster juni neunzehnhundertneunundsiebzig');
  });

  it('speaks "@" and "." in each language', () => {
    expect(speakEmail('d.quintero@mailbox.com', 'en', createRandom(1))).toBe('d dot quintero at mailbox dot com');
    expect(speakEmail('luis.ferrer@correo.es', 'es', createRandom(1))).toBe('luis punto ferrer arroba correo punto es');
    expect(speakEmail('lena.brandt@posteo.de', 'de', createRandom(1))).toMatch(/^lena punkt brandt (at|ät) posteo punkt de$/);
    expect(speakEmail('jo_9@x-y.com', 'en', createRandom(1))).toMatch(/^jo underscore nine at x dash y dot com$/);
  });

  it('speaks IPv4 octets as numbers or digit by digit', () => {
    const forms = new Set(Array.from({ length: 30 }, (_, i) => speakIpv4('192.168.40.12', 'en', createRandom(i + 1))));
    expect(forms).toContain('one ninety two dot one sixty eight dot forty dot twelve');
    expect(forms).toContain('one nine two dot one six eight dot four zero dot one two');
  });

  it('spells letters one by one, or with a spelling alphabet', () => {
    expect(spell('Quintero', 'en', createRandom(1))).toBe('q u i n t e r o');
    expect(spell('C4', 'en', createRandom(1), { alphabet: true })).toMatch(/^c as in charlie (four)$/);
    expect(spell('C', 'de', createRandom(1), { alphabet: true })).toBe('c wie cäsar');
  });

  it('speaks amounts', () => {
    const en = new Set(Array.from({ length: 10 }, (_, i) => speakAmount('49.99', '$', 'en', createRandom(i + 1))));
    expect(en).toEqual(new Set(['forty nine ninety nine', 'forty nine dollars and ninety nine cents']));
    expect(speakAmount('12,50', '€', 'de', createRandom(1))).toBe('zwölf euro fünfzig');
  });
});

describe('renderAsr', () => {
  const text = 'Hi! My account is 6208-441-975, e-mail D.Quintero@mailbox.com; it cost $49.99 at 15:30.';

  it('writes lower case without punctuation or digits', () => {
    for (const language of ['en', 'es', 'de'] as const) {
      const out = renderAsr(text, { language, seed: 3 });
      expect(out).toBe(out.toLowerCase());
      expect(out).not.toMatch(/[0-9.,;:!?@$€-]/);
      expect(out).not.toMatch(/\s{2}/);
    }
    const en = renderAsr(text, { language: 'en', seed: 3 });
    expect(en).toMatch(/^hi my account is /);
    expect(en).toContain('d dot quintero at mailbox dot com');
    expect(readBack(en.split(' account is ')[1]?.split(' e mail ')[0] ?? '')).toBe('6208441975');
  });

  it('is deterministic for a seed', () => {
    expect(renderAsr(text, { language: 'de', seed: 9, fillerRate: 0.5 })).toBe(renderAsr(text, { language: 'de', seed: 9, fillerRate: 0.5 }));
  });
});
