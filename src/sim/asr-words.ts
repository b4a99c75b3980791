// Number, ordinal, month and letter words of English, Spanish and German as a speech engine writes them (lower case).

export type AsrLanguage = 'en' | 'es' | 'de';

const EN_UNITS = 'zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen'.split(' ');
const EN_TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];
const ES_UNITS = 'cero uno dos tres cuatro cinco seis siete ocho nueve diez once doce trece catorce quince dieciséis diecisiete dieciocho diecinueve'.split(' ');
const ES_TWENTIES = 'veinte veintiuno veintidós veintitrés veinticuatro veinticinco veintiséis veintisiete veintiocho veintinueve'.split(' ');
const ES_TENS = ['', '', 'veinte', 'treinta', 'cuarenta', 'cincuenta', 'sesenta', 'setenta', 'ochenta', 'noventa'];
const ES_HUNDREDS = ['', 'ciento', 'doscientos', 'trescientos', 'cuatrocientos', 'quinientos', 'seiscientos', 'setecientos', 'ochocientos', 'novecientos'];
const DE_UNITS = 'null eins zwei drei vier fünf sechs sieben acht neun zehn elf zwölf dreizehn vierzehn fünfzehn sechzehn siebzehn achtzehn neunzehn'.split(' ');
const DE_TENS = ['', '', 'zwanzig', 'dreißig', 'vierzig', 'fünfzig', 'sechzig', 'siebzig', 'achtzig', 'neunzig'];

function en(n: number): string {
  if (n < 20) return EN_UNITS[n] ?? '';
  if (n < 100) return `${EN_TENS[Math.floor(n / 10)]}${n % 10 ? ` ${EN_UNITS[n % 10]}` : ''}`;
  if (n < 1000) return `${EN_UNITS[Math.floor(n / 100)]} hundred${n % 100 ? ` ${en(n % 100)}` : ''}`;
  return `${en(Math.floor(n / 1000))} thousand${n % 1000 ? ` ${en(n % 1000)}` : ''}`;
}

function es(n: number): string {
  if (n < 20) return ES_UNITS[n] ?? '';
  if (n < 30) return ES_TWENTIES[n - 20] ?? '';
  if (n < 100) return `${ES_TENS[Math.floor(n / 10)]}${n % 10 ? ` y ${ES_UNITS[n % 10]}` : ''}`;
  if (n === 100) return 'cien';
  if (n < 1000) return `${ES_HUNDREDS[Math.floor(n / 100)]}${n % 100 ? ` ${es(n % 100)}` : ''}`;
  const thousands = Math.floor(n / 1000);
  return `${thousands === 1 ? 'mil' : `${es(thousands)} mil`}${n % 1000 ? ` ${es(n % 1000)}` : ''}`;
}

/** German numbers are one word ("hundertzweiundneunzig"); `ein` replaces `eins` inside compounds. */
function de(n: number): string {
  if (n < 20) return DE_UNITS[n] ?? '';
  if (n < 100) {
    const unit = n % 10;
    return `${unit ? `${unit === 1 ? 'ein' : DE_UNITS[unit]}und` : ''}${DE_TENS[Math.floor(n / 10)]}`;
  }
  if (n < 1000) {
    const h = Math.floor(n / 100);
    return `${h === 1 ? '' : DE_UNITS[h]}hundert${n % 100 ? de(n % 100) : ''}`;
  }
  const t = Math.floor(n / 1000);
  return `${t === 1 ? '' : de(t)}tausend${n % 1000 ? de(n % 1000) : ''}`;
}

/** The cardinal `n` (0 ≤ n < 1,000,000) in words: 192 → "one hundred ninety two", "ciento noventa y dos", "hundertzweiundneunzig". */
export function cardinal(n: number, language: AsrLanguage): string {
  if (!Number.isInteger(n) || n < 0 || n >= 1_000_000) throw new RangeError(`cardinal: ${n} out of range`);
  return language === 'en' ? en(n) : language === 'es' ? es(n) : de(n);
}

/** One digit as a word; English may say "oh" for zero, German "zwo" for two (the caller picks). */
export function digitWord(digit: string, language: AsrLanguage, variant: { oh?: boolean; zwo?: boolean } = {}): string {
  const d = Number(digit);
  if (language === 'en' && d === 0 && variant.oh) return 'oh';
  if (language === 'de' && d === 2 && variant.zwo) return 'zwo';
  return cardinal(d, language);
}

/** A year as people say it: 1979 → "nineteen seventy nine" / "mil novecientos setenta y nueve" / "neunzehnhundertneunundsiebzig". */
export function year(y: number, language: AsrLanguage): string {
  if (language === 'es') return es(y);
  if (language === 'de') return y >= 1100 && y < 2000 ? `${de(Math.floor(y / 100))}hundert${y % 100 ? de(y % 100) : ''}` : de(y);
  if (y >= 2000 && y < 2010) return `two thousand${y % 10 ? ` ${en(y % 10)}` : ''}`;
  const low = y % 100;
  return `${en(Math.floor(y / 100))} ${low === 0 ? 'hundred' : low < 10 ? `oh ${en(low)}` : en(low)}`;
}

const EN_ORDINAL_UNITS: Record<number, string> = {
  1: 'first', 2: 'second', 3: 'third', 4: 'fourth', 5: 'fifth', 6: 'sixth', 7: 'seventh', 8: 'eighth', 9: 'ninth', 10: 'tenth',
  11: 'eleventh', 12: 'twelfth', 13: 'thirteenth', 14: 'fourteenth', 15: 'fifteenth', 16: 'sixteenth', 17: 'seventeenth',
  18: 'eighteenth', 19: 'nineteenth', 20: 'twentieth', 30: 'thirtieth',
};

/** A day of the month as an ordinal: 23 → "twenty third"; German "dreiundzwanzigster" (or dative "…sten" with `dative`). */
export function ordinal(n: number, language: AsrLanguage, dative = false): string {
  if (language === 'en') return EN_ORDINAL_UNITS[n] ?? `${EN_TENS[Math.floor(n / 10)]} ${EN_ORDINAL_UNITS[n % 10]}`;
  if (language === 'es') return n === 1 ? 'primero' : es(n);
  const stem = n === 1 ? 'ers' : n === 3 ? 'drit' : n === 7 ? 'sieb' : n === 8 ? 'ach' : n < 20 ? `${de(n)}` : `${de(n)}s`;
  return `${stem}${dative ? 'ten' : 'ter'}`;
}

export const MONTHS: Record<AsrLanguage, readonly string[]> = {
  en: 'january february march april may june july august september october november december'.split(' '),
  es: 'enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre'.split(' '),
  de: 'januar februar märz april mai juni juli august september oktober november dezember'.split(' '),
};

/** Hesitations a speaker drops into a number ("let me see", "a ver", "äh"). */
export const FILLERS: Record<AsrLanguage, readonly string[]> = {
  en: ['uh', 'um', 'sorry', 'let me see', 'hold on'],
  es: ['eh', 'este', 'perdón', 'a ver', 'pues'],
  de: ['äh', 'ähm', 'moment', 'sorry', 'also'],
};

/** How "@", ".", "_" and "-" are read out in an address. */
export const SYMBOLS: Record<AsrLanguage, { at: readonly string[]; dot: string; underscore: string; dash: string }> = {
  en: { at: ['at'], dot: 'dot', underscore: 'underscore', dash: 'dash' },
  es: { at: ['arroba'], dot: 'punto', underscore: 'guion bajo', dash: 'guion' },
  de: { at: ['at', 'ät'], dot: 'punkt', underscore: 'unterstrich', dash: 'minus' },
};

/** Spelling alphabets ("c as in charlie", "c de carmen", "c wie cäsar"). */
const SPELLING: Record<AsrLanguage, { link: string; words: string }> = {
  en: { link: 'as in', words: 'alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa quebec romeo sierra tango uniform victor whiskey xray yankee zulu' },
  es: { link: 'de', words: 'antonio barcelona carmen dolores enrique francia granada historia inés josé kilo lorenzo madrid navarra oviedo parís querido ramón sábado toledo ulises valencia washington xilófono yegua zaragoza' },
  de: { link: 'wie', words: 'anton berta cäsar dora emil friedrich gustav heinrich ida julius kaufmann ludwig martha nordpol otto paula quelle richard samuel theodor ulrich viktor wilhelm xanthippe ypsilon zacharias' },
};

/** "c as in charlie" for a letter (a–z). */
export function spellingWord(letter: string, language: AsrLanguage): string {
  const { link, words } = SPELLING[language];
  const word = words.split(' ')[letter.toLowerCase().charCodeAt(0) - 97];
  if (!word) throw new RangeError(`spellingWord: not a letter: ${letter}`);
  return `${letter.toLowerCase()} ${link} ${word}`;
}
