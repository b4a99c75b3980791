// Assertions every stored summary must pass: schema v2, lengths, paragraph, wrap-up code, score parts, provenance.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { SummaryRecordSchema, type SummaryRecord } from '../../src/domain.js';
import { HEADLINE_MAX } from '../../src/summarize/checks/output-schema.js';
import { PII_TYPES } from '../../src/summarize/redact/pii.js';
import { adjustmentPenalty, QUALITY_WEIGHTS } from '../../src/summarize/checks/quality.js';
import { validateSummary } from '../../src/summarize/checks/validate.js';
import { PROMPTS_DIR } from './corpus.js';
import { CODES } from './harness.js';

/** id, version and first 12 hex of sha256 of config/prompts/<id>.json, computed independently of the engine. */
export function templateOnDisk(id: string): { id: string; version: string; hash: string } {
  const raw = readFileSync(path.join(PROMPTS_DIR, `${id}.json`));
  const { version } = JSON.parse(raw.toString('utf8')) as { version: string };
  return { id, version, hash: createHash('sha256').update(raw).digest('hex').slice(0, 12) };
}

/** Fails with the record's conversation id when the stored record breaks the v2 contract. */
export function expectValidRecord(record: SummaryRecord, expected: { model: string; maxLength: number; templateId?: string }): void {
  const where = record.conversation_id;
  expect(SummaryRecordSchema.safeParse(record).success, where).toBe(true);
  expect(record.schema_version, where).toBe(2);
  expect(record.max_length, where).toBe(expected.maxLength);
  expect(record.summary.length, where).toBeLessThanOrEqual(expected.maxLength);
  expect(record.summary.trim(), where).not.toMatch(/[\r\n]/);
  expect(record.headline.length, where).toBeLessThanOrEqual(HEADLINE_MAX);
  if (record.wrapup_code !== null) expect(CODES, where).toContainEqual(record.wrapup_code);
  expect(record.model, where).toBe(record.fallback ? 'extractive' : expected.model);
  expect(record.template, where).toEqual(templateOnDisk(expected.templateId ?? 'default'));
  expectScoreParts(record);
  for (const [type, count] of Object.entries(record.redactions)) {
    expect(PII_TYPES as readonly string[], `${where} redaction type`).toContain(type);
    expect(Number.isInteger(count) && count > 0, `${where} redactions.${type}`).toBe(true);
  }
  // The stored fields still pass the output validator (lengths, paragraph, code, no PII in any field).
  const { wrapup_code: code, ...rest } = record;
  const fields = { ...rest, wrapup_code_id: code?.id ?? null, confidence: record.confidence ?? { summary: 0, intent: 0, resolution: 0, wrapup_code: 0 } };
  expect(validateSummary(fields as never, { maxLength: expected.maxLength, allowedWrapupCodes: CODES }), where).toEqual([]);
}

/**
 * quality_score in [0, 1], every weighted part recorded in [0, 1], and the score is their weighted sum, lowered by the
 * penalty of the record's adjustments (recorded as `adjustment_penalty`).
 */
export function expectScoreParts(record: SummaryRecord): void {
  const where = record.conversation_id;
  expect(record.quality_score, where).toBeGreaterThanOrEqual(0);
  expect(record.quality_score, where).toBeLessThanOrEqual(1);
  let sum = 0;
  for (const [part, weight] of Object.entries(QUALITY_WEIGHTS)) {
    const value = record.quality[part];
    expect(value, `${where} quality.${part}`).toBeTypeOf('number');
    expect(value ?? -1, `${where} quality.${part}`).toBeGreaterThanOrEqual(0);
    expect(value ?? 2, `${where} quality.${part}`).toBeLessThanOrEqual(1);
    sum += weight * (value ?? 0);
  }
  const penalty = adjustmentPenalty(record.adjustments);
  expect(record.quality.adjustment_penalty ?? 0, `${where} quality.adjustment_penalty`).toBeCloseTo(penalty, 3);
  expect(Math.abs(sum * (1 - penalty) - record.quality_score), `${where} score vs parts`).toBeLessThan(0.005);
}
