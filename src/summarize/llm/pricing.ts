// What an LLM call cost, from the per-1M-token list prices in config/models.json.
import { modelSpec, type ModelTable } from './tokens.js';

/** Token usage as the chat-completions API reports it. */
export interface TokenUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens?: number;
}

/**
 * Cost in US dollars of `usage` on `model` (unknown models use the table's `default`, which prices at 0 because a
 * self-hosted model has no list price). Rounded to 1e-8 dollars so sums stay readable.
 * @param table @default config/models.json
 */
export function costUsd(model: string, usage: TokenUsage, table: ModelTable): number {
  const spec = modelSpec(model, table);
  const dollars = (usage.prompt_tokens * spec.inputPer1M + usage.completion_tokens * spec.outputPer1M) / 1_000_000;
  return Math.round(dollars * 1e8) / 1e8;
}

/** Adds usages (missing fields count 0). */
export function addUsage(...usages: Array<Partial<TokenUsage> | undefined>): Required<TokenUsage> {
  const sum = { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };
  for (const u of usages) {
    sum.prompt_tokens += u?.prompt_tokens ?? 0;
    sum.completion_tokens += u?.completion_tokens ?? 0;
    sum.total_tokens += u?.total_tokens ?? (u?.prompt_tokens ?? 0) + (u?.completion_tokens ?? 0);
  }
  return sum;
}
