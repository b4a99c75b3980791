// Proof under a misbehaving model: leaked PII, overlong answers, invented numbers and broken JSON are repaired by one
// re-ask, shortened locally, or replaced by the extractive summary with the LLM's typed reason — every conversation is
// served; with the fallback off they fail with their typed code and nothing failing is stored. Invented numbers are
// flagged and scored down.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorCode } from '../../src/errors.js';
import { FAKE_LEAKED_PII, inventedFacts, type AdversarialFault, type FakeMode } from '../../src/sim/openai-fake.js';
import type { SummaryRecord } from '../../src/domain.js';
import { conversationUuid, leakedIn, loadCorpus, requestText, secretsOf, syntheticConversations, toTranscript, type Secret, type SyntheticConversation } from './corpus.js';
import { createHarness, MAX_LENGTH, MODEL, type Harness, type HarnessOptions, type Outcome } from './harness.js';
import { expectValidRecord } from './record-checks.js';

/** Every 8th corpus dialogue (or the synthetic chats when the corpus is absent), with the values that must not leave. */
function sample(group: number): SyntheticConversation[] {
  const corpus = loadCorpus();
  if (!corpus) return syntheticConversations(group).slice(0, 40);
  return corpus
    .filter((_, i) => i % 8 === 0)
    .map((convo, i) => {
      const transcript = toTranscript(conversationUuid(i, group), convo.turns);
      return { transcript, secrets: secretsOf(convo, transcript.turns) };
    });
}

const CODE_FOR: Record<Exclude<AdversarialFault, 'invent-numbers'>, ErrorCode> = {
  'leak-pii': 'PII_IN_OUTPUT',
  'too-long': 'TOO_LONG',
  'broken-json': 'SCHEMA_INVALID',
};
const LEAKS = Object.values(FAKE_LEAKED_PII).map((value) => ({ type: 'fake-leak', value }));
/** Wording of our error messages and re-ask requests: none of it may ever be stored as a summary. */
const ERROR_TEXT = /previous answer was rejected|failed validation after|LLM endpoint|LLM request failed|\b(?:SCHEMA_INVALID|PII_IN_OUTPUT|TOO_LONG|LLM_UNAVAILABLE)\b/;

async function runAll(h: Harness, inputs: readonly SyntheticConversation[]): Promise<Outcome[]> {
  const out: Outcome[] = [];
  for (const input of inputs) out.push(await h.run(input.transcript));
  return out;
}

/** The checks every adversarial outcome must pass, whichever way it went. */
async function expectSafeOutcome(h: Harness, outcome: Outcome, secrets: readonly Secret[]): Promise<void> {
  const id0 = outcome.transcript.conversationId;
  if (outcome.record?.fallback) {
    expect(outcome.record.model, id0).toBe('extractive');
    expect(outcome.record.fallback_reason?.code, id0).toMatch(/^(?:PII_IN_OUTPUT|SCHEMA_INVALID)$/);
    expect(JSON.stringify(outcome.record.fallback_reason), id0).not.toMatch(/555|leaky|4111/);
  }
  const id = outcome.transcript.conversationId;
  const calls = outcome.calls.to - outcome.calls.from;
  expect(calls, id).toBeGreaterThanOrEqual(1);
  expect(calls, id).toBeLessThanOrEqual(2);
  for (let i = outcome.calls.from; i < outcome.calls.to; i += 1) {
    // Neither the conversation's PII nor what the model leaked (quoted back in a re-ask) is ever sent.
    expect(leakedIn(requestText(h.fake.requests[i]?.body), [...secrets, ...LEAKS]), `${id} request ${i}`).toEqual([]);
  }
  const stored = await h.summaries.get(id);
  if (outcome.error) {
    expect(stored, id).toBeUndefined();
    expect(outcome.error.retryable, id).toBe(false);
    return;
  }
  expect(stored, id).toEqual(outcome.record);
  expectValidRecord(stored!, { model: MODEL, maxLength: MAX_LENGTH });
  expect(leakedIn(JSON.stringify(stored), [...secrets, ...LEAKS]), id).toEqual([]);
  expect(stored!.summary, id).not.toMatch(ERROR_TEXT);
  // A re-ask's answer was kept (repaired), unless the extractive summary replaced both answers.
  expect(stored!.repaired, id).toBe(calls === 2 && !stored!.fallback);
}

describe('adversarial mode (cycling leak-pii, too-long, invent-numbers, broken-json), maxRepairs 1', () => {
  const inputs = sample(2);
  let h: Harness;
  let outcomes: Outcome[];
  beforeAll(async () => {
    h = await createHarness({ mode: 'adversarial', maxRepairs: 1 });
    outcomes = await runAll(h, inputs);
  }, 60_000);
  afterAll(async () => h?.close());

  it('serves every conversation: repaired, shortened, flagged, or the extractive summary with the last fault’s code', async () => {
    const tally: Record<string, number> = {};
    const count = (key: string): void => void (tally[key] = (tally[key] ?? 0) + 1);
    for (const [i, outcome] of outcomes.entries()) {
      expect(outcome.error, outcome.transcript.conversationId).toBeUndefined();
      await expectSafeOutcome(h, outcome, inputs[i]!.secrets);
      const record = outcome.record!;
      const faults = h.fake.faults.slice(outcome.calls.from, outcome.calls.to);
      const last = faults.at(-1);
      if (record.fallback) {
        expect(faults.length).toBe(2);
        expect(record.fallback_reason?.code).toBe(CODE_FOR[last as keyof typeof CODE_FOR]);
        count(`fallback:${record.fallback_reason?.code}`);
      } else if (last === 'too-long') {
        expect(faults.length).toBe(2);
        expect(record.adjustments).toContain('summary_shortened');
        count('shortened');
      } else {
        expect(last).toBe('invent-numbers');
        expect(record.ungrounded?.length ?? 0).toBeGreaterThan(0);
        count(record.repaired ? 'repaired' : 'first-answer');
      }
    }
    console.log('adversarial outcomes', tally);
    for (const key of ['shortened', 'fallback:PII_IN_OUTPUT', 'repaired', 'first-answer']) expect(tally[key] ?? 0, key).toBeGreaterThan(0);
    expect(h.fake.faults.filter((f) => f === undefined)).toEqual([]);
  });
});

interface FaultCase {
  fault: Exclude<AdversarialFault, 'invent-numbers'>;
  /** A fake that repeats the fault on every call. */
  failing: HarnessOptions;
  /** A fake that misbehaves once, then answers acceptably. */
  repairing: HarnessOptions;
  /** What the re-ask quotes back instead of the bad value (the rejected answer is redacted first). */
  quoted?: string;
}
const CASES: FaultCase[] = [
  { fault: 'leak-pii', failing: { mode: 'adversarial', adversarialFaults: ['leak-pii'] }, repairing: { mode: 'leak-once' as FakeMode }, quoted: '[PHONE]' },
  { fault: 'too-long', failing: { mode: 'adversarial', adversarialFaults: ['too-long'] }, repairing: { mode: 'too-long-once' } },
  // There is no 'broken-json-once': the second answer carries invented numbers, which validate (and are flagged).
  { fault: 'broken-json', failing: { mode: 'adversarial', adversarialFaults: ['broken-json'] }, repairing: { mode: 'adversarial', adversarialFaults: ['broken-json', 'invent-numbers'] } },
];

describe.each(CASES)('$fault with maxRepairs 1', ({ fault, failing, repairing, quoted }) => {
  const inputs = sample(3).slice(0, 6);
  const harnesses: Harness[] = [];
  afterAll(async () => void (await Promise.all(harnesses.map((h) => h.close()))));

  it(
    fault === 'too-long'
      ? 'a summary still over its limit after the re-ask is shortened at a sentence boundary and served (never TOO_LONG)'
      : `after two bad answers serves the extractive summary marked with ${CODE_FOR[fault]}`,
    async () => {
      const h = await createHarness({ ...failing, maxRepairs: 1 });
      harnesses.push(h);
      for (const [i, outcome] of (await runAll(h, inputs)).entries()) {
        expect(outcome.error).toBeUndefined();
        expect(outcome.calls.to - outcome.calls.from).toBe(2);
        if (fault === 'too-long') expect(outcome.record).toMatchObject({ model: MODEL, adjustments: expect.arrayContaining(['summary_shortened']) });
        else expect(outcome.record).toMatchObject({ model: 'extractive', fallback: 'extractive', fallback_reason: { code: CODE_FOR[fault] } });
        await expectSafeOutcome(h, outcome, inputs[i]!.secrets);
      }
      expect(new Set(h.fake.faults)).toEqual(new Set([fault]));
    },
  );

  it(`with LLM_FALLBACK=none ${fault === 'too-long' ? 'still shortens and serves' : `fails ${CODE_FOR[fault]} (not retryable) and stores nothing`}`, async () => {
    const h = await createHarness({ ...failing, maxRepairs: 1, fallback: 'none' });
    harnesses.push(h);
    for (const [i, outcome] of (await runAll(h, inputs.slice(0, 3))).entries()) {
      expect(outcome.calls.to - outcome.calls.from).toBe(2);
      if (fault === 'too-long') expect(outcome.record?.adjustments).toContain('summary_shortened');
      else expect(outcome.error?.code).toBe(CODE_FOR[fault]);
      await expectSafeOutcome(h, outcome, inputs[i]!.secrets);
    }
  });

  it('is repaired by the one re-ask: second answer stored, marked repaired, re-ask quotes nothing personal', async () => {
    const h = await createHarness({ ...repairing, maxRepairs: 1 });
    harnesses.push(h);
    const [input] = inputs;
    const outcome = await h.run(input!.transcript);
    expect(outcome.error?.code).toBeUndefined();
    expect(outcome.record!.repaired).toBe(true);
    expect(h.fake.faults[0]).toBe(fault);
    await expectSafeOutcome(h, outcome, input!.secrets);
    const reask = requestText(h.fake.requests[1]?.body);
    expect(reask).toContain('Your previous answer was rejected');
    if (quoted) expect(reask).toContain(quoted);
  });
});

describe('invent-numbers against ok on the same conversations', () => {
  const inputs = sample(4).slice(0, 20);
  let ok: Harness;
  let inventing: Harness;
  const pairs: Array<{ good: SummaryRecord; bad: SummaryRecord; facts: ReturnType<typeof inventedFacts> }> = [];
  beforeAll(async () => {
    [ok, inventing] = await Promise.all([createHarness({ mode: 'ok' }), createHarness({ mode: 'invent-numbers' })]);
    for (const { transcript } of inputs) {
      const good = await ok.run(transcript);
      const bad = await inventing.run(transcript);
      const body = inventing.fake.requests[bad.calls.from]?.body as { messages: Array<{ content: string }> };
      // The fake's own rule for what it invents, applied to the prompt it received.
      const facts = inventedFacts(body.messages.map((m) => m.content).join('\n'));
      pairs.push({ good: good.record!, bad: bad.record!, facts });
    }
  }, 60_000);
  afterAll(async () => void (await Promise.all([ok?.close(), inventing?.close()])));

  it('stores the answer with the invented amount and reference listed as ungrounded, and a lower faithfulness part', () => {
    expect(pairs.length).toBe(inputs.length);
    for (const { good, bad, facts } of pairs) {
      const id = bad.conversation_id;
      expect(bad.summary, id).toContain(facts.amount);
      const ungrounded = (bad.ungrounded ?? []).join(' | ');
      expect(ungrounded, id).toContain(facts.amount.slice(1));
      expect(ungrounded, id).toContain(facts.reference);
      expect(good.ungrounded ?? [], id).not.toContain(facts.reference);
      expect(bad.quality.faithfulness!, id).toBeLessThan(good.quality.faithfulness!);
      expect(bad.repaired, id).toBe(false);
      expectValidRecord(bad, { model: MODEL, maxLength: MAX_LENGTH });
    }
  });
});
