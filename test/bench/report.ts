// Markdown for RESULTS.md: the retrieval and pipeline tables, each figure beside its same-run baseline.
import type { ProfileSummary } from './load/profile.js';
import type { PipelineResult } from './pipeline.js';
import type { Measured, RetrievalResult } from './retrieval.js';

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const f0 = (n: number): string => n.toFixed(0);
const f1 = (n: number): string => n.toFixed(1);

function codes(m: Measured): string {
  return Object.entries(m.statusCodes).map(([c, n]) => `${c}×${n}`).join(' ') + (m.errors ? ` errors×${m.errors}` : '');
}

function row(name: string, runs: Measured[], bare: number, bareCpu: number): string {
  const rps = mean(runs.map((r) => r.reqPerSec));
  const cpu = mean(runs.map((r) => r.cpuUsPerRequest));
  const p50 = mean(runs.map((r) => r.p50));
  const p99 = Math.max(...runs.map((r) => r.p99));
  const rss = runs.map((r) => (r.heapMb === undefined ? f0(r.rssMb) : `${f0(r.rssMb)} (${f0(r.heapMb)})`)).join(' → ');
  return `| ${name} | ${f0(rps)} | ${(rps / bare).toFixed(2)}× | ${f0(cpu)} | ${(bareCpu / cpu).toFixed(2)}× | ${f1(p50)} | ${f1(p99)} | ${rss} | ${runs.map(codes).join('; ')} |`;
}

/** The retrieval table: req/s (mean of runs), ratio to the bare server, p50 (mean), p99 (worst run), RSS per run. */
export function retrievalTable(r: RetrievalResult): string {
  const bare = mean(r.bare.map((x) => x.reqPerSec));
  const bareCpu = mean(r.bare.map((x) => x.cpuUsPerRequest));
  return [
    '| server | req/s | vs bare | server CPU µs per request | bare µs ÷ this | p50 ms | p99 ms (worst run) | RSS MB after each run (V8 heap used) | answers |',
    '|---|---|---|---|---|---|---|---|---|',
    row('bare node:http, bytes from a Map (baseline)', r.bare, bare, bareCpu),
    row('wrapup, memory tier warm', r.wrapup, bare, bareCpu),
    row('wrapup, `If-None-Match` → 304', [r.conditional], bare, bareCpu),
    row('wrapup, memory tier off (every read from SQLite)', r.cold, bare, bareCpu),
    ...(r.large.length > 0 ? [row('wrapup, 100,000 stored, rotating over all', r.large, bare, bareCpu)] : []),
  ].join('\n');
}

/** The top of a CPU profile, as two small tables. */
export function profileTables(p: ProfileSummary): string {
  const table = (rows: ProfileSummary['functions'], head: string): string =>
    [`| ${head} | self ms | share of busy |`, '|---|---|---|', ...rows.map((x) => `| \`${x.name}\` | ${f0(x.ms)} | ${(x.share * 100).toFixed(1)} % |`)].join('\n');
  return `Busy ${f0(p.busyMs)} ms of ${f0(p.totalMs)} ms sampled.\n\n${table(p.places, 'where')}\n\n${table(p.functions, 'function')}`;
}

/** The pipeline tables: the 0-ms burst, the slow model against its ideal, and calls per summary by media type. */
export function pipelineTables(r: PipelineResult): string {
  const { fast } = r;
  const pct = (ideal: number, seconds: number): string => `${((ideal / seconds) * 100).toFixed(0)} %`;
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
  const slowRow = (name: string, runs: PipelineResult['fast'][], ideal: number): string => {
    const seconds = median(runs.map((w) => w.seconds));
    const each = runs.length > 1 ? ` (median; each: ${runs.map((w) => pct(ideal, w.seconds)).join(', ')})` : '';
    const requests = `${f0(median(runs.map((w) => w.firstRequestMs)))} / ${f0(median(runs.map((w) => w.lastRequestMs)))}`;
    return `| ${name}${each} | ${runs[0]?.conversations ?? 0} | ${f1(seconds)} | ${f1((runs[0]?.conversations ?? 0) / seconds)} | ${f1(median(runs.map((w) => w.cpuMsPerSummary)))} | ${[...new Set(runs.map((w) => w.modelCalls))].join(', ')} | ${requests} | ${ideal} | ${pct(ideal, seconds)} |`;
  };
  const slowRows = r.slow.flatMap((s) => {
    const name = `1 s model, ${s.concurrency} model slots, WORKER_CONCURRENCY ${s.workerConcurrency}`;
    return [slowRow(`${name}: first burst after each start`, s.cold, s.idealSeconds), slowRow(`${name}: the bursts after it`, s.warm, s.idealSeconds)];
  });
  const runs = [
    '| run | conversations | wall s | summaries/s | CPU ms per summary (service process) | model calls | first / last model request, ms after the first end | ideal s | efficiency |',
    '|---|---|---|---|---|---|---|---|---|',
    `| 0-ms model, burst, default concurrency | ${fast.conversations} | ${f1(fast.seconds)} | ${f1(fast.perSecond)} | ${f1(fast.cpuMsPerSummary)} | ${fast.modelCalls} | ${f0(fast.firstRequestMs)} / ${f0(fast.lastRequestMs)} | — | — |`,
    ...slowRows,
  ].join('\n');
  const media = [
    '| media type | conversations | Genesys REST calls per summary | token requests per summary | calls per summary by path |',
    '|---|---|---|---|---|',
    ...r.media.map(
      (m) =>
        `| ${m.mediaType} | ${m.conversations} | ${m.restCalls.toFixed(2)} | ${m.tokenRequests.toFixed(3)} | ${Object.entries(m.byPath)
          .map(([p, n]) => `\`${p}\` ${n.toFixed(2)}`)
          .join('<br>')} |`,
    ),
  ].join('\n');
  return `${runs}\n\n${media}`;
}
