// Ordinary conversations are neither flagged as prompt injection nor skipped as hang-ups: the labelled ASR set (126
// conversations, voice as ASR writes it, chat and e-mail; its 6 greeting-and-hang-up calls must be skipped), the
// simulator's scenarios written and spoken, and the ABCD/STAR corpus when ../shared holds it.
import { describe, expect, it } from 'vitest';
import type { Turn } from '../src/domain.js';
import { assessContent } from '../src/summarize/checks/content-check.js';
import { scanInjections } from '../src/summarize/checks/injection.js';
import { SCENARIOS } from '../src/sim/scenarios.js';
import { spokenScenario } from '../src/sim/sim-asr.js';
import { loadSet } from './pii/asr-eval.js';
import { loadCorpus } from './quality/corpus.js';

const turnsOf = (turns: ReadonlyArray<{ speaker: string; text: string }>): Turn[] => turns.map((t) => ({ speaker: t.speaker as Turn['speaker'], text: t.text, at: '2024-05-01T10:00:00Z' }));

interface Sample {
  id: string;
  turns: Turn[];
  skip: boolean;
}

function check(samples: readonly Sample[]): { flagged: string[]; wronglySkipped: string[]; notSkipped: string[] } {
  const flagged = samples.filter((s) => scanInjections(s.turns).passages.length > 0).map((s) => s.id);
  const verdicts = samples.map((s) => ({ s, v: assessContent(s.turns) }));
  return {
    flagged,
    wronglySkipped: verdicts.filter(({ s, v }) => !s.skip && !v.ok).map(({ s }) => s.id),
    notSkipped: verdicts.filter(({ s, v }) => s.skip && (v.ok || v.reason !== 'greeting_and_hang_up')).map(({ s }) => s.id),
  };
}

describe('injection and hang-up checks on ordinary conversations', () => {
  it('the ASR set: no injection flagged, every hang-up skipped as one, nothing else skipped', () => {
    const samples = loadSet().conversations.map((c) => ({ id: c.id, turns: turnsOf(c.turns), skip: c.expect === 'skip' }));
    expect(samples.filter((s) => s.skip)).toHaveLength(6);
    expect(check(samples)).toEqual({ flagged: [], wronglySkipped: [], notSkipped: [] });
  });

  it("the simulator's scenarios, written and as spoken", () => {
    const samples = [...SCENARIOS, ...SCENARIOS.map(spokenScenario)].map((s, i) => ({ id: `${s.key}#${i}`, turns: turnsOf(s.turns), skip: false }));
    expect(check(samples)).toEqual({ flagged: [], wronglySkipped: [], notSkipped: [] });
  });

  const corpus = loadCorpus();
  it.skipIf(!corpus)('the ABCD/STAR corpus (300 dialogues)', () => {
    const samples = (corpus ?? []).map((c, i) => ({ id: `abcd-${i}`, turns: turnsOf(c.turns), skip: false }));
    expect(samples.length).toBeGreaterThan(200);
    expect(check(samples)).toEqual({ flagged: [], wronglySkipped: [], notSkipped: [] });
  });
});
