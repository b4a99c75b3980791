// The ask-validate-re-ask loop: one JSON-schema call, then at most `maxRepairs` re-asks listing what was wrong.
// Nothing personal is ever sent back: the rejected answer is redacted before it is quoted to the model.
import type { SummaryFields, TokenUsage, WrapupCode } from '../domain.js';
import { AppError } from '../errors.js';
import type { ChatMessage, LlmClient, ResponseFormat } from './llm-client.js';
import { HEADLINE_MAX } from './output-schema.js';
import { redactText } from './pii.js';
import { validateAnswer, type ValidationIssue } from './validate.js';

export type Timed = <T>(stage: string, fn: () => Promise<T> | T) => Promise<T>;

export interface AskOptions {
  maxLength: number;
  allowedWrapupCodes: readonly WrapupCode[];
  /** PII allow patterns for the output check. @default [] */
  piiAllow?: readonly RegExp[] | undefined;
  /** Re-asks after the first answer. @default 1 */
  maxRepairs?: number;
  format: ResponseFormat;
  timed: Timed;
  /** Aborts the model calls (passed to the SDK request). */
  signal?: AbortSignal | undefined;
}

export interface AskResult {
  fields: SummaryFields;
  /** True when a re-ask produced the accepted answer. */
  repaired: boolean;
  /** Summed over every call (undefined when the endpoint reported none). */
  usage: TokenUsage | undefined;
  /** Calls made (1 + re-asks). */
  calls: number;
}

/** The typed failure for answers that never validated; the first issue's code is the error code. Never quotes values. */
export function issuesError(issues: ValidationIssue[], attempts: number): AppError {
  const first = issues[0] ?? { code: 'SCHEMA_INVALID' as const, message: 'invalid answer' };
  return new AppError(first.code, `summary failed validation after ${attempts} answer(s): ${issues.map((i) => i.message).join('; ')}`, {
    retryable: false,
    details: { issues: issues.map((i) => i.code), attempts },
  });
}

function repairRequest(issues: ValidationIssue[], maxLength: number): string {
  const list = issues.map((i) => `- ${i.message}`).join('\n');
  return (
    `Your previous answer was rejected:\n${list}\nAnswer again with the same JSON schema. The summary must be one paragraph ` +
    `of at most ${maxLength} characters, the headline at most ${HEADLINE_MAX} characters, and no field may contain personal data.`
  );
}

function addUsage(total: TokenUsage | undefined, next: TokenUsage | undefined): TokenUsage | undefined {
  if (!next) return total;
  if (!total) return { ...next };
  return {
    prompt_tokens: total.prompt_tokens + next.prompt_tokens,
    completion_tokens: total.completion_tokens + next.completion_tokens,
    total_tokens: total.total_tokens + next.total_tokens,
  };
}

/**
 * Asks, validates and re-asks up to `maxRepairs` times. Stages: `llm` + `validate` for the first answer, `repair`
 * for every re-ask. Throws AppError TOO_LONG / SCHEMA_INVALID / PII_IN_OUTPUT (not retryable) when no answer passed,
 * LLM_UNAVAILABLE from the client as it comes.
 */
export async function askWithRepair(llm: LlmClient, messages: ChatMessage[], options: AskOptions): Promise<AskResult> {
  const maxRepairs = Math.max(0, options.maxRepairs ?? 1);
  const check = { maxLength: options.maxLength, allowedWrapupCodes: options.allowedWrapupCodes, piiAllow: options.piiAllow };
  const conversation = [...messages];
  let usage: TokenUsage | undefined;
  let issues: ValidationIssue[] = [];
  for (let attempt = 0; attempt <= maxRepairs; attempt += 1) {
    const answer = attempt === 0
      ? await options.timed('llm', () => llm.complete(conversation, options.format, options.signal))
      : await options.timed('repair', () => llm.complete(conversation, options.format, options.signal));
    usage = addUsage(usage, answer.usage);
    const result = await options.timed(attempt === 0 ? 'validate' : 'repair', () => validateAnswer(answer.content, check));
    if (result.fields && result.issues.length === 0) {
      return { fields: result.fields, repaired: attempt > 0, usage, calls: attempt + 1 };
    }
    issues = result.issues;
    conversation.push(
      { role: 'assistant', content: redactText(answer.content ?? '').text },
      { role: 'user', content: repairRequest(issues, options.maxLength) },
    );
  }
  throw issuesError(issues, maxRepairs + 1);
}
