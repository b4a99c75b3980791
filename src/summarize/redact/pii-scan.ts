// Bounded scanning for the PII detectors: whitespace runs collapsed (with an offset map back to the original text) and
// long texts cut into overlapping windows, so no detector regex ever sees a long whitespace run or more than WINDOW chars.
import type { PiiSpan } from './pii-types.js';

/** Longest text one detector call sees. @default 4000 */
export const WINDOW = 4000;
/** Overlap between consecutive windows; a value up to OVERLAP / 2 characters long is always seen whole. */
const OVERLAP = 400;
const HALF = OVERLAP / 2;

/** A text with its whitespace runs collapsed, and the way back to the original offsets. */
export interface Collapsed {
  text: string;
  /** Maps a span over `text` onto the original text (a collapsed run inside a span is restored whole). */
  restore: (span: PiiSpan) => PiiSpan;
}

/**
 * Collapses every run of two or more whitespace characters to one ("\n" when the run holds a line break, else " "),
 * so patterns such as `\s*,?\s*` cannot backtrack over a long run. Single whitespace characters are kept as they are.
 */
export function collapseSpace(text: string): Collapsed {
  if (!/\s\s/.test(text)) return { text, restore: (s) => s };
  const starts: number[] = [];
  const ends: number[] = [];
  let out = '';
  for (const m of text.matchAll(/\s{2,}|[^]/g)) {
    const run = m[0].length > 1;
    out += run ? (m[0].includes('\n') ? '\n' : ' ') : m[0];
    starts.push(m.index);
    ends.push(m.index + m[0].length);
  }
  return { text: out, restore: (s) => ({ ...s, start: starts[s.start] ?? text.length, end: ends[s.end - 1] ?? text.length }) };
}

/** Where the next window starts: a whitespace at or before `limit` (but past the window's middle), else `limit`. */
function cutPoint(text: string, limit: number, from: number): number {
  for (let i = limit; i > from + WINDOW / 2; i -= 1) if (/\s/.test(text[i] ?? '')) return i;
  return limit;
}

/** The [start, end) windows `scanWindows` runs over, with the span starts each one owns. */
export function windows(text: string): Array<{ start: number; end: number; ownFrom: number; ownTo: number }> {
  if (text.length <= WINDOW) return [{ start: 0, end: text.length, ownFrom: 0, ownTo: text.length }];
  const out = [];
  let start = 0;
  let ownFrom = 0;
  for (;;) {
    const end = Math.min(text.length, start + WINDOW);
    if (end === text.length) {
      out.push({ start, end, ownFrom, ownTo: text.length });
      return out;
    }
    const next = cutPoint(text, end - OVERLAP, start);
    out.push({ start, end, ownFrom, ownTo: next + HALF });
    ownFrom = next + HALF;
    start = next;
  }
}

/**
 * Runs `detect` over windows of at most WINDOW characters and returns its spans in `text` offsets. Each window keeps
 * only the spans starting in the part it owns: the first HALF characters of a later window (where `^` or a lookbehind
 * would see a false start) and the last HALF of an earlier one (where a value may be cut off) belong to its neighbour.
 */
export function scanWindows(text: string, detect: (window: string) => PiiSpan[]): PiiSpan[] {
  if (text.length <= WINDOW) return detect(text);
  const out: PiiSpan[] = [];
  for (const w of windows(text)) {
    for (const s of detect(text.slice(w.start, w.end))) {
      const span = { ...s, start: s.start + w.start, end: s.end + w.start };
      if (span.start >= w.ownFrom && span.start < w.ownTo) out.push(span);
    }
  }
  return out;
}

/** Does `re` (no g flag) match in any window of `text`? */
export function testWindows(text: string, re: RegExp): boolean {
  if (text.length <= WINDOW) return re.test(text);
  return windows(text).some((w) => re.test(text.slice(w.start, w.end)));
}
