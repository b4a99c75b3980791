// Short headlines for the extractive summarizer: a noun-phrase topic from known request patterns (or the e-mail
// subject, or the request's verb phrase) and the main outcome ("refund issued"), e.g. "Duplicate charge — refund issued".
import type { ResolutionStatus } from '../../domain.js';
import { toThirdPerson } from './perspective.js';
import { capitalize } from '../text-utils.js';
import { isPastForm, participleToPast, pastOfIng } from './extractive-verbs.js';

/** Longest headline the schema allows. */
export const HEADLINE_LIMIT = 80;

type Topic = [RegExp, (m: RegExpExecArray, text: string) => string];

const lc = (s: string | undefined): string => (s ?? '').toLowerCase().trim();

const TOPICS: Topic[] = [
  [/\bcharged (?:me )?twice|double[- ]charged|duplicate (?:charge|payment)|charged two times|paid twice/i, (_m, t) => (/\border\b/i.test(t) ? 'Duplicate charge on an order' : 'Duplicate charge')],
  [/\b(lost|stolen)\b[^.]*?\b((?:credit |debit |bank )?card|wallet|phone|passport)\b/i, (m) => `${capitalize(lc(m[1]))} ${lc(m[2])}`],
  [/\b(?:cracked|broken|damaged|defective|faulty)\b/i, (_m, t) => {
    const item = /\bmy (\w{3,})\b/i.exec(t)?.[1];
    return item ? `Damaged ${lc(item)}` : 'Damaged item';
  }],
  [/\b(?:forgot|forgotten|can't remember|cannot remember|reset)\b[^.]*\bpassword\b/i, () => 'Password reset'],
  [/\b(?:log|sign)(?:ging)?\s*in(?:to)?\b|\blogin\b/i, () => 'Account login problem'],
  [/\b[Oo]utage\b(?:[^.]*?\bin\s+(?:the\s+)?([A-Z][a-z]+))?/, (m) => (m[1] ? `Outage in ${m[1]}` : 'Service outage')],
  [/\b(internet|connection|wi-?fi|broadband)\b[^.]*?\b(keeps? dropping|dropping|drops|down|not working|slow)\b/i, (m) => `${capitalize(lc(m[1]))} ${/keeps?/.test(lc(m[2])) || lc(m[2]) === 'dropping' ? 'keeps dropping' : 'problem'}`],
  [/\bcancel(?:l?ing|l?ed)?\s+(?:my|the|our|a)\s+((?:\w+\s+)?(?:membership|subscription|account|order|booking|reservation|plan|policy|contract|flight|service))\b/i, (m) => `${capitalize(lc(m[1]))} cancellation`],
  [/\b(?:update|change|updating|changing)\s+(?:my|the|our)\s+((?:billing|delivery|home|email|mailing|shipping|postal)\s+)?address/i, (m) => `${capitalize(`${lc(m[1])} address change`.trim())}`],
  [/\bchange where (?:my|the) (\w+) is delivered|\bdelivery address\b/i, (m) => `${capitalize(m[1] ? `${lc(m[1])} delivery change` : 'delivery address change')}`],
  [/\b(?:move|reschedule|change)\s+(?:my|the|an?)\s+((?:\w+\s+)?)appointment/i, (m) => `${capitalize(`${lc(m[1])} appointment change`.trim())}`],
  [/\b(?:fee|surcharge|late charge)\b/i, () => 'Unexpected fee'],
  [/\brsvp\b/i, () => 'RSVP to a party'],
  [/\b(?:book|reserve|schedule|plan|organi[sz]e|arrange)\s+(?:a|an|the|my)?\s*((?:\w+\s+)?(?:flight|hotel|room|table|ride|taxi|cab|appointment|party|meeting|viewing|trip))\b/i, (m) => `${capitalize(lc(m[1]))} booking`],
  [/\b(?:what time|opening hours|open(?:ing)? times)\b[^.]*\b(store|shop|branch|office)\b/i, (m) => `${capitalize(lc(m[1]))} opening hours`],
];

const CLAUSE_END = /\s*(?:,|;|\s-\s|\bbecause\b|\bsince\b|\bbut\b|\bso\b|\bas\b|\bwhich\b)\s*/i;
const DANGLING = /\s+(?:of|the|a|an|to|for|and|on|in|with|at|their|my|by|from|or|that)$/i;

/** Cuts text to `max` characters at a clause or word boundary, never mid-word and without a dangling "of the". */
export function shortPhrase(text: string, max: number): string {
  let s = text.replace(/[.!?\s]+$/, '').split(CLAUSE_END)[0] ?? text;
  if (s.length > max) s = s.slice(0, max + 1).replace(/\s+\S*$/, '');
  while (DANGLING.test(s)) s = s.replace(DANGLING, '');
  return s.trim();
}

/** The request's verb phrase as a topic: "I want to return my shoes because…" → "Return their shoes". */
function requestPhrase(request: string): string {
  const m = /\b(?:want|need|would like|'d like|like|trying|wanted|asking)\s+to\s+(.+)$/i.exec(request) ?? /^(?:can|could|would)\s+you\s+(?:please\s+)?(.+)$/i.exec(request) ?? /^please\s+(.+)$/i.exec(request);
  return capitalize(toThirdPerson(shortPhrase(m?.[1] ?? request, 60)));
}

/** The conversation's topic as a short noun phrase. */
export function headlineTopic(subject: string | undefined, request: string | undefined, context: string): string {
  if (subject && !/^(?:please|can|could|i|my|re:|fw:)\b/i.test(subject)) return shortPhrase(subject, 60);
  const text = [subject, request, context].filter(Boolean).join('. ');
  for (const [re, make] of TOPICS) {
    const m = re.exec(text);
    if (m) return make(m, text);
  }
  if (subject) return requestPhrase(subject);
  return request ? requestPhrase(request) : 'Customer enquiry';
}

const NP = '((?:[\\w-]+\\s+){0,2}?[\\w-]+)(?=\\s+(?:of|for|to|on|in|at|with|under|by|so|and|from|ending|that|which|is|are|right|now|today)\\b|\\s*[.,;!?]|\\s*$)';
const STOP_AT = /\s+(?:of|for|to|on|in|at|with|under|by|so|and|from|ending|that|which|is|are)\b.*$/i;
const OUTCOME_RULES: Array<[RegExp, (m: RegExpExecArray) => string | undefined]> = [
  [new RegExp(`\\b(?:I|we)(?:'m| am|'re| are)\\s+(?:also |now |just )*(\\w+ing)\\s+(?:a |an |the |your |their )?${NP}`, 'i'), (m) => {
    const past = pastOfIng(m[1]!);
    return past ? `${m[2]!} ${past}` : undefined;
  }],
  [new RegExp(`\\b(?:I|we)(?:'ve| have)\\s+(?:also |now |just |already )*(\\w+)\\s+(?:a |an |the |your |their )?${NP}`, 'i'), (m) => (isPastForm(m[1]!) ? `${m[2]!} ${participleToPast(m[1]!)}` : undefined)],
  [/(?:\b(?:the|your|my|their)\s+|^)((?:[\w-]+\s+){0,3}?[\w-]+)\s+(?:is|are|has been|have been)\s+(?:now |all |successfully |already |also )*(?:done and |all set and )?(\w+ed|sent|reset|paid)\b/i, (m) => `${m[1]!} ${m[2]!}`],
];

/** "I am issuing a refund of $5 right now" → "refund issued"; undefined when no pattern fits. */
export function outcomeOf(doneSentence: string): string | undefined {
  for (const [re, make] of OUTCOME_RULES) {
    const m = re.exec(doneSentence);
    if (!m) continue;
    const phrase = make(m);
    if (!phrase) continue;
    const [np, verb] = [phrase.slice(0, phrase.lastIndexOf(' ')), phrase.slice(phrase.lastIndexOf(' ') + 1)];
    const noun = np.replace(STOP_AT, '').replace(/^(?:full|whole|entire)\s+/i, '').trim();
    if (noun && !/^(?:it|this|that|them|you|everything|all)$/i.test(noun) && !/\d/.test(noun)) return `${toThirdPerson(noun).toLowerCase()} ${verb.toLowerCase()}`;
  }
  return undefined;
}

const STATUS_OUTCOME: Record<ResolutionStatus, string> = {
  resolved: 'resolved',
  follow_up_needed: 'follow-up needed',
  escalated: 'escalated',
  unresolved: 'unresolved',
};

/** "Topic — outcome" within 80 characters; the topic is shortened first, the outcome dropped last. */
export function composeHeadline(topic: string, outcome: string | undefined, status: ResolutionStatus, answered: boolean): string {
  const tail = outcome ?? (status === 'resolved' && answered ? 'question answered' : STATUS_OUTCOME[status]);
  const room = HEADLINE_LIMIT - tail.length - 3;
  if (room >= 15) return `${shortPhrase(topic, room)} — ${tail}`;
  return shortPhrase(topic, HEADLINE_LIMIT);
}
