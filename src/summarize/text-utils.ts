// Small text helpers shared by the extractive summarizer and the quality score.

/** Splits text into sentences (keeps the end punctuation). */
export function sentences(text: string): string[] {
  return text
    .replace(/\s+/g, ' ')
    .split(/(?<=[.!?])\s+(?=\S)/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Lower-case word tokens, placeholders like [NAME] removed. */
export function words(text: string): string[] {
  return text
    .replace(/\[[A-Z]+\]/g, ' ')
    .toLowerCase()
    .match(/[a-z][a-z'-]*/g) ?? [];
}

/**
 * Fits text into `max` characters on one line: whole sentences if that keeps at least half, else whole words + "…".
 */
export function clampParagraph(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  let kept = '';
  for (const sentence of sentences(flat)) {
    const next = kept ? `${kept} ${sentence}` : sentence;
    if (next.length > max) break;
    kept = next;
  }
  if (kept.length >= max / 2) return kept;
  const cut = flat.slice(0, Math.max(1, max - 1));
  const boundary = cut.lastIndexOf(' ');
  return `${(boundary > max / 3 ? cut.slice(0, boundary) : cut).replace(/[\s,;:.-]+$/, '')}…`;
}

/** Upper-cases the first letter. */
export const capitalize = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
