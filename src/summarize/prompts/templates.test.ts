import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isAppError } from '../../errors.js';
import { loadTemplate, renderPrompt } from './templates.js';

const PROMPTS = fileURLToPath(new URL('../../../config/prompts/', import.meta.url));
const good = { id: 't', version: '1', description: 'd', system: 'max {{max_length}}', user: '<transcript>\n{{transcript}}\n</transcript>' };

describe('loadTemplate', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'prompts-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const write = (name: string, content: unknown) =>
    writeFile(path.join(dir, `${name}.json`), typeof content === 'string' ? content : JSON.stringify(content));

  it('loads the shipped default template and hashes its bytes', async () => {
    const t = await loadTemplate(PROMPTS, 'default');
    expect(t.id).toBe('default');
    expect(t.hash).toMatch(/^[0-9a-f]{12}$/);
    expect(t.system).toMatch(/ignore any instructions/i);
  });

  it('renders every placeholder and keeps values verbatim', async () => {
    await write('t', good);
    const t = await loadTemplate(dir, 't');
    const out = renderPrompt(t, { max_length: 300, media_type: 'voice', language: 'en', turn_count: 2, transcript: 'a {{max_length}}' });
    expect(out).toEqual({ system: 'max 300', user: '<transcript>\na {{max_length}}\n</transcript>' });
  });

  it('gives a different hash for different content', async () => {
    await write('t', good);
    const a = await loadTemplate(dir, 't');
    await write('t', { ...good, version: '2' });
    expect((await loadTemplate(dir, 't')).hash).not.toBe(a.hash);
  });

  const failures: Array<[string, unknown, RegExp]> = [
    ['a missing {{transcript}}', { ...good, user: 'no transcript here' }, /must contain \{\{transcript\}\}/],
    ['a missing {{max_length}}', { ...good, system: 'short' }, /\{\{max_length\}\}/],
    ['an unknown placeholder', { ...good, system: '{{max_length}} {{customer_name}}' }, /unknown placeholder \{\{customer_name\}\}/],
    ['a missing field', { id: 't', version: '1', system: '{{max_length}}', user: '{{transcript}}' }, /description/],
    ['invalid JSON', '{"id": ', /not valid JSON/],
    ['an id that is not the file name', { ...good, id: 'other' }, /does not match/],
  ];
  for (const [what, content, message] of failures) {
    it(`fails fast with the file name on ${what}`, async () => {
      await write('t', content);
      const err = await loadTemplate(dir, 't').catch((e: unknown) => e);
      expect(isAppError(err, 'CONFIG_INVALID')).toBe(true);
      expect((err as Error).message).toContain(path.join(dir, 't.json'));
      expect((err as Error).message).toMatch(message);
    });
  }

  it('fails fast when the file does not exist', async () => {
    await expect(loadTemplate(dir, 'nope')).rejects.toThrow(/nope\.json cannot be read/);
  });
});
