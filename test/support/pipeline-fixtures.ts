// A one-turn message conversation and a finished summary of it: the fixtures of the worker tests that run the real
// processor and queue around an engine they script (worker-settle, worker-timeout).
import type { ConversationSource, GeneratedSummary, SummaryEngine } from '../../src/ports.js';

/** Every conversation has ended and has one customer turn. */
export const oneTurnSource: ConversationSource = {
  getConversation: async (conversationId) => ({
    conversationId, startTime: '2026-01-01T10:00:00Z', endTime: '2026-01-01T10:05:00Z', mediaType: 'message',
    queueIds: [], participantCount: 2, communications: [],
  }),
  getTranscript: async (info) => ({
    conversationId: info.conversationId, mediaType: 'message',
    turns: [{ speaker: 'customer', text: 'My order never arrived.', at: '2026-01-01T10:00:00Z' }],
  }),
};

/** What the scripted engine answers. */
export const generated: GeneratedSummary = {
  fields: {
    headline: 'Order missing', summary: 'The customer reported a missing order.', intent: 'missing order',
    resolution: { status: 'resolved', text: 'Resent.' }, follow_up_actions: [], sentiment: { start: 'negative', end: 'neutral' },
    topics: ['delivery'], entities: [], language: 'en', wrapup_code_id: null,
    confidence: { summary: 1, intent: 1, resolution: 1, wrapup_code: 1 },
  },
  wrapup_code: null, model: 'fake', template: { id: 'default', version: '1', hash: 'abc' },
  route: { queue_id: null, media_type: 'message', language: 'en' }, quality_score: 0.9, quality: {}, redactions: {},
  repaired: false, stage_latency_ms: {},
};

/** An engine that answers `generated` and counts the model calls; `before(call)` may hold a call (1-based) first. */
export function countingEngine(before?: (call: number) => Promise<void> | undefined): SummaryEngine & { calls: number } {
  const engine = {
    calls: 0,
    model: 'fake',
    template: generated.template,
    templateFor: () => generated.template,
    async generate() {
      engine.calls += 1;
      await before?.(engine.calls);
      return generated;
    },
  };
  return engine;
}
