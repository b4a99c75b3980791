// Invented values for the ASR PII set: names and streets (pools split by half), Luhn-valid test cards, mod-97 IBANs,
// never-issued SSNs, fictional phones, passports, private IPv4s, and the look-alikes (orders, tickets, prices…).
import type { SimRandom } from '../../../src/sim/sim-random.js';
import type { Half, Language } from './set-types.js';

export const pick = <T>(rng: SimRandom, items: readonly T[]): T => items[rng.int(0, items.length - 1)] as T;
export const digits = (rng: SimRandom, n: number): string => Array.from({ length: n }, () => String(rng.int(0, 9))).join('');

interface Person {
  first: string;
  last: string;
  female: boolean;
}

// First names tagged f/m; mixes of common names, combined at random: nobody in particular.
const FIRST: Record<Language, string> = {
  en: 'harriet:f marcus:m colleen:f desmond:m priscilla:f wendell:m rosalind:f terrence:m maxine:f clifford:m bernadette:f lionel:m imogen:f duncan:m judith:f russell:m',
  es: 'ainhoa:f joaquín:m remedios:f fermín:m begoña:f aurelio:m inmaculada:f teodoro:m nerea:f casimiro:m rocío:f baltasar:m montserrat:f leandro:m pilar:f eusebio:m',
  de: 'friederike:f gottfried:m hannelore:f volker:m annegret:f detlef:m ilse:f reinhard:m gudrun:f torsten:m waltraud:f ansgar:m swantje:f helmut:m roswitha:f jörg:m',
};
const LAST: Record<Language, string> = {
  en: 'pemberton okafor lindqvist mcallister haverford brannigan whitlock abernathy kowalczyk thornbury delacroix fairweather ashdown gallagher rutherford blackwood',
  es: 'arrieta villalobos echeverría santamaría olmedo quiroga zubizarreta bermúdez cifuentes valdivia lozano escobedo peñalver urquijo maldonado carrasco',
  de: 'brinkmann vogelsang oberländer kretschmer hollenbach lindemann rademacher eichhorn kaltenbach ziegenhagen bachmeier dreßler fischbach hagedorn mühlenkamp tiedemann',
};
const STREETS: Record<Language, string> = {
  en: 'juniper larkspur hawthorn sycamore bramble foxglove wren heron alder marigold thistle quarry millbrook orchard kestrel tamarack',
  es: 'los almendros|la alameda|san lorenzo|las acacias|el pinar|los olivos|santa clara|la ribera|los tilos|la fuente|el molino|las palmeras|los cipreses|la estación|el carmen|las rosas',
  de: 'linden birken ahorn eschen kastanien holunder buchen erlen ulmen wacholder tannen kirsch rosen mühlen garten wiesen',
};

/** Pool items of one half: a seeded shuffle, first half to dev, second to heldout, so no name crosses halves. */
function halfOf<T>(items: readonly T[], half: Half, seed: SimRandom): T[] {
  const shuffled = [...items];
  for (let i = shuffled.length - 1; i > 0; i -= 1) {
    const j = seed.int(0, i);
    [shuffled[i], shuffled[j]] = [shuffled[j] as T, shuffled[i] as T];
  }
  const mid = Math.floor(shuffled.length / 2);
  return half === 'dev' ? shuffled.slice(0, mid) : shuffled.slice(mid);
}

export interface Pools {
  firsts: Array<{ name: string; female: boolean }>;
  lasts: string[];
  streets: string[];
}

export function pools(language: Language, half: Half, seed: SimRandom): Pools {
  const firsts = FIRST[language].split(' ').map((t) => ({ name: t.split(':')[0] ?? '', female: t.endsWith(':f') }));
  return {
    firsts: halfOf(firsts, half, seed),
    lasts: halfOf(LAST[language].split(' '), half, seed),
    streets: halfOf(STREETS[language].split(language === 'es' ? '|' : ' '), half, seed),
  };
}

export function person(rng: SimRandom, p: Pools): Person {
  const first = pick(rng, p.firsts);
  return { first: first.name, last: pick(rng, p.lasts), female: first.female };
}

export function luhnCheck(body: string): string {
  let sum = 0;
  [...body].reverse().forEach((ch, i) => {
    let d = Number(ch);
    if (i % 2 === 0) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  });
  return String((10 - (sum % 10)) % 10);
}

/** Card numbers on issuers' published test BINs, random middle, Luhn-valid. */
export function card(rng: SimRandom): string {
  const [prefix, length] = pick(rng, [['411111', 16], ['424242', 16], ['400005', 16], ['555555', 16], ['510510', 16], ['222300', 16], ['378282', 15], ['601111', 16]] as const);
  const body = prefix + digits(rng, length - prefix.length - 1);
  return body + luhnCheck(body);
}

/** ISO 13616 check digits for a BBAN and country. */
export function ibanCheck(country: string, bban: string): string {
  const numeric = `${bban}${country}00`.replace(/[A-Z]/g, (ch) => String(ch.charCodeAt(0) - 55));
  let rest = 0;
  for (const ch of numeric) rest = (rest * 10 + Number(ch)) % 97;
  return String(98 - rest).padStart(2, '0');
}

export function iban(rng: SimRandom, language: Language): string {
  const country = language === 'en' ? 'GB' : language === 'es' ? 'ES' : 'DE';
  const bban = language === 'en' ? `${pick(rng, ['NWBK', 'BUKB', 'MIDL', 'LOYD'])}${digits(rng, 14)}` : language === 'es' ? digits(rng, 20) : digits(rng, 18);
  return `${country}${ibanCheck(country, bban)}${bban}`;
}

/** Well-formed but never issued: US area 666 or 900–999 (not SSA-assignable); Spanish NSS with province 99 (none). */
export function ssn(rng: SimRandom, language: Language): string {
  if (language === 'en') return `${rng.next() < 0.3 ? '666' : String(rng.int(900, 999))}-${String(rng.int(1, 99)).padStart(2, '0')}-${String(rng.int(1, 9999)).padStart(4, '0')}`;
  if (language === 'es') {
    const body = `99${digits(rng, 8)}`;
    return `${body}${String(Number(BigInt(body) % 97n)).padStart(2, '0')}`;
  }
  return rvnr(rng);
}

/** German Rentenversicherungsnummer: area 99, birth date, initial, serial, check digit (DRV weights 2121212121 2 1). */
function rvnr(rng: SimRandom): string {
  const date = `${String(rng.int(1, 28)).padStart(2, '0')}${String(rng.int(1, 12)).padStart(2, '0')}${String(rng.int(50, 99))}`;
  const letter = String.fromCharCode(65 + rng.int(0, 25));
  const serial = String(rng.int(1, 49)).padStart(2, '0');
  const numeric = `99${date}${String(letter.charCodeAt(0) - 64).padStart(2, '0')}${serial}`;
  const weights = [2, 1, 2, 5, 7, 1, 2, 1, 2, 1, 2, 1];
  const sum = [...numeric].reduce((s, ch, i) => s + [...String(Number(ch) * (weights[i] ?? 1))].reduce((a, d) => a + Number(d), 0), 0);
  return `99${date}${letter}${serial}${sum % 10}`;
}

/** Fictional phones: US 555-01xx, Spanish mobiles 6xx, German mobiles 015x/017x. */
export function phone(rng: SimRandom, language: Language): string {
  if (language === 'en') return `${rng.int(2, 9)}${digits(rng, 2)}5550${rng.int(1, 1)}${digits(rng, 2)}`;
  if (language === 'es') return `6${digits(rng, 8)}`;
  return `01${pick(rng, ['51', '52', '57', '60', '62', '70', '76'])}${digits(rng, 7)}`;
}

const PASSPORT_DE = 'CFGHJKLMNPRTVWXYZ';
export function passport(rng: SimRandom, language: Language): string {
  const letter = (set = 'ABCDEFGHJKLMNPRSTVWXYZ'): string => set[rng.int(0, set.length - 1)] ?? 'C';
  if (language === 'en') return `${letter()}${digits(rng, 8)}`;
  if (language === 'es') return `${letter()}${letter()}${letter()}${digits(rng, 6)}`;
  return `${letter(PASSPORT_DE)}${Array.from({ length: 8 }, () => (rng.next() < 0.3 ? letter(PASSPORT_DE) : String(rng.int(0, 9)))).join('')}`;
}

/** Private-range addresses (RFC 1918). */
export function ipv4(rng: SimRandom): string {
  const kind = rng.int(0, 2);
  if (kind === 0) return `192.168.${rng.int(0, 254)}.${rng.int(2, 254)}`;
  if (kind === 1) return `10.${rng.int(0, 254)}.${rng.int(0, 254)}.${rng.int(2, 254)}`;
  return `172.${rng.int(16, 31)}.${rng.int(0, 254)}.${rng.int(2, 254)}`;
}

/** An account / customer number of 8–10 digits holding a 0 and a repeated digit (so oh/double forms occur). */
export function account(rng: SimRandom): string {
  const n = rng.int(8, 10);
  const raw = [...`${rng.int(1, 9)}${digits(rng, n - 1)}`];
  const at = rng.int(1, n - 3);
  raw[at] = '0';
  raw[at + 2] = raw[at + 1] ?? '4';
  return raw.join('');
}

export const EMAIL_DOMAINS: Record<Language, readonly string[]> = {
  en: ['quillmail.com', 'postnest.net', 'larkmail.org', 'example.com'],
  es: ['correoweb.es', 'buzonmail.es', 'example.es', 'miportal.com'],
  de: ['postkasten.de', 'netzpost.de', 'example.de', 'briefbox.de'],
};

const ascii = (s: string): string => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/ß/g, 'ss');

export function emailOf(rng: SimRandom, who: Person, language: Language): string {
  const [f, l] = [ascii(who.first), ascii(who.last)];
  const local = pick(rng, [`${f}.${l}`, `${f[0]}.${l}`, `${f}${l}${rng.int(1, 99)}`, `${l}_${f[0]}`, `${f}.${l}${rng.int(60, 99)}`]);
  return `${local}@${pick(rng, EMAIL_DOMAINS[language])}`;
}

export interface Address {
  number: string;
  street: string;
  suffix: string;
}

export function address(rng: SimRandom, p: Pools, language: Language): Address {
  const street = pick(rng, p.streets);
  if (language === 'en') return { number: String(pick(rng, [rng.int(10, 99), rng.int(100, 999), rng.int(1000, 2999)])), street, suffix: pick(rng, ['lane', 'street', 'avenue', 'drive', 'court', 'road', 'way']) };
  if (language === 'es') return { number: String(rng.int(2, 140)), street, suffix: pick(rng, ['calle', 'avenida', 'paseo', 'plaza']) };
  return { number: String(rng.int(1, 120)), street, suffix: pick(rng, ['straße', 'weg', 'allee', 'gasse', 'ring']) };
}
