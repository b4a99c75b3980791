// Splits a transcript into consecutive groups of whole turns that each fit a token budget.
import type { Turn } from '../../domain.js';
import { countTokens } from './tokens.js';

/** Options for splitTurnsByTokens. */
export interface ChunkOptions {
  /**
   * Turns repeated at the start of the next chunk (from the end of the previous one) so a question and its answer
   * are not cut apart. Overlap turns count towards the next chunk's budget. @default 0
   */
  overlapTurns?: number;
  /** How a turn is rendered in the prompt (its tokens are what counts). @default "[00:00:00] speaker: text" */
  formatTurn?: (turn: Turn) => string;
}

const defaultFormat = (turn: Turn): string => `[00:00:00] ${turn.speaker}: ${turn.text.replace(/\s+/g, ' ').trim()}`;

/** Splits text at sentence ends, or (for a run-on sentence) at word boundaries, into pieces under `maxTokens`. */
function splitText(text: string, maxTokens: number, cost: (s: string) => number): string[] {
  const sentences = text.split(/(?<=[.!?…])\s+/).filter(Boolean);
  const units = sentences.flatMap((s) => (cost(s) <= maxTokens ? [s] : s.split(/\s+/).filter(Boolean)));
  const pieces: string[] = [];
  let current = '';
  for (const unit of units) {
    const next = current ? `${current} ${unit}` : unit;
    if (current && cost(next) > maxTokens) {
      pieces.push(current);
      current = unit;
    } else current = next;
  }
  if (current) pieces.push(current);
  return pieces;
}

/** A turn too long for any chunk becomes several turns of the same speaker and time, split at sentence boundaries. */
function fitTurn(turn: Turn, maxTokens: number, model: string, format: (t: Turn) => string): Turn[] {
  const frame = countTokens(format({ ...turn, text: '' }), model);
  const room = Math.max(1, maxTokens - frame);
  if (countTokens(format(turn), model) <= maxTokens) return [turn];
  return splitText(turn.text, room, (s) => countTokens(s, model) + 1).map((text) => ({ ...turn, text }));
}

/**
 * Groups `turns`, in order, into chunks whose formatted lines (plus a newline each) total at most `maxTokens`.
 * A turn is never split unless it alone exceeds the budget; then it is cut at sentence boundaries (words as a last
 * resort), each piece keeping the speaker and time. Empty input gives no chunks.
 */
export function splitTurnsByTokens(turns: readonly Turn[], maxTokens: number, model: string, options: ChunkOptions = {}): Turn[][] {
  const format = options.formatTurn ?? defaultFormat;
  const overlap = Math.max(0, options.overlapTurns ?? 0);
  const cost = (t: Turn): number => countTokens(format(t), model) + 1;
  const chunks: Turn[][] = [];
  let current: Turn[] = [];
  let used = 0;
  let fresh = 0;
  for (const turn of turns.flatMap((t) => fitTurn(t, maxTokens - 1, model, format))) {
    const tokens = cost(turn);
    if (fresh > 0 && used + tokens > maxTokens) {
      chunks.push(current);
      current = overlap > 0 ? current.slice(-overlap) : [];
      used = current.reduce((n, t) => n + cost(t), 0);
      while (current.length > 0 && used + tokens > maxTokens) used -= cost(current.shift() as Turn);
      fresh = 0;
    }
    current.push(turn);
    used += tokens;
    fresh += 1;
  }
  if (fresh > 0) chunks.push(current);
  return chunks;
}
