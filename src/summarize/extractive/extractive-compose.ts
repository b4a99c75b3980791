// English wrap-up note of the extractive summarizer: what the customer wanted, what the agent did, what happens next,
// composed from the transcript's own sentences in the third person and fitted to max_length.
import type { FollowUp, ResolutionStatus } from '../../domain.js';
import type { AgentFact, Analysis } from './extractive-analysis.js';
import { followUpActions, pendingWork } from './extractive-followups.js';
import { composeHeadline, headlineTopic, outcomeOf } from './extractive-headline.js';
import { intentPhrases } from './extractive-intent.js';
import { agentPast } from './extractive-verbs.js';
import { toCustomerView, toThirdPerson } from './perspective.js';
import { capitalize, clampParagraph } from '../text-utils.js';

/** The language-specific text fields of a summary. */
export interface Composed {
  headline: string;
  summary: string;
  intent: string;
  status: ResolutionStatus;
  resolution: string;
  followUps: FollowUp[];
  /** Words that describe the outcome, for the wrap-up code pick. */
  evidence: string;
}

const sentence = (s: string): string => {
  const t = capitalize(s.trim().replace(/[.!,;:\s]+$/, ''));
  return t.endsWith('?') ? t : `${t}.`;
};
const PROPER_START = /^(?:I\b|[A-Z]{2,}|[A-Z]\w*\d|(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day\b|(?:January|February|March|April|May|June|July|August|September|October|November|December)\b)/;
const lcFirst = (s: string): string => (PROPER_START.test(s) ? s : s.charAt(0).toLowerCase() + s.slice(1));
const ACK_LEAD = /^(?:done|sent|updated|all set|all done|all updated|perfect)[,.!:]?\s+(?=\S)/i;
const VERBLESS = (s: string): boolean => !/\b(?:is|are|was|were|will|would|can|could|has|have|had|do|does|did|takes?|gets?|goes|\w{3,}(?:ed|es))\b/i.test(s);
const FAIL_LEAD = /^(?:I(?:'m| am) (?:very |so |really )?sorry,?\s*(?:but\s+)?|unfortunately,?\s*)/i;
const REF_ONLY = /^(?:the customer's |your |the )?(?:\w+\s+)?(?:reference|case|ticket|confirmation)(?: number)? is\b/i;
const OUTCOME_CUE = /\b(?:no|free|waived|refund\w*|credit\w*|valid|eligible|because|cause|known|open|closed|available|fee|charge|premium|reference)\b/i;

/** An agent sentence from the outside, past tense: "I have lowered the profile" → "The agent lowered the profile." */
export const agentSentence = (text: string): string => sentence(agentPast(toCustomerView(text.replace(ACK_LEAD, ''))));

/** An informative agent statement: an answer to the customer's question ("Asked …, the agent said: …") or an explanation. */
function explain(f: AgentFact): string {
  const view = toCustomerView(f.text.replace(/[.!\s]+$/, ''));
  if (f.answers && VERBLESS(view)) {
    const q = toThirdPerson(f.answers.replace(/^(?:and|so|but|also)\s+/i, '').replace(/\?+$/, ''));
    return sentence(`Asked "${capitalize(q)}?", the agent answered: ${lcFirst(view)}`);
  }
  return /^the agent\b/i.test(view) ? sentence(view) : sentence(`The agent explained that ${lcFirst(view)}`);
}

/** The most telling agent statements, in conversation order: answers and outcome words first, "I can see…" last. */
function pickInfo(all: readonly AgentFact[], n: number): AgentFact[] {
  const info = all.filter((f) => !REF_ONLY.test(f.text));
  const score = (f: AgentFact): number => (f.answers ? 2 : 0) + (OUTCOME_CUE.test(f.text) ? 2 : 0) + (/\d/.test(f.text) ? 1 : 0) - (/^I (?:can )?see\b/i.test(f.text) ? 2 : 0);
  const best = [...info].sort((a, b) => score(b) - score(a)).slice(0, n);
  return info.filter((f) => best.includes(f));
}

/** "Booked." after the customer's "Tuesday at 3:15 please." → "The agent booked the customer's choice: Tuesday at 3:15." */
function ackChoice(a: Analysis): string | undefined {
  if (!a.ack || !/^(?:booked|scheduled|confirmed)$/.test(a.ack)) return undefined;
  const i = a.lines.findIndex((l) => l.speaker === 'agent' && new RegExp(`^${a.ack}\\b`, 'i').test(l.text));
  const prev = a.lines[i - 1];
  if (!prev || prev.speaker !== 'customer' || prev.text.endsWith('?') || prev.text.split(/\s+/).length > 12) return undefined;
  return sentence(`The agent ${a.ack} the customer's choice: ${lcFirst(toThirdPerson(prev.text.replace(/,?\s*please\b/i, '')))}`);
}

function statusOf(a: Analysis, done: readonly AgentFact[], answers: readonly AgentFact[], follow: readonly FollowUp[], failed: boolean): ResolutionStatus {
  if (a.escalated) return 'escalated';
  if (done.length === 0 && a.awaitingAgent) return 'follow_up_needed';
  if (pendingWork(follow).length > 0) return 'follow_up_needed';
  if (done.length > 0 || a.ack) return 'resolved';
  if (failed) return 'unresolved';
  if (answers.length > 0) return 'resolved';
  return follow.length > 0 ? 'follow_up_needed' : 'unresolved';
}

interface Part {
  /** Longest first: the first variant that still fits is used. */
  variants: string[];
  rank: number;
  order: number;
}

/** Adds parts in priority order while they fit `budget` (`hard` for the opening and first action); narrative order. */
function fit(parts: readonly Part[], budget: number, hard: number): string {
  const chosen: Array<{ text: string; order: number }> = [];
  let used = 0;
  for (const p of [...parts].sort((x, y) => x.rank - y.rank)) {
    const limit = p.rank <= 1 ? hard : budget;
    const text = p.variants.find((v) => v && used + v.length + 1 <= limit);
    if (!text) continue;
    chosen.push({ text, order: p.order });
    used += text.length + 1;
  }
  return chosen.sort((x, y) => x.order - y.order).map((p) => p.text).join(' ');
}

function followUpSentence(items: readonly FollowUp[]): string {
  if (items.length === 0) return '';
  return sentence(`Follow-up: ${items.map((f) => lcFirst(f.action.replace(/[.\s]+$/, ''))).join('; ')}`);
}

const refText = (refs: Analysis['refs']): string[] => refs.map((r) => (/^(?:reference|ref)$/.test(r.label) ? r.id : `${r.label} ${r.id}`));

function summaryOf(a: Analysis, opening: string, actions: string[], explained: string[], follow: FollowUp[], maxLength: number): string {
  if (actions[0] && a.checks >= 6) actions[0] = `After a series of checks, ${lcFirst(actions[0])}`;
  const body = [...actions, ...explained].join(' ');
  const refs = refText(a.refs.filter((r) => !body.includes(r.id)));
  const detail = a.details[0] ? sentence(`They added that ${lcFirst(toThirdPerson(a.details[0]))}`) : '';
  const given = a.answers.length > 0 ? sentence(`Details given: ${a.answers.map((s) => toThirdPerson(s)).join('; ')}`) : '';
  const parts: Part[] = [
    { variants: [sentence(opening), clampParagraph(sentence(opening), Math.floor(maxLength * 0.9))], rank: 0, order: 0 },
    { variants: [detail], rank: 5, order: 1 },
    { variants: [given], rank: 7, order: 1.5 },
    ...actions.map((text, i) => ({ variants: [text], rank: i === 0 ? 1 : 4 + i, order: 2 + i })),
    ...explained.map((text, i) => ({ variants: [text], rank: 2 + i * 4, order: 7 + i })),
    { variants: [refs.length > 0 ? sentence(`Reference: ${refs.slice(0, 2).join(', ')}`) : ''], rank: 6, order: 9 },
    { variants: [3, 2, 1].map((n) => followUpSentence(follow.slice(0, n))), rank: 3, order: 10 },
    { variants: [a.awaitingAgent && actions.length === 0 ? "The customer's last message is awaiting the agent's reply." : ''], rank: 2, order: 11 },
  ];
  const text = fit(parts, Math.floor(maxLength * 0.9), maxLength);
  return clampParagraph(text || sentence(opening), maxLength);
}

const ISSUED_LIKE = /\b(?:approved|processed|submitted|credited|refunded|issued)\b/;

/** Composes the English fields from an analysis. */
export function composeEnglish(a: Analysis, maxLength: number): Composed {
  const done = a.facts.filter((f) => f.kind === 'done');
  const info = a.facts.filter((f) => f.kind === 'info');
  const answers = done.length > 0 || ackChoice(a) ? pickInfo(info.filter((f) => f.answers !== undefined), 1) : pickInfo(info, 2);
  const choice = ackChoice(a);
  const topic = headlineTopic(a.subject, a.request, a.details.join('. '));
  const ackOutcome = a.ack && (/^(?:booked|scheduled|confirmed|cancell?ed)$/.test(a.ack) || (a.ack === 'updated' && /\b(?:change|update)\b/i.test(topic))) ? a.ack : undefined;
  const outcome = done.map((f) => outcomeOf(f.text)).find(Boolean) ?? (done.length === 0 ? ackOutcome : undefined) ?? (done.length === 0 && a.facts.some((f) => f.kind === 'failed') ? 'not completed' : undefined);
  const follow = followUpActions(a, outcome && done.length > 0 ? outcome.split(' ').slice(0, -1).join(' ') : undefined);
  if (a.awaitingAgent && done.length === 0) follow.push({ action: "Reply to the customer's latest message and complete the request", owner: 'agent', due: null });
  const failed = a.facts.filter((f) => f.kind === 'failed').slice(0, 2).map((f) => sentence(`The agent reported that ${lcFirst(toCustomerView(f.text.replace(FAIL_LEAD, '').replace(/,?\s*(?:I'm\s+)?sorry[.!]*$/i, '')))}`));
  const status = statusOf(a, done, answers, follow, failed.length > 0);
  const intent = intentPhrases(a.request);
  const actions = [...done.slice(0, 4).map((f) => agentSentence(f.text)), ...(choice ? [choice] : []), ...(done.length === 0 ? failed : [])];
  const explained = answers.map(explain);
  const resolved = [...actions, ...(done.length === 0 ? explained : [])];
  const refs = refText(a.refs.filter((r) => !resolved.join(' ').includes(r.id)));
  const resolution = resolved.length > 0 ? [...resolved, refs.length > 0 ? sentence(`Reference: ${refs.join(', ')}`) : ''].join(' ') : a.awaitingAgent ? "Awaiting the agent's reply to the customer's last message." : 'No resolution was recorded.';
  const answered = answers.length > 0 && done.length === 0 && !a.ack && status === 'resolved';
  return {
    headline: composeHeadline(topic, outcome, status, answered),
    summary: summaryOf(a, intent.past, actions, explained, follow, maxLength),
    intent: clampParagraph(sentence(intent.present), 300),
    status,
    resolution: clampParagraph(resolution.trim(), 500),
    followUps: follow,
    evidence: [topic, outcome ?? '', ISSUED_LIKE.test(outcome ?? '') ? 'issued' : '', intent.present, resolution, answered ? 'question answered' : ''].join(' '),
  };
}
