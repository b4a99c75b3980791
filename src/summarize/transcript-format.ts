// Renders redacted turns as the delimited transcript block of the prompt: one "[hh:mm:ss] speaker: text" line per turn.
import type { Turn } from '../domain.js';

const pad = (n: number): string => String(n).padStart(2, '0');

/** Elapsed time since the first turn as hh:mm:ss (00:00:00 when times are missing or unparsable). */
function elapsed(at: string, origin: number): string {
  const t = Date.parse(at);
  const seconds = Number.isFinite(t) && Number.isFinite(origin) ? Math.max(0, Math.floor((t - origin) / 1000)) : 0;
  return `${pad(Math.floor(seconds / 3600))}:${pad(Math.floor(seconds / 60) % 60)}:${pad(seconds % 60)}`;
}

/** One line per turn; text flattened to one line and any transcript tag inside it defused, so it cannot end the block. */
export function formatTranscript(turns: readonly Turn[]): string {
  const origin = Date.parse(turns[0]?.at ?? '');
  return turns
    .map((turn) => {
      const text = turn.text
        .replace(/\s+/g, ' ')
        .replace(/<\s*(\/?)\s*transcript\s*>/gi, '($1transcript)')
        .trim();
      return `[${elapsed(turn.at, origin)}] ${turn.speaker}: ${text}`;
    })
    .join('\n');
}
