// `npm run bench [-- --quick] [-- --only retrieval|pipeline|replicas] [-- --profile]`: figures as ratios against a
// baseline measured in the same run on the same machine, written to test/bench/RESULTS.md (the sections run replace
// theirs) and, for several replicas on Redis, test/bench/REPLICAS.md.
// Loopback only; every server and load client runs in its own child process. Not part of `npm test`.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { summarizeProfile } from './load/profile.js';
import { benchPipeline } from './pipeline.js';
import { pipelineTables, profileTables, retrievalTable } from './report.js';
import { benchReplicas } from './replicas.js';
import { benchRetrieval } from './retrieval.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const OUT = path.join(HERE, 'RESULTS.md');

const { values: flags } = parseArgs({
  options: { quick: { type: 'boolean', default: false }, only: { type: 'string' }, profile: { type: 'boolean', default: false } },
});

function conditions(): string {
  const [one, five] = loadavg();
  return `Node ${process.version}, ${cpus().length} cores, load average at start ${one!.toFixed(2)} (1 min) / ${five!.toFixed(2)} (5 min), ${new Date().toISOString()}${flags.quick ? ', --quick' : ''}`;
}

/** Replaces (or appends) the `## title` section of RESULTS.md. */
function writeSection(title: string, body: string): void {
  let text: string;
  try {
    text = readFileSync(OUT, 'utf8');
  } catch {
    text = '# Benchmarks\n';
  }
  const section = `## ${title}\n\n${body.trim()}\n`;
  const start = text.indexOf(`## ${title}\n`);
  if (start < 0) text = `${text.trimEnd()}\n\n${section}`;
  else {
    const end = text.indexOf('\n## ', start + 3);
    text = `${text.slice(0, start)}${section}${end < 0 ? '' : text.slice(end)}`;
  }
  writeFileSync(OUT, text);
}

async function retrieval(dir: string): Promise<void> {
  const quick = flags.quick;
  const profileDir = flags.profile ? path.join(dir, 'profile') : undefined;
  if (profileDir) mkdirSync(profileDir);
  const at = conditions();
  const result = await benchRetrieval({
    dir,
    summaries: quick ? 2000 : 10_000,
    connections: 50,
    warmupS: quick ? 2 : 3,
    durationS: quick ? 3 : 10,
    runs: quick ? 2 : 5,
    largeSummaries: quick ? 0 : 100_000,
    profileDir,
  });
  let body = `${at}. ${result.wrapup.length} runs of ${quick ? 3 : 10} s, 50 connections, after a warm-up, rotating over ${quick ? '2,000' : '10,000'} stored summaries (${result.bodyBytes} bytes each); idle RSS ${result.idleRssMb.toFixed(0)} MB.\n\n${retrievalTable(result)}\n`;
  if (profileDir) {
    const file = readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
    if (file) body += `\n### CPU profile of the warm wrapup process (whole life: start, fill, load)\n\n${profileTables(summarizeProfile(path.join(profileDir, file)))}\n`;
  }
  process.stdout.write(`${body}\n`);
  writeSection(quick ? 'Retrieval under load (--quick)' : 'Retrieval under load', body);
}

async function pipeline(dir: string): Promise<void> {
  const quick = flags.quick;
  const profileDir = flags.profile ? path.join(dir, 'pipeline-profile') : undefined;
  if (profileDir) mkdirSync(profileDir);
  const at = conditions();
  const result = await benchPipeline({ dir, burst: quick ? 300 : 2000, concurrency: 16, slowConversations: quick ? 32 : 64, slowRounds: quick ? 1 : 2, perMedia: quick ? 10 : 40, profileDir });
  let body = `${at}. The service in its own process (compiled, production logger at info, SQLite store) against the Genesys simulator (voice transcripts in ASR form) and the OpenAI fake, whose every answer overshoots its stated limits by 10–40 % (repaired locally; both in the bench process); conversations end in a burst on the notification socket; "wall s" runs from the first end to the last summary stored.\n\n${pipelineTables(result)}\n`;
  if (profileDir) {
    const file = readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
    if (file) body += `\n### CPU profile of the service during the 0-ms burst and the media-type runs\n\n${profileTables(summarizeProfile(path.join(profileDir, file)))}\n`;
  }
  process.stdout.write(`${body}\n`);
  writeSection(quick ? 'Pipeline (--quick)' : 'Pipeline', body);
}

async function main(): Promise<void> {
  // The service runs compiled, as in production (test/bench/load/serve-wrapup.mjs imports dist/).
  // The same build as `npm run build` (tsc, then the dashboard's static files into dist/).
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: path.join(HERE, '../..'), stdio: 'inherit' });
  const dir = mkdtempSync(path.join(tmpdir(), 'wrapup-bench-'));
  process.env.HOME = dir;
  try {
    if (!flags.only || flags.only === 'retrieval') await retrieval(dir);
    if (!flags.only || flags.only === 'pipeline') await pipeline(dir);
    if (!flags.only || flags.only === 'replicas') writeFileSync(path.join(HERE, 'REPLICAS.md'), await benchReplicas(dir, flags.quick));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${String(err instanceof Error ? err.stack : err)}\n`);
  process.exit(1);
});
