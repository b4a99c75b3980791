// Fail closed on long numbers: a run of 7 or more digits (or an id of 8+ characters with 4+ digits and a letter), as
// written or as the normalizer rewrote it from speech, is personal data unless a rule explains it as a look-alike:
// a tracking, order, ticket, flight or model number by its shape or the word before it, a price or quantity by the
// word after it, a time, a version or a date without a year by its shape. Validators and context words name the type
// (card by Luhn, IBAN by mod-97, "phone", "social", "passport" …); otherwise it is masked as [NUMBER].
import { ibanValid, luhnValid } from './luhn.js';
import type { PiiSpan, PiiType } from './pii-types.js';

interface Word {
  raw: string;
  core: string;
  start: number;
  end: number;
  /** Punctuation after the word ends a number ("5022 1004, and …"). */
  closes: boolean;
}

/** Words that make the number after them a look-alike (any case, accents as written). */
const LOOKALIKE_KEYS = new Set(
  `order orders ord pedido pedidos bestellung bestellnummer auftrag ticket tickets tck incidencia incidencias caso case
  tracking seguimiento sendungsnummer sendung paket flight vuelo flug fliegen model modelo modell router firmware
  version versión reference referencia referenz ref invoice factura rechnung confirmation confirmación bestätigung
  booking reserva buchung serial serie seriennummer sku item artículo artikel vorgang`.split(/\s+/),
);
/** Is `a` within one edit (insert, delete, substitute, swap) of `b`? Typed keys have typos ("bestellug"). */
function nearly(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && a[i] === b[i]) i += 1;
  const rest = (x: number, y: number): boolean => a.slice(i + x) === b.slice(i + y);
  return rest(1, 1) || rest(1, 0) || rest(0, 1) || (a[i] === b[i + 1] && a[i + 1] === b[i] && rest(2, 2));
}

const LONG_KEYS = [...LOOKALIKE_KEYS].filter((k) => k.length >= 6);
const isLookalikeKey = (word: string): boolean =>
  LOOKALIKE_KEYS.has(word) || /^(?:tck|ord|ref|inv|sku)-/i.test(word) || (word.length >= 6 && LONG_KEYS.some((k) => k[0] === word[0] && nearly(word, k)));

/** Words that make it personal data, with the type they name. */
const PII_KEYS: ReadonlyArray<[PiiType, string]> = [
  ['card', 'card tarjeta karte kartennummer kreditkarte visa mastercard amex'],
  ['iban', 'iban'],
  ['account', 'account acct cuenta cliente kundennummer kunden konto kontonummer member membership customer socio'],
  ['phone', 'phone cell mobile telephone móvil movil teléfono telefono handy handynummer telefonnummer rufnummer whatsapp call llamar erreichen reach contactar localizar unter'],
  ['ssn', 'social ssn seguridad afiliación nss sozialversicherung sozialversicherungsnummer rentenversicherung versicherungsnummer rvnr steuer tax'],
  ['passport', 'passport pasaporte reisepass pass ausweis dni nie license licence führerschein'],
  ['dob', 'birth born birthday nacimiento nací naci cumpleaños geburtsdatum geboren geburtstag'],
];
const PII_KEY_TYPE = new Map<string, PiiType>(PII_KEYS.flatMap(([type, list]) => list.split(' ').map((w): [string, PiiType] => [w, type])));
const LONG_PII_KEYS = [...PII_KEY_TYPE.keys()].filter((k) => k.length >= 6);

/** The PII type a key word names ("pasport" with its typo too), or undefined. */
function piiKey(word: string): PiiType | undefined {
  if (/^\p{L}{4,}nummer$/u.test(word) && PII_KEY_TYPE.has(word.slice(0, -6))) return PII_KEY_TYPE.get(word.slice(0, -6));
  const exact = PII_KEY_TYPE.get(word);
  if (exact || word.length < 6) return exact;
  const near = LONG_PII_KEYS.find((k) => k[0] === word[0] && nearly(word, k));
  return near ? PII_KEY_TYPE.get(near) : undefined;
}

/** Words after a number that make it a quantity or an amount. */
const UNIT_AFTER = /^(?:items?|boxes|box|units?|pieces?|minutes?|hours?|days?|gb|mb|tb|kb|stück|kartons?|cajas?|unidades|minutos?|horas?|minuten|stunden|euros?|eur|dollars?|usd|pounds?|gbp|pence|cents?|céntimos|€|\$|£|%|percent|por|prozent|km|kg|miles?)$/i;

const CODE = /^[\p{L}\p{N}][\p{L}\p{N}./()-]*$/u;
const SHAPES_KEPT = [
  /^\d{1,2}[.:h]\d{2}$/i, // a time
  /^\d{1,2}[./]\d{1,2}\.?$/, // a date without a year
  /^\d{1,2}[./-]\d{1,2}[./-](?:\d{2}|\d{4})$|^\d{4}-\d{2}-\d{2}$/, // a date (a birth date is the date rule's)
  /^v?\d+(?:\.\d+){2,}$/i, // a version
];

function words(text: string): Word[] {
  return [...text.matchAll(/\S+/g)].map((m) => {
    const lead = /^[("'¿¡#«-]*/.exec(m[0])?.[0].length ?? 0;
    const trail = /[)"'.,;:!?»]*$/.exec(m[0].slice(lead))?.[0] ?? '';
    const core = m[0].slice(lead, m[0].length - trail.length);
    return { raw: m[0], core, start: m.index + lead, end: m.index + lead + core.length, closes: /[.,;:!?]/.test(trail) };
  });
}

const hasDigit = (s: string): boolean => /\d/.test(s);
const isCode = (w: Word): boolean => hasDigit(w.core) && CODE.test(w.core) && !SHAPES_KEPT.some((re) => re.test(w.core));
/** Joins a code: one or two capitals ("T XN13 9738", "DE 14 8650…", "99 030670 X 138") or a lone dash or slash. */
const isJoiner = (w: Word): boolean => /^\p{Lu}{1,2}$/u.test(w.core) || w.raw === '-' || w.raw === '/';

/** The groups of adjacent code words (index ranges into `ws`). */
function groups(ws: readonly Word[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let i = 0;
  while (i < ws.length) {
    if (!isCode(ws[i]!) && !(isJoiner(ws[i]!) && ws[i + 1] && isCode(ws[i + 1]!))) {
      i += 1;
      continue;
    }
    let j = i;
    while (!ws[j]!.closes && ws[j + 1] && (isCode(ws[j + 1]!) || (isJoiner(ws[j + 1]!) && ws[j + 2] && isCode(ws[j + 2]!)))) j += 1;
    out.push([i, j]);
    i = j + 1;
  }
  return out;
}

/** Words that may stand between a key and its value ("card number is", "móvil es el", "call me on", "iban ist"). */
const GLUE = new Set(
  `is was are it's its it the a an my your number numbers no nr # me on at under es el la los las mi su número numero de del
  ist lautet war die der das meine mein ihre ihr nummer mich sie unter also a:`.split(/\s+/),
);

/**
 * The nearest key word in the (up to) eight words before `i` in the same sentence. A look-alike's key counts anywhere
 * there ("order 4045… ", "the refund … for order …"); a PII key only when just glue words stand between it and the
 * value ("my social is …", not "SSN must not be …").
 */
function keyBefore(ws: readonly Word[], i: number): 'lookalike' | PiiType | undefined {
  let introduced = true;
  for (let k = i - 1; k >= Math.max(0, i - 8); k -= 1) {
    const w = ws[k]!;
    if (/[.!?]$/.test(w.raw)) return undefined;
    const word = w.core.toLowerCase();
    if (isLookalikeKey(word)) return 'lookalike';
    const pii = piiKey(word);
    if (pii && introduced) return pii;
    if (!GLUE.has(word)) introduced = false;
  }
  return undefined;
}

/** Is the code explained as a look-alike by its own shape (tracking, ticket/order prefixes, a date, a reference id)? */
function lookalikeShape(code: string, written: string): boolean {
  return (
    /^1Z[A-Z0-9]{14,}$/i.test(code) ||
    /^(?:TCK|ORD|REF|INV|TKT|SKU)/i.test(code) ||
    /^(?:19|20)\d\d[ -]\d{1,2}[ -]\d{1,2}$/.test(written) ||
    // A reference id as systems print them: capitals, a dash, digits ("CS-300417", "INC-48213", "SP-4471-0932").
    /^[A-Z]{2,4}-\d+(?:-\d+)*$/.test(written)
  );
}

/** Does an agent's question ask for personal data by number (and for no look-alike such as an order id)? */
export function asksForNumber(question: string): boolean {
  const words = question.toLowerCase().match(/[\p{L}]+/gu) ?? [];
  return words.some((w) => piiKey(w) !== undefined && w !== 'unter' && w !== 'call') && !ASKS_FOR_LOOKALIKE.test(question);
}

/** A question for an order, ticket or booking id: a bare id in the reply is more likely that one. */
const ASKS_FOR_LOOKALIKE = /\b(?:order|pedido|bestell\w*|ticket|tracking|booking|reserva|buchungs)\s*(?:id|number|no\b|#|n[úu]mero|nummer)/iu;

function typeOf(code: string, key: PiiType | undefined): PiiType {
  const digits = code.replace(/\D/g, '');
  if (/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/i.test(code) && ibanValid(code)) return 'iban';
  if (/^\d{13,19}$/.test(code) && /^[2-6]/.test(code) && luhnValid(digits)) return 'card';
  // A card or IBAN key with a number its checksum rejects names nothing ("gift card code 6011 0009 …").
  return key === undefined || key === 'card' || key === 'iban' ? 'number' : key;
}

/**
 * Long numbers and ids that no look-alike rule explains, in `text` (already normalized: spoken digits are digits).
 * "order 40458812", "1ZGB93585956472157", "£257.99", "8:15", "v3.8.4" and "9 items" stay; "980603327",
 * "99 100797 W 055", "K 5X19 91T6" and "T70063317" go.
 * A group a validator confirms (card, IBAN) or a key word before it names ("my social is …") is taken in any case.
 * @param failClosed which other groups are masked as [NUMBER] (by their span): all by default; for written media
 * the caller passes "said aloud", and a bare written id is left to the context rules.
 */
export function findLongNumbers(text: string, failClosed: (start: number, end: number) => boolean = () => true): PiiSpan[] {
  if (!/\d(?:\D{0,40}\d){3}/.test(text)) return [];
  const ws = words(text);
  const out: PiiSpan[] = [];
  for (const [from, to] of groups(ws)) {
    let last = to;
    while (last > from && !hasDigit(ws[last]!.core)) last -= 1;
    const code = ws.slice(from, last + 1).map((w) => w.core).join('').replace(/[^\p{L}\p{N}]/gu, '');
    const digits = code.replace(/\D/g, '').length;
    const idLike = digits >= 4 && code.length >= 8 && /\p{L}/u.test(code);
    const key = keyBefore(ws, from);
    // A shorter passport number or date of birth counts when its key word introduces it ("passport number X345678",
    // "date of birth is oh three twenty three seventy nine").
    const short = (key === 'passport' && digits >= 5) || (key === 'dob' && digits >= 6 && digits <= 8 && code.length === digits);
    if (key === 'lookalike' || (digits < 7 && !idLike && !short)) continue;
    const next = ws[last + 1];
    if (lookalikeShape(code, text.slice(ws[from]!.start, ws[last]!.end))) continue;
    if (next && !ws[last]!.closes && UNIT_AFTER.test(next.core)) continue;
    const type = typeOf(code, key);
    // Fail closed where asked to; elsewhere only a value a validator confirms or a key word names.
    if (type === 'number' && !failClosed(ws[from]!.start, ws[last]!.end)) continue;
    out.push({ type, start: ws[from]!.start, end: ws[last]!.end });
  }
  return out;
}
