// The targets ("Protect what callers say, as the speech engine writes it") on the HELD-OUT half of the ASR
// set, for the redactor alone and end to end through the service. A target not yet met is marked `it.fails`; flip it
// to `it(...)` once it is met — a target met while still marked `it.fails` fails the suite, so none can pass
// silently. The redaction targets are met (spoken-form normalizer and fail-closed numbers); the hang-up skip is not
// yet. Tune rules on the dev half only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endToEndLookalikesKept, endToEndRows, startEndToEnd, type ConversationOutcome } from './asr-e2e.js';
import { evaluateHalf, loadSet, missedTargets, ourRedactor, TARGETS } from './asr-eval.js';
import { PLANTED_TYPES } from './asr-set/set-types.js';

const set = loadSet();
const heldout = set.conversations.filter((c) => c.half === 'heldout');
const alone = evaluateHalf(set, 'heldout', ourRedactor());

describe('held-out half, redactor alone (redactTurns)', () => {
  it('meets the recall floor of every type (card, account, SSN, IBAN, phone, e-mail ≥ 0.99; the rest ≥ 0.95)', () => {
    expect(missedTargets({ ...alone, lookalikesKept: { ...alone.lookalikesKept, share: 1 } })).toEqual([]);
  });

  it('keeps ≥ 0.95 of the look-alikes (order, ticket and tracking numbers, prices, times…)', () => {
    expect(alone.lookalikesKept.n).toBeGreaterThanOrEqual(300 / 2);
    expect(alone.lookalikesKept.share).toBeGreaterThanOrEqual(TARGETS.lookalikesKept);
  });
});

describe('held-out half, end to end through the service', () => {
  let outcomes: ConversationOutcome[] = [];

  beforeAll(async () => {
    const e2e = await startEndToEnd({ ownHome: false });
    try {
      for (const c of heldout) outcomes.push(await e2e.run(c));
    } finally {
      await e2e.close();
    }
  }, 120_000);
  afterAll(() => {
    outcomes = [];
  });

  const rows = () => endToEndRows(heldout, outcomes, PLANTED_TYPES);

  it('measured every held-out conversation, and the requests carry what redactTurns left (the measurement works)', () => {
    expect(outcomes.map((o) => o.id)).toEqual(heldout.map((c) => c.id));
    expect(outcomes.filter((o) => o.expect === 'summarize').every((o) => o.llmCalls > 0 && o.status === 'completed')).toBe(true);
    expect(outcomes.reduce((n, o) => n + o.unaligned, 0)).toBe(0);
    expect(outcomes.filter((o) => o.expect === 'skip').length).toBe(3);
    // The service redacts with the same redactTurns and config: a value reaches the model exactly when the redactor
    // alone missed it. If the service ever redacts differently, this says so.
    for (const row of rows()) {
      const before = alone.planted.find((r) => r.type === row.type);
      expect(row.inRequests, row.type).toBe((before?.n ?? 0) - (before?.ok ?? 0));
    }
  });

  it('serves no summary that holds a planted value', () => {
    expect(rows().filter((r) => r.inSummaries > 0).map((r) => `${r.type}: ${r.inSummaries}`)).toEqual([]);
  });

  it('keeps planted values out of the LLM requests to the recall floors', () => {
    const missed = rows().filter((r) => r.n > 0 && 1 - r.inRequests / r.n < (TARGETS.recall[r.type] ?? 1));
    expect(missed.map((r) => `${r.type}: ${r.inRequests} of ${r.n}`)).toEqual([]);
  });

  it('leaves ≥ 0.95 of the look-alikes intact in the LLM requests', () => {
    const { n, kept } = endToEndLookalikesKept(heldout, outcomes);
    expect(n).toBeGreaterThan(100);
    expect(kept / n).toBeGreaterThanOrEqual(TARGETS.lookalikesKept);
  });

  it('skips hang-up calls without an LLM call', () => {
    const skips = outcomes.filter((o) => o.expect === 'skip');
    expect(skips.map((o) => `${o.id}: ${o.status}, ${o.llmCalls} call(s)`)).toEqual(skips.map((o) => `${o.id}: skipped, 0 call(s)`));
  });
});
