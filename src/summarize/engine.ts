// The SummaryEngine: redact → prompt → LLM (or extractive) → validate → repair once → score.
import type { GeneratedSummary, SummaryEngine, SummaryFields, Transcript, Turn } from '../domain.js';
import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';
import { EXTRACTIVE_MODEL, extractiveSummarize } from './extractive.js';
import { createLlmClient, type ChatMessage, type LlmClient, type LlmOptions } from './llm-client.js';
import { redactText, redactTurns } from './pii.js';
import { scoreSummary } from './quality.js';
import { loadTemplate, renderPrompt, type PromptTemplate } from './templates.js';
import { formatTranscript } from './transcript-format.js';
import { validateAnswer, validateSummary, type ValidationIssue } from './validate.js';

export interface SummaryEngineOptions {
  /** The OpenAI-compatible endpoint; undefined → the offline extractive summarizer. */
  openai?: LlmOptions | undefined;
  /** Folder of prompt templates (config/prompts). */
  promptsDir: string;
  /** Template file name without .json. */
  templateId: string;
  logger: Logger;
  /** Milliseconds clock for stage latencies. @default performance.now */
  clock?: () => number;
}

type Stages = Record<string, number>;

function issuesError(issues: ValidationIssue[]): AppError {
  const first = issues[0] ?? { code: 'SCHEMA_INVALID' as const, message: 'invalid answer' };
  return new AppError(first.code, `summary failed validation: ${issues.map((i) => i.message).join('; ')}`, {
    retryable: false,
    details: { issues: issues.map((i) => i.code) },
  });
}

function repairRequest(issues: ValidationIssue[], maxLength: number): string {
  const list = issues.map((i) => `- ${i.message}`).join('\n');
  return `Your previous answer was rejected:\n${list}\nAnswer again with the same JSON schema. The summary must be one paragraph of at most ${maxLength} characters and no field may contain personal data.`;
}

/** Runs the model, validates, and re-asks once with the problems listed. */
async function askWithRepair(
  llm: LlmClient,
  messages: ChatMessage[],
  maxLength: number,
  timed: <T>(stage: string, fn: () => Promise<T> | T) => Promise<T>,
): Promise<{ fields: SummaryFields; repaired: boolean }> {
  const first = await timed('llm', () => llm.complete(messages));
  const check = await timed('validate', () => validateAnswer(first, { maxLength }));
  if (check.fields && check.issues.length === 0) return { fields: check.fields, repaired: false };
  // The rejected answer goes back redacted: nothing personal is ever sent, even what the model made up.
  const retry: ChatMessage[] = [
    ...messages,
    { role: 'assistant', content: redactText(first ?? '').text },
    { role: 'user', content: repairRequest(check.issues, maxLength) },
  ];
  const second = await timed('repair', async () => validateAnswer(await llm.complete(retry), { maxLength }));
  if (second.fields && second.issues.length === 0) return { fields: second.fields, repaired: true };
  throw issuesError(second.issues);
}

/** The extractive path: built from redacted text, re-redacted defensively (composition can form new patterns). */
function extractive(turns: Turn[], maxLength: number): SummaryFields {
  const raw = extractiveSummarize(turns, { maxLength });
  const clean = (s: string): string => redactText(s).text;
  return { ...raw, summary: clean(raw.summary), intent: clean(raw.intent), resolution: clean(raw.resolution), follow_up_actions: raw.follow_up_actions.map(clean) };
}

/**
 * Creates the summarizer. Loads and validates the prompt template now (fails fast with AppError CONFIG_INVALID).
 * generate() throws AppError LLM_UNAVAILABLE (retryable per cause), SCHEMA_INVALID, TOO_LONG or PII_IN_OUTPUT.
 */
export async function createSummaryEngine(options: SummaryEngineOptions): Promise<SummaryEngine> {
  const template: PromptTemplate = await loadTemplate(options.promptsDir, options.templateId);
  const clock = options.clock ?? (() => performance.now());
  const llm = options.openai ? createLlmClient(options.openai) : undefined;
  const model = llm?.model ?? EXTRACTIVE_MODEL;
  const logger = options.logger.child({ module: 'summarize' });

  async function generate(transcript: Transcript, { maxLength }: { maxLength: number }): Promise<GeneratedSummary> {
    const stages: Stages = {};
    const timed = async <T>(stage: string, fn: () => Promise<T> | T): Promise<T> => {
      const start = clock();
      try {
        return await fn();
      } finally {
        stages[stage] = (stages[stage] ?? 0) + Math.max(0, clock() - start);
      }
    };
    const language = transcript.language ?? 'en';
    const { turns, counts } = await timed('redact', () => redactTurns(transcript.turns));
    let fields: SummaryFields;
    let repaired = false;
    if (llm) {
      const prompt = renderPrompt(template, {
        max_length: maxLength,
        media_type: transcript.mediaType,
        language,
        turn_count: turns.length,
        transcript: formatTranscript(turns),
      });
      const messages: ChatMessage[] = [
        { role: 'system', content: prompt.system },
        { role: 'user', content: prompt.user },
      ];
      ({ fields, repaired } = await askWithRepair(llm, messages, maxLength, timed));
    } else {
      fields = await timed('llm', () => extractive(turns, maxLength));
      const issues = await timed('validate', () => validateSummary(fields, { maxLength }));
      if (issues.length > 0) throw issuesError(issues);
    }
    const quality = await timed('score', () => scoreSummary({ fields, turns, maxLength }));
    logger.info({ conversationId: transcript.conversationId, model, repaired, quality: quality.score, stages }, 'summary generated');
    return {
      fields,
      model,
      template: { id: template.id, version: template.version, hash: template.hash },
      language,
      quality_score: quality.score,
      quality: quality.parts,
      redactions: counts as Record<string, number>,
      repaired,
      stage_latency_ms: stages,
    };
  }

  return { model, template: { id: template.id, version: template.version, hash: template.hash }, generate };
}
