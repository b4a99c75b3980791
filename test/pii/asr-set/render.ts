// How each planted value and look-alike is said (voice, through src/sim/asr.ts) or written (chat, e-mail; clean or
// with odd spacing and typos), returning the exact text that goes into the turn.
import { cardinal, dateForms, hundreds, speakDigits, speakEmail, speakIpv4, spell, type DigitStyle } from '../../../src/sim/asr.js';
import type { SimRandom } from '../../../src/sim/sim-random.js';
import type { Language } from './set-types.js';
import { pick, type Address } from './values.js';

/** The digit forms of the issue: digit by digit (oh/zero), double/triple, pairs, fillers inside. */
export const DIGIT_FORMS = ['digits-oh', 'digits-double', 'digits-pairs', 'digits-filler'] as const;
export type DigitForm = (typeof DIGIT_FORMS)[number];

const STYLE: Record<DigitForm, DigitStyle> = { 'digits-oh': 'single', 'digits-double': 'double', 'digits-pairs': 'pairs', 'digits-filler': 'single' };

export function sayDigits(d: string, language: Language, rng: SimRandom, form: DigitForm, groups: readonly number[]): string {
  return speakDigits(d, language, rng, { style: STYLE[form], groups, fillerRate: form === 'digits-filler' ? 1 : 0 });
}

/** Letters spelled, digit runs read in `form`: "g b eight two n w b k six zero one…". */
export function sayMixed(value: string, language: Language, rng: SimRandom, form: DigitForm): string {
  return (value.match(/[A-Za-z]+|\d+/g) ?? [])
    .map((run) => (/\d/.test(run) ? sayDigits(run, language, rng, form, [4]) : spell(run, language, rng)))
    .join(' ');
}

export const DATE_FORMS: Record<Language, readonly string[]> = {
  en: ['date-en-month-first', 'date-en-the-of', 'date-en-ordinal-of'],
  es: ['date-es-long', 'date-es-short', 'date-es-numeric'],
  de: ['date-de-ordinal', 'date-de-dative', 'date-de-numeric'],
};

export function sayDate(iso: string, language: Language, formIndex: number): string {
  const [year = 0, month = 1, day = 1] = iso.split('-').map(Number);
  return dateForms({ year, month, day }, language)[formIndex] ?? '';
}

export function sayAddress(a: Address, language: Language, rng: SimRandom): string {
  if (language === 'en') {
    const n = a.number.length === 4 ? speakDigits(a.number, 'en', rng, { style: 'pairs' }) : a.number.length === 3 && rng.next() < 0.6 ? hundreds(a.number, 'en', rng) : cardinal(Number(a.number), 'en');
    return `${n} ${a.street} ${a.suffix}`;
  }
  if (language === 'es') return `${a.suffix} ${rng.next() < 0.5 ? 'de ' : ''}${a.street} ${rng.next() < 0.4 ? 'número ' : ''}${cardinal(Number(a.number), 'es')}`;
  return `${a.street}${a.suffix} ${cardinal(Number(a.number), 'de')}${rng.next() < 0.2 ? ' a' : ''}`;
}

export const sayEmail = speakEmail;
export const sayIpv4 = speakIpv4;

// ---- written forms ----

/** A typo in a word of 4+ letters: two letters swapped, one dropped or doubled. */
export function typo(word: string, rng: SimRandom): string {
  if (word.length < 4) return word;
  const i = rng.int(1, word.length - 2);
  const kind = rng.int(0, 2);
  if (kind === 0) return word.slice(0, i) + (word[i + 1] ?? '') + (word[i] ?? '') + word.slice(i + 2);
  if (kind === 1) return word.slice(0, i) + word.slice(i + 1);
  return word.slice(0, i) + (word[i] ?? '') + word.slice(i);
}

/** Groups of `size` joined by `sep`. */
const grouped = (s: string, size: number, sep = ' '): string => (s.match(new RegExp(`.{1,${size}}`, 'g')) ?? []).join(sep);

/** Odd spacing: one separator doubled or dropped, or groups of another size. */
function oddGroups(s: string, rng: SimRandom): string {
  const kind = rng.int(0, 2);
  if (kind === 0) return grouped(s, 4).replace(' ', '  ');
  if (kind === 1) return grouped(s, 4).replace(/ (?=\S+$)/, '');
  return grouped(s, rng.int(2, 3));
}

const cap = (s: string): string => s.replace(/(^|[\s-])(\p{L})/gu, (_, a: string, b: string) => a + b.toUpperCase());

export interface WrittenInput {
  type: string;
  value: string;
  language: Language;
  odd: boolean;
  address?: Address;
}

function writtenPhone(v: string, language: Language, odd: boolean, rng: SimRandom): string {
  if (language === 'en') {
    const [a, b, c] = [v.slice(0, 3), v.slice(3, 6), v.slice(6)];
    return odd ? pick(rng, [`${a} ${b} ${c.slice(0, 2)} ${c.slice(2)}`, `${a}-${b}${c}`, `(${a})${b} -${c}`]) : pick(rng, [`(${a}) ${b}-${c}`, `${a}-${b}-${c}`, `+1 ${a} ${b} ${c}`]);
  }
  if (language === 'es') return odd ? pick(rng, [`${v.slice(0, 6)} ${v.slice(6)}`, `${v[0]} ${grouped(v.slice(1), 2)}`]) : pick(rng, [grouped(v, 3), `+34 ${v.slice(0, 3)} ${grouped(v.slice(3), 2)}`]);
  return odd ? pick(rng, [`${v.slice(0, 4)}/${grouped(v.slice(4), 3)}`, `${v.slice(0, 4)} - ${v.slice(4)}`]) : pick(rng, [`${v.slice(0, 4)} ${v.slice(4)}`, `+49 ${v.slice(1, 4)} ${v.slice(4)}`]);
}

function writtenDate(iso: string, language: Language, odd: boolean, rng: SimRandom): string {
  const [y = '', m = '', d = ''] = iso.split('-');
  const month = new Date(`${iso}T00:00:00Z`).toLocaleString(language === 'en' ? 'en-US' : language === 'es' ? 'es-ES' : 'de-DE', { month: 'long', timeZone: 'UTC' });
  if (language === 'en') return odd ? pick(rng, [`${Number(m)}/${Number(d)} /${y}`, `${month.toLowerCase()} ${Number(d)} ${y}`, `${Number(d)}th ${month} ${y.slice(2)}`]) : pick(rng, [`${m}/${d}/${y}`, `${month} ${Number(d)}, ${y}`]);
  if (language === 'es') return odd ? pick(rng, [`${Number(d)}/${Number(m)}/${y.slice(2)}`, `${d} - ${m} - ${y}`]) : pick(rng, [`${d}/${m}/${y}`, `${Number(d)} de ${month} de ${y}`]);
  return odd ? pick(rng, [`${Number(d)}.${Number(m)}.${y.slice(2)}`, `${d} .${m}.${y}`]) : pick(rng, [`${d}.${m}.${y}`, `${Number(d)}. ${month} ${y}`]);
}

function writtenAddress(a: Address, language: Language, odd: boolean, rng: SimRandom): string {
  if (language === 'en') {
    const short: Record<string, string> = { lane: 'ln', street: 'st', avenue: 'ave', drive: 'dr', court: 'ct', road: 'rd', way: 'way' };
    return odd ? `${a.number} ${rng.next() < 0.5 ? typo(a.street, rng) : a.street} ${short[a.suffix] ?? a.suffix}` : `${a.number} ${cap(a.street)} ${cap(a.suffix)}`;
  }
  if (language === 'es') return odd ? `${a.suffix} ${a.street}  ${a.number}` : `${cap(a.suffix)} ${rng.next() < 0.5 ? 'de ' : ''}${cap(a.street).replace(/\b(Los|La|Las|El) /, (m) => m.toLowerCase())}, ${a.number}`;
  return odd ? pick(rng, [`${a.street}${a.suffix}  ${a.number}`, `${cap(a.street)} ${a.suffix} ${a.number}`]) : `${cap(a.street)}${a.suffix} ${a.number}`;
}

/** A planted value as a customer types it in chat or e-mail. */
export function written(input: WrittenInput, rng: SimRandom): string {
  const { type, value: v, language, odd } = input;
  switch (type) {
    case 'name':
      return odd ? pick(rng, [v.toLowerCase(), v.toUpperCase()]) : cap(v);
    case 'account':
      return odd ? oddGroups(v, rng) : pick(rng, [v, grouped(v, 4)]);
    case 'card':
      return odd ? oddGroups(v, rng) : pick(rng, [grouped(v, 4), grouped(v, 4, '-'), v]);
    case 'phone':
      return writtenPhone(v, language, odd, rng);
    case 'ssn':
      if (language === 'en') return odd ? pick(rng, [v.replace(/-/g, ' '), v.replace(/-(?=\d{4}$)/, '')]) : v;
      if (language === 'es') return odd ? `${v.slice(0, 10)} ${v.slice(10)}` : pick(rng, [`${v.slice(0, 2)} ${v.slice(2, 10)} ${v.slice(10)}`, `${v.slice(0, 2)}/${v.slice(2, 10)}/${v.slice(10)}`]);
      return odd ? v.toLowerCase() : `${v.slice(0, 2)} ${v.slice(2, 8)} ${v.slice(8, 9)} ${v.slice(9)}`;
    case 'iban':
      return odd ? pick(rng, [v.toLowerCase(), `${v.slice(0, 2)} ${v.slice(2, 4)} ${v.slice(4)}`]) : grouped(v, 4);
    case 'passport':
      return odd ? pick(rng, [v.toLowerCase(), `${v.slice(0, 1)} ${v.slice(1, 5)} ${v.slice(5)}`]) : v;
    case 'ipv4':
      return odd ? pick(rng, [v.replace('.', '. '), v.replace(/\.(?=\d+$)/, ' .')]) : v;
    case 'email':
      return odd ? pick(rng, [v.replace('@', ' @'), v.replace(/\.(?=[a-z]+$)/, ' .'), v.replace('@', '(at)')]) : v;
    case 'dob':
      return writtenDate(v, language, odd, rng);
    case 'address':
      return writtenAddress(input.address ?? { number: '1', street: v, suffix: '' }, language, odd, rng);
    default:
      throw new Error(`written: unknown type ${type}`);
  }
}
