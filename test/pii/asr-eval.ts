// Evaluation on the ASR set: per half and type, the share of planted values a redactor catches and of look-alikes
// it keeps, for our redactor (public redactTurns) or any other (asr-libraries.ts: OpenRedaction, compromise).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Turn } from '../../src/domain.js';
import { redactTurns } from '../../src/summarize/index.js';
import { loadPiiConfig } from '../../src/summarize/redact/pii.js';
import { caught, kept, survivingMask } from './asr-score.js';
import { SET_FILE } from './asr-set/generate.js';
import { LOOKALIKE_TYPES, PLANTED_TYPES, type AsrSet, type Half, type SetConversation } from './asr-set/set-types.js';

export const loadSet = (file = SET_FILE): AsrSet => JSON.parse(readFileSync(file, 'utf8')) as AsrSet;

/** A redactor under test: for each turn of a conversation, which of its characters survive. */
export interface Redactor {
  name: string;
  survivors(conversation: SetConversation): boolean[][];
}

const asTurns = (c: SetConversation): Turn[] => c.turns.map((t) => ({ speaker: t.speaker, text: t.text, at: '1970-01-01T00:00:00Z' }));

/** Ours, as the service runs it: redactTurns over the whole conversation with config/pii.json's allow patterns, voice
 * transcripts failing closed on long numbers (the engine passes `voice` from the conversation's media type). */
export function ourRedactor(): Redactor {
  const options = loadPiiConfig(fileURLToPath(new URL('../../config/pii.json', import.meta.url)));
  return {
    name: 'ours (redactTurns)',
    survivors(c) {
      const redacted = redactTurns(asTurns(c), { ...options, voice: c.media === 'voice' }).turns;
      return c.turns.map((t, i) => {
        const mask = survivingMask(t.text, redacted[i]?.text ?? '');
        if (!mask) throw new Error(`${c.id} turn ${i}: redacted text is not a placeholder rewrite of the original`);
        return mask;
      });
    },
  };
}

export interface Row {
  type: string;
  n: number;
  /** Planted: caught; look-alike: kept. */
  ok: number;
  share: number;
}

export interface HalfResult {
  half: Half;
  planted: Row[];
  lookalikes: Row[];
  /** All look-alikes together. */
  lookalikesKept: Row;
}

function rows(types: readonly string[], tally: Map<string, { n: number; ok: number }>): Row[] {
  return types.map((type) => {
    const t = tally.get(type) ?? { n: 0, ok: 0 };
    return { type, n: t.n, ok: t.ok, share: t.n === 0 ? Number.NaN : t.ok / t.n };
  });
}

/** Which values of `conversation` a redactor caught (planted) or kept (look-alikes), in the order of `values`. */
export function judge(conversation: SetConversation, survivors: boolean[][]): boolean[] {
  return conversation.values.map((v) => {
    const text = conversation.turns[v.turn]?.text ?? '';
    const mask = survivors[v.turn] ?? [];
    return v.kind === 'pii' ? caught(text, v.start, v.end, mask) : kept(text, v.start, v.end, mask);
  });
}

/** Recall per planted type and look-alikes kept per type, for one half (optionally only some media). */
export function evaluateHalf(set: AsrSet, half: Half, redactor: Redactor, filter: (c: SetConversation) => boolean = () => true): HalfResult {
  const planted = new Map<string, { n: number; ok: number }>();
  const looks = new Map<string, { n: number; ok: number }>();
  for (const c of set.conversations.filter((x) => x.half === half && filter(x))) {
    const verdicts = judge(c, redactor.survivors(c));
    c.values.forEach((v, i) => {
      const tally = v.kind === 'pii' ? planted : looks;
      const t = tally.get(v.type) ?? { n: 0, ok: 0 };
      t.n += 1;
      if (verdicts[i]) t.ok += 1;
      tally.set(v.type, t);
    });
  }
  const lookRows = rows(LOOKALIKE_TYPES, looks);
  const n = lookRows.reduce((s, r) => s + r.n, 0);
  const ok = lookRows.reduce((s, r) => s + r.ok, 0);
  return { half, planted: rows(PLANTED_TYPES, planted), lookalikes: lookRows, lookalikesKept: { type: 'all look-alikes', n, ok, share: n === 0 ? Number.NaN : ok / n } };
}

/** The targets on the held-out half: recall floors per type, look-alikes kept. */
export const TARGETS = {
  recall: { card: 0.99, account: 0.99, ssn: 0.99, iban: 0.99, phone: 0.99, email: 0.99, name: 0.95, address: 0.95, dob: 0.95, passport: 0.95, ipv4: 0.95 } as Record<string, number>,
  lookalikesKept: 0.95,
};

/** Targets a result misses, as readable lines (empty when all are met). */
export function missedTargets(result: HalfResult): string[] {
  const missed = result.planted.filter((r) => r.share < (TARGETS.recall[r.type] ?? 1)).map((r) => `${r.type} recall ${r.share.toFixed(3)} < ${TARGETS.recall[r.type]}`);
  if (result.lookalikesKept.share < TARGETS.lookalikesKept) missed.push(`look-alikes kept ${result.lookalikesKept.share.toFixed(3)} < ${TARGETS.lookalikesKept}`);
  return missed;
}
