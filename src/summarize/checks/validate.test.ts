import { describe, expect, it } from 'vitest';
import { parseSummaryContent, summaryJsonSchema, summaryResponseFormat } from './output-schema.js';
import { sampleFields } from '../../../test/support/summaries.js';
import { validateAnswer, validateSummary } from './validate.js';

const fields = sampleFields();
const CODES = [{ id: 'c-refund', name: 'Refund issued' }, { id: 'c-other', name: 'Other' }];
const codes = (issues: Array<{ code: string }>) => issues.map((i) => i.code);

describe('validateSummary (v2)', () => {
  it('accepts a good summary, placeholders and an allowed wrap-up code included', () => {
    expect(validateSummary(fields, { maxLength: 200 })).toEqual([]);
    expect(validateSummary({ ...fields, wrapup_code_id: 'c-refund' }, { maxLength: 200, allowedWrapupCodes: CODES })).toEqual([]);
  });

  it('reports TOO_LONG first with both lengths, for the summary and the headline', () => {
    const issues = validateSummary({ ...fields, headline: 'H'.repeat(81) }, { maxLength: 50 });
    expect(issues.map((i) => i.message)).toEqual([
      `summary is ${fields.summary.length} characters; the limit is 50`,
      'headline is 81 characters; the limit is 80',
    ]);
    expect(codes(issues)).toEqual(['TOO_LONG', 'TOO_LONG']);
  });

  it('reports more than one paragraph, empty fields and a bad language tag as SCHEMA_INVALID', () => {
    const issues = validateSummary(
      { ...fields, summary: 'One.\n\nTwo.', intent: '  ', follow_up_actions: [{ action: '', owner: 'agent', due: null }], language: 'english!' },
      { maxLength: 200 },
    );
    expect(codes(issues)).toEqual(['SCHEMA_INVALID', 'SCHEMA_INVALID', 'SCHEMA_INVALID', 'SCHEMA_INVALID']);
  });

  it('rejects a wrap-up code id that was not offered (and any id when none were)', () => {
    const [bad] = validateSummary({ ...fields, wrapup_code_id: 'made-up' }, { maxLength: 200, allowedWrapupCodes: CODES });
    expect(bad).toEqual({
      code: 'SCHEMA_INVALID',
      message: 'wrapup_code_id must be one of the listed wrap-up code ids, or null',
      details: { check: 'schema', paths: ['wrapup_code_id'] },
    });
    expect(validateSummary({ ...fields, wrapup_code_id: 'c-refund' }, { maxLength: 200 })[0]?.message).toMatch(/must be null/);
  });

  it('finds PII in the headline, follow-ups, topics and entities without quoting it', () => {
    const issues = validateSummary(
      {
        ...fields,
        headline: 'Call back (555) 123-4567',
        follow_up_actions: [{ action: 'Email jane.doe@example.com the label', owner: 'agent', due: null }],
        topics: ['card 4111 1111 1111 1111'],
        entities: [{ type: 'other', value: 'jane.doe@example.com' }],
      },
      { maxLength: 200 },
    );
    expect(issues.map((i) => [i.code, i.message.split(' ')[0]])).toEqual([
      ['PII_IN_OUTPUT', 'headline'],
      ['PII_IN_OUTPUT', 'follow_up_actions[0].action'],
      ['PII_IN_OUTPUT', 'topics[0]'],
      ['PII_IN_OUTPUT', 'entities[0].value'],
    ]);
    expect(issues[3]?.message).toMatch(/drop this entity/);
    expect(JSON.stringify(issues)).not.toMatch(/4111|555|jane/);
  });
});

describe('PII_IN_OUTPUT without the conversation (finding 5)', () => {
  const check = (summary: string) => codes(validateSummary({ ...fields, summary }, { maxLength: 300 }));

  it('passes company, plan and product names and bare first names, which cannot be told from a person here', () => {
    expect(check('The refund letter is addressed to Acme Corp and the booking is in the name of Contoso Travel.')).toEqual([]);
    expect(check('The account holder is Contoso Ltd; the customer said "I am Premium" and "Soy Premium".')).toEqual([]);
    expect(check('This is urgent: the customer asked for a callback about account CX-20931.')).toEqual([]);
  });

  it('still flags structured values and names introduced unambiguously', () => {
    expect(check('The customer, Mr. Penhaligon, wants a callback.')).toEqual(['PII_IN_OUTPUT']);
    expect(check("The customer's name is Jane Doe.")).toEqual(['PII_IN_OUTPUT']);
    expect(check('The customer (me llamo Javier Montes) wants a refund.')).toEqual(['PII_IN_OUTPUT']);
    expect(check('Customer gave account number 85731890 and PIN 4417.')).toEqual(['PII_IN_OUTPUT']);
    expect(check('Send the label to jane.doe@example.com.')).toEqual(['PII_IN_OUTPUT']);
  });
});

describe('validateAnswer / parseSummaryContent', () => {
  it('parses JSON (also fenced) into fields, naming each form repair', () => {
    expect(validateAnswer(JSON.stringify(fields), { maxLength: 200 })).toEqual({ fields, repairs: [], issues: [] });
    expect(parseSummaryContent('```json\n' + JSON.stringify(fields) + '\n```')).toEqual({ ok: true, fields, repairs: ['json_extracted'] });
    const extra = parseSummaryContent(JSON.stringify({ ...fields, extra: 1, resolution: { ...fields.resolution, extra: 1 } }));
    expect(extra).toEqual({ ok: true, fields, repairs: ['extra_keys_dropped'] });
    const person = parseSummaryContent(JSON.stringify({ ...fields, entities: [{ type: 'person', value: 'x' }, ...fields.entities] }));
    expect(person).toEqual({ ok: true, fields, repairs: ['personal_entities_dropped'] });
  });

  it('reports broken JSON, enums it cannot map, v1 shapes, impossible numbers and empty content as SCHEMA_INVALID, naming paths', () => {
    const bad = [
      '{"summary": "x',
      JSON.stringify({ ...fields, sentiment: 'angry' }),
      JSON.stringify({ ...fields, resolution: 'Refund issued' }),
      JSON.stringify({ ...fields, resolution: { ...fields.resolution, status: 'maybe later' } }),
      JSON.stringify({ ...fields, confidence: { ...fields.confidence, summary: 1.5 } }),
      JSON.stringify({ ...fields, intent: undefined }),
      '',
      null,
    ];
    for (const content of bad) {
      const { issues, fields: parsed } = validateAnswer(content, { maxLength: 200 });
      expect(parsed).toBeUndefined();
      expect(codes(issues)).toEqual(['SCHEMA_INVALID']);
    }
  });

  it('has a strict JSON schema: exactly the zod fields, all required, no extra keys at any level', () => {
    const schema = summaryJsonSchema() as any;
    expect(Object.keys(schema.properties).sort()).toEqual(Object.keys(fields).sort());
    expect([...schema.required].sort()).toEqual(Object.keys(fields).sort());
    const objects = [schema, schema.properties.resolution, schema.properties.follow_up_actions.items, schema.properties.sentiment, schema.properties.entities.items, schema.properties.confidence];
    for (const o of objects) {
      expect(o.additionalProperties).toBe(false);
      expect([...o.required].sort()).toEqual(Object.keys(o.properties).sort());
    }
    expect(schema.properties.follow_up_actions.items.properties.due.type).toEqual(['string', 'null']);
  });

  it('limits wrapup_code_id to the offered ids or null', () => {
    expect((summaryJsonSchema() as any).properties.wrapup_code_id).toMatchObject({ type: 'null' });
    const prop = (summaryResponseFormat(CODES).json_schema.schema as any).properties.wrapup_code_id;
    expect(prop.type).toEqual(['string', 'null']);
    expect(prop.enum).toEqual(['c-refund', 'c-other', null]);
    expect(prop.description).toContain('c-refund = Refund issued');
  });
});
