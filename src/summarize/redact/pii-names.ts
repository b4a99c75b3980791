// Name detection: names the text introduces ("my name is", "I'm", "Mr."), names given in answer to the agent's
// "may I have your name", and later mentions of names already found in the same transcript.
import { NAME_STOPWORDS } from './name-stopwords.js';
import type { PiiSpan } from './pii-types.js';
import { isCommonWord, isOrgWord } from './pii-words.js';

// Unicode letters (José, Müller, Łukasz): every pattern using these carries the u flag.
const WORD = "\\p{L}[\\p{L}'’-]*";
const CAP_WORD = "\\p{Lu}[\\p{L}'’-]*";
/** Start of a whole word (the u-flag \b is ASCII-only and also matches inside "Jean-Luc"). */
const WORD_START = "(?<![\\p{L}\\p{N}_'’-])";

const NAME = `${WORD}(?:\\s+${WORD}){0,2}`;
const CAP_NAME = `${CAP_WORD}(?:\\s+${CAP_WORD}){0,2}`;
const RELATIVE = '(?:daughter|son|kid|child|friend|wife|husband|partner|mother|mom|father|dad|brother|sister)';

/** Introductions that name someone whatever the case of the name ("my name is albert sanders"). Unambiguous. */
const INTRODUCED_ANY_CASE = [
  new RegExp(`\\b(?:(?:my\\s+)?name(?:'s|’s|\\s+is)|name\\s*:|host\\s+is)\\s+(${NAME})`, 'dgiu'),
  // "the name on the door is …", "name on the account is …"
  new RegExp(`\\bname\\s+(?:on|of|for)\\s+(?:the\\s+|my\\s+)?[\\p{L}]+\\s+is\\s+(${NAME})`, 'dgiu'),
];
/** "Mr. Jones", "Ms Minh": a title before a capitalized name. Unambiguous. */
const TITLED = new RegExp(`\\b(?:Mr|Mrs|Ms|Miss|Mx)\\.?\\s+(${CAP_WORD}(?:\\s+${CAP_WORD})?)`, 'dgu');
/** "my name is" in Spanish, French, German, Portuguese and Italian ("me llamo Javier Montes", "ich heiße Anna"). Unambiguous. */
const FOREIGN_NAME_IS = new RegExp(
  `\\b(?:[Mm]e\\s+llamo|[Mm]i\\s+nombre\\s+es|[Jj]e\\s+m['’]appelle|[Mm]on\\s+nom\\s+est|[Ii]ch\\s+hei(?:ß|ss)e|[Mm]ein\\s+Name\\s+ist|[Mm]eu\\s+nome\\s+é|[Mm]e\\s+chamo|[Mm]i\\s+chiamo)\\s+(${CAP_NAME})`,
  'dgu',
);

/** Introductions that need a capitalized name, since the lead-in is also ordinary English ("I'm Sorry"). */
const INTRODUCED_CAPITALIZED = [
  new RegExp(`\\b(?:[Tt]his\\s+is|[Ii]['’]m|I\\s+am|Im|[Mm]y\\s+name\\s+is)\\s+(${CAP_NAME})`, 'dgu'),
  new RegExp(`^\\W*(?:(?:[Hh]i|[Hh]ello|[Hh]ey)\\W+)?[Ii]t['’]?s\\s+(${CAP_NAME})`, 'dgu'),
  new RegExp(`^\\W*(?:(?:[Hh]i|[Hh]ello|[Hh]ey)\\W+)?(${CAP_NAME})\\s+here\\b`, 'dgu'),
  TITLED,
  new RegExp(`\\b[Mm]y\\s+${RELATIVE}(?:\\s*,)?\\s+(${CAP_WORD})`, 'dgu'),
  // WORD_START, not \b: "A-A-A-…" has a \b before every letter, and each start would rescan the rest (quadratic).
  new RegExp(`${WORD_START}(${CAP_WORD})['’]s\\s+(?:party|birthday)`, 'dgu'),
  new RegExp(`${WORD_START}(${CAP_WORD})\\s+is\\s+(?:the\\s+host|hosting)`, 'dgu'),
  // "in the name of Oliver Penhaligon", "under the name Ruiz", "account holder is …", "addressed to …"
  new RegExp(`\\b(?:(?:in|under)\\s+(?:the\\s+)?name\\s+(?:of\\s+)?|(?:account\\s+)?holder\\s+is\\s+|addressed\\s+to\\s+)(${CAP_NAME})`, 'dgu'),
  FOREIGN_NAME_IS,
  // "Soy Javier" (also "soy cliente"; so capitalized only and outside the output check)
  new RegExp(`\\b[Ss]oy\\s+(${CAP_NAME})`, 'dgu'),
  // E-mail and chat salutations and sign-offs: "Dear Nadia,", "Kind regards, Nadia Kowalczyk".
  new RegExp(`\\b(?:[Dd]ear|[Hh]i|[Hh]ello|[Hh]ey)\\s+(${CAP_NAME})\\s*[,!]`, 'dgu'),
  new RegExp(
    `\\b(?:[Rr]egards|[Ss]incerely|[Cc]heers|[Bb]est(?:\\s+wishes)?|[Tt]hanks(?:\\s+again)?|[Tt]hank\\s+you|[Yy]ours(?:\\s+(?:truly|sincerely))?)(?:[ \\t]*[,\\n-])\\s*(${CAP_NAME})`,
    'dgu',
  ),
];

/** Does an agent turn ask for the customer's name? */
export const ASKS_FOR_NAME =
  /\b(?:your|full|first|last|customer|guest|patient)\s+(?:(?:full|first|last|and|or|\/)\s+)*names?\b|^\s*names?\b|\bname,?\s+please\b|\bname\s+of\s+the\s+(?:host|guest|patient)\b|\b(?:su|tu)\s+nombre\b|\bnombre\s+completo\b|\bvotre\s+nom\b|\bnom\s+complet\b|\bihr(?:e[nr]?)?\s+(?:vollständige[nr]?\s+)?(?:nach)?namen?\b|\bapellidos?\b|\bnachnamen?\b|\bsurname\b|\bspell\b|\bdeletre\w*|\bbuchstabier\w*|\bwie\s+hei(?:ß|ss)en\s+sie\b|\bcon\s+qui[eé]n\s+hablo\b|\bwho\s+(?:am\s+i|i\s+am)\s+speaking\s+(?:to|with)\b|\bseu\s+nome\b|\bnome\s+completo\b|\bil\s+suo\s+nome\b/i;

/** A word that can be part of a name: not a stopword ("I'm" → "i"), not a lower-case -ing word ("meeting"). */
export function isNameWord(word: string): boolean {
  const base = word.toLowerCase().replace(/['’](?:s|m|ll|re|ve|d)$/, '');
  if (word.length < 2 || word.length > 40 || NAME_STOPWORDS.has(base)) return false;
  return !(/^\p{Ll}/u.test(word) && word.length >= 6 && word.endsWith('ing'));
}

/** Trims a candidate "Albert Sanders and" to its leading name words; returns its length in characters (0 = none). */
function nameLength(candidate: string): number {
  let length = 0;
  for (const m of candidate.matchAll(/\S+/g)) {
    if (!isNameWord(m[0]) || /[^\p{L}'’-]/u.test(m[0])) break;
    length = m.index + m[0].length;
  }
  return length;
}

/**
 * Does a candidate name a company ("Acme Corp", "Contoso Travel", "Contoso Ltd.")? Its words and the word right after
 * it (when only a space separates them) are checked for company suffixes.
 */
function isOrgName(text: string, start: number, end: number): boolean {
  const next = /^[ \t]+(\S+)/.exec(text.slice(end, end + 40))?.[1];
  return [...text.slice(start, end).split(/\s+/), ...(next ? [next] : [])].some(isOrgWord);
}

function groupSpans(text: string, re: RegExp): PiiSpan[] {
  const out: PiiSpan[] = [];
  for (const m of text.matchAll(re)) {
    const at = m.indices?.[1];
    if (!at || isOrgName(text, at[0], at[1])) continue;
    const length = nameLength(text.slice(at[0], at[1]));
    if (length > 0) out.push({ type: 'name', start: at[0], end: at[0] + length });
  }
  return out;
}

/** Names a single text introduces on its own ("my name is X", "this is X", "I'm X Y", "Mr. X"). */
export function findIntroducedNames(text: string): PiiSpan[] {
  return [...INTRODUCED_ANY_CASE, ...INTRODUCED_CAPITALIZED].flatMap((re) => groupSpans(text, re));
}

/**
 * Only the introductions that name a person whatever the context: "(my) name is X", "name on the account is X",
 * "Mr./Ms. X", "me llamo X", "ich heiße X". The output check uses these: a summary's "I am Premium", "in the name of
 * Contoso Travel" or "This is urgent" cannot be told from a name without the conversation.
 */
export function findUnambiguousNames(text: string): PiiSpan[] {
  return [...INTRODUCED_ANY_CASE, TITLED, FOREIGN_NAME_IS].flatMap((re) => groupSpans(text, re));
}

const ANSWER_LEAD =
  /^[\s"'(¿¡]*(?:(?:sure|yes|yeah|ok|okay|hi|hello|right|of course|it's me|it['’]?s|it is|i['’]?m|i am|name is|name:|this is|sí|si|claro|vale|me llamo|soy|oui|bien sûr|je m['’]appelle|c['’]est|ja|klar|ich heiße|ich bin|sim|me chamo|sou)[\s,.:!-]+)*/i;

/**
 * The name given in reply to "may I have your name?" ("Crystal Minh, I don't know…", "Right, it's Ben."):
 * the leading name words of the first clause that has any.
 */
export function findAnsweredName(text: string): PiiSpan[] {
  let offset = 0;
  for (const clause of text.split(/(?<=[,.;!?])/).slice(0, 3)) {
    const lead = ANSWER_LEAD.exec(clause)?.[0].length ?? 0;
    const length = nameLength(clause.slice(lead).replace(/[,.;!?]$/, ''));
    if (length > 0 && isOrgName(text, offset + lead, offset + lead + length)) return [];
    if (length > 0) return [{ type: 'name', start: offset + lead, end: offset + lead + length }];
    offset += clause.length;
  }
  return [];
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** First names that are also ordinary words: chased only when capitalized ("Mark", not "mark the date"). */
const WORD_NAMES: ReadonlySet<string> = new Set(
  `will mark bill rose grace hope joy june april may faith summer amber ruby pat sue jack frank art ray guy dawn sky river
  bob rob sandy ben dean drew chase gene glen lane rich victor max dash page angel star crystal holly ivy jade pearl penny
  violet daisy lily iris hunter miles norman pierce cliff sol luz paz rosa blanca pilar cruz reyes flor santos
  august ernst frei klein lange lang engel vogel fuchs wolf koch bauer`.split(/\s+/),
);

/**
 * Later mentions of names already found: full names in any case, single words only when capitalized
 * ("Thanks Chloe", "Ms Minh"), so a name that is also a word ("Mark", "Will") is not chased through the text.
 */
export function findKnownNames(text: string, names: ReadonlySet<string>): PiiSpan[] {
  const out: PiiSpan[] = [];
  for (const name of names) {
    const parts = name.split(/\s+/);
    if (parts.length > 1) {
      const full = new RegExp(`(?<![\\w])${parts.map(escape).join('\\s+')}(?![\\w])`, 'gi');
      for (const m of text.matchAll(full)) out.push({ type: 'name', start: m.index, end: m.index + m[0].length });
    }
    for (const part of parts) {
      if (!isNameWord(part)) continue;
      const capitalized = part.charAt(0).toUpperCase() + part.slice(1).toLowerCase();
      // A distinctive name is chased in any case (speech engines write "okay terrence"); one that is also a word is not.
      const anyCase = part.length >= 4 && !WORD_NAMES.has(part.toLowerCase()) && !isCommonWord(part);
      const re = anyCase
        ? new RegExp(`(?<![\\p{L}\\p{N}_])${escape(part)}(?![\\p{L}\\p{N}_])`, 'giu')
        : new RegExp(`(?<![\\w])(?:${escape(capitalized)}|${escape(part.toUpperCase())})(?![\\w])`, 'g');
      for (const m of text.matchAll(re)) out.push({ type: 'name', start: m.index, end: m.index + m[0].length });
    }
  }
  return out;
}
