// Follow-up actions for the extractive summarizer: only future actions (agent/team commitments, deliveries the
// customer waits for, tasks for the customer), each with an owner and the due phrase the transcript gave.
import type { FollowUp } from '../../domain.js';
import { isTimingAnswer, type AgentFact, type Analysis } from './extractive-analysis.js';
import { toCustomerView } from './perspective.js';
import { capitalize, clampParagraph } from '../text-utils.js';

const NUM = '(?:\\d+|one|two|three|four|five|six|seven|eight|nine|ten|twelve|fourteen|twenty|thirty|a few|a couple of)';
const DUE = new RegExp(
  `\\b(?:within|in|by|before|after)\\s+(?:the\\s+)?(?:next\\s+)?${NUM}(?:\\s+(?:to|or|-)\\s+${NUM})?\\s+(?:business\\s+|working\\s+)?(?:minutes?|hours?|days?|weeks?|months?)\\b` +
    `|\\b${NUM}(?:\\s+(?:to|or|-)\\s+${NUM})?\\s+(?:business\\s+|working\\s+)(?:days?)\\b` +
    `|\\bby\\s+\\d{1,2}(?::\\d{2})?\\s*[ap]\\.?m\\.?|\\b(?:today|tomorrow|tonight|this week|next week|end of (?:the )?(?:day|week|month))\\b` +
    `|\\ben\\s+${NUM}\\s+d[ií]as(?:\\s+h[aá]biles)?|\\b(?:hoy|mañana)\\b`,
  'i',
);

/** The due phrase inside an action, or null. */
export const dueOf = (text: string): string | null => DUE.exec(text)?.[0] ?? null;

const LATER = /\b(?:if|next time|when|before|after|within|early|bring|call back|check your|keep)\b/i;
const ANSWERED_TASK = /^(?:please\s+)?(?:reply|respond|provide|send|confirm|share|give|tell|read|spell)\b/i;
const trimEnd = (s: string): string => s.replace(/[.!\s]+$/, '');

function fromFuture(text: string): FollowUp {
  const own = /^(?:I|we)(?:'ll| will| am going to| are going to)\s+(?:also |then |now |first )?(.+)$/i.exec(text);
  if (own) {
    const action = capitalize(toCustomerView(trimEnd(own[1]!)));
    return { action, owner: /^we/i.test(text) ? 'team' : 'agent', due: dueOf(action) };
  }
  const action = capitalize(toCustomerView(trimEnd(text)));
  return { action, owner: 'team', due: dueOf(action) };
}

/** "It will arrive in two days" → "The card will arrive in two days" when the main outcome names the thing. */
const namedIt = (f: FollowUp, subject: string | undefined): FollowUp =>
  subject && /^It\s+(?:will|should|is)\b/.test(f.action) ? { ...f, action: f.action.replace(/^It\b/, `The ${subject}`) } : f;

function fromCustomerTask(text: string): FollowUp {
  const body = trimEnd(text)
    .replace(/^(?:please|kindly)\s+/i, '')
    .replace(/^you(?:'ll| will)? (?:need|have) to\s+/i, '');
  const view = toCustomerView(body);
  const action = /^if\b/i.test(body) ? capitalize(view) : `Customer to ${view.charAt(0).toLowerCase()}${view.slice(1)}`;
  return { action, owner: 'customer', due: dueOf(action) };
}

/** "Three to five business days, depending on your bank." after "How long…?" → "Refund expected in three to five…". */
function fromTiming(fact: AgentFact, subject: string | undefined): FollowUp {
  const fragment = toCustomerView(trimEnd(fact.text));
  const lead = /^(?:in|within|by|on|at|before|after|around|about)\b/i.test(fragment) ? '' : 'in ';
  const action = `${capitalize(subject ?? 'Outcome')} expected ${lead}${fragment.charAt(0).toLowerCase()}${fragment.slice(1)}`;
  return { action, owner: 'team', due: dueOf(action) };
}

/**
 * The conversation's open items, in order, at most `max`: never completed actions, never bare answers.
 * @param subject what a bare timing answer refers to ("refund"), from the main outcome
 * @param max @default 4
 */
export function followUpActions(analysis: Analysis, subject: string | undefined, max = 4): FollowUp[] {
  const lastCustomerTurn = Math.max(-1, ...analysis.lines.filter((l) => l.speaker === 'customer').map((l) => l.turn));
  const out: FollowUp[] = [];
  const lateTurn = 0.6 * Math.max(...analysis.lines.map((l) => l.turn), 0);
  for (const fact of analysis.facts) {
    if (fact.kind === 'future') out.push(isTimingAnswer(fact) ? fromTiming(fact, subject) : namedIt(fromFuture(fact.text), subject));
    else if (fact.kind === 'customer_task' && !(ANSWERED_TASK.test(fact.text) && lastCustomerTurn > fact.turn) && (fact.turn >= lateTurn || LATER.test(fact.text))) {
      out.push(fromCustomerTask(fact.text));
    }
  }
  const seen = new Set<string>();
  return out
    .filter((f) => !seen.has(f.action.toLowerCase()) && (seen.add(f.action.toLowerCase()), true))
    .slice(-max)
    .map((f) => ({ ...f, action: clampParagraph(f.action, 200) }));
}

/** Agent or team commitments still to be carried out (not deliveries the customer merely waits for). */
export const pendingWork = (items: readonly FollowUp[]): FollowUp[] => items.filter((f) => f.owner === 'agent');
