// A progress bar on stderr for long commands: redrawn in place on a terminal, one line per tenth (and the last) when
// stderr is a pipe or a file, so logs and CI output stay readable.
import type { Writable } from 'node:stream';

export interface Progress {
  update(done: number, total: number, note?: string): void;
  /** Ends the bar's line (on a terminal). */
  finish(): void;
}

const WIDTH = 30;

/** The bar as text: `label [######------] 12/40 note`. */
export function renderBar(label: string, done: number, total: number, note = ''): string {
  const share = total === 0 ? 1 : Math.min(1, done / total);
  const filled = Math.round(share * WIDTH);
  return `${label} [${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}] ${done}/${total}${note ? ` ${note}` : ''}`;
}

/** @param stream stderr, or any writable (a terminal when `isTTY`) */
export function createProgress(label: string, stream: Writable & { isTTY?: boolean }): Progress {
  let lastTenth = -1;
  let drawn = false;
  return {
    update(done, total, note) {
      const line = renderBar(label, done, total, note);
      if (stream.isTTY) {
        stream.write(`\r${line}\x1b[K`);
        drawn = true;
        return;
      }
      const tenth = total === 0 ? 10 : Math.floor((done / total) * 10);
      if (tenth === lastTenth && done !== total) return;
      lastTenth = tenth;
      stream.write(`${line}\n`);
    },
    finish() {
      if (drawn) stream.write('\n');
      drawn = false;
    },
  };
}
