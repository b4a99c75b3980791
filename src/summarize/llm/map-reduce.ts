// Long transcripts: condenses a transcript that exceeds the model's input budget into per-part notes (map step),
// recursively, so the normal summary template can run over the notes instead.
import type { Turn } from '../../domain.js';
import { splitTurnsByTokens } from './chunking.js';
import { addUsage, type TokenUsage } from './pricing.js';
import { countTokens } from './tokens.js';

/** The map-step prompt (config/prompts/chunk-map.json): `{{transcript}}`, `{{max_length}}`, `{{turn_count}}`, `{{media_type}}`, `{{language}}`. */
export interface MapTemplate {
  system: string;
  user: string;
}

export interface CondenseMessage {
  role: 'system' | 'user';
  content: string;
}

export interface CondenseOptions {
  /** ALREADY REDACTED turns: the engine redacts before calling, so no raw personal data reaches a map call. */
  turns: readonly Turn[];
  model: string;
  /** Tokens the formatted transcript (or the notes replacing it) may take in the final summary request. */
  budgetTokens: number;
  /** One chat completion; map calls want plain text (send no JSON response_format). */
  complete: (messages: CondenseMessage[]) => Promise<{ content: string | null; usage?: Partial<TokenUsage> | undefined }>;
  mapTemplate: MapTemplate;
  /** Renders turns as the transcript block (the engine's formatTranscript). */
  formatTurns: (turns: readonly Turn[]) => string;
  /** @default 'conversation' */
  mediaType?: string;
  /** @default 'the same language as the transcript' */
  language?: string;
  /** Map rounds before the notes are cut to the budget. @default 3 */
  maxDepth?: number;
}

export interface CondenseResult {
  /** The formatted transcript (chunks 1) or the "Part i/n notes" blocks. */
  notes: string;
  /** Map calls in the first round (1 when no condensing was needed). */
  chunks: number;
  usage: Required<TokenUsage>;
  /** True when even the last round's notes exceeded the budget and were cut. */
  truncated: boolean;
}

const render = (text: string, vars: Record<string, string | number>): string =>
  text.replace(/\{\{\s*([a-z_]+)\s*\}\}/g, (all, key: string) => (key in vars ? String(vars[key]) : all));

/** Map answers are plain notes; tolerate a JSON answer (a model forced into a schema) by taking its text fields. */
export function notesFromContent(content: string | null): string {
  const text = (content ?? '').trim().replace(/^```(?:\w+)?\s*([\s\S]*?)\s*```$/, '$1');
  if (!text.startsWith('{')) return text;
  try {
    const json = JSON.parse(text) as Record<string, unknown>;
    const parts = ['notes', 'summary', 'intent', 'resolution', 'follow_up_actions'].map((k) => json[k]);
    return parts.flat().filter((v): v is string => typeof v === 'string' && v.trim() !== '').map((v) => `- ${v}`).join('\n');
  } catch {
    return text;
  }
}

function cutToTokens(text: string, maxTokens: number, model: string): string {
  let cut = text;
  while (cut.length > 0 && countTokens(cut, model) > maxTokens) cut = cut.slice(0, Math.floor(cut.length * 0.9));
  return `${cut.replace(/\s+\S*$/, '')}\n[notes truncated]`;
}

async function mapRound(opts: CondenseOptions, turns: readonly Turn[]): Promise<{ notes: string; chunks: number; usage: Required<TokenUsage> }> {
  const frame = countTokens(`${opts.mapTemplate.system}\n${opts.mapTemplate.user}`, opts.model) + 64;
  const chunkBudget = Math.max(256, opts.budgetTokens - frame);
  const chunks = splitTurnsByTokens(turns, chunkBudget, opts.model, { formatTurn: (t) => opts.formatTurns([t]) });
  // Notes of all parts together should fit the budget: ~3.5 characters per token, shared among the parts.
  const maxChars = Math.max(300, Math.min(2000, Math.floor((opts.budgetTokens * 3.5) / chunks.length)));
  const results = await Promise.all(
    chunks.map((chunk) => {
      const vars = {
        transcript: opts.formatTurns(chunk),
        max_length: maxChars,
        turn_count: chunk.length,
        media_type: opts.mediaType ?? 'conversation',
        language: opts.language ?? 'the same language as the transcript',
      };
      return opts.complete([
        { role: 'system', content: render(opts.mapTemplate.system, vars) },
        { role: 'user', content: render(opts.mapTemplate.user, vars) },
      ]);
    }),
  );
  const notes = results.map((r, i) => `Part ${i + 1}/${chunks.length} notes:\n${notesFromContent(r.content)}`).join('\n\n');
  return { notes, chunks: chunks.length, usage: addUsage(...results.map((r) => r.usage)) };
}

/**
 * Returns the formatted transcript unchanged (chunks 1, no LLM call) when it fits `budgetTokens`; otherwise maps each
 * token-bounded chunk to notes with the chunk-map template and joins them as "Part i/n notes" blocks, condensing the
 * notes again (as system turns) while they still exceed the budget, at most `maxDepth` rounds; then cuts them.
 */
export async function condenseTranscript(opts: CondenseOptions): Promise<CondenseResult> {
  const zero = addUsage();
  const formatted = opts.formatTurns(opts.turns);
  if (countTokens(formatted, opts.model) <= opts.budgetTokens) return { notes: formatted, chunks: 1, usage: zero, truncated: false };
  const maxDepth = Math.max(1, opts.maxDepth ?? 3);
  let turns: readonly Turn[] = opts.turns;
  let usage = zero;
  let firstChunks = 0;
  for (let depth = 1; ; depth += 1) {
    const round = await mapRound(opts, turns);
    usage = addUsage(usage, round.usage);
    firstChunks ||= round.chunks;
    if (countTokens(round.notes, opts.model) <= opts.budgetTokens) return { notes: round.notes, chunks: firstChunks, usage, truncated: false };
    if (depth >= maxDepth || round.chunks === 1) {
      return { notes: cutToTokens(round.notes, opts.budgetTokens - 8, opts.model), chunks: firstChunks, usage, truncated: true };
    }
    const at = opts.turns[0]?.at ?? '1970-01-01T00:00:00Z';
    turns = round.notes.split('\n\n').map((text) => ({ speaker: 'system' as const, text, at }));
  }
}
