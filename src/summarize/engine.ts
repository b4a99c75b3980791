// The SummaryEngine: route template → redact → content check → (condense) → prompt → LLM json_schema (or extractive)
// → validate → re-ask at most N times → ground → score.
import type { SummaryFields, TaskError, TokenUsage, Transcript, Turn, WrapupCode } from '../domain.js';
import type { GeneratedSummary, GenerateOptions, SummaryEngine } from '../ports.js';
import { AppError, isAppError } from '../errors.js';
import type { Logger } from '../logger.js';
import { assessContent, fenceInjections, injectionRecord, scanInjections, withoutInjections, type InjectionScan } from './checks/index.js';
import { costUsd, createLlmClient, issuesError, type LlmClient, type LlmOptions, type ModelTable, summarizeWithLlm, type Timed } from './llm/index.js';
import { EXTRACTIVE_MODEL, extractiveSummarize } from './extractive/index.js';
import { groundedness } from './checks/index.js';
import { detectLanguage } from './language.js';
import { redactText, redactTurns } from './redact/index.js';
import { scoreSummary } from './checks/index.js';
import { loadTemplateRouter, templateRef } from './prompts/index.js';
import { loadTemplate } from './prompts/index.js';
import { formatTranscript } from './transcript-format.js';
import { stringFields, validateSummary } from './checks/index.js';

export interface SummaryEngineOptions {
  /** The OpenAI-compatible endpoint; undefined → the offline extractive summarizer. */
  openai?: LlmOptions | undefined;
  /** Folder of prompt templates and routing.json (config/prompts). */
  promptsDir: string;
  /** The default template's file name without .json (used when no routing rule matches). */
  templateId: string;
  /** The model table (config/models.json, read once at start-up): budgets, output caps and prices. */
  models: ModelTable;
  /** Re-asks after an answer that failed validation. @default 1 */
  maxRepairs?: number;
  /**
   * What to serve when the LLM fails for good (answers unusable after the re-asks, personal data after the re-ask, a
   * refused request, or an outage past the task's retry window): the offline extractive summary, marked `fallback`,
   * or nothing (the task fails with the typed reason). @default 'extractive'
   */
  fallback?: 'extractive' | 'none';
  /** PII allow patterns (config/pii.json): spans matching one are neither redacted nor rejected. @default [] */
  piiAllow?: readonly RegExp[];
  logger: Logger;
  /** Milliseconds clock for stage latencies. @default performance.now */
  clock?: () => number;
}

/** Map-step template for long transcripts (config/prompts/chunk-map.json). */
const MAP_TEMPLATE_ID = 'chunk-map';

/** The extractive path: built from redacted text, re-redacted defensively (composition can form new patterns). */
function extractive(turns: Turn[], maxLength: number, language: string, codes: readonly WrapupCode[], allow: readonly RegExp[]): SummaryFields {
  const raw = extractiveSummarize(turns, { maxLength, language, allowedWrapupCodes: codes });
  const clean = (s: string): string => redactText(s, { allow }).text;
  return {
    ...raw,
    headline: clean(raw.headline),
    summary: clean(raw.summary),
    intent: clean(raw.intent),
    resolution: { ...raw.resolution, text: clean(raw.resolution.text) },
    follow_up_actions: raw.follow_up_actions.map((a) => ({ ...a, action: clean(a.action) })),
  };
}

/** Throws CONTENT_TOO_SHORT (not retryable) when there is nothing worth summarizing: the task should be skipped. */
function requireContent(turns: readonly Turn[]): void {
  const verdict = assessContent(turns);
  if (!verdict.ok) {
    throw new AppError('CONTENT_TOO_SHORT', `nothing to summarize: ${verdict.detail}`, { retryable: false, details: { reason: verdict.reason } });
  }
}

/** Failures of the model's answer (not of the request): the extractive summary can stand in for them. */
const ANSWER_FAILURES = new Set(['SCHEMA_INVALID', 'TOO_LONG', 'PII_IN_OUTPUT', 'INJECTION_IN_OUTPUT', 'TRANSCRIPT_TOO_LONG']);

/**
 * Why the LLM failed for good, when the extractive summary may stand in: an unusable answer, a request the endpoint
 * refused (4xx other than 408/409/429), or an outage on the task's last chance. Undefined for everything else (aborts,
 * outages with retries left): those propagate.
 */
export function fallbackReasonOf(err: unknown, lastChance: boolean): TaskError | undefined {
  if (!isAppError(err)) return undefined;
  const usable = ANSWER_FAILURES.has(err.code) || (err.code === 'LLM_UNAVAILABLE' && (!err.retryable || lastChance));
  if (!usable) return undefined;
  const { usage: _usage, ...details } = err.details ?? {};
  return { code: err.code, message: err.message, ...(Object.keys(details).length > 0 ? { details } : {}) };
}

/** Token usage the failed LLM calls reported (they are paid for even when their answer is not used). */
const usageOf = (err: unknown): TokenUsage | undefined => (isAppError(err) ? (err.details?.usage as TokenUsage | undefined) : undefined);

function stageTimer(clock: () => number): { stages: Record<string, number>; timed: Timed } {
  const stages: Record<string, number> = {};
  const timed: Timed = async (stage, fn) => {
    const start = clock();
    try {
      return await fn();
    } finally {
      stages[stage] = (stages[stage] ?? 0) + Math.max(0, clock() - start);
    }
  };
  return { stages, timed };
}

/** What the engine holds once built: read-only for the life of the process. */
interface EngineParts {
  router: Awaited<ReturnType<typeof loadTemplateRouter>>;
  llm: { client: LlmClient; mapTemplate: Awaited<ReturnType<typeof loadTemplate>> } | undefined;
  model: string;
  options: SummaryEngineOptions;
  piiAllow: readonly RegExp[];
  clock: () => number;
  logger: Logger;
}

/** The written fields and how they came to be (LLM, repaired, adjusted, or the extractive stand-in). */
interface Written {
  fields: SummaryFields;
  repaired: boolean;
  adjustments: string[];
  usage?: TokenUsage | undefined;
  chunks?: number | undefined;
  fallback?: GeneratedSummary['fallback'];
  /** Answers rejected for carrying out an injected instruction. */
  injectionRejections?: number | undefined;
}

interface WriteInput {
  transcript: Transcript;
  turns: Turn[];
  /** Passages of customer text that address the model (fenced for the LLM, left out of the extractive summary). */
  injection: InjectionScan;
  template: Awaited<ReturnType<typeof loadTemplate>>;
  language: string;
  maxLength: number;
  codes: readonly WrapupCode[];
  opts: GenerateOptions;
  timed: Timed;
}

/** The extractive summary, validated like any answer; it too must pass or nothing is served. */
async function extractiveFields(parts: EngineParts, input: WriteInput): Promise<SummaryFields> {
  const { maxLength, language, codes, timed } = input;
  const { piiAllow } = parts;
  const turns = withoutInjections(input.turns, input.injection);
  const fields = await timed('extractive', () => extractive(turns, maxLength, language, codes, piiAllow));
  const issues = await timed('validate', () => validateSummary(fields, { maxLength, allowedWrapupCodes: codes, piiAllow }));
  if (issues.length > 0) throw issuesError(issues, 1);
  return fields;
}

/** The LLM's summary, or the extractive one standing in when the LLM fails for good (per `fallback`). */
async function write(parts: EngineParts, input: WriteInput): Promise<Written> {
  const { llm, options, piiAllow } = parts;
  if (!llm) return { fields: await extractiveFields(parts, input), repaired: false, adjustments: [] };
  const { transcript, template, language, maxLength, codes, opts, timed, injection } = input;
  const turns = fenceInjections(input.turns, injection);
  try {
    return await summarizeWithLlm({
      llm: llm.client, models: options.models, template, mapTemplate: llm.mapTemplate, transcript, turns, language, maxLength, codes, piiAllow,
      injection: injection.guard, maxRepairs: options.maxRepairs ?? 1, timed, signal: opts.signal,
    });
  } catch (err) {
    const reason = (options.fallback ?? 'extractive') === 'extractive' ? fallbackReasonOf(err, opts.lastChance === true) : undefined;
    if (!reason || opts.signal?.aborted) throw err;
    parts.logger.warn({ conversationId: transcript.conversationId, code: reason.code, details: reason.details }, 'LLM failed for good; serving the extractive summary');
    const rejections = Number(isAppError(err) ? (err.details?.injection_rejections ?? 0) : 0);
    return {
      fields: await extractiveFields(parts, input),
      repaired: false,
      adjustments: [],
      usage: usageOf(err),
      fallback: { kind: 'extractive', reason },
      injectionRejections: rejections,
    };
  }
}

/** Grounds and scores the written fields and assembles the stored record. */
async function assemble(parts: EngineParts, input: WriteInput, written: Written, counts: Record<string, number>, stages: Record<string, number>): Promise<GeneratedSummary> {
  const { fields, repaired, usage, chunks, adjustments, fallback } = written;
  const { turns, template, maxLength, codes, timed, transcript, language } = input;
  const grounding = await timed('ground', () => groundedness(stringFields(fields).map(([, text]) => text), formatTranscript(turns)));
  const quality = await timed('score', () => scoreSummary({ fields, turns, maxLength, faithfulness: grounding.score, adjustments }));
  const wrapupCode = codes.find((c) => c.id === fields.wrapup_code_id) ?? null;
  const writer = fallback ? EXTRACTIVE_MODEL : parts.model;
  const cost = usage ? costUsd(parts.model, usage, parts.options.models) : undefined;
  const found = injectionRecord(input.injection);
  const injection = found ? { ...found, rejected_answers: written.injectionRejections ?? 0 } : undefined;
  parts.logger.info({ conversationId: transcript.conversationId, model: writer, template: template.id, repaired, adjustments, fallback: fallback?.reason.code, chunks, injection, quality: quality.score, stages }, 'summary generated');
  return {
    fields,
    wrapup_code: wrapupCode ? { id: wrapupCode.id, name: wrapupCode.name } : null,
    model: writer,
    template: templateRef(template),
    route: { queue_id: input.opts.queueId ?? null, media_type: transcript.mediaType, language },
    language: fields.language,
    quality_score: quality.score,
    quality: quality.parts,
    redactions: counts,
    repaired,
    stage_latency_ms: stages,
    ...(usage ? { usage } : {}),
    ...(cost === undefined ? {} : { cost_usd: cost }),
    ...(chunks === undefined ? {} : { chunks }),
    ...(grounding.ungrounded.length > 0 ? { ungrounded: grounding.ungrounded } : {}),
    ...(adjustments.length > 0 ? { adjustments } : {}),
    ...(fallback ? { fallback } : {}),
    ...(injection ? { injection } : {}),
  };
}

async function generate(parts: EngineParts, transcript: Transcript, opts: GenerateOptions): Promise<GeneratedSummary> {
  const { stages, timed } = stageTimer(parts.clock);
  const language = transcript.language ?? detectLanguage(transcript.turns.map((t) => t.text).join(' '));
  const template = parts.router.resolve({ queueId: opts.queueId, mediaType: transcript.mediaType, language });
  const { turns, counts } = await timed('redact', () => redactTurns(transcript.turns, { allow: parts.piiAllow, voice: transcript.mediaType === 'voice' }));
  requireContent(turns);
  const injection = scanInjections(turns);
  const input: WriteInput = { transcript, turns, injection, template, language, maxLength: opts.maxLength, codes: opts.allowedWrapupCodes ?? [], opts, timed };
  const written = await write(parts, input);
  return assemble(parts, input, written, counts as Record<string, number>, stages);
}

/**
 * Creates the summarizer. Loads and validates the routing table and every prompt template now (fails fast with
 * AppError CONFIG_INVALID). generate() throws AppError LLM_UNAVAILABLE (retryable per cause), SCHEMA_INVALID,
 * TOO_LONG, PII_IN_OUTPUT, INJECTION_IN_OUTPUT, or CONTENT_TOO_SHORT; error text is never returned as a summary.
 */
export async function createSummaryEngine(options: SummaryEngineOptions): Promise<SummaryEngine> {
  const router = await loadTemplateRouter(options.promptsDir, options.templateId);
  const client = options.openai ? createLlmClient(options.openai) : undefined;
  const llm = client ? { client, mapTemplate: await loadTemplate(options.promptsDir, MAP_TEMPLATE_ID) } : undefined;
  const parts: EngineParts = {
    router, llm, options,
    model: client?.model ?? EXTRACTIVE_MODEL,
    piiAllow: options.piiAllow ?? [],
    clock: options.clock ?? (() => performance.now()),
    logger: options.logger.child({ module: 'summarize' }),
  };
  return {
    model: parts.model,
    template: templateRef(router.defaultTemplate),
    templateFor: (route) => templateRef(router.resolve(route)),
    generate: (transcript, opts) => generate(parts, transcript, opts),
  };
}
