import { describe, expect, it } from 'vitest';
import { extractJson } from './answer-json.js';
import { parseSummaryContent } from './output-schema.js';
import { fitLengths, FIELD_LIMITS, promptTarget, sentenceEnds, shortenAtSentence, shortenAtWord } from './output-limits.js';
import { sampleFields } from '../../../test/support/summaries.js';

const fields = sampleFields();
const CODES = [{ id: 'c-refund', name: 'Refund issued' }, { id: 'c-other', name: 'Other' }];
const ctx = { codes: CODES, language: 'es-MX' };

describe('extractJson: the JSON as real models wrap it', () => {
  const json = JSON.stringify({ a: 'b', c: [1, 2] });
  it.each([
    ['fenced with prose around', `Sure! Here it is:\n\n\`\`\`json\n${json}\n\`\`\`\nAnything else?`, ['json_extracted']],
    ['an unlabelled fence', `\`\`\`\n${json}\n\`\`\``, ['json_extracted']],
    ['followed by prose', `${json}\n\nI hope this helps.`, ['json_extracted']],
    ['after prose, no fence', `Summary below. ${json}`, ['json_extracted']],
    ['typographic quotes as delimiters', '{“a”: “b”, “c”: [1, 2]}', ['quotes_normalized']],
    ['a trailing comma', '{"a": "b", "c": [1, 2,],}', ['trailing_commas_removed']],
  ])('%s', (_what, content, repairs) => {
    expect(extractJson(content)).toEqual({ ok: true, value: { a: 'b', c: [1, 2] }, repairs });
  });

  it('keeps typographic quotes inside strings and braces inside strings', () => {
    expect(extractJson('Note: {"a": "she said “hi” {x}"} done')).toEqual({ ok: true, value: { a: 'she said “hi” {x}' }, repairs: ['json_extracted'] });
  });

  it('reports empty and unparseable answers without quoting them', () => {
    expect(extractJson('')).toEqual({ ok: false, message: 'the answer was empty' });
    expect(extractJson('{"summary": "The customer called about')).toEqual({ ok: false, message: 'the answer is not valid JSON' });
  });
});

describe('parseSummaryContent: form repairs before any re-ask', () => {
  it('maps enum casing and synonyms, N/A, strings for numbers, percentages, code names and language names', () => {
    const messy = {
      ...fields,
      resolution: { status: 'Follow-up needed', text: fields.resolution.text },
      sentiment: { start: 'Frustrated', end: 'POSITIVE' },
      follow_up_actions: [{ action: 'Send the receipt', owner: 'Representative', due: 'N/A' }, { action: 'none', owner: 'agent', due: null }],
      topics: ['refund', 'N/A'],
      entities: [{ type: 'Order number', value: 'ORD-20231' }],
      language: 'Spanish',
      wrapup_code_id: 'refund issued',
      confidence: { summary: '0.9', intent: '85%', resolution: 70, wrapup_code: 0.4 },
    };
    const parsed = parseSummaryContent(JSON.stringify(messy), ctx);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.fields).toMatchObject({
      resolution: { status: 'follow_up_needed' },
      sentiment: { start: 'negative', end: 'positive' },
      follow_up_actions: [{ action: 'Send the receipt', owner: 'agent', due: null }],
      topics: ['refund'],
      entities: [{ type: 'order_reference', value: 'ORD-20231' }],
      language: 'es',
      wrapup_code_id: 'c-refund',
      confidence: { summary: 0.9, intent: 0.85, resolution: 0.7, wrapup_code: 0.4 },
    });
    expect(new Set(parsed.repairs)).toEqual(
      new Set(['enums_normalized', 'empty_values_cleared', 'language_normalized', 'wrapup_code_mapped', 'numbers_coerced']),
    );
  });

  it('drops a wrap-up code the queue does not have, joins a multi-line summary, fills missing lists and confidence', () => {
    const { topics: _t, entities: _e, confidence: _c, ...rest } = fields;
    const parsed = parseSummaryContent(JSON.stringify({ ...rest, summary: 'First line.\n\nSecond line.', wrapup_code_id: 'made-up' }), ctx);
    expect(parsed).toMatchObject({
      ok: true,
      fields: { summary: 'First line. Second line.', topics: [], entities: [], wrapup_code_id: null, confidence: { summary: 0.5 } },
    });
    expect(parsed.ok && new Set(parsed.repairs)).toEqual(new Set(['line_breaks_joined', 'lists_defaulted', 'wrapup_code_dropped', 'confidence_defaulted']));
  });

  it('derives a missing headline from the summary, but never invents a missing intent', () => {
    const parsed = parseSummaryContent(JSON.stringify({ ...fields, headline: 'N/A' }), ctx);
    expect(parsed).toMatchObject({ ok: true, repairs: ['headline_derived'] });
    expect(parsed.ok && fields.summary.startsWith(parsed.fields.headline)).toBe(true);
    const noIntent = parseSummaryContent(JSON.stringify({ ...fields, intent: undefined }), ctx);
    expect(noIntent).toMatchObject({ ok: false, details: { reason: 'schema', paths: ['intent'] } });
  });

  it('takes key aliases models use (follow_ups, wrapup_code)', () => {
    const { follow_up_actions, wrapup_code_id: _w, ...rest } = fields;
    const parsed = parseSummaryContent(JSON.stringify({ ...rest, follow_ups: follow_up_actions, wrapup_code: 'c-other' }), ctx);
    expect(parsed).toMatchObject({ ok: true, fields: { follow_up_actions, wrapup_code_id: 'c-other' } });
  });
});

describe('local fitting to the limits', () => {
  it('states each limit below the hard one, so a 40 % overshoot still fits', () => {
    for (const limit of [80, 200, 300, 500, 1000]) expect(Math.ceil(promptTarget(limit) * 1.4)).toBeLessThanOrEqual(limit);
  });

  it('shortens at a word boundary with an ellipsis, never mid-word', () => {
    const text = 'Customer disputes a duplicated charge on the monthly broadband invoice and wants a refund';
    const short = shortenAtWord(text, 40);
    expect(short.length).toBeLessThanOrEqual(40);
    expect(short.endsWith('…')).toBe(true);
    expect(text.startsWith(short.slice(0, -1))).toBe(true);
    expect(text[short.length - 1]).toMatch(/\s/);
    expect(shortenAtWord('short', 40)).toBe('short');
  });

  it('shortens a summary at the last sentence boundary that fits, skipping abbreviations', () => {
    const summary = 'The customer called Dr. Smith’s office about a refund. The agent issued it. The customer thanked the agent and the call ended politely.';
    expect(sentenceEnds(summary)).toEqual([54, 75, summary.length]);
    expect(shortenAtSentence(summary, 100)).toBe('The customer called Dr. Smith’s office about a refund. The agent issued it.');
    expect(shortenAtSentence(summary, 60)).toBe('The customer called Dr. Smith’s office about a refund.');
    // The first sentence alone is too long: a word boundary.
    const cut = shortenAtSentence(summary, 30);
    expect(cut.length).toBeLessThanOrEqual(30);
    expect(cut.endsWith('…')).toBe(true);
  });

  it('fits every short field and list, records each change, and leaves the summary unless asked', () => {
    const long = sampleFields({
      headline: 'H '.repeat(60).trim(),
      summary: 'One sentence here. Another sentence follows it.',
      intent: 'i '.repeat(150).trim(),
      resolution: { status: 'resolved', text: 'r '.repeat(200).trim() },
      follow_up_actions: Array.from({ length: 10 }, () => ({ action: 'a '.repeat(120).trim(), owner: 'agent' as const, due: null })),
      topics: Array.from({ length: 11 }, () => 'topic '.repeat(10).trim()),
      entities: Array.from({ length: 14 }, () => ({ type: 'product' as const, value: 'v '.repeat(50).trim() })),
    });
    const kept = fitLengths(long, 30, { summary: false });
    const f = kept.fields;
    expect(f.summary).toBe(long.summary);
    expect(f.headline.length).toBeLessThanOrEqual(FIELD_LIMITS.headline);
    expect(f.intent.length).toBeLessThanOrEqual(FIELD_LIMITS.intent);
    expect(f.resolution.text.length).toBeLessThanOrEqual(FIELD_LIMITS.resolutionText);
    expect(f.follow_up_actions).toHaveLength(FIELD_LIMITS.followUps);
    expect(f.follow_up_actions.every((a) => a.action.length <= FIELD_LIMITS.followUpAction)).toBe(true);
    expect(f.topics).toHaveLength(FIELD_LIMITS.topics);
    expect(f.topics.every((x) => x.length <= FIELD_LIMITS.topic)).toBe(true);
    expect(f.entities).toHaveLength(FIELD_LIMITS.entities);
    expect(new Set(kept.adjustments)).toEqual(
      new Set(['headline_shortened', 'intent_shortened', 'resolution_shortened', 'follow_ups_trimmed', 'follow_ups_shortened', 'topics_trimmed', 'topics_shortened', 'entities_trimmed', 'entities_shortened']),
    );
    const both = fitLengths(long, 30, { summary: true });
    expect(both.fields.summary).toBe('One sentence here.');
    expect(both.adjustments).toContain('summary_shortened');
    expect(fitLengths(fields, 500, { summary: true })).toEqual({ fields, adjustments: [] });
  });
});
