// Number words of English, Spanish and German as a speech engine writes them (lower case, one word per token, German
// compounds as one word), read into values: cardinals with tens, hundreds and thousands, digits, ordinals, months.

const EN_UNITS = 'zero one two three four five six seven eight nine'.split(' ');
const EN_TEENS = 'ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen'.split(' ');
const EN_TENS = 'twenty thirty forty fifty sixty seventy eighty ninety'.split(' ');
const ES_UNITS = 'cero uno dos tres cuatro cinco seis siete ocho nueve'.split(' ');
const ES_TEENS = 'diez once doce trece catorce quince dieciséis diecisiete dieciocho diecinueve'.split(' ');
const ES_TWENTIES = 'veinte veintiuno veintidós veintitrés veinticuatro veinticinco veintiséis veintisiete veintiocho veintinueve'.split(' ');
const ES_TENS = 'veinte treinta cuarenta cincuenta sesenta setenta ochenta noventa'.split(' ');
const ES_HUNDREDS = 'ciento doscientos trescientos cuatrocientos quinientos seiscientos setecientos ochocientos novecientos'.split(' ');
const DE_UNITS = 'null eins zwei drei vier fünf sechs sieben acht neun'.split(' ');
const DE_TEENS = 'zehn elf zwölf dreizehn vierzehn fünfzehn sechzehn siebzehn achtzehn neunzehn'.split(' ');
const DE_TENS = 'zwanzig dreißig vierzig fünfzig sechzig siebzig achtzig neunzig'.split(' ');

/** Accents are often dropped by speech engines and typists: "veintidos", "dieciseis". */
const plain = (w: string): string => w.normalize('NFD').replace(/[\u0300-\u036f]/g, '');

function table(): Map<string, number> {
  const m = new Map<string, number>();
  const add = (words: string[], from: number, step = 1): void =>
    words.forEach((w, i) => {
      m.set(w, from + i * step);
      m.set(plain(w), from + i * step);
    });
  add(EN_UNITS, 0);
  add(EN_TEENS, 10);
  add(EN_TENS, 20, 10);
  add(ES_UNITS, 0);
  add(ES_TEENS, 10);
  add(ES_TWENTIES, 20);
  add(ES_TENS, 20, 10);
  add(ES_HUNDREDS, 100, 100);
  add(DE_UNITS, 0);
  add(DE_TEENS, 10);
  add(DE_TENS, 20, 10);
  m.set('oh', 0);
  m.set('zwo', 2);
  m.set('dreissig', 30);
  m.set('cien', 100);
  m.set('quinientos', 500);
  return m;
}
const SIMPLE = table();

const DE_UNIT_PART = '(ein|zwei|drei|vier|fünf|sechs|sieben|acht|neun)';
const DE_UNIT_VALUE: Record<string, number> = { ein: 1, eins: 1, zwei: 2, zwo: 2, drei: 3, vier: 4, fünf: 5, sechs: 6, sieben: 7, acht: 8, neun: 9 };
const DE_COMPOUND_TENS = new RegExp(`^${DE_UNIT_PART}und(zwanzig|dreißig|dreissig|vierzig|fünfzig|sechzig|siebzig|achtzig|neunzig)$`, 'u');

/** A German number below 100, one word: "neun", "siebzehn", "dreiundachtzig". */
function deBelow100(w: string): number | undefined {
  if (w === 'ein') return 1;
  const simple = SIMPLE.get(w);
  if (simple !== undefined && simple < 100 && (DE_UNITS.includes(w) || DE_TEENS.includes(w) || DE_TENS.includes(w) || w === 'zwo' || w === 'dreissig')) return simple;
  const m = DE_COMPOUND_TENS.exec(w);
  return m ? (DE_UNIT_VALUE[m[1] ?? ''] ?? 0) + (SIMPLE.get(m[2] ?? '') ?? 0) : undefined;
}

/** A German number below 10,000 written as one word: "zweihundertzwölf", "neunzehnhundertneunundsiebzig", "tausend". */
export function germanNumber(word: string): number | undefined {
  if (word.length > 60) return undefined;
  const [thousandPart, rest] = word.includes('tausend') ? word.split('tausend', 2) as [string, string] : ['', word];
  const thousands = word.includes('tausend') ? (thousandPart === '' ? 1 : deBelow100(thousandPart)) : 0;
  if (thousands === undefined) return undefined;
  const [hundredPart, tail] = rest.includes('hundert') ? rest.split('hundert', 2) as [string, string] : ['', rest];
  const hundreds = rest.includes('hundert') ? (hundredPart === '' ? 1 : deBelow100(hundredPart)) : 0;
  if (hundreds === undefined) return undefined;
  const below = tail === '' ? 0 : deBelow100(tail);
  if (below === undefined || (tail === '' && !word.includes('hundert') && !word.includes('tausend'))) return undefined;
  return thousands * 1000 + hundreds * 100 + below;
}

/** The value of one number word in any of the three languages, or undefined ("ein" and "un" alone are articles). */
export function numberWord(word: string): number | undefined {
  const w = word.toLowerCase();
  const simple = SIMPLE.get(w);
  if (simple !== undefined) return simple;
  return w === 'ein' ? undefined : germanNumber(w);
}

/** Is `word` a tens word (20, 30 … 90) that a unit may follow ("forty five", "treinta y siete")? */
export const isTens = (word: string): boolean => {
  const v = SIMPLE.get(word.toLowerCase());
  return v !== undefined && v >= 20 && v < 100 && v % 10 === 0 && !ES_TWENTIES.slice(1).includes(word.toLowerCase());
};
/** Is `word` a one-digit word (zero … nine, cero … nueve, null … neun)? */
export const isUnit = (word: string): boolean => {
  const v = SIMPLE.get(word.toLowerCase());
  return v !== undefined && v < 10;
};
/** "hundred": multiplies the value before it. Spanish hundreds are words of their own ("ciento", "novecientos"). */
export const isHundred = (word: string): boolean => /^(?:hundred|hundert)$/i.test(word);
/** "thousand", "mil", "tausend": multiply the value before them (or 1). */
export const isThousand = (word: string): boolean => /^(?:thousand|mil|tausend)$/i.test(word);
/** Is it a Spanish hundreds word ("ciento", "cien", "trescientos")? */
export const isSpanishHundreds = (word: string): boolean => {
  const v = SIMPLE.get(word.toLowerCase());
  return v !== undefined && v >= 100;
};
/** "double four", "triple seven", "doble", "doppel": repeat the next digit. */
export function repeatCount(word: string): number {
  const w = word.toLowerCase();
  return w === 'double' || w === 'doble' || w === 'doppel' || w === 'doppelt' ? 2 : w === 'triple' || w === 'dreifach' ? 3 : 0;
}

const EN_ORDINALS: Record<string, number> = {
  first: 1, second: 2, third: 3, fourth: 4, fifth: 5, sixth: 6, seventh: 7, eighth: 8, ninth: 9, tenth: 10,
  eleventh: 11, twelfth: 12, thirteenth: 13, fourteenth: 14, fifteenth: 15, sixteenth: 16, seventeenth: 17,
  eighteenth: 18, nineteenth: 19, twentieth: 20, thirtieth: 30, primero: 1, primer: 1,
};
const DE_ORDINAL_SPECIAL: Record<string, number> = { er: 1, erst: 1, drit: 3, dritt: 3, sieb: 7, siebt: 7, siebent: 7, ach: 8, acht: 8 };

/** A day ordinal 1–31: "twenty" + "third" is read by the caller; here one word: "third", "dreiundzwanzigster", "fünften". */
export function ordinalWord(word: string): number | undefined {
  const w = word.toLowerCase();
  if (w in EN_ORDINALS) return EN_ORDINALS[w];
  const tail = w.slice(-3);
  if (!tail.endsWith('te') && !/te[nrms]$/.test(tail)) return undefined;
  const suffix = /s?te[nrms]?$/u.exec(w);
  if (!suffix || w.length > 40 || !/^(?:erst|zweit|dritt|viert|fünft|sechst|sieb|acht|neunt|zehnt|elft|zwölft)|(?:zehn|zig|ßig)s?te[nrms]?$/u.test(w)) return undefined;
  // "sechsten": the stem keeps its s ("sechs"); "zwanzigsten": it does not.
  const stem = w.slice(0, suffix.index);
  const value = DE_ORDINAL_SPECIAL[stem] ?? deBelow100(stem) ?? deBelow100(`${stem}s`) ?? deBelow100(stem.replace(/s$/, ''));
  return value !== undefined && value >= 1 && value <= 31 ? value : undefined;
}

const MONTHS: Record<string, number> = {};
[
  'january february march april may june july august september october november december',
  'enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre',
  'januar februar märz april mai juni juli august september oktober november dezember',
].forEach((line) => line.split(' ').forEach((m, i) => (MONTHS[m] = i + 1)));
MONTHS['jänner'] = 1;
MONTHS['setiembre'] = 9;
MONTHS['maerz'] = 3;

/** The month a word names (1–12), in any of the three languages, or undefined. */
export const monthWord = (word: string): number | undefined => MONTHS[word.toLowerCase()];
/** Month names of the three languages as a regex alternation (lower case). */
export const MONTH_NAMES = Object.keys(MONTHS).sort((a, b) => b.length - a.length).join('|');
