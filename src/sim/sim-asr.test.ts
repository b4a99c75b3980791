// Voice scenarios as the speech engine writes them, with the spoken form of every planted value known.
import { describe, expect, it } from 'vitest';
import { findScenario, SCENARIOS } from './scenarios.js';
import { spokenScenario } from './sim-asr.js';

describe('spokenScenario', () => {
  const voice = SCENARIOS.filter((s) => s.mediaType === 'voice');

  it('writes every voice turn in lower case without punctuation or digits, and each planted value as it was spoken', () => {
    for (const scenario of voice) {
      const spoken = spokenScenario(scenario);
      expect(spoken.turns).toHaveLength(scenario.turns.length);
      for (const turn of spoken.turns) expect(turn.text, scenario.key).toMatch(/^[\p{Ll}\p{N}' ]+$/u);
      for (const turn of spoken.turns) expect(turn.text, scenario.key).not.toMatch(/\d/);
      const text = spoken.turns.map((t) => t.text).join('\n');
      for (const p of spoken.pii) expect(text, `${scenario.key} ${p.type}`).toContain(p.value);
    }
  });

  it('speaks numbers, e-mail addresses and dates of birth the way callers say them', () => {
    const billing = spokenScenario(findScenario('voice-billing-dispute')!);
    expect(billing.pii.find((p) => p.type === 'email')?.value).toBe('margaret dot oyelaran at example dot com');
    expect(billing.pii.find((p) => p.type === 'card')?.value).toMatch(/^four (?:one|double one|triple one)/);
    const card = spokenScenario(findScenario('voice-card-replacement')!);
    expect(card.pii.find((p) => p.type === 'dob')?.value).toMatch(/april|seventeenth/);
    expect(card.pii.find((p) => p.type === 'dob')?.value).toMatch(/nineteen eighty six|eighty six/);
  });

  it('is deterministic and leaves messaging and e-mail alone', () => {
    const key = voice[0]!;
    expect(spokenScenario(key)).toEqual(spokenScenario(key));
    const message = SCENARIOS.find((s) => s.mediaType === 'message')!;
    expect(spokenScenario(message)).toBe(message);
  });

  it('lower-cases and strips punctuation for a language the renderer does not speak', () => {
    const french = { key: 'fr', mediaType: 'voice' as const, language: 'fr-FR', turns: [{ speaker: 'customer' as const, text: 'Bonjour, ma facture est fausse !' }], pii: [] };
    expect(spokenScenario(french).turns[0]!.text).toBe('bonjour ma facture est fausse');
  });
});
