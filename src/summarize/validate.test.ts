import { describe, expect, it } from 'vitest';
import type { SummaryFields } from '../domain.js';
import { SUMMARY_JSON_SCHEMA, parseSummaryContent } from './output-schema.js';
import { validateAnswer, validateSummary } from './validate.js';

const fields: SummaryFields = {
  summary: 'The customer asked about a late refund for order ORD-20231; the agent confirmed it was issued.',
  intent: 'Check refund status',
  resolution: 'Refund confirmed as issued',
  follow_up_actions: ['Agent to email the [EMAIL] address a receipt'],
  sentiment: 'positive',
};

describe('validateSummary', () => {
  it('accepts a good summary, placeholders included', () => {
    expect(validateSummary(fields, { maxLength: 200 })).toEqual([]);
  });

  it('reports TOO_LONG first with both lengths', () => {
    const issues = validateSummary(fields, { maxLength: 50 });
    expect(issues[0]).toEqual({ code: 'TOO_LONG', message: `summary is ${fields.summary.length} characters; the limit is 50` });
  });

  it('reports more than one paragraph and empty fields as SCHEMA_INVALID', () => {
    const issues = validateSummary({ ...fields, summary: 'One.\n\nTwo.', intent: '  ', follow_up_actions: [''] }, { maxLength: 200 });
    expect(issues.map((i) => i.code)).toEqual(['SCHEMA_INVALID', 'SCHEMA_INVALID', 'SCHEMA_INVALID']);
  });

  it('finds PII in any field without quoting it', () => {
    const issues = validateSummary(
      { ...fields, resolution: 'Card 4111 1111 1111 1111 refunded', follow_up_actions: ['Call (555) 123-4567'] },
      { maxLength: 200 },
    );
    expect(issues.map((i) => [i.code, i.message.split(' ')[0]])).toEqual([
      ['PII_IN_OUTPUT', 'resolution'],
      ['PII_IN_OUTPUT', 'follow_up_actions[0]'],
    ]);
    expect(JSON.stringify(issues)).not.toMatch(/4111|555/);
  });
});

describe('validateAnswer / parseSummaryContent', () => {
  it('parses JSON (also fenced) into fields', () => {
    expect(validateAnswer(JSON.stringify(fields), { maxLength: 200 })).toEqual({ fields, issues: [] });
    expect(parseSummaryContent('```json\n' + JSON.stringify(fields) + '\n```')).toEqual({ ok: true, fields });
  });

  it('reports broken JSON, a wrong enum, extra keys and empty content as SCHEMA_INVALID', () => {
    for (const content of ['{"summary": "x', JSON.stringify({ ...fields, sentiment: 'angry' }), JSON.stringify({ ...fields, extra: 1 }), '', null]) {
      const { issues, fields: parsed } = validateAnswer(content, { maxLength: 200 });
      expect(parsed).toBeUndefined();
      expect(issues.map((i) => i.code)).toEqual(['SCHEMA_INVALID']);
    }
  });

  it('has a strict JSON schema with exactly the zod fields, all required', () => {
    expect(Object.keys(SUMMARY_JSON_SCHEMA.properties).sort()).toEqual(Object.keys(fields).sort());
    expect([...SUMMARY_JSON_SCHEMA.required].sort()).toEqual(Object.keys(fields).sort());
    expect(SUMMARY_JSON_SCHEMA.additionalProperties).toBe(false);
  });
});
