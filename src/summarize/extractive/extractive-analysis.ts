// What happened in a conversation, read from its sentences: the customer's request and details, the agent's
// completed actions, commitments, tasks for the customer and answers, non-personal reference ids, escalation.
import type { Turn } from '../../domain.js';
import { transcriptLines, type Line } from './extractive-lines.js';
import { toThirdPerson } from './perspective.js';
import { pastOf, pastOfIng } from './extractive-verbs.js';
import { words } from '../text-utils.js';

export type FactKind = 'done' | 'failed' | 'future' | 'customer_task' | 'info';

/** One agent sentence that says what was done, what will happen, what the customer should do, or an answer. */
export interface AgentFact {
  kind: FactKind;
  text: string;
  turn: number;
  /** The customer line this sentence answers, when the customer asked just before. */
  answers?: string | undefined;
}

/** A non-personal reference id and the word that named it ("refund reference", "case"). */
export interface Reference {
  label: string;
  id: string;
}

export interface Analysis {
  lines: Line[];
  subject: string | undefined;
  request: string | undefined;
  details: string[];
  facts: AgentFact[];
  refs: Reference[];
  escalated: boolean;
  /** Questions the agent asked (checks, verification). */
  checks: number;
  /** The agent acknowledged completion with a bare "Done." / "Booked.": the word, lower-cased. */
  ack: string | undefined;
  /** Short answers the customer gave to the agent's questions ("May 12 to the 23rd", "a balcony"). */
  answers: string[];
  /** The customer's last message is substantive and got no agent reply. */
  awaitingAgent: boolean;
}

const REQUEST_CUE = /\b(?:want|need|would like|i'd like|trying|can't|cannot|unable|help|problem|issue|question|refund|order|cancel|change|check|return|book|schedule|charged?|account|update|status|wrong|broken|cracked|damaged|missing|lost|stolen|reserve|rsvp|outage|dropping|down|not working|move|dispute|fee|bill|fly|flight|transfer|balance|quiero|necesito|cobrad|comisi[oó]n|pedido|factura|problema)\b|\?/i;
const IDENTITY = /\b(?:my name is|name is|i am calling from|me llamo|le atiende)\b|\bthis is \[NAME\]|^\[NAME\]|^(?:it is|it's)\s+\[/i;
const PRIVATE_SLOT = /\[(?:CARD|EMAIL|PHONE|SSN|DOB|IBAN|ADDRESS)\]/;
const SKIP_AGENT = /\b(?:thank(?:s| you) for (?:calling|contacting|reaching|your patience|waiting|holding)|how (?:can|may) i help|anything else|have a (?:great|nice|good|wonderful)|goodbye|bye|my pleasure|glad (?:i|to) (?:could )?help|sorry|i understand|no problem|congratulations|welcome to|speaking|my name is|verif(?:y|ied|ication)|for (?:your )?security|best of luck|take care|happy to help|en qu[eé] puedo ayudar|lo reviso|le atiende|let me (?:see|check|look|find|verify|pull)|let us (?:see|check)|one moment|bear with|give me a (?:moment|second|minute))\b/i;
const AGENT_INTRO = /\b[Tt]his is (?:\[NAME\]|[A-Z][a-z]+)(?:\s+from\b|\s*[.,!]|$)/;
const ACK = /^(?:done|updated|booked|sent|confirmed|cancell?ed|scheduled|processed|all set|all updated|all done|approved|completed|perfect)(?:\s+and\s+\w+)?[.!]*$/i;
const QUESTION_START = /^(?:how|what|when|where|which|who|why|would|could|can|do|does|did|shall|may)\b(?!.*\b(?:will be|is now)\b)|\blet (?:us|me) know\b|^and (?:your|the|also)\b/i;
const FAILED = /\b(?:unfortunately|unable to|wasn't able|was not able|weren't able|couldn't|could not|failed|no longer available|not available|fully booked|there (?:is|are) no (?:\w+ )?(?:rooms?|flights?|tables?|availability|appointments?|slots?|seats?))\b/i;
const OFFER = /^(?:I|we) can (\w+)\s+(.+)$/i;
const ACCEPT = /^\s*(?:yes|yeah|yep|please|sure|ok|okay|go ahead|that would be|do it|s[ií]|vale)\b/i;
const CUSTOMER_TASK = /^if\b|^(?:please|kindly)\b(?!\s+(?:hold|wait|bear))|\byou(?:'ll| will)? (?:need|have) to\b|\b(?:make sure|remember to|be sure to)\b/i;
const DONE_STRONG = [
  /\b(?:I|we)(?:'ve| have)\s+(?:also |now |just |already )*(?:\w+ed|sent|made|done|set|put|reset|given|taken|written|paid)\b/i,
  /^(?:done|updated|booked|sent|confirmed|cancell?ed|processed|all set|all updated|all done|approved|completed|he \w+ado|hemos \w+ado)\b/i,
  /\bse (?:lo|la|le) (?:anulo|cancelo|devuelvo|reembolso|cambio|env[ií]o|tramito|actualizo|abono)\b/i,
];
const SERVICE_PARTICIPLE = '(?:approved|processed|issued|refunded|credited|cancell?ed|updated|changed|booked|reserved|scheduled|confirmed|sent|shipped|locked|blocked|unlocked|reset|replaced|submitted|activated|deactivated|applied|waived|resolved|fixed|removed|added|created|renewed|upgraded|downgraded|transferred|paid|released|reversed|arranged|rebooked|restored|lowered|raised|done|completed|set up|on its way|on the way)';
const DONE_PASSIVE = new RegExp(`\\b(?:is|are|was|were|has been|have been)\\s+(?:now |all |successfully |already |also )*(?:done and |all set and )?${SERVICE_PARTICIPLE}\\b`, 'i');
const FUTURE_STRONG = /\b(?:will|'ll|going to)\b/i;
const FUTURE = /\b(?:will|'ll|going to|should (?:arrive|be|take|show|appear|reach|get|post)|expect(?:ed)?|estimated?|business days|working days|ships|arrives?|tomorrow|tonight|next week|recibir[aá]|llegar[aá]|va a|vamos a|en \d+ d[ií]as)\b|\bwithin (?:\d+|one|two|three|four|five|six|seven|ten|a few|the next)\b/i;
const WHEN_QUESTION = /\b(?:how long|when will|when can|when does|when do|when should|how soon|cu[aá]ndo|cu[aá]nto tarda)\b/i;
const ESCALATION = /\b(?:escalat(?:e|ed|ing)|transferr?(?:ing|ed)? (?:you|the call|your call|this)|(?:pass|hand)(?:ing|ed)? (?:this|it|your case) (?:over |on )?to|supervisor|second[- ]line|engineering team)\b/i;
const CLOSING = /^(?:that(?:'s| is) (?:all|it)|nothing else|all good|no,? (?:that|thanks|thank)|will do|bye|goodbye|thank|thanks|great|perfect|merci|gracias|ok|okay)\b/i;

const CLAUSE_VERB = /\b(?:is|are|was|were|am|have|has|had|will|would|can|could|do|does|did|need|want|think|looks?|shows?|keeps?|seems?)\b|\b\w{3,}ed\b/i;
const contentCount = (s: string): number => words(s).filter((w) => w.length >= 4).length;

/** "I am issuing a refund right now": a known service verb in the progressive, happening now. */
function doingNow(text: string): boolean {
  const m = /\b(?:I|we)(?:'m| am|'re| are)\s+(?:also |now |just )*(\w+ing)\b.*\b(?:right now|now|right away)\b/i.exec(text);
  return m !== null && pastOfIng(m[1]!) !== undefined;
}

function classify(text: string): FactKind | 'skip' {
  if (FAILED.test(text) && !text.endsWith('?')) return 'failed';
  if (text.endsWith('?') || QUESTION_START.test(text) || SKIP_AGENT.test(text) || AGENT_INTRO.test(text) || ACK.test(text) || words(text).length < 3) return 'skip';
  if (CUSTOMER_TASK.test(text)) return 'customer_task';
  if (DONE_STRONG.some((re) => re.test(text)) || doingNow(text)) return 'done';
  if (FUTURE_STRONG.test(text)) return 'future';
  if (DONE_PASSIVE.test(text)) return 'done';
  if (FUTURE.test(text)) return 'future';
  return words(text).length >= 4 ? 'info' : 'skip';
}

const CLAUSE_SPLIT = /,?\s+and\s+(?=(?:you|we|I|it|they|the)\s)|,\s+(?=(?:it|you|we|I)\s+(?:will|'ll|should|can)\b)/;
const SUBJECT = /^(?:the|your)\s+((?:[\w-]+\s+){0,2}?[\w-]+)\s+(?:is|are|has been|was)\b/i;

/** A sentence as clauses of different kinds ("The refund is approved and you will see it…" → done + future). */
function splitClauses(text: string): Array<{ kind: FactKind | 'skip'; text: string }> {
  const whole = classify(text);
  const parts = text.split(CLAUSE_SPLIT).map((p) => p.trim()).filter(Boolean);
  if (parts.length < 2) return [{ kind: whole, text }];
  const kinds = parts.map((p) => classify(`${p.replace(/[.!]+$/, '')}.`));
  if (new Set(kinds).size < 2) return [{ kind: whole, text }];
  const subject = SUBJECT.exec(parts[0]!)?.[1];
  return parts.map((p, i) => {
    let clause = p.replace(/[.!]+$/, '');
    if (i > 0 && subject) clause = clause.replace(/\bit\b/, `the ${subject}`);
    return { kind: kinds[i]!, text: `${clause.charAt(0).toUpperCase()}${clause.slice(1)}.` };
  });
}

const OWN_NAME = /^(?:hi|hello|hey)?[\s,.!]*(?:my name is|my name's|this is|i am|i'm|it is|it's)\s+(?:\[NAME\]\s*)+(?:,|\.|and)?\s*/i;

const JUNK_ANSWER = /^(?:nope|no|yes|yeah|this is|that|there|mr|mrs|ms|you|i|it|sure|fine|ok|okay|just|one moment|hold on|wait)\b(?!\s+\d)|\b(?:helpful|thank|worked|sorry|oops|haha|lol)\b|^[A-Z]{2,5}-?\d/i;
const ASKS_PERSONAL = /\b(?:nombre|apellidos?|direcci[oó]n|tel[eé]fono|correo|fecha de nacimiento|tarjeta|cuenta|dni|nif|name|address|phone|number|e-?mail|date of birth|birthday|card|account|membership|policy|id|reference|zip|post ?code|social|pin|password|username)\b/i;

/** Short customer replies to agent questions: the details of a booking or request. */
function slotAnswers(lines: readonly Line[]): string[] {
  return lines
    .filter((l, i) => l.speaker === 'customer' && lines[i - 1]?.speaker === 'agent' && lines[i - 1]!.text.endsWith('?') && !ASKS_PERSONAL.test(lines[i - 1]!.text))
    .map((l) => l.text.replace(/^(?:yes|no|it is|it's|that is|that's)\b[\s,]*/i, '').replace(/,?\s*please\b/gi, '').replace(/[.!\s]+$/, ''))
    .filter((t) => t && !/\[[A-Z_]+\]/.test(t) && !t.endsWith('?') && words(t).length <= 8 && !CLOSING.test(t) && !JUNK_ANSWER.test(t))
    .filter((t) => /\d/.test(t) || words(t).some((w) => w.length >= 4))
    .slice(0, 4);
}

function customerSide(linesIn: readonly Line[]): { request: string | undefined; details: string[] } {
  const lines = linesIn.map((l) => (l.speaker === 'customer' ? { ...l, text: l.text.replace(OWN_NAME, '').replace(/^\w/, (c) => c.toUpperCase()) } : l));
  const candidates = lines.filter((l) => l.speaker === 'customer' && !IDENTITY.test(l.text) && words(l.text).length >= 3);
  const request = candidates.find((l) => REQUEST_CUE.test(l.text) && contentCount(l.text) >= 1) ?? candidates[0];
  const customerTurns = [...new Set(lines.filter((l) => l.speaker === 'customer').map((l) => l.turn))];
  const lastDetailTurn = customerTurns[customerTurns.indexOf(request?.turn ?? -1) + 3] ?? Number.MAX_SAFE_INTEGER;
  const details = candidates
    .filter((l) => l !== request && l.turn >= (request?.turn ?? 0) && l.turn <= lastDetailTurn && !l.text.endsWith('?') && !PRIVATE_SLOT.test(l.text))
    .filter((l) => CLAUSE_VERB.test(l.text))
    .filter((l) => contentCount(l.text) >= 3 && !CLOSING.test(l.text))
    .slice(0, 3)
    .map((l) => l.text);
  return { request: request?.text, details };
}

/** The first customer turn after `turn`, as written. */
const nextCustomerText = (turns: readonly Turn[], turn: number): string => turns.slice(turn + 1).find((t) => t.speaker === 'customer')?.text ?? '';

/** "I can upgrade you to X" answered "Please do" → "I upgraded you to X" (done). */
function acceptedOffer(text: string, turns: readonly Turn[], turn: number): string | undefined {
  const m = OFFER.exec(text.replace(/[.!]+$/, ''));
  if (!m || /^(?:see|check|help|confirm|offer|try)$/i.test(m[1]!) || !ACCEPT.test(nextCustomerText(turns, turn))) return undefined;
  return `I ${pastOf(m[1]!)} ${m[2]!}.`;
}

function agentFacts(lines: readonly Line[], turns: readonly Turn[]): { facts: AgentFact[]; checks: number; ack: string | undefined } {
  const facts: AgentFact[] = [];
  let checks = 0;
  let ack: string | undefined;
  lines.forEach((line, i) => {
    if (line.speaker !== 'agent') return;
    if (line.text.endsWith('?')) checks += 1;
    const acked = /^(done|updated|booked|sent|confirmed|scheduled|cancell?ed|all set|all updated|all done)\b/i.exec(line.text);
    if (acked && (!ack || /^(?:booked|scheduled|confirmed|cancell?ed)$/i.test(acked[1]!))) ack ??= acked[1]!.toLowerCase();
    if (!FAILED.test(line.text) && (SKIP_AGENT.test(line.raw) || AGENT_INTRO.test(line.raw))) return;
    const prev = lines[i - 1];
    const answers = prev && prev.speaker === 'customer' && prev.text.endsWith('?') ? prev.text : undefined;
    for (const clause of splitClauses(line.text)) {
      const offer = clause.kind === 'info' ? acceptedOffer(clause.text, turns, line.turn) : undefined;
      if (offer) facts.push({ kind: 'done', text: offer, turn: line.turn, answers });
      else if (clause.kind !== 'skip' && !facts.some((f) => f.text === clause.text)) facts.push({ kind: clause.kind, text: resolveIt(clause.text, answers), turn: line.turn, answers });
    }
  });
  return { facts, checks, ack };
}

/** "It will go to the email on file" after "Can I get written confirmation?" → "The written confirmation will go…". */
function resolveIt(text: string, question: string | undefined): string {
  const noun = question ? /\b(?:get|have|receive|see)\s+(?:a |an |the |my )?((?:[\w-]+\s+){0,2}?[\w-]+)\s*\?$/i.exec(question)?.[1] : undefined;
  return noun && /^It\s+(?:will|'ll|should|is)\b/.test(text) ? text.replace(/^It\b/, `The ${toThirdPerson(noun)}`) : text;
}

const ID = /\b[A-Z]{2,5}-?\d{3,}(?:-\d+)*\b/g;
const LABEL = /\b(order|reference|ref|case|ticket|booking|confirmation|invoice|factura|incident|tracking|cancellation|dispute|policy|account|membership|member|customer|card|cuenta|p[oó]liza|socio)\b/gi;
const PERSONAL_LABEL = /^(?:policy|account|membership|member|customer|card|cuenta|p[oó]liza|socio)$/i;

/** Reference ids named by a non-personal label (order, case, ticket…), in order of appearance, de-duplicated. */
export function references(lines: readonly Line[]): Reference[] {
  const out: Reference[] = [];
  lines.forEach((line, i) => {
    for (const m of line.text.matchAll(ID)) {
      const before = `${lines[i - 1]?.text ?? ''} ${line.text.slice(0, m.index)}`;
      const label = [...before.matchAll(LABEL)].at(-1)?.[1]?.toLowerCase();
      if (!label || PERSONAL_LABEL.test(label) || out.some((r) => r.id === m[0])) continue;
      out.push({ label, id: m[0] });
    }
  });
  return out;
}

const THANKS = /\b(?:thanks|thank you|cheers|gracias|merci|that'?s all|that is all|bye|perfect|great|will do)\b/i;

/** The last turn is the customer's, substantive, and no thanks or closing: the agent still owes a reply. */
function awaitingAgent(turns: readonly Turn[]): boolean {
  const last = [...turns].reverse().find((t) => t.speaker === 'agent' || t.speaker === 'customer');
  if (last?.speaker !== 'customer') return false;
  const body = last.text.replace(/\n\s*[^\n]{0,40}$/, '');
  return !THANKS.test(body) && contentCount(body) >= 2;
}

/** Reads a (redacted) conversation into the parts the summary is composed from. */
export function analyze(turns: readonly Turn[]): Analysis {
  const { lines, subject } = transcriptLines(turns);
  const { request, details } = customerSide(lines);
  const { facts, checks, ack } = agentFacts(lines, turns);
  const escalated = lines.some((l) => l.speaker === 'agent' && ESCALATION.test(l.text));
  const answers = slotAnswers(lines).filter((s) => !request?.includes(s) && !details.some((d) => d.includes(s)));
  return { lines, subject, request, details, facts, refs: references(lines), escalated, checks, ack, answers, awaitingAgent: awaitingAgent(turns) };
}

/** A bare answer ("Three to five business days.") to a when-question, or undefined. */
export const isTimingAnswer = (fact: AgentFact): boolean =>
  fact.answers !== undefined && WHEN_QUESTION.test(fact.answers) && !/\b(?:is|are|will|should|can|takes?|it'?s|was)\b/i.test(fact.text);
