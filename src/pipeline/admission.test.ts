import { describe, expect, it } from 'vitest';
import { createAdmission } from './admission.js';

const ID = '00000000-0000-4000-8000-000000000001';
const OTHER = '00000000-0000-4000-8000-000000000002';

describe('admission', () => {
  it('refuses client work on a conversation Genesys just did not know, for notFoundTtlMs, never events from Genesys', () => {
    let now = 0;
    const admission = createAdmission({ now: () => now, notFoundTtlMs: 600_000 });
    admission.rememberNotFound(ID);
    for (const force of [false, true]) {
      for (const source of ['api', 'webhook'] as const) {
        expect(() => admission.admit({ conversationId: ID, source, force }), `${source} force=${force}`).toThrow(
          expect.objectContaining({ code: 'CONVERSATION_NOT_FOUND' }),
        );
      }
    }
    for (const source of ['socket', 'backfill'] as const) expect(() => admission.admit({ conversationId: ID, source, force: false })).not.toThrow();
    expect(() => admission.admit({ conversationId: OTHER, source: 'api', force: false })).not.toThrow();
    now += 600_000;
    expect(() => admission.admit({ conversationId: ID, source: 'api', force: false })).not.toThrow();
  });

  it('spends a token per client and source; a refusal for the force interval or the budget records nothing', () => {
    let now = 0;
    const admission = createAdmission({
      now: () => now,
      apiTasks: { ratePerMin: 6, burst: 2 },
      webhookTasks: { ratePerMin: 60, burst: 1 },
    });
    const api = (conversationId: string, client: string, force = false) => () => admission.admit({ conversationId, source: 'api', force, client });
    expect(api(ID, 'k1', true)).not.toThrow();
    // Too soon for this conversation: refused before the budget is asked, so k1 keeps its second token.
    expect(api(ID, 'k1', true)).toThrow(expect.objectContaining({ code: 'TOO_MANY_REQUESTS', retryAfterMs: 60_000 }));
    expect(api(OTHER, 'k1')).not.toThrow();
    expect(api('00000000-0000-4000-8000-000000000003', 'k1')).toThrow(expect.objectContaining({ code: 'TOO_MANY_REQUESTS', retryAfterMs: 10_000 }));
    // Another key, the webhook and Genesys' own events have their own (or no) budgets.
    expect(api(OTHER, 'k2')).not.toThrow();
    expect(() => admission.admit({ conversationId: OTHER, source: 'webhook', force: false, client: 'w' })).not.toThrow();
    expect(() => admission.admit({ conversationId: ID, source: 'webhook', force: false, client: 'w' })).toThrow(
      expect.objectContaining({ code: 'TOO_MANY_REQUESTS', retryAfterMs: 1000 }),
    );
    for (let i = 0; i < 50; i++) expect(() => admission.admit({ conversationId: OTHER, source: 'socket', force: false })).not.toThrow();
    // A force refused for the budget does not count as the conversation's force.
    const fourth = '00000000-0000-4000-8000-000000000004';
    now += 10_000;
    expect(api(OTHER, 'k1')).not.toThrow();
    expect(api(fourth, 'k1', true)).toThrow(expect.objectContaining({ code: 'TOO_MANY_REQUESTS', retryAfterMs: 10_000 }));
    expect(api(fourth, 'k2', true)).not.toThrow();
    expect(api(fourth, 'k2', true), 'the force interval is per conversation').toThrow(expect.objectContaining({ retryAfterMs: 60_000 }));
  });

  it('without budgets, only the force interval limits', () => {
    const admission = createAdmission({ now: () => 0 });
    for (let i = 0; i < 1000; i++) {
      const conversationId = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
      expect(() => admission.admit({ conversationId, source: 'api', force: false, client: 'k' })).not.toThrow();
    }
  });
});
