// `npx tsx test/bench/queue.ts`: embedded task-queue throughput with a large backlog on a SQLite file store, each
// figure as a ratio against raw keyv.set + keyv.get of a task-sized record on the same store in the same run; writes
// test/bench/QUEUE.md. Not part of `npm test` (no wall-clock assertions).
// Env: QUEUE_MODULE (a task-queue module to measure, e.g. an older copy) @default ../../src/store/task-queue.ts;
// QUEUE_LABEL (the QUEUE.md section to write; other sections are kept) @default after; BENCH_SIZES @default 2000,10000;
// BENCH_BUDGET_S (per phase; a phase stopped early reports the rate of what it did) @default 120.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { EnqueueRequest, TaskQueue } from '../../src/ports.js';
import { silentLogger } from '../../src/logger.js';
import { createKeyvBackend, type KeyvBackend } from '../../src/store/keyv-backend.js';
import type { EmbeddedTaskQueueOptions } from '../../src/store/task-queue.js';

type QueueFactory = (options: EmbeddedTaskQueueOptions) => TaskQueue & { close(): void };

const HERE = path.dirname(fileURLToPath(import.meta.url));
const OUT = path.join(HERE, 'QUEUE.md');
const LABEL = process.env.QUEUE_LABEL ?? 'after';
const SIZES = (process.env.BENCH_SIZES ?? '2000,10000').split(',').map(Number);
const BUDGET_MS = Number(process.env.BENCH_BUDGET_S ?? 120) * 1000;
const BASELINE_OPS = 2000;
const now = (): number => performance.now();

interface Phase {
  done: number;
  ms: number;
}
interface Result {
  n: number;
  baseline: number;
  enqueue: Phase;
  recover: Phase;
  drain: Phase;
}

/** Every third task is a client read's (low priority), so both claim heaps are exercised. */
const request = (i: number): EnqueueRequest => ({
  conversationId: `${String(i).padStart(8, '0')}-0000-4000-8000-000000000000`,
  idempotencyKey: `${String(i).padStart(8, '0')}-0000-4000-8000-000000000000:len500:default@3`,
  maxLength: 500,
  ...(i % 3 === 2 ? { source: 'api', priority: 'low' } : { source: 'backfill' }),
});

/** Raw keyv.set + keyv.get of a task-sized record: the store's own cost, per operation. */
async function baselineOpsPerSecond(backend: KeyvBackend): Promise<number> {
  const keyv = backend.keyv('bench-baseline');
  const record = { schema_version: 1, task_id: '', ...request(0), status: 'pending', attempts: 0, created_at: new Date().toISOString() };
  const start = now();
  for (let i = 0; i < BASELINE_OPS; i++) {
    await keyv.set(`task:${i}`, { ...record, task_id: String(i) });
    await keyv.get(`task:${i}`);
  }
  return (BASELINE_OPS / (now() - start)) * 1000;
}

async function timed(count: number, step: (i: number) => Promise<boolean>): Promise<Phase> {
  const start = now();
  let done = 0;
  while (done < count && now() - start < BUDGET_MS) {
    if (!(await step(done))) break;
    done += 1;
  }
  return { done, ms: now() - start };
}

async function runSize(factory: QueueFactory, n: number): Promise<Result> {
  const dir = mkdtempSync(path.join(tmpdir(), 'wrapup-queue-bench-'));
  const url = `sqlite://${path.join(dir, 'store.sqlite')}`;
  try {
    let backend = await createKeyvBackend(url);
    const baseline = await baselineOpsPerSecond(backend);
    let queue = factory({ keyv: backend.keyv('tasks'), logger: silentLogger() });
    const enqueue = await timed(n, async (i) => (await queue.enqueue(request(i))).created);
    queue.close();
    await backend.close();
    // A restart with the backlog open: what recover() costs before the first claim.
    backend = await createKeyvBackend(url);
    queue = factory({ keyv: backend.keyv('tasks'), logger: silentLogger() });
    const start = now();
    await queue.recover();
    const recover = { done: enqueue.done, ms: now() - start };
    const drain = await timed(enqueue.done, async () => {
      const task = await queue.claim();
      if (!task) return false;
      await queue.complete(task.task_id, { latencyMs: 1, qualityScore: 1 });
      return true;
    });
    queue.close();
    await backend.close();
    return { n, baseline, enqueue, recover, drain };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const rate = (phase: Phase): number => (phase.done / phase.ms) * 1000;
const fmt = (value: number): string => (value >= 100 ? value.toFixed(0) : value.toFixed(1));

function rows(result: Result): string[] {
  const row = (what: string, phase: Phase, note: string): string => {
    const partial = phase.done < result.n ? ` (stopped after ${(phase.ms / 1000).toFixed(0)} s: ${phase.done} of ${result.n})` : '';
    return `| ${result.n} | ${what} | ${fmt(rate(phase))}/s | ${fmt(result.baseline)}/s | ${(rate(phase) / result.baseline).toFixed(3)}× | ${note}${partial} |`;
  };
  return [
    row('enqueue', result.enqueue, 'sequential enqueue() into a growing backlog'),
    row('recover() after restart', result.recover, `open tasks restored per second (${result.recover.ms.toFixed(0)} ms in all)`),
    row('claim + complete', result.drain, 'sequential claim() then complete() until the backlog is empty'),
  ];
}

function section(results: Result[], modulePath: string): string {
  return [
    `<!-- section:${LABEL} -->`,
    `### ${LABEL}`,
    '',
    `Measured ${new Date().toISOString()} (Node ${process.version}) with \`${path.relative(process.cwd(), modulePath) || modulePath}\`.`,
    '',
    '| backlog N | operation | queue | baseline (same run) | ratio | notes |',
    '|---|---|---|---|---|---|',
    ...results.flatMap(rows),
    `<!-- /section:${LABEL} -->`,
  ].join('\n');
}

function writeReport(text: string): void {
  const header = [
    '# Embedded task queue with a large backlog',
    '',
    'Written by `npx tsx test/bench/queue.ts` (SQLite file store, one process, sequential calls). The baseline is raw',
    '`keyv.set` + `keyv.get` of a task-sized record on the same store in the same run; a ratio of 1 would mean each',
    'queue operation costs one such pair. Absolute numbers depend on the machine.',
    '',
  ].join('\n');
  let existing = '';
  try {
    existing = readFileSync(OUT, 'utf8');
  } catch {
    existing = header;
  }
  const pattern = new RegExp(`<!-- section:${LABEL} -->[\\s\\S]*?<!-- /section:${LABEL} -->`);
  const next = pattern.test(existing) ? existing.replace(pattern, text) : `${existing.trimEnd()}\n\n${text}\n`;
  writeFileSync(OUT, next);
}

async function main(): Promise<void> {
  const modulePath = path.resolve(process.env.QUEUE_MODULE ?? path.join(HERE, '../../src/store/task-queue.ts'));
  const mod = (await import(pathToFileURL(modulePath).href)) as { createEmbeddedTaskQueue: QueueFactory };
  const results: Result[] = [];
  for (const n of SIZES) {
    const result = await runSize(mod.createEmbeddedTaskQueue, n);
    console.log(rows(result).join('\n'));
    results.push(result);
  }
  writeReport(section(results, modulePath));
  console.log(`wrote ${OUT}`);
}

await main();
