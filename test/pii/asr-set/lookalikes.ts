// Look-alikes: values a caller says that look like PII but are what the agent works with (orders, tickets, tracking
// numbers, model and flight numbers, prices, times, quantities, delivery dates, versions), spoken or written.
import { cardinal, speakAmount, speakDigits, speakTime, spell } from '../../../src/sim/asr.js';
import { MONTHS, ordinal } from '../../../src/sim/asr-words.js';
import type { SimRandom } from '../../../src/sim/sim-random.js';
import type { Language, LookalikeType } from './set-types.js';
import { digits, pick } from './values.js';

export interface Lookalike {
  type: LookalikeType;
  value: string;
  text: string;
}

const AIRLINES: Record<Language, readonly string[]> = { en: ['BA', 'UA', 'AA', 'DL'], es: ['IB', 'UX', 'VY'], de: ['LH', 'EW', 'DE'] };
const UNITS: Record<Language, ReadonlyArray<readonly [string, string]>> = {
  en: [['gigabytes', 'GB'], ['boxes', 'boxes'], ['items', 'items'], ['minutes', 'minutes']],
  es: [['gigas', 'GB'], ['cajas', 'cajas'], ['unidades', 'unidades'], ['minutos', 'minutos']],
  de: [['gigabyte', 'GB'], ['kartons', 'Kartons'], ['stück', 'Stück'], ['minuten', 'Minuten']],
};
const DOT: Record<Language, string> = { en: 'dot', es: 'punto', de: 'punkt' };

const letters = (rng: SimRandom, n: number): string => Array.from({ length: n }, () => 'ABCDEFGHKLMNPRSTVWXZ'[rng.int(0, 19)]).join('');

function spokenDate(iso: string, language: Language): string {
  const [, m = 1, d = 1] = iso.split('-').map(Number);
  const month = MONTHS[language][m - 1] ?? '';
  if (language === 'en') return `${month} ${ordinal(d, 'en')}`;
  if (language === 'es') return `el ${cardinal(d, 'es')} de ${month}`;
  return `am ${ordinal(d, 'de', true)} ${month}`;
}

function writtenDate(iso: string, language: Language, rng: SimRandom): string {
  const [, m = '', d = ''] = iso.split('-');
  if (language === 'en') return pick(rng, [`${m}/${d}`, `${MONTHS.en[Number(m) - 1]} ${Number(d)}`]);
  return language === 'es' ? `${d}/${m}` : `${d}.${m}.`;
}

/** A look-alike of `type`, as said on a call (`voice`) or typed. */
export function lookalike(type: LookalikeType, language: Language, voice: boolean, rng: SimRandom): Lookalike {
  switch (type) {
    case 'order': {
      const v = digits(rng, rng.int(8, 9)).replace(/^0/, '4');
      const text = voice ? speakDigits(v, language, rng, { style: pick(rng, ['single', 'pairs', 'double'] as const), groups: [3] }) : pick(rng, [v, `#${v}`, `ORD-${v}`]);
      return { type, value: v, text };
    }
    case 'ticket': {
      const v = digits(rng, rng.int(5, 6)).replace(/^0/, '7');
      return { type, value: v, text: voice ? `${rng.next() < 0.4 ? 't k ' : ''}${speakDigits(v, language, rng, { groups: [3] })}` : pick(rng, [`TCK-${v}`, `#${v}`, v]) };
    }
    case 'tracking': {
      const v = `1Z${letters(rng, 2)}${digits(rng, 4)}${digits(rng, 10)}`;
      return { type, value: v, text: voice ? spell(v, language, rng) : v };
    }
    case 'model': {
      const v = `${letters(rng, 2)}-${rng.int(1, 9)}${pick(rng, ['00', '50', '45', '20'])}`;
      const [l = '', d = ''] = v.split('-');
      return { type, value: v, text: voice ? `${spell(l, language, rng)} ${speakDigits(d, language, rng, { style: 'pairs' })}` : pick(rng, [v, v.replace('-', ' ')]) };
    }
    case 'flight': {
      const code = pick(rng, AIRLINES[language]);
      const n = String(rng.int(100, 3999));
      const v = `${code}${n}`;
      return { type, value: v, text: voice ? `${spell(code, language, rng)} ${rng.next() < 0.5 ? speakDigits(n, language, rng) : speakDigits(n, language, rng, { style: 'pairs' })}` : pick(rng, [v, `${code} ${n}`]) };
    }
    case 'price': {
      const v = `${rng.int(5, 499)}.${pick(rng, ['99', '50', '00', '95'])}`;
      const currency = language === 'en' ? pick(rng, ['$', '£']) : '€';
      const writtenPrice = language === 'en' ? `${currency}${v}` : `${v.replace('.', ',')} €`;
      return { type, value: v, text: voice ? speakAmount(v, currency, language, rng) : writtenPrice };
    }
    case 'time': {
      const v = `${rng.int(8, 18)}:${pick(rng, ['00', '15', '30', '45'])}`;
      return { type, value: v, text: voice ? speakTime(v, language, rng) : language === 'de' ? `${v} Uhr` : v };
    }
    case 'quantity': {
      const n = pick(rng, [rng.int(2, 12), rng.int(20, 500)]);
      const [spoken, unit] = pick(rng, UNITS[language]);
      return { type, value: `${n} ${unit}`, text: voice ? `${cardinal(n, language)} ${spoken}` : `${n} ${unit}` };
    }
    case 'date': {
      const v = `2024-${String(rng.int(1, 12)).padStart(2, '0')}-${String(rng.int(1, 28)).padStart(2, '0')}`;
      return { type, value: v, text: voice ? spokenDate(v, language) : writtenDate(v, language, rng) };
    }
    case 'version': {
      const v = `${rng.int(1, 9)}.${rng.int(0, 12)}.${rng.int(0, 9)}`;
      return { type, value: v, text: voice ? v.split('.').map((p) => cardinal(Number(p), language)).join(` ${DOT[language]} `) : pick(rng, [v, `v${v}`]) };
    }
  }
}
