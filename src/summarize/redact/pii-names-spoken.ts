// Names as speech engines and hurried typists write them: lower case, after an introduction in English, Spanish or
// German ("this is dolores quintero", "le habla …", "hier ist …"), before "speaking" / "am apparat", after a title
// ("mister pemberton", "señora carrasco", "Herr vogelsang"), and as the name under an e-mail's closing line.
import type { PiiSpan } from './pii-types.js';
import { isNameWord } from './pii-names.js';
import { isOrgWord } from './pii-words.js';
import { numberWord } from './spoken-numbers.js';

const WORD = "\\p{L}[\\p{L}'’-]*";
const B = "(?<![\\p{L}\\p{N}_'’-])";

/** Introductions in any case; the name follows. ("soy" and "this is" also start ordinary sentences: the name words
 * are checked against the stopwords, so "this is the card" or "soy cliente" name nobody.) */
const LEADS = new RegExp(
  `${B}(?:this\\s+is|my\\s+name\\s+is|my\\s+name['’]s|hier\\s+ist|hier\\s+spricht|mein\\s+name\\s+ist|ich\\s+hei(?:ß|ss)e|me\\s+llamo|mi\\s+nombre\\s+es|soy|le\\s+habla|habla|al\\s+habla)\\s+(${WORD}(?:\\s+${WORD}){0,2})`,
  'dgiu',
);
/** "i'm dolores quintero": an English lead-in that also starts "i'm locked out", so two name words are needed. */
const IM = new RegExp(`${B}(?:i['’]m|i\\s+am|im)\\s+(${WORD}\\s+${WORD})`, 'dgiu');
/** Words that read as states, not names, after "i'm" ("i'm super annoyed", "i'm totally confused"). */
const STATE = /(?:ed|ly|ing)$/i;
const STATE_WORDS = new Set('super so too quite kinda kind sort busy fast slow sick ill tired stuck home away online offline outside inside abroad late early free ok alright new old'.split(' '));
/** "bernadette abernathy speaking", "reinhard eichhorn am apparat": up to two words before. */
const TRAILS = new RegExp(`${B}(${WORD}(?:\\s+${WORD})?)\\s+(?:speaking|am\\s+apparat|al\\s+habla)(?![\\p{L}])`, 'dgiu');
/** Titles in any case: "mister pemberton", "Ms. ashdown", "señora carrasco", "Herr vogelsang", "frau lindemann". */
const TITLES = new RegExp(
  `${B}(?:mister|missus|miss|mrs|mr|ms|mx|señor|señora|señorita|sr|sra|srta|don|doña|herr|frau|monsieur|madame)\\.?\\s+(${WORD}(?:\\s+${WORD})?)`,
  'dgiu',
);

/** A word that can be part of a name here: not a stopword, not a number word, not a company word. */
const nameWord = (w: string): boolean => isNameWord(w) && numberWord(w) === undefined && !isOrgWord(w) && !/\d/.test(w);

/** The span of the leading name words of `text` from `start` (at most `max`), or undefined. */
function leadingName(text: string, start: number, end: number, max = 3): PiiSpan | undefined {
  let last = -1;
  let count = 0;
  // A company word in it or right after makes it a company ("this is Contoso Travel").
  if (text.slice(start, end + 40).split(/\s+/, max + 1).some(isOrgWord)) return undefined;
  for (const m of text.slice(start, end).matchAll(/\S+/gu)) {
    if (count === max || !nameWord(m[0])) break;
    last = start + m.index + m[0].length;
    count += 1;
  }
  return last > start ? { type: 'name', start, end: last } : undefined;
}

/** The trailing name words of a capture ("yes bernadette abernathy" → "bernadette abernathy"). */
function trailingName(text: string, start: number, end: number): PiiSpan | undefined {
  const words = [...text.slice(start, end).matchAll(/\S+/gu)];
  let first = words.length;
  while (first > 0 && nameWord(words[first - 1]![0])) first -= 1;
  const w = words[first];
  return w && first < words.length ? { type: 'name', start: start + w.index, end } : undefined;
}

function spans(text: string, re: RegExp, pick: (start: number, end: number) => PiiSpan | undefined): PiiSpan[] {
  const out: PiiSpan[] = [];
  for (const m of text.matchAll(re)) {
    const at = m.indices?.[1];
    const span = at ? pick(at[0], at[1]) : undefined;
    if (span) out.push(span);
  }
  return out;
}

/** Names after a title in any case ("mister pemberton", "Herr vogelsang"): unambiguous, so the output check uses it. */
export function findTitledNames(text: string): PiiSpan[] {
  return spans(text, TITLES, (s, e) => leadingName(text, s, e, 2));
}

const CLOSING_LINE = /^[\p{L}\s,.!'’-]{2,40}$/u;
const NAME_LINE = new RegExp(`^\\s*${WORD}(?:\\s+${WORD}){0,2}\\s*$`, 'u');

/**
 * The name under an e-mail's closing line ("Viele Grüße\nTorsten Vogelsang", "kind regrds,\nwendell"): the last line,
 * when it is one to three name words and the line above it is a short closing without a full stop or question.
 */
export function findSignatureName(text: string): PiiSpan[] {
  const lines = [...text.matchAll(/[^\n]+/g)].filter((m) => m[0].trim() !== '');
  const last = lines[lines.length - 1];
  const above = lines[lines.length - 2];
  if (!last || !above || !NAME_LINE.test(last[0]) || !CLOSING_LINE.test(above[0].trim()) || /[.?!]\s*$/.test(above[0])) return [];
  if (above[0].trim().split(/\s+/).length > 4) return [];
  const lead = /^\s*/.exec(last[0])?.[0].length ?? 0;
  const span = leadingName(text, last.index + lead, last.index + last[0].trimEnd().length);
  return span && span.end === last.index + last[0].trimEnd().length ? [span] : [];
}

/** Every name this module finds in `text`. */
export function findSpokenNames(text: string): PiiSpan[] {
  return [
    ...spans(text, LEADS, (s, e) => leadingName(text, s, e)),
    ...spans(text, TRAILS, (s, e) => trailingName(text, s, e)),
    // Only where the writer does not capitalize (speech engines): elsewhere "I'm Albert Sanders" is pii-names.ts's.
    ...(/\p{Lu}/u.test(text) ? [] : spans(text, IM, (s, e) => {
      const span = leadingName(text, s, e, 2);
      const words = span ? text.slice(span.start, span.end).split(/\s+/) : [];
      return words.length === 2 && !words.some((w) => (STATE.test(w) && w.length >= 5) || STATE_WORDS.has(w)) ? span : undefined;
    })),
    ...findTitledNames(text),
    ...findSignatureName(text),
  ];
}
