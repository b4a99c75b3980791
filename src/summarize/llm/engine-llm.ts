// The LLM path of the engine: condense an over-budget transcript (map step), render the routed template, ask with
// the per-conversation JSON schema and re-ask on validation failure.
import type { SummaryFields, TokenUsage, Transcript, Turn, WrapupCode } from '../../domain.js';
import type { ChatMessage, LlmClient } from './llm-client.js';
import { condenseTranscript } from './map-reduce.js';
import { askWithRepair, type Adjustment, type Timed } from './llm-ask.js';
import { promptTargets, type InjectionGuard } from '../checks/index.js';
import { summaryResponseFormat } from '../checks/index.js';
import { addUsage } from './pricing.js';
import { renderPrompt, type PromptTemplate } from '../prompts/index.js';
import { answerTokenCap, inputBudget, modelSpec, type ModelTable } from './tokens.js';
import { formatTranscript } from '../transcript-format.js';

export interface LlmPathInput {
  llm: LlmClient;
  /** The model table (config/models.json, read at start-up): budgets and output caps. */
  models: ModelTable;
  template: PromptTemplate;
  /** The chunk-map template for transcripts over the model's input budget. */
  mapTemplate: PromptTemplate;
  transcript: Transcript;
  /** Redacted turns, injected passages fenced: nothing else is ever sent. */
  turns: Turn[];
  /** What injected passages asked for, to check each answer against. */
  injection?: InjectionGuard | undefined;
  language: string;
  maxLength: number;
  codes: readonly WrapupCode[];
  piiAllow?: readonly RegExp[] | undefined;
  maxRepairs: number;
  timed: Timed;
  /** Aborts every model call (map step and summary). */
  signal?: AbortSignal | undefined;
}

export interface LlmPathResult {
  fields: SummaryFields;
  repaired: boolean;
  adjustments: Adjustment[];
  usage: TokenUsage | undefined;
  /** Set when the transcript was condensed in more than one chunk. */
  chunks: number | undefined;
  /** Answers rejected for carrying out an injected instruction. */
  injectionRejections: number;
}

/** "id = name" lines for the `{{wrapup_codes}}` placeholder. */
export const describeCodes = (codes: readonly WrapupCode[]): string =>
  codes.length === 0 ? 'none' : codes.map((c) => `${c.id} = ${c.name}`).join('\n');

/** Runs the LLM path; throws what askWithRepair / the client throw. */
export async function summarizeWithLlm(input: LlmPathInput): Promise<LlmPathResult> {
  const { llm, transcript, turns, language, maxLength, timed } = input;
  const condensed = await timed('condense', () =>
    condenseTranscript({
      turns,
      model: llm.model,
      budgetTokens: inputBudget(llm.model, input.models),
      complete: (messages) => llm.completeText(messages, { signal: input.signal }),
      mapTemplate: input.mapTemplate,
      formatTurns: formatTranscript,
      mediaType: transcript.mediaType,
      language,
    }),
  );
  const t = promptTargets(maxLength);
  const prompt = renderPrompt(input.template, {
    max_length: t.summary,
    media_type: transcript.mediaType,
    language,
    turn_count: turns.length,
    transcript: condensed.notes,
    wrapup_codes: describeCodes(input.codes),
    headline_max: t.headline,
    intent_max: t.intent,
    resolution_max: t.resolutionText,
    follow_ups_max: t.followUps,
    action_max: t.followUpAction,
    topics_max: t.topics,
    topic_max: t.topic,
    entities_max: t.entities,
  });
  const messages: ChatMessage[] = [
    { role: 'system', content: prompt.system },
    { role: 'user', content: prompt.user },
  ];
  const asked = await askWithRepair(llm, messages, {
    maxLength,
    allowedWrapupCodes: input.codes,
    piiAllow: input.piiAllow,
    injection: input.injection,
    maxRepairs: input.maxRepairs,
    format: summaryResponseFormat(input.codes, maxLength),
    timed,
    signal: input.signal,
    language,
    maxTokens: answerTokenCap(maxLength, llm.model, input.models),
    maxTokensCeiling: modelSpec(llm.model, input.models).maxOutputTokens,
  });
  const chunked = condensed.chunks > 1;
  const usage = chunked || condensed.usage.total_tokens > 0 ? addUsage(condensed.usage, asked.usage) : asked.usage;
  return {
    fields: asked.fields,
    repaired: asked.repaired,
    adjustments: asked.adjustments,
    usage,
    chunks: chunked ? condensed.chunks : undefined,
    injectionRejections: asked.injectionRejections,
  };
}
