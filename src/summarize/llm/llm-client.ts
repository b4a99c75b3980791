// The LLM adapter: one chat completion with a strict JSON-schema response_format through the openai SDK (v6).
// Works with OpenAI, Azure OpenAI (v1 API), vLLM, Ollama and llama.cpp servers via baseURL. The SDK's retries are the only retry loop.
import OpenAI from 'openai';
import PQueue from 'p-queue';
import { AppError } from '../../errors.js';
import type { TokenUsage } from '../../domain.js';
import { summaryResponseFormat } from '../checks/index.js';
import { preloadTokenizer } from './tokens.js';

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
  /** Model requests in flight at once across every summary and map step (the SDK's own retries included). @default 4 */
  maxConcurrency?: number | undefined;
  /**
   * Name of the output-token cap parameter. OpenAI's reasoning models want `max_completion_tokens`; most
   * OpenAI-compatible servers (vLLM, Ollama, llama.cpp, Azure) take `max_tokens`. A 400 naming the other parameter
   * switches once, for the life of the client. @default 'max_tokens'
   */
  maxTokensParam?: 'max_tokens' | 'max_completion_tokens' | undefined;
}

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** One model answer: the raw content (null when the model returned none, e.g. a refusal) and its token usage. */
export interface LlmAnswer {
  content: string | null;
  usage?: TokenUsage | undefined;
  /** `length` when the model stopped at the output-token cap (the content is then cut off). */
  finishReason?: string | undefined;
}

/** Per-call options. */
export interface CallOptions {
  /** Aborts the request (and the SDK's retries). */
  signal?: AbortSignal | undefined;
  /** Output-token cap for this call; omitted → the server's default. */
  maxTokens?: number | undefined;
}

/** The JSON-schema response format of one request (see output-schema.ts). */
export type ResponseFormat = ReturnType<typeof summaryResponseFormat>;

/** Sends chat messages with a strict JSON-schema response format. */
export interface LlmClient {
  readonly model: string;
  /** @param format @default summaryResponseFormat() (no wrap-up codes) */
  complete(messages: ChatMessage[], format?: ResponseFormat, options?: CallOptions): Promise<LlmAnswer>;
  /** A plain-text completion (no response_format), for the map step of long transcripts. */
  completeText(messages: ChatMessage[], options?: CallOptions): Promise<LlmAnswer>;
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

/** True for a 400 that rejects one output-cap parameter name in favour of the other. */
function rejectsTokenParam(err: unknown, param: string): boolean {
  return err instanceof OpenAI.APIError && err.status === 400 && typeof err.message === 'string' && err.message.includes(param);
}

/** Creates the chat-completions adapter. Every request waits its turn under `maxConcurrency`. */
export function createLlmClient(options: LlmOptions): LlmClient {
  preloadTokenizer(options.model);
  const client = new OpenAI({
    apiKey: options.apiKey,
    baseURL: options.baseUrl,
    timeout: options.timeoutMs,
    maxRetries: options.maxRetries,
  });
  const slots = new PQueue({ concurrency: Math.max(1, options.maxConcurrency ?? 4) });
  let tokenParam = options.maxTokensParam ?? 'max_tokens';

  async function send(body: Record<string, unknown>, call: CallOptions): Promise<OpenAI.Chat.Completions.ChatCompletion> {
    const capped = call.maxTokens === undefined ? body : { ...body, [tokenParam]: call.maxTokens };
    // The SDK's per-request `signal` cancels the HTTP request (and its retries) when the task is aborted.
    const request = () => client.chat.completions.create(capped as never, call.signal ? { signal: call.signal } : undefined) as Promise<OpenAI.Chat.Completions.ChatCompletion>;
    try {
      return await slots.add(request, call.signal ? { signal: call.signal } : {});
    } catch (err) {
      if (call.maxTokens === undefined || !rejectsTokenParam(err, tokenParam)) throw err;
      tokenParam = tokenParam === 'max_tokens' ? 'max_completion_tokens' : 'max_tokens';
      return send(body, call);
    }
  }

  async function create(messages: ChatMessage[], format: ResponseFormat | undefined, call: CallOptions = {}): Promise<LlmAnswer> {
    try {
      const body = { model: options.model, temperature: options.temperature, messages, ...(format ? { response_format: format } : {}) };
      const completion = await send(body, call);
      const u = completion.usage;
      const usage = u ? { prompt_tokens: u.prompt_tokens, completion_tokens: u.completion_tokens, total_tokens: u.total_tokens } : undefined;
      const choice = completion.choices[0];
      return { content: choice?.message.content ?? null, usage, finishReason: choice?.finish_reason ?? undefined };
    } catch (err) {
      if (call.signal?.aborted) throw abortReason(call.signal);
      throw toLlmError(err);
    }
  }
  return {
    model: options.model,
    complete: (messages, format = summaryResponseFormat(), call) => create(messages, format, call),
    completeText: (messages, call) => create(messages, undefined, call),
  };
}
