// The spoken-form normalizer: number words, fillers, repeats, pairs, hundreds and German compounds to digits; spelled
// letters to words; ordinals; and the offset map back to the original text. Phrasings written for these tests (and the
// issue's illustrations), not taken from the ASR set.
import { describe, expect, it } from 'vitest';
import { normalizeSpoken, spokenRewrites } from './spoken.js';
import { germanNumber, ordinalWord } from './spoken-numbers.js';

const norm = (text: string): string => normalizeSpoken(text).text;

describe('normalizeSpoken: English numbers', () => {
  it.each([
    ['my account number is six two zero eight four four one nine seven five', 'my account number is 6208441975'],
    ['double four triple seven oh one', '44777 01'.replace(' ', '')],
    ['forty five thirty nine', '4539'],
    ['nine seven uh three sorry two let me see one one', '973211'],
    ['one hundred sixteen pounds', '116 pounds'],
    ['eighteen twenty two cypress lane', '1822 cypress lane'],
    ['nineteen seventy nine', '1979'],
    ['two thousand five', '2005'],
    ['six sixty six', '666'],
  ])('%s', (text, expected) => {
    expect(norm(text)).toBe(expected);
  });

  it('leaves words that only look like numbers or letters alone', () => {
    expect(norm('oh i see, that one is fine')).toBe('oh i see, that 1 is fine');
    expect(norm('i have a question')).toBe('i have a question');
    expect(norm('uh let me see')).toBe('uh let me see');
  });
});

describe('normalizeSpoken: Spanish and German numbers', () => {
  it.each([
    ['treinta y siete ochenta y dos doble cinco', '378255'],
    ['mil novecientos setenta y nueve', '1979'],
    ['seis nueve siete a ver cuatro cuatro este uno', '697441'],
    ['ciento veinte cajas', '120 cajas'],
    ['neunzehnhundertneunundsiebzig', '1979'],
    ['vierundvierzig neununddreißig zwo äh null', '443920'],
    ['zweihundertzwölf', '212'],
  ])('%s', (text, expected) => {
    expect(norm(text)).toBe(expected);
  });

  it('does not read the articles "un" and "ein" as numbers', () => {
    expect(norm('un momento')).toBe('un momento');
    expect(norm('ich habe ein problem')).toBe('ich habe ein problem');
  });

  it('reads German compounds and ordinals', () => {
    expect(germanNumber('dreiundachtzig')).toBe(83);
    expect(germanNumber('neunzehnhundert')).toBe(1900);
    expect(germanNumber('hundertzweiundsiebzig')).toBe(172);
    expect(germanNumber('sonntag')).toBeUndefined();
    expect(ordinalWord('dreiundzwanzigster')).toBe(23);
    expect(ordinalWord('fünften')).toBe(5);
    expect(ordinalWord('ersten')).toBe(1);
    expect(ordinalWord('third')).toBe(3);
    expect(ordinalWord('weiter')).toBeUndefined();
  });
});

describe('normalizeSpoken: codes, spelled words and ordinals', () => {
  it.each([
    ['g b two nine n w b k', 'GB29NWBK'],
    ['t as in tango seven zero zero six', 'T7006'],
    ['n wie nordpol eins acht c wie cäsar', 'N18C'],
    ['m de madrid f de francia nueve dos', 'MF92'],
    ['quintero q u i n t e r o', 'quintero QUINTERO'],
    ['june twenty third nineteen seventy nine', 'june 23. 1979'],
    ['dreiundzwanzigster juni neunzehnhundertneunundsiebzig', '23. juni 1979'],
    ['veintitrés de junio de mil novecientos setenta y nueve', '23 de junio de 1979'],
  ])('%s', (text, expected) => {
    expect(norm(text)).toBe(expected);
  });

  it('names each rewrite: a number, a code, a spelled word, an ordinal', () => {
    expect(spokenRewrites('six two, then q u i n, then a b one, then twenty third').map((r) => r.kind)).toEqual(['number', 'spelled', 'code', 'ordinal']);
  });
});

describe('normalizeSpoken: the map back to the original text', () => {
  const text = 'call me on six two oh five, or at nine';
  const n = normalizeSpoken(text);

  it('maps a span over a rewritten value onto all of its words', () => {
    const at = n.text.indexOf('6205');
    expect(text.slice(...Object.values(n.restore({ start: at, end: at + 4 })) as [number, number])).toBe('six two oh five');
    // Part of a rewritten value maps to the whole value: nothing of it can survive a replacement.
    const part = n.restore({ start: at + 1, end: at + 2 });
    expect(text.slice(part.start, part.end)).toBe('six two oh five');
  });

  it('maps text outside the rewrites to itself', () => {
    const at = n.text.indexOf(', or at');
    const back = n.restore({ start: at, end: at + 7 });
    expect(text.slice(back.start, back.end)).toBe(', or at');
    const nine = n.restore({ start: n.text.length - 1, end: n.text.length });
    expect(text.slice(nine.start, nine.end)).toBe('nine');
  });

  it('is the identity when nothing is spoken', () => {
    const plain = normalizeSpoken('Order 4111 shipped.');
    expect(plain.text).toBe('Order 4111 shipped.');
    expect(plain.restore({ start: 6, end: 10 })).toEqual({ start: 6, end: 10 });
  });
});
