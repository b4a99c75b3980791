// Transcript → clean sentence lines for the extractive summarizer: drops IVR/system turns, e-mail salutations,
// sign-offs and signatures, and finds an e-mail subject line.
import type { Turn } from '../../domain.js';
import { sentences, words } from '../text-utils.js';

/** One sentence of the conversation, with who said it and in which turn. */
export interface Line {
  speaker: 'agent' | 'customer' | 'bot';
  turn: number;
  /** The sentence with leading fillers ("Okay, thanks.") and a vocative placeholder removed. */
  text: string;
  /** The sentence as written. */
  raw: string;
}

const SALUTATION = /^(?:hi|hello|hey|dear|good (?:morning|afternoon|evening)|hola|buenos d[ií]as|buenas(?: tardes| noches)?|estimad[oa]s?)\b[^.!?]{0,40}[,!:]?$/i;
const SIGN_OFF = /^(?:(?:kind |best |warm |many )?regards|best(?: wishes)?|thanks(?: again)?|thank you|many thanks|cheers|sincerely|yours(?: truly| sincerely)?|saludos|un saludo|atentamente|gracias)[,.!]?$/i;
const FILLER = /^(?:(?:hi|hello|hey|good (?:morning|afternoon|evening)|morning|yes|yeah|yep|ok|okay|alright|sure|great|perfect|well|so|um|uh|oh|right|got it|of course|understood|fantastic|excellent|wonderful|awesome|cool|alright|certainly|absolutely|thanks|thank you|hola|s[ií]|vale|bueno|claro|perfecto)\b[\s,.!-]*)+/i;

/** Leading fillers removed: "Okay, great. I need…" → "I need…"; "Yes, the page…" → "The page…". */
export function stripFiller(sentence: string): string {
  const rest = sentence.replace(FILLER, '').trim().replace(/^\[NAME\]\s*[,!]\s*(?=\S)/, '');
  return rest ? rest.charAt(0).toUpperCase() + rest.slice(1) : '';
}

/** A first paragraph that reads like an e-mail subject: short, no end punctuation, followed by a blank line. */
function subjectOf(text: string): string | undefined {
  const m = /^([^\n]{3,90})\n\s*\n/.exec(text);
  const first = m?.[1]?.trim();
  if (!first || /[.!?:,]$/.test(first) || SALUTATION.test(first) || words(first).length > 12) return undefined;
  return first;
}

/** The paragraphs of a turn that carry content: salutation dropped, sign-off and everything after it dropped. */
function bodyParagraphs(text: string): string[] {
  const paragraphs = text.split(/\n+/).map((p) => p.trim()).filter(Boolean);
  const out: string[] = [];
  for (const p of paragraphs) {
    if (SIGN_OFF.test(p)) break;
    if (SALUTATION.test(p) || /^\[[A-Z_]+\][,.]?$/.test(p)) continue;
    out.push(p);
  }
  return out;
}

/** Credentials and account identifiers the redactor may have left ("the PIN is 5974", "username is jd12"): never summarized. */
const SECRET = /\b(?:pin|password|passcode|username|user name|user id|account id|account number|security code|cvv)\b(?:\s+(?:number|is|was|are))*\s*[:-]?\s*\S*\d|\b(?:pin|password|passcode|username|user name|account id)\s+(?:is|was|:)\s+\S+|(?<![\w-])\d{6,}(?![\w-])/i;

/** Mostly upper-case ("NOW RESERVE ME A FLIGHT"): read in lower case so it does not pass for names. */
const shouting = (s: string): boolean => (s.match(/[A-Z]/g)?.length ?? 0) > 8 && (s.match(/[A-Z]/g)?.length ?? 0) > 2 * (s.match(/[a-z]/g)?.length ?? 0);

const speakerOf = (t: Turn): Line['speaker'] | undefined =>
  t.speaker === 'agent' || t.speaker === 'customer' || t.speaker === 'bot' ? t.speaker : undefined;

/** The conversation's sentences (fillers stripped, empty ones dropped) and the e-mail subject when there is one. */
export function transcriptLines(turns: readonly Turn[]): { lines: Line[]; subject: string | undefined } {
  const lines: Line[] = [];
  let subject: string | undefined;
  turns.forEach((t, turn) => {
    const speaker = speakerOf(t);
    if (!speaker) return;
    let text = t.text;
    if (speaker === 'customer' && subject === undefined && lines.every((l) => l.speaker !== 'customer')) {
      subject = subjectOf(text);
      if (subject) text = text.slice(text.indexOf(subject) + subject.length);
    }
    for (const paragraph of bodyParagraphs(text)) {
      for (const s of sentences(paragraph)) {
        const clean = stripFiller(shouting(s) ? s.toLowerCase().replace(/\bi\b/g, 'I') : s);
        if (clean && words(clean).length > 0 && !SECRET.test(clean)) lines.push({ speaker, turn, text: clean, raw: s });
      }
    }
  });
  return { lines, subject };
}
