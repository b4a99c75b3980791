// Every PII value planted in the simulator's scenarios (all media, both languages) is gone after redaction:
// these are the conversations the demo and the end-to-end tests send to a model.
import { describe, expect, it } from 'vitest';
import { SCENARIOS } from '../../src/sim/genesys-sim.js';
import { redactTurns } from '../../src/summarize/redact/pii.js';

describe('simulator scenarios', () => {
  it('plant PII (so the check below is not vacuous)', () => {
    expect(SCENARIOS.filter((s) => s.pii.length > 0).length).toBeGreaterThan(8);
  });

  it.each(SCENARIOS.filter((s) => s.pii.length > 0).map((s) => [s.key, s] as const))('%s: no planted value survives', (_key, scenario) => {
    const turns = scenario.turns.map((t, i) => ({ speaker: t.speaker, text: t.text, at: new Date(i * 1000).toISOString() }));
    const before = turns.map((t) => t.text).join('\n').toLowerCase();
    const after = redactTurns(turns).turns.map((t) => t.text).join('\n').toLowerCase();
    for (const { type, value } of scenario.pii) {
      expect(before, `${type} is really in the transcript`).toContain(value.toLowerCase());
      expect(after, `${type} leaked`).not.toContain(value.toLowerCase());
    }
  });
});
