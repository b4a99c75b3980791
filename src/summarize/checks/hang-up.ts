// A call that is only a greeting and a hang-up ("hi it's about the order oh hang on sorry i'll call back", "hola
// … le llamo luego", "hallo … ich rufe später zurück"): the customer names no issue beyond a word or two, says they
// will call back, hold on, or cannot hear, and the agent does nothing but greet. Written or ASR text, en/es/de.
import type { Turn } from '../../domain.js';

/** Phrases of leaving, pausing or not hearing; removed before the remaining words are counted. */
const CUES = [
  /\b(?:i'?ll|i will|i'?m gonna|let me|can i|i'?d better|i have to|i need to|i'?ll have to)\s+(?:call|ring|phone)\s+(?:you\s+|u\s+)?(?:back|again|later)(?:\s+later)?\b/g,
  /\b(?:call|ring)\s+(?:you\s+)?back\b/g,
  /\b(?:hang|hold)\s+on\b|\bone\s+(?:sec|second|moment|minute)\b|\bwrong\s+number\b|\b(?:got|gotta|have)\s+(?:to\s+)?go\b/g,
  /\bcan'?t\s+talk(?:\s+right)?(?:\s+now)?\b|\bbad\s+time\b|\bnever\s?mind\b|\bbreaking\s+up\b/g,
  /\b(?:can|do)\s+you\s+hear\s+me\b|\b(?:are\s+you|is\s+(?:any|some)(?:one|body))\s+there\b|\banyone\s+there\b/g,
  /\b(?:te|le|les|lo|la)\s+(?:llamo|llamaré|vuelvo\s+a\s+llamar)(?:\s+(?:luego|después|despues|más\s+tarde|mas\s+tarde|otra\s+vez|de\s+nuevo|mañana))?\b/g,
  /\bvuelvo\s+a\s+llamar\b|\bllamo\s+(?:luego|después|despues|más\s+tarde|mas\s+tarde)\b|\bun\s+momento\b|\bespere\b|\bespera\b/g,
  /\bnúmero\s+equivocado\b|\bme\s+tengo\s+que\s+ir\b|\bno\s+(?:le|te|lo)\s+(?:oigo|escucho)\b|\bme\s+(?:oye|escucha)\b|\bhay\s+alguien\b|\bse\s+corta\b|\bolvídelo\b/g,
  /\bich\s+rufe?\s+(?:sie\s+|dich\s+|ihnen\s+)?(?:später\s+|spaeter\s+|nochmal\s+|gleich\s+|morgen\s+)?(?:zurück|zurueck|wieder\s+an|nochmal\s+an|an)\b/g,
  /\bmoment\s+mal\b|\beinen\s+moment\b|\bfalsch\s+verbunden\b|\bich\s+muss\s+(?:jetzt\s+)?(?:los|weg|auflegen)\b/g,
  /\bich\s+melde\s+mich\s+(?:später|spaeter|nochmal|wieder|gleich|morgen)\b|\bwarten\s+sie\b/g,
  /\bi'?ll\s+get\s+back\s+to\s+you\b|\b(?:le|te)\s+(?:escribo|contacto)\s+(?:luego|después|más\s+tarde)\b/g,
  /\bhören\s+sie\s+mich\b|\bhörst\s+du\s+mich\b|\bist\s+da\s+jemand\b|\bvergessen\s+sie\s+es\b/g,
];

/** Greetings, fillers and function words: what a caller says without saying anything. */
const EMPTY = new Set(
  `hi hello hey hiya morning afternoon evening yes yeah yep no nope ok okay oh um uh er ah hmm mhm sorry so well just
  i i'm im i'll ill i've it it's its is am are was be about the a an to of for on in at my me you your we this that
  there here and or but can could would will with do did get got have has not now then actually really like gonna
  calling call called ringing phone quick quickly thing something question thanks thank bye goodbye please sure right
  hola buenas buenos días dias tardes noches sí si vale bueno pues eh este esto eso ya mire oiga perdón perdon
  disculpe el la los las un una de del al y o en con por para que es era está estoy soy mi me te le se lo su yo
  usted ahora luego llamaba llamo llamar sobre tema gracias adiós adios ay
  hallo guten tag morgen abend ja nein naja also äh ähm hm oh ich du sie er es wir der die das den dem ein eine
  einen und oder in im an am auf um zu mit von für ist bin sind war mein meine meinen mir mich ihnen nicht jetzt dann
  mal noch gerade gleich geht wegen anrufen rufe danke tschüss tschüs entschuldigung sorry kurz frage`.split(/\s+/),
);

/** ASR marks of silence and noise ("[silence]", "<unk>", "[inaudible]") are not speech. */
export const stripNoise = (text: string): string => text.replace(/\[(?:silence|noise|inaudible|music|crosstalk|laughter)\]|<unk>|…/gi, ' ');

const normalize = (text: string): string =>
  stripNoise(text)
    .toLowerCase()
    .replace(/[’`]/g, "'")
    .replace(/[^\p{L}\p{N}'\s]/gu, ' ')
    .replace(/\s+/g, ' ');

/** Words left once cues, greetings, fillers and function words are gone. */
export function contentWords(text: string): { words: string[]; cued: boolean } {
  let rest = ` ${normalize(text)} `;
  let cued = false;
  for (const cue of CUES) {
    rest = rest.replace(cue, () => {
      cued = true;
      return ' ';
    });
  }
  return { words: rest.split(' ').filter((w) => w !== '' && !EMPTY.has(w)), cued };
}

/** Customer words that can stand for an issue ("the order") without stating one. */
const MAX_CUSTOMER_WORDS = 3;
/** An agent who only greets says little beyond the opening line. */
const MAX_AGENT_WORDS = 12;

/**
 * The verdict for a greeting-and-hang-up call, or undefined when the call has content: the customer leaves, pauses
 * or cannot hear, names at most a few content words, and the agent says little beyond a greeting.
 */
export function hangUpVerdict(customer: readonly Turn[], agent: readonly Turn[]): { ok: false; reason: 'greeting_and_hang_up'; detail: string } | undefined {
  const said = contentWords(customer.map((t) => t.text).join(' \n '));
  if (!said.cued || said.words.length > MAX_CUSTOMER_WORDS) return undefined;
  const answered = contentWords(agent.map((t) => t.text).join(' \n ')).words.length;
  if (answered > MAX_AGENT_WORDS) return undefined;
  return {
    ok: false,
    reason: 'greeting_and_hang_up',
    detail: `the customer only greeted and left or could not hear (${said.words.length} content word(s)); the agent said ${answered}`,
  };
}
