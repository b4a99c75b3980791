// The LLM adapter: one chat completion with a strict JSON-schema response_format through the openai SDK (v6).
// Works with OpenAI, Azure OpenAI (v1 API), vLLM, Ollama and llama.cpp servers via baseURL. The SDK's retries are the only retry loop.
import OpenAI from 'openai';
import { AppError } from '../errors.js';
import type { TokenUsage } from '../domain.js';
import { summaryResponseFormat } from './output-schema.js';

/** Settings for the OpenAI-compatible endpoint. */
export interface LlmOptions {
  apiKey: string;
  /** e.g. http://127.0.0.1:11434/v1 for Ollama. @default https://api.openai.com/v1 */
  baseUrl?: string | undefined;
  model: string;
  /** Per-request timeout. */
  timeoutMs: number;
  /** Retries the SDK makes on connection errors, 408, 409, 429 and 5xx (honouring Retry-After). */
  maxRetries: number;
  temperature: number;
}

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** One model answer: the raw content (null when the model returned none, e.g. a refusal) and its token usage. */
export interface LlmAnswer {
  content: string | null;
  usage?: TokenUsage | undefined;
}

/** The JSON-schema response format of one request (see output-schema.ts). */
export type ResponseFormat = ReturnType<typeof summaryResponseFormat>;

/** Sends chat messages with a strict JSON-schema response format. */
export interface LlmClient {
  readonly model: string;
  /** @param format @default summaryResponseFormat() (no wrap-up codes) */
  complete(messages: ChatMessage[], format?: ResponseFormat, signal?: AbortSignal): Promise<LlmAnswer>;
  /** A plain-text completion (no response_format), for the map step of long transcripts. */
  completeText(messages: ChatMessage[], signal?: AbortSignal): Promise<LlmAnswer>;
}

function retryAfterMs(headers: Headers | undefined): number | undefined {
  const ms = Number(headers?.get('retry-after-ms'));
  if (Number.isFinite(ms) && ms > 0) return ms;
  const seconds = Number(headers?.get('retry-after'));
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : undefined;
}

/** Maps SDK errors (after its own retries) to AppError LLM_UNAVAILABLE; retryable for connection errors, 408, 409, 429, 5xx. */
export function toLlmError(err: unknown): AppError {
  if (err instanceof OpenAI.APIConnectionError) {
    return new AppError('LLM_UNAVAILABLE', `LLM endpoint unreachable: ${err.message}`, { retryable: true, cause: err });
  }
  if (err instanceof OpenAI.APIError && typeof err.status === 'number') {
    const status = err.status;
    const retryable = status === 408 || status === 409 || status === 429 || status >= 500;
    const after = retryAfterMs(err.headers);
    return new AppError('LLM_UNAVAILABLE', `LLM endpoint answered HTTP ${status}`, {
      retryable,
      upstreamStatus: status,
      cause: err,
      ...(after === undefined ? {} : { retryAfterMs: after }),
    });
  }
  return new AppError('LLM_UNAVAILABLE', 'LLM request failed', { retryable: true, cause: err });
}

/** The abort reason when it is an AppError (the worker's timeout or shutdown), else a retryable INTERNAL. */
export function abortReason(signal: AbortSignal): AppError {
  return signal.reason instanceof AppError ? signal.reason : new AppError('INTERNAL', 'model request aborted', { retryable: true, cause: signal.reason });
}

/** Creates the chat-completions adapter. */
export function createLlmClient(options: LlmOptions): LlmClient {
  const client = new OpenAI({
    apiKey: options.apiKey,
    baseURL: options.baseUrl,
    timeout: options.timeoutMs,
    maxRetries: options.maxRetries,
  });
  async function create(messages: ChatMessage[], format: ResponseFormat | undefined, signal: AbortSignal | undefined): Promise<LlmAnswer> {
    try {
      const body = { model: options.model, temperature: options.temperature, messages, ...(format ? { response_format: format } : {}) };
      // The SDK's per-request `signal` cancels the HTTP request (and its retries) when the task is aborted.
      const completion = await client.chat.completions.create(body, signal ? { signal } : undefined);
      const u = completion.usage;
      const usage = u ? { prompt_tokens: u.prompt_tokens, completion_tokens: u.completion_tokens, total_tokens: u.total_tokens } : undefined;
      return { content: completion.choices[0]?.message.content ?? null, usage };
    } catch (err) {
      if (signal?.aborted) throw abortReason(signal);
      throw toLlmError(err);
    }
  }
  return {
    model: options.model,
    complete: (messages, format = summaryResponseFormat(), signal) => create(messages, format, signal),
    completeText: (messages, signal) => create(messages, undefined, signal),
  };
}
