// The scenario library: coverage of media types and lengths, planted PII, and a consistent timeline.
import { describe, expect, it } from 'vitest';
import { SCENARIOS } from './scenarios.js';
import { createRandom } from './sim-random.js';
import { buildRecord } from './sim-timeline.js';
import { DEFAULT_QUEUES } from './genesys-sim.js';

function luhnValid(value: string): boolean {
  const digits = value.replace(/\D/g, '');
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return digits.length >= 13 && sum % 10 === 0;
}

describe('scenario library', () => {
  it('has at least 12 uniquely keyed scenarios across voice, message and email, short to very long', () => {
    expect(SCENARIOS.length).toBeGreaterThanOrEqual(12);
    expect(new Set(SCENARIOS.map((s) => s.key)).size).toBe(SCENARIOS.length);
    expect(new Set(SCENARIOS.map((s) => s.mediaType))).toEqual(new Set(['voice', 'message', 'email']));
    const lengths = SCENARIOS.map((s) => s.turns.length);
    expect(Math.min(...lengths)).toBeLessThanOrEqual(4);
    expect(Math.max(...lengths)).toBeGreaterThanOrEqual(80);
    for (const s of SCENARIOS.filter((x) => x.mediaType === 'email')) expect(s.turns.length).toBeGreaterThanOrEqual(2);
  });

  it('plants every listed PII value verbatim in a customer turn, with Luhn-valid cards', () => {
    const types = new Set<string>();
    for (const scenario of SCENARIOS) {
      const customerText = scenario.turns.filter((t) => t.speaker === 'customer').map((t) => t.text).join('\n');
      for (const pii of scenario.pii) {
        types.add(pii.type);
        expect(customerText, `${scenario.key}: ${pii.type}`).toContain(pii.value);
        if (pii.type === 'card') expect(luhnValid(pii.value), pii.value).toBe(true);
      }
    }
    expect(types).toEqual(new Set(['card', 'email', 'phone', 'ssn', 'name', 'address', 'dob', 'iban']));
    const cards = SCENARIOS.flatMap((s) => s.pii.filter((p) => p.type === 'card').map((p) => p.value));
    expect(cards).toEqual(expect.arrayContaining(['4111 1111 1111 1111', '5500-0000-0000-0004', '378282246310005']));
    expect(SCENARIOS.some((s) => s.turns.some((t) => t.text.includes('ORD-20231')))).toBe(true);
  });

  it('places turns in order, IVR before the agent, agent turns after the agent connected', () => {
    const rng = createRandom(7);
    for (const scenario of SCENARIOS) {
      const queue = DEFAULT_QUEUES[0];
      if (!queue) throw new Error('no queue');
      const record = buildRecord({ scenario, queue, startMs: 1_700_000_000_000, explicitStart: true, divisionId: 'd', agent: { userId: 'u', name: 'A' }, rng });
      const times = record.turns.map((t) => t.startMs);
      expect(times).toEqual([...times].sort((a, b) => a - b));
      for (const turn of record.turns.filter((t) => t.speaker === 'agent')) expect(turn.startMs).toBeGreaterThanOrEqual(record.agent.startMs);
      for (const turn of record.turns.filter((t) => t.speaker === 'ivr')) expect(turn.startMs).toBeLessThan(record.acd.startMs);
      expect(record.scriptEndMs).toBeGreaterThan(times.at(-1) ?? 0);
      expect(record.ivr !== null).toBe(scenario.turns.some((t) => t.speaker === 'ivr' || t.speaker === 'bot'));
    }
  });
});
