// Allow patterns (config/pii.json) reach both ends: the redaction before the model and the check of its answer.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Transcript } from '../../domain.js';
import { silentLogger } from '../../logger.js';
import { createSummaryEngine } from '../engine.js';
import { loadPiiConfig } from './pii.js';
import { sampleFields } from '../../../test/support/summaries.js';
import { validateSummary } from '../checks/validate.js';
import { MODELS } from '../../../test/support/models.js';

const PROMPTS = fileURLToPath(new URL('../../../config/prompts/', import.meta.url));
const STORE_LINE = /^555-010-4477$/;

const transcript: Transcript = {
  conversationId: '0b7f0a36-9a4e-4f3c-8a53-1f2d3c4b5a69',
  mediaType: 'message',
  language: 'en',
  turns: [
    { speaker: 'customer', text: 'Hi, my blender arrived broken and I want a refund please, the box was crushed.', at: '2024-05-01T10:00:00Z' },
    { speaker: 'agent', text: 'Sorry about that. I have issued the refund; the store line 555-010-4477 can also help.', at: '2024-05-01T10:01:00Z' },
    { speaker: 'customer', text: 'Thanks, you can also call me on 555-123-4567 if needed.', at: '2024-05-01T10:02:00Z' },
  ],
};

describe('PII allow patterns', () => {
  it('keep an allowed number in the output check and reject the rest', () => {
    const fields = sampleFields({ summary: 'The customer may call the store line 555-010-4477 for help.' });
    expect(validateSummary(fields, { maxLength: 500 }).map((i) => i.code)).toContain('PII_IN_OUTPUT');
    expect(validateSummary(fields, { maxLength: 500, piiAllow: [STORE_LINE] })).toEqual([]);
  });

  it('leave an allowed number in the redacted transcript while the customer phone is still redacted', async () => {
    const plain = await createSummaryEngine({ models: MODELS, promptsDir: PROMPTS, templateId: 'default', logger: silentLogger() });
    const allowing = await createSummaryEngine({ models: MODELS, promptsDir: PROMPTS, templateId: 'default', logger: silentLogger(), piiAllow: [STORE_LINE] });
    const a = await plain.generate(transcript, { maxLength: 400 });
    const b = await allowing.generate(transcript, { maxLength: 400 });
    expect(a.redactions.phone).toBe(2);
    expect(b.redactions.phone).toBe(1);
  });

  it('ships as config/pii.json with valid patterns', () => {
    const { allow } = loadPiiConfig(new URL('../../../config/pii.json', import.meta.url));
    expect(allow.length).toBeGreaterThan(0);
    expect(allow.some((re) => re.test('ORD-20231'))).toBe(true);
  });
});

describe('PII config errors', () => {
  it('names the file and the bad pattern', async () => {
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(`${tmpdir()}/wrapup-pii-`);
    const file = `${dir}/pii.json`;
    writeFileSync(file, JSON.stringify({ allow: ['^ok$', '(unclosed'] }));
    expect(() => loadPiiConfig(file)).toThrow(/allow\.1: not a valid regular expression/);
    writeFileSync(file, '{ not json');
    expect(() => loadPiiConfig(file)).toThrow(/is not valid JSON/);
    rmSync(dir, { recursive: true, force: true });
  });
});
