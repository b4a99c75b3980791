// Maintained libraries as redactors on the ASR set, for comparison with ours: OpenRedaction and compromise's names.
import { OpenRedaction } from '@openredaction/openredaction';
import nlp from 'compromise';
import type { Redactor } from './asr-eval.js';
import { maskFromSpans } from './asr-score.js';

/** @openredaction/openredaction with its defaults, per turn; every detection is removed (as its redact() would). */
export function openRedaction(): Redactor {
  const theirs = new OpenRedaction();
  return {
    name: 'OpenRedaction',
    survivors: (c) => c.turns.map((t) => maskFromSpans(t.text.length, theirs.detect(t.text).detections.map((d) => ({ start: d.position[0], end: d.position[1] })))),
  };
}

/** compromise's people() (an English lexicon and grammar name finder), per turn; it finds names only. */
export function compromiseNames(): Redactor {
  return {
    name: 'compromise people()',
    survivors: (c) =>
      c.turns.map((t) => {
        const offsets = nlp(t.text).people().out('offset') as Array<{ offset: { start: number; length: number } }>;
        return maskFromSpans(t.text.length, offsets.map(({ offset }) => ({ start: offset.start, end: offset.start + offset.length })));
      }),
  };
}
