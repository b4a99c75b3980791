// Offline extractive summarizer (no API key): a wrap-up note composed from the redacted turns' own sentences —
// request, agent actions, next steps — with templated headline, status, follow-ups, topics, entities and wrap-up code.
import type { SummaryFields, Turn, WrapupCode } from '../../domain.js';
import { analyze, type Analysis } from './extractive-analysis.js';
import { composeEnglish, type Composed } from './extractive-compose.js';
import { composeSpanish } from './extractive-es.js';
import { sentimentArc } from './extractive-sentiment.js';
import { entitiesOf, pickWrapupCode, topicsOf } from './extractive-tags.js';
import { primaryLanguage } from '../language.js';
import { words } from '../text-utils.js';

export { describeIntent } from './extractive-intent.js';
export { lexiconSentiment, sentimentArc } from './extractive-sentiment.js';

/** Model id recorded for summaries made without an LLM. */
export const EXTRACTIVE_MODEL = 'extractive';

/** A code whose every content word (4+ letters) appears in the transcript, else null: no guessing. */
export function matchWrapupCode(turns: readonly Turn[], codes: readonly WrapupCode[]): WrapupCode | null {
  const seen = new Set(turns.flatMap((t) => words(t.text)).map((w) => w.replace(/(?:ed|es|s)$/, '')));
  const match = codes.find((code) => {
    const needed = words(code.name).filter((w) => w.length >= 4).map((w) => w.replace(/(?:ed|es|s)$/, ''));
    return needed.length > 0 && needed.every((w) => seen.has(w));
  });
  return match ?? null;
}

export interface ExtractiveOptions {
  maxLength: number;
  /** BCP-47 tag written into `language`; `es…` gets Spanish templates, anything else English ones. @default 'en' */
  language?: string | undefined;
  /** Codes that may be picked when the summary clearly matches their name. @default [] */
  allowedWrapupCodes?: readonly WrapupCode[] | undefined;
}

const CATEGORY_WORDS: Array<[RegExp, string]> = [
  [/\b(?:billing|refund|facturación|reembolso)\b/, 'billing payments'],
  [/\b(?:internet connection|outage|conexión|avería)\b/, 'technical support tech'],
  [/\b(?:address change|membership|insurance policy|card replacement)\b/, 'account care customer'],
  [/\b(?:delivery|entrega)\b/, 'shipping delivery'],
];
const PROBLEM = /\b(?:problem|issue|not working|broken|dropping|drops|outage|error|charged twice|damaged|cracked|wrong|lost)\b/i;
const STATUS_WORDS = { resolved: 'resolved', follow_up_needed: 'follow-up required needed pending', escalated: 'escalated', unresolved: 'unresolved open' } as const;

/** Everything the wrap-up code may be matched against: the composed outcome, topics and status words. */
function codeEvidence(a: Analysis, c: Composed, topics: readonly string[]): { evidence: string; categories: string } {
  const topicText = topics.join(' ');
  const issue = PROBLEM.test([a.request, ...a.details].join(' ')) ? 'issue problem' : '';
  return {
    evidence: [c.evidence, topicText, issue, STATUS_WORDS[c.status]].join(' '),
    categories: CATEGORY_WORDS.filter(([re]) => re.test(topicText)).map(([, w]) => w).join(' '),
  };
}

/** A deterministic summary of already-redacted turns, its summary at most `maxLength` characters on one line. */
export function extractiveSummarize(turns: readonly Turn[], options: ExtractiveOptions): SummaryFields {
  const language = options.language ?? 'en';
  const spanish = primaryLanguage(language) === 'es';
  const analysis = analyze(turns);
  const composed = spanish ? composeSpanish(analysis, options.maxLength) : composeEnglish(analysis, options.maxLength);
  const topics = topicsOf(analysis.lines, spanish);
  const { evidence, categories } = codeEvidence(analysis, composed, topics);
  const code = pickWrapupCode(options.allowedWrapupCodes ?? [], evidence, categories);
  const done = analysis.facts.some((f) => f.kind === 'done');
  return {
    headline: composed.headline,
    summary: composed.summary,
    intent: composed.intent,
    resolution: { status: composed.status, text: composed.resolution },
    follow_up_actions: composed.followUps,
    sentiment: sentimentArc(turns),
    topics,
    entities: entitiesOf(analysis.lines, analysis.refs),
    language,
    wrapup_code_id: code?.id ?? null,
    // Heuristic picks: moderate confidence by construction, higher when the transcript stated a request / an action.
    confidence: { summary: 0.5, intent: analysis.request ? 0.6 : 0.3, resolution: done ? 0.6 : 0.4, wrapup_code: code ? 0.5 : 0 },
  };
}
