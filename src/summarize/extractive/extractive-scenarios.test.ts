import { describe, expect, it } from 'vitest';
import type { SummaryFields, Turn, WrapupCode } from '../../domain.js';
import { findScenario, SCENARIOS } from '../../sim/scenarios.js';
import type { Scenario } from '../../sim/sim-types.js';
import { extractiveSummarize } from './extractive.js';
import { groundedness } from '../checks/grounding.js';
import { redactTurns } from '../redact/pii.js';
import { formatTranscript } from '../transcript-format.js';
import { stringFields, validateSummary } from '../checks/validate.js';

/** The simulator's codes (DEFAULT_QUEUES) plus "Category - name" forms. */
const CODES: WrapupCode[] = [
  { id: 'refund', name: 'Refund issued' },
  { id: 'billing-q', name: 'Billing question answered' },
  { id: 'tech-resolved', name: 'Issue resolved' },
  { id: 'escalated', name: 'Escalated to engineering' },
  { id: 'account', name: 'Account updated' },
  { id: 'follow-up', name: 'Follow-up required' },
];
const COMPLETED = /^(?:done|sent|updated|i have|i've|the agent (?:has|issued|created|submitted|updated))\b/i;
const BARE_ANSWER = /^(?:one|two|three|four|five|six|seven|eight|nine|ten|\d+)\s+(?:to\s+\w+\s+)?(?:business\s+)?days\b/i;

/** A scenario as the engine sees it: e-mail subject on the first turn, redacted. */
function redacted(s: Scenario): Turn[] {
  const turns = s.turns.map((t, i): Turn => ({ speaker: t.speaker, text: i === 0 && s.subject ? `${s.subject}\n\n${t.text}` : t.text, at: '2024-05-01T10:00:00Z' }));
  return redactTurns(turns).turns;
}

function summarize(key: string, maxLength = 500, codes: readonly WrapupCode[] = CODES): SummaryFields {
  const scenario = findScenario(key)!;
  return extractiveSummarize(redacted(scenario), { maxLength, language: scenario.language, allowedWrapupCodes: codes });
}

describe('extractive summaries of the simulator scenarios', () => {
  it.each(SCENARIOS.map((s) => [s.key, s] as const))('%s: valid at 150/300/500, grounded, short headline, future follow-ups with owners', (_key, scenario) => {
    const turns = redacted(scenario);
    for (const maxLength of [150, 300, 500]) {
      const fields = extractiveSummarize(turns, { maxLength, language: scenario.language, allowedWrapupCodes: CODES });
      expect(validateSummary(fields, { maxLength, allowedWrapupCodes: CODES })).toEqual([]);
      expect(fields.summary.length).toBeLessThanOrEqual(maxLength);
      expect(groundedness(stringFields(fields).map(([, t]) => t), formatTranscript(turns)).ungrounded).toEqual([]);
      expect(fields.headline.length).toBeLessThanOrEqual(80);
      expect(fields.headline).not.toMatch(/Customer said|…$|\b(?:of|the|a|to|and)$/);
      expect(fields.summary).not.toMatch(/Customer said:|The agent responded:/);
      for (const f of fields.follow_up_actions) {
        expect(f.action).not.toMatch(COMPLETED);
        expect(f.action).not.toMatch(BARE_ANSWER);
        expect(['agent', 'customer', 'team']).toContain(f.owner);
      }
      expect(fields.topics.length).toBeGreaterThan(0);
      expect(fields.entities.every((e) => !e.value.includes('['))).toBe(true);
    }
    for (const p of scenario.pii) expect(JSON.stringify(extractiveSummarize(turns, { maxLength: 500 }))).not.toContain(p.value);
  });

  it('voice-billing-dispute: duplicate charge, refund issued, pending hold and refund timing as follow-ups', () => {
    const f = summarize('voice-billing-dispute');
    expect(f.headline).toBe('Duplicate charge on an order — refund issued');
    expect(f.summary).toMatch(/^The customer reported that they were charged twice for the same order last week\./);
    expect(f.summary).toContain('The agent issued a refund of 142 dollars 50 for the duplicate settlement.');
    expect(f.resolution).toMatchObject({ status: 'follow_up_needed' });
    expect(f.resolution.text).toContain('RF-55810');
    expect(f.follow_up_actions).toEqual([
      { action: "Refund expected in three to five business days, depending on the customer's bank", owner: 'team', due: 'in three to five business days' },
      { action: 'Add a note so the pending hold is released today', owner: 'agent', due: 'today' },
    ]);
    expect(f.wrapup_code_id).toBe('refund');
    expect(f.entities).toEqual([{ type: 'order_reference', value: 'ORD-20231' }, { type: 'order_reference', value: 'RF-55810' }]);
    expect(f.topics).toContain('refund');
  });

  it('picks a "Category - name" code by its name and prefers the matching category', () => {
    const codes = [{ id: 't', name: 'Technical - Refund issued' }, { id: 'b', name: 'Billing - Refund issued' }, { id: 'x', name: 'Sales - Upgrade sold' }];
    expect(summarize('voice-billing-dispute', 500, codes).wrapup_code_id).toBe('b');
    expect(summarize('message-hours-short', 500, codes).wrapup_code_id).toBeNull();
  });

  it('voice-card-replacement: the card lock and the accepted expedited shipping are actions; deliveries are follow-ups', () => {
    const f = summarize('voice-card-replacement');
    expect(f.headline).toBe('Lost credit card — card locked');
    expect(f.resolution.status).toBe('resolved');
    expect(f.resolution.text).toContain('The agent upgraded to expedited shipping at no cost.');
    expect(f.follow_up_actions.map((a) => a.action)).toContain('The card will arrive in two business days');
  });

  it('email-address-change: the customer answered last, so the agent owes a reply', () => {
    const f = summarize('email-address-change');
    expect(f.headline).toBe('Billing address change — follow-up needed');
    expect(f.resolution.status).toBe('follow_up_needed');
    expect(f.follow_up_actions).toEqual([{ action: "Reply to the customer's latest message and complete the request", owner: 'agent', due: null }]);
    expect(f.wrapup_code_id).toBe('follow-up');
  });

  it('email-refund-request: the subject is the headline topic, salutations and signatures are dropped', () => {
    const f = summarize('email-refund-request');
    expect(f.headline).toBe('Refund for cancelled flight AX 2290 — refund submitted');
    expect(f.summary).not.toMatch(/Hello|Regards|Dear/);
    expect(f.follow_up_actions).toEqual([{ action: 'Refunds take 7 to 10 business days to appear', owner: 'team', due: '7 to 10 business days' }]);
  });

  it('message-delivery-bot-handoff: the request is taken from the customer, not the bot', () => {
    const f = summarize('message-delivery-bot-handoff');
    expect(f.intent).toBe('Customer needs to change where their parcel is delivered.');
    expect(f.headline).toBe('Parcel delivery change — delivery scheduled');
  });

  it('short informational calls are answered questions', () => {
    expect(summarize('message-hours-short')).toMatchObject({ headline: 'Store opening hours — question answered', resolution: { status: 'resolved' } });
    const outage = summarize('voice-outage-short');
    expect(outage.headline).toBe('Outage in Riverside — question answered');
    expect(outage.follow_up_actions).toEqual([{ action: 'Crews estimate service back by 6 PM', owner: 'team', due: 'by 6 PM' }]);
  });

  it('voice-internet-troubleshooting-long (88 turns): the fix, not the steps; checks are summarized', () => {
    const f = summarize('voice-internet-troubleshooting-long');
    expect(f.headline).toBe('Internet keeps dropping — line profile lowered');
    expect(f.summary).toContain('After a series of checks, the low noise margin was the cause; the agent lowered the line profile.');
    expect(f.summary).not.toMatch(/Step \d/);
    expect(f.follow_up_actions.map((a) => a.owner)).toEqual(['customer']);
    expect(f.entities).toContainEqual({ type: 'order_reference', value: 'TK-774512' });
  });

  it('voice-es-fee: written in Spanish with Spanish templates', () => {
    const f = summarize('voice-es-fee');
    expect(f.language).toBe('es-ES');
    expect(f.headline).toBe('Comisión en la factura — cargo anulado');
    expect(f.summary).toMatch(/^El cliente indica que le han cobrado una comisión de 15 euros en la última factura y no sabe por qué\./);
    expect(f.summary).toContain('el agente se lo anula');
    expect(f.resolution.status).toBe('resolved');
    expect(f.topics).toEqual(['facturación']);
  });

  it('never names a membership or policy number as an entity', () => {
    expect(summarize('message-subscription-cancel').entities).toEqual([{ type: 'order_reference', value: 'CX-10457' }]);
    expect(summarize('voice-address-change').entities).toEqual([]);
  });
});
