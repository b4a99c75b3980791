import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isAppError } from '../../errors.js';
import { costUsd, addUsage } from './pricing.js';
import { countMessageTokens, countTokens, encodingFor, inputBudget, loadModelTable, modelSpec } from './tokens.js';
import { MODELS } from '../../../test/support/models.js';

const dir = mkdtempSync(path.join(tmpdir(), 'models-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('countTokens', () => {
  it('picks o200k_base for the GPT-4o/4.1/o-series/GPT-5 family and cl100k_base otherwise', () => {
    for (const m of ['gpt-4o-mini', 'gpt-4.1', 'o3-mini', 'o4-mini', 'gpt-5-mini', 'openai/gpt-4o']) expect(encodingFor(m), m).toBe('o200k_base');
    for (const m of ['gpt-4', 'gpt-3.5-turbo', 'llama3.1:8b', 'mistral']) expect(encodingFor(m), m).toBe('cl100k_base');
  });

  it('counts real BPE tokens (known values), differently per encoding', () => {
    expect(countTokens('hello world', 'gpt-4o')).toBe(2);
    expect(countTokens('', 'gpt-4o')).toBe(0);
    const text = 'Customer: 我想退款，我的订单号是 RF-55810。';
    expect(countTokens(text, 'gpt-4o')).not.toBe(countTokens(text, 'gpt-4'));
    expect(countMessageTokens([{ content: 'hello world' }], 'gpt-4o')).toBe(3 + 4 + 2);
  });
});

describe('model table and budgets', () => {
  it('loads config/models.json with a source and sane entries', () => {
    const table = MODELS;
    expect(table.source).toMatch(/openai\.com/);
    expect(table.models['gpt-4o-mini']).toMatchObject({ contextTokens: 128000, inputPer1M: 0.15, outputPer1M: 0.6 });
    expect(table.default.contextTokens).toBe(8192);
  });

  it('matches dated model names by prefix and falls back to default', () => {
    expect(modelSpec('gpt-4o-mini-2024-07-18', MODELS)).toMatchObject({ known: true, inputPer1M: 0.15 });
    expect(modelSpec('gpt-4o-2024-08-06', MODELS)).toMatchObject({ known: true, inputPer1M: 2.5 });
    expect(modelSpec('llama3.1:8b', MODELS)).toMatchObject({ known: false, contextTokens: 8192 });
  });

  it('budget = context − reserved output − prompt overhead', () => {
    const t = MODELS;
    expect(inputBudget('gpt-4o-mini', MODELS)).toBe(128000 - t.reserveOutputTokens - t.promptOverheadTokens);
    expect(inputBudget('some-local-model', MODELS)).toBe(8192 - Math.min(t.reserveOutputTokens, 1024) - t.promptOverheadTokens);
  });

  it('rejects an invalid table with CONFIG_INVALID naming the field', () => {
    const file = path.join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ source: 'x', models: { m: { contextTokens: -1 } }, default: {} }));
    try {
      loadModelTable(file);
      expect.unreachable();
    } catch (err) {
      expect(isAppError(err, 'CONFIG_INVALID')).toBe(true);
      expect((err as Error).message).toContain('models.m.contextTokens');
    }
    writeFileSync(file, '{nope');
    expect(() => loadModelTable(file)).toThrow(/is not valid JSON/);
  });
});

describe('costUsd', () => {
  it('prices prompt and completion tokens per 1M from the table', () => {
    expect(costUsd('gpt-4o-mini', { prompt_tokens: 1_000_000, completion_tokens: 0 }, MODELS)).toBeCloseTo(0.15, 10);
    expect(costUsd('gpt-4o', { prompt_tokens: 2000, completion_tokens: 500 }, MODELS)).toBeCloseTo((2000 * 2.5 + 500 * 10) / 1e6, 10);
    expect(costUsd('my-vllm-model', { prompt_tokens: 5000, completion_tokens: 5000 }, MODELS)).toBe(0);
  });

  it('adds usages', () => {
    expect(addUsage({ prompt_tokens: 3, completion_tokens: 2 }, undefined, { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 })).toEqual({
      prompt_tokens: 4,
      completion_tokens: 3,
      total_tokens: 7,
    });
  });
});
