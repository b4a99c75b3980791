// Quality-score distribution on the ABCD/STAR corpus for the extractive summarizer and the OpenAI fake ('ok' mode),
// through the real engine; writes test/bench/QUALITY.md. Run: npx tsx test/bench/quality-distribution.ts
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { SummaryEngine } from '../../src/ports.js';
import { isAppError } from '../../src/errors.js';
import { silentLogger } from '../../src/logger.js';
import { startOpenAiFake } from '../../src/sim/openai-fake.js';
import { createSummaryEngine } from '../../src/summarize/engine.js';
import { QUALITY_WEIGHTS } from '../../src/summarize/checks/quality.js';
import { CORPUS_PATH, conversationUuid, loadCorpus, PROMPTS_DIR, toTranscript } from '../quality/corpus.js';
import { MODELS } from '../support/models.js';

const MAX_LENGTH = 500;
const PARTS = Object.keys(QUALITY_WEIGHTS);

/** What one summarizer did over the corpus. */
interface Run {
  name: string;
  scores: number[];
  parts: Record<string, number[]>;
  skipped: number;
  failed: Record<string, number>;
  withUngrounded: number;
  total: number;
}

async function runCorpus(name: string, engine: SummaryEngine, corpus: NonNullable<ReturnType<typeof loadCorpus>>): Promise<Run> {
  const run: Run = { name, scores: [], parts: Object.fromEntries(PARTS.map((p) => [p, []])), skipped: 0, failed: {}, withUngrounded: 0, total: corpus.length };
  for (const [i, convo] of corpus.entries()) {
    try {
      const summary = await engine.generate(toTranscript(conversationUuid(i, 5), convo.turns), { maxLength: MAX_LENGTH });
      run.scores.push(summary.quality_score);
      for (const part of PARTS) run.parts[part]?.push(summary.quality[part] ?? Number.NaN);
      if ((summary.ungrounded?.length ?? 0) > 0) run.withUngrounded += 1;
    } catch (err) {
      if (isAppError(err, 'CONTENT_TOO_SHORT')) run.skipped += 1;
      else {
        const code = isAppError(err) ? err.code : 'UNEXPECTED';
        run.failed[code] = (run.failed[code] ?? 0) + 1;
      }
    }
  }
  return run;
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
}

const mean = (xs: readonly number[]): number => (xs.length === 0 ? Number.NaN : xs.reduce((s, x) => s + x, 0) / xs.length);
const f3 = (x: number): string => (Number.isNaN(x) ? '–' : x.toFixed(3));
const pct = (n: number, of: number): string => (of === 0 ? '–' : `${((100 * n) / of).toFixed(1)}%`);

function distributionTable(runs: readonly Run[]): string[] {
  const rows = runs.map((r) => {
    const s = [...r.scores].sort((a, b) => a - b);
    const failed = Object.entries(r.failed).map(([code, n]) => `${code} ${n}`).join(', ') || '0';
    return `| ${r.name} | ${s.length} | ${f3(s[0] ?? Number.NaN)} | ${f3(percentile(s, 10))} | ${f3(percentile(s, 50))} | ${f3(percentile(s, 90))} | ${f3(s.at(-1) ?? Number.NaN)} | ${f3(mean(s))} | ${pct(r.skipped, r.total)} | ${pct(r.withUngrounded, s.length)} | ${failed} |`;
  });
  return ['| summarizer | scored | min | p10 | median | p90 | max | mean | skipped (too little content) | with ungrounded items | failed |', '|---|---|---|---|---|---|---|---|---|---|---|', ...rows];
}

function histogramTable(runs: readonly Run[]): string[] {
  const buckets = Array.from({ length: 10 }, (_, i) => i);
  const count = (r: Run, b: number): number => r.scores.filter((s) => Math.min(9, Math.floor(s * 10)) === b).length;
  const label = (b: number): string => `${(b / 10).toFixed(1)}–${((b + 1) / 10).toFixed(1)}${b === 9 ? ']' : ')'}`;
  return [
    `| quality score | ${runs.map((r) => r.name).join(' | ')} |`,
    `|---|${runs.map(() => '---').join('|')}|`,
    ...buckets.map((b) => `| [${label(b)} | ${runs.map((r) => `${count(r, b)} ${'█'.repeat(Math.round((40 * count(r, b)) / Math.max(1, r.scores.length)))}`).join(' | ')} |`),
  ];
}

function partsTable(runs: readonly Run[]): string[] {
  return [
    `| part (weight) | ${runs.map((r) => r.name).join(' | ')} |`,
    `|---|${runs.map(() => '---').join('|')}|`,
    ...PARTS.map((p) => `| ${p} (${QUALITY_WEIGHTS[p as keyof typeof QUALITY_WEIGHTS]}) | ${runs.map((r) => f3(mean(r.parts[p] ?? []))).join(' | ')} |`),
  ];
}

async function main(): Promise<void> {
  const corpus = loadCorpus();
  if (!corpus) {
    console.log(`corpus not found at ${CORPUS_PATH}; nothing written`);
    return;
  }
  const fake = await startOpenAiFake({ mode: 'ok' });
  try {
    const common = { models: MODELS, promptsDir: PROMPTS_DIR, templateId: 'default', logger: silentLogger() };
    const extractive = await createSummaryEngine(common);
    const llm = await createSummaryEngine({ ...common, openai: { apiKey: 'bench', baseUrl: fake.url, model: 'gpt-4o-mini', timeoutMs: 10_000, maxRetries: 0, temperature: 0.2 } });
    const runs = [await runCorpus('extractive', extractive, corpus), await runCorpus("LLM (OpenAI fake, 'ok')", llm, corpus)];
    const out = [
      '# Summary quality on the ABCD/STAR corpus',
      '',
      `Generated by \`npx tsx test/bench/quality-distribution.ts\` on ${new Date().toISOString().slice(0, 10)} (Node ${process.version}).`,
      `${corpus.length} dialogues (50 ABCD + 250 STAR), each summarized by the real engine (redact → content check → summarize → validate → ground → score) with max_length ${MAX_LENGTH} and no wrap-up codes.`,
      "The LLM row uses the OpenAI fake in 'ok' mode: its answers are template text built from the customer's first request, so the row checks the scoring pipeline, not a model's writing. Percentiles are nearest-rank.",
      '',
      '## Distribution',
      '',
      ...distributionTable(runs),
      '',
      '## Histogram (10 buckets)',
      '',
      ...histogramTable(runs),
      '',
      '## Mean of each quality part',
      '',
      ...partsTable(runs),
      '',
    ].join('\n');
    writeFileSync(fileURLToPath(new URL('./QUALITY.md', import.meta.url)), out);
    console.log(out);
  } finally {
    await fake.close();
  }
}

await main();
