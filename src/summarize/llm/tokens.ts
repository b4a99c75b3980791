// Token counts and input budgets: a real BPE tokenizer (gpt-tokenizer) plus the model table in config/models.json.
import { createRequire } from 'node:module';
import { z } from 'zod';
import { loadConfigJsonSync } from '../config-file.js';
import { FIELD_LIMITS } from '../checks/index.js';

const ModelSpecSchema = z.object({
  contextTokens: z.number().int().positive(),
  maxOutputTokens: z.number().int().positive(),
  inputPer1M: z.number().nonnegative(),
  outputPer1M: z.number().nonnegative(),
});
export type ModelSpec = z.infer<typeof ModelSpecSchema>;

/** The shape of config/models.json. */
export const ModelTableSchema = z.object({
  source: z.string().min(1),
  /** Output tokens kept free for the answer (capped by the model's maxOutputTokens). @default 1024 */
  reserveOutputTokens: z.number().int().nonnegative().default(1024),
  /** Tokens of system prompt, instructions and chat framing around the transcript. @default 700 */
  promptOverheadTokens: z.number().int().nonnegative().default(700),
  models: z.record(z.string(), ModelSpecSchema),
  default: ModelSpecSchema,
});
export type ModelTable = z.infer<typeof ModelTableSchema>;

/** Which BPE encoding a model uses: o200k_base for the GPT-4o/4.1/o-series/GPT-5 family, cl100k_base otherwise. */
export function encodingFor(model: string): 'o200k_base' | 'cl100k_base' {
  const name = model.toLowerCase().replace(/^.*\//, '');
  return /^(?:gpt-4o|chatgpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|o1|o3|o4|gpt-oss)/.test(name) ? 'o200k_base' : 'cl100k_base';
}

type Counter = (text: string) => number;
const load = createRequire(import.meta.url);
const counters: Partial<Record<'o200k_base' | 'cl100k_base', Counter>> = {};

/**
 * The encoding's counter, loaded on first use: each encoding's tables take 40–70 MB of heap, so a process loads only
 * the one its model uses, and the offline summarizer none.
 */
function counterFor(encoding: 'o200k_base' | 'cl100k_base'): Counter {
  return (counters[encoding] ??= (load(`gpt-tokenizer/encoding/${encoding}`) as { countTokens: Counter }).countTokens);
}

/** Loads the model's encoding now (an LLM client is made at start): the first summary does not pay for it. */
export function preloadTokenizer(model: string): void {
  counterFor(encodingFor(model));
}

/**
 * Tokens `text` takes for `model`. Exact for OpenAI models; for other models (Llama, Mistral, Qwen served through
 * an OpenAI-compatible endpoint) cl100k_base is an approximation — their own tokenizers usually count within
 * about ±15% of it on English text, which the prompt-overhead margin in config/models.json absorbs.
 */
export function countTokens(text: string, model: string): number {
  if (text === '') return 0;
  return counterFor(encodingFor(model))(text);
}

/** Tokens of a chat request: content plus ~4 framing tokens per message and 3 for the reply primer (OpenAI's rule). */
export function countMessageTokens(messages: ReadonlyArray<{ content: string }>, model: string): number {
  return messages.reduce((n, m) => n + 4 + countTokens(m.content, model), 3);
}

/** Reads and validates a model table (config/models.json); throws AppError CONFIG_INVALID naming the problem. */
export function loadModelTable(path: string | URL): ModelTable {
  return loadConfigJsonSync('model table', path, ModelTableSchema);
}

/**
 * The table entry for `model`: exact name, else the longest listed name it starts with ("gpt-4o-mini-2024-07-18" →
 * "gpt-4o-mini"), else `default`. Provider prefixes such as "openai/" are ignored.
 */
export function modelSpec(model: string, table: ModelTable): ModelSpec & { known: boolean } {
  const name = model.toLowerCase().replace(/^.*\//, '');
  const exact = table.models[name];
  if (exact) return { ...exact, known: true };
  const prefix = Object.keys(table.models)
    .filter((key) => name.startsWith(`${key}-`))
    .sort((a, b) => b.length - a.length)[0];
  const spec = prefix === undefined ? undefined : table.models[prefix];
  return spec ? { ...spec, known: true } : { ...table.default, known: false };
}

/**
 * Tokens of transcript that fit one request: context window − reserved output (min of the table's reserve and the
 * model's max output) − prompt overhead. Never below 256.
 */
export function inputBudget(model: string, models: ModelTable): number {
  const spec = modelSpec(model, models);
  const reserve = Math.min(models.reserveOutputTokens, spec.maxOutputTokens);
  return Math.max(256, spec.contextTokens - reserve - models.promptOverheadTokens);
}

/**
 * The output-token cap of one summary request: every field at its hard limit (models overshoot the stated targets up
 * to those limits, lists included) plus the JSON framing, at ~3 characters a token; never above the model's max
 * output. A ceiling, not a cost: only what the model writes is paid.
 */
export function answerTokenCap(maxLength: number, model: string, models: ModelTable): number {
  const L = FIELD_LIMITS;
  const fieldChars =
    maxLength + L.headline + L.intent + L.resolutionText + L.followUps * (L.followUpAction + L.followUpDue) + L.topics * L.topic + L.entities * L.entityValue;
  const framing = 1000;
  return Math.min(modelSpec(model, models).maxOutputTokens, Math.ceil((fieldChars + framing) / 3));
}
