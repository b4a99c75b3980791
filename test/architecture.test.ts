// The layout holds: sub-systems do not import one another, nothing reaches past a folder's index.ts (or a lazy
// door), summarize/'s sub-folders point only downwards, and no production file grows past ~300 lines. Reads the
// imports as text.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../src/', import.meta.url));
const MAX_LINES = 320;

/** Folders whose inside is private: from outside, only their index.ts may be imported. */
const SEALED = [
  'genesys/rest',
  'genesys/notifications',
  'summarize',
  'summarize/redact',
  'summarize/extractive',
  'summarize/llm',
  'summarize/checks',
  'summarize/prompts',
  'store',
  'pipeline',
  'http',
  'deliveries',
];
/**
 * Second doors: a sealed folder's part that outsiders import lazily, apart from its index.ts, so a process that never
 * needs it never loads it (store/redis.ts: BullMQ and ioredis, only on a redis:// store).
 */
const LAZY_DOORS = new Set(['store/redis.ts']);
/** Top-level summarize/ files any of its sub-folders may use: plain helpers with no imports of their own folders. */
const SUMMARIZE_LEAVES = new Set(['summarize/config-file.ts', 'summarize/language.ts', 'summarize/text-utils.ts', 'summarize/transcript-format.ts']);
/** Which summarize/ sub-folder may import which (engine.ts and index.ts on top may import them all). */
const SUMMARIZE_DOWN: Record<string, string[]> = {
  redact: [],
  extractive: ['redact'],
  checks: ['redact'],
  prompts: [],
  llm: ['checks', 'prompts'],
};

function productionFiles(dir = ROOT): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return productionFiles(full);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [full] : [];
  });
}

interface Edge {
  from: string;
  to: string;
  /** An `import()` expression: loaded when that line runs, not with the file. */
  dynamic?: boolean;
}

function edges(): Edge[] {
  const out: Edge[] = [];
  for (const file of productionFiles()) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)\.js'/g)) {
      const target = path.resolve(path.dirname(file), `${m[1]}.ts`);
      out.push({ from: path.relative(ROOT, file), to: path.relative(ROOT, target), dynamic: m[0].includes('(') });
    }
  }
  return out;
}

const dirOf = (file: string): string => path.dirname(file).split(path.sep).join('/');
const inside = (file: string, folder: string): boolean => dirOf(file) === folder || dirOf(file).startsWith(`${folder}/`);
const topFolder = (file: string): string => file.split(path.sep)[0] ?? '';

/** Violations of the import rules in a list of edges (exported for the self-check below). */
export function violations(list: Edge[]): string[] {
  const problems: string[] = [];
  for (const { from, to, dynamic } of list) {
    const a = topFolder(from);
    const b = topFolder(to);
    if (['genesys', 'summarize', 'store'].includes(a) && ['genesys', 'summarize', 'store'].includes(b) && a !== b) {
      problems.push(`${from} → ${to}: ${a}/ must not import ${b}/`);
    }
    // Reaching into a sealed folder from outside it: only its index.ts.
    // The outermost sealed folder holding `to` but not `from` is the door: its index.ts.
    const sealed = SEALED.filter((folder) => inside(to, folder) && !inside(from, folder)).sort((a, b) => a.length - b.length)[0];
    const target = to.split(path.sep).join('/');
    if (sealed && LAZY_DOORS.has(target)) {
      if (!dynamic) problems.push(`${from} → ${to}: a lazy door is imported with import(), never statically`);
    } else if (sealed && target !== `${sealed}/index.ts`) {
      problems.push(`${from} → ${to}: import ${sealed}/index.ts instead`);
    }
    if (inside(from, 'genesys/rest') && inside(to, 'genesys/notifications')) problems.push(`${from} → ${to}: rest/ must not import notifications/`);
    const sub = (f: string): string | undefined => (inside(f, 'summarize') ? dirOf(f).split('/')[1] : undefined);
    const fromSub = sub(from);
    const toSub = sub(to);
    if (fromSub && fromSub !== toSub && inside(to, 'summarize')) {
      const allowed = toSub === undefined ? SUMMARIZE_LEAVES.has(to.split(path.sep).join('/')) : (SUMMARIZE_DOWN[fromSub] ?? []).includes(toSub);
      if (!allowed) problems.push(`${from} → ${to}: summarize/${fromSub} must not import ${toSub ? `summarize/${toSub}` : to}`);
    }
  }
  return problems;
}

describe('architecture', () => {
  const all = edges();

  it('reads real imports (the checks below are not vacuous)', () => {
    expect(all.length).toBeGreaterThan(200);
    expect(all.some((e) => e.from.startsWith('app') && e.to.startsWith('summarize'))).toBe(true);
  });

  it('genesys/, summarize/ and store/ never import one another; nothing reaches past an index.ts; summarize/ points down', () => {
    expect(violations(all)).toEqual([]);
  });

  it('would catch a cross import, a reach past an index and an upward import (self-check)', () => {
    const bad: Edge[] = [
      { from: 'store/task-queue.ts', to: 'genesys/rest/client.ts' },
      { from: 'app.ts', to: 'summarize/redact/pii.ts' },
      { from: 'summarize/redact/pii.ts', to: 'summarize/checks/validate.ts' },
      { from: 'summarize/llm/llm-ask.ts', to: 'summarize/redact/pii.ts' },
      { from: 'genesys/rest/client.ts', to: 'genesys/notifications/socket.ts' },
      { from: 'app/replicas.ts', to: 'store/redis.ts' },
    ].map((e) => ({ from: e.from.split('/').join(path.sep), to: e.to.split('/').join(path.sep) }));
    for (const edge of bad) expect(violations([edge]).length, `${edge.from} → ${edge.to}`).toBeGreaterThan(0);
  });

  it(`keeps every production file under ${MAX_LINES} lines`, () => {
    const long = productionFiles()
      .map((file) => [path.relative(ROOT, file), readFileSync(file, 'utf8').split('\n').length] as const)
      .filter(([, lines]) => lines > MAX_LINES);
    expect(long).toEqual([]);
  });
});
