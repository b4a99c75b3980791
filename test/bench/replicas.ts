// `npm run bench` (alone: `npm run bench -- --only replicas`): several replicas on one Redis; run.ts writes REPLICAS.md.
// 1. Summaries per second with 1, 2 and 3 replicas (child processes, BullMQ queue) at a fixed model latency: a batch
//    of conversations ends at once and the clock runs until every summary is stored; the same-run baseline is one
//    replica on SQLite (embedded queue) with the same batch, latency, model slots and worker concurrency.
// 2. GET /api/summary/{id} requests per second of one replica on Redis vs on SQLite, memory tier warm and off, under
//    the retrieval bench's load (service child compiled, load client in its own process).
// Not part of `npm test`: no wall-clock assertions. Env: BENCH_BATCH @default 48, BENCH_MODEL_MS @default 400.
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { silentLogger } from '../../src/logger.js';
import { startGenesysSim, type GenesysSim } from '../../src/sim/genesys-sim.js';
import { startOpenAiFake, type OpenAiFake } from '../../src/sim/openai-fake.js';
import { createKeyvBackend } from '../../src/store/keyv-backend.js';
import { createSummaryStore } from '../../src/store/summary-store.js';
import { killAll, spawnWrapup, started, type WrapupChild } from '../faults/child.js';
import { startRedisServer } from '../support/redis-server.js';
import { startServerChild } from './load/children.js';
import { collectBodies, measure, seedSummaries, simEnv, wrapupEnv, type Measured } from './retrieval.js';

const BATCH = Number(process.env.BENCH_BATCH ?? 48);
const MODEL_MS = Number(process.env.BENCH_MODEL_MS ?? 400);
/** Model slots per replica (OPENAI_MAX_CONCURRENCY's default); each replica's worker keeps its default, twice that. */
const MODEL_SLOTS = 4;
const now = (): number => performance.now();
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const progress = (msg: string): void => void process.stderr.write(`[replicas bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);

/** Ends BATCH conversations at once and waits until all are stored; summaries per second. */
async function drainRate(sim: GenesysSim, storeUrl: string): Promise<number> {
  const backend = await createKeyvBackend(storeUrl);
  const summaries = createSummaryStore({ keyv: backend.keyv('summaries'), defaultMaxLength: 500, logger: silentLogger() });
  try {
    const ids = Array.from({ length: BATCH }, (_, i) => sim.startConversation({ scenario: sim.scenarios[i % sim.scenarios.length] }).id);
    const start = now();
    for (const id of ids) sim.endConversation(id);
    let left = ids;
    while (left.length > 0) {
      await sleep(20);
      left = (await Promise.all(left.map(async (id) => ((await summaries.get(id)) ? undefined : id)))).filter((id): id is string => id !== undefined);
      if (now() - start > 300_000) throw new Error(`${left.length} summaries missing after 5 minutes`);
    }
    return (BATCH / (now() - start)) * 1000;
  } finally {
    await backend.close();
  }
}

/** `count` replicas on `storeUrl` (each with its own fake at MODEL_MS), started and with the channels open. */
async function replicas(sim: GenesysSim, fakes: OpenAiFake[], home: string, storeUrl: string, count: number): Promise<WrapupChild[]> {
  const children = fakes.slice(0, count).map((fake, i) =>
    spawnWrapup({ sim, fake, home, storeUrl, extra: { REPLICA_ID: `bench-${i + 1}`, OPENAI_MAX_CONCURRENCY: String(MODEL_SLOTS) } }),
  );
  await Promise.all(children.map(async (c) => started(c)));
  const deadline = Date.now() + 60_000;
  while (sim.connectedSockets() !== 1 && Date.now() < deadline) await sleep(50);
  await sleep(500);
  return children;
}

async function throughput(sim: GenesysSim, fakes: OpenAiFake[], home: string): Promise<Array<{ label: string; rate: number }>> {
  const out: Array<{ label: string; rate: number }> = [];
  const sqlite = `sqlite://${path.join(home, 'base.sqlite')}`;
  progress('baseline: 1 replica on SQLite');
  let children = await replicas(sim, fakes, home, sqlite, 1);
  out.push({ label: '1 replica, SQLite, embedded queue (baseline)', rate: await drainRate(sim, sqlite) });
  progress(`baseline: ${out[0]?.rate.toFixed(1)} summaries/s`);
  await killAll(children);
  for (const count of [1, 2, 3]) {
    const redis = await startRedisServer({ persistent: false });
    try {
      progress(`${count} replica(s) on Redis: starting`);
      children = await replicas(sim, fakes, home, redis.url, count);
      out.push({ label: `${count} replica${count > 1 ? 's' : ''}, Redis, BullMQ`, rate: await drainRate(sim, redis.url) });
      progress(`${count} replica(s): ${out[out.length - 1]?.rate.toFixed(1)} summaries/s`);
      await killAll(children);
    } finally {
      await redis.stop();
    }
  }
  return out;
}

interface RetrievalRow {
  store: string;
  tier: string;
  measured: Measured;
}

/**
 * GET /api/summary/{id} under load on one replica per store: the service child (compiled, its own process) over
 * SQLite and over Redis, with the memory tier warm and off (every read from the store), 50 connections from the load
 * client's own process rotating over the seeded summaries, as the retrieval bench loads it.
 */
async function retrievalByStore(sim: GenesysSim, dir: string, quick: boolean): Promise<RetrievalRow[]> {
  const load = { connections: 50, warmupS: 2, durationS: quick ? 3 : 5 };
  const rows: RetrievalRow[] = [];
  const redis = await startRedisServer({ persistent: false });
  try {
    for (const [store, url] of [['SQLite', `sqlite://${path.join(dir, 'get.sqlite')}`], ['Redis', redis.url]] as const) {
      const ids = await seedSummaries(url, quick ? 500 : 2000);
      for (const [tier, extra] of [['warm', {}], ['off', { SUMMARY_CACHE_MAX_ENTRIES: '0' }]] as const) {
        progress(`retrieval on ${store}, memory tier ${tier}`);
        const child = await startServerChild('serve-wrapup.mjs', [wrapupEnv(url, { ...simEnv(sim), ...extra })]);
        try {
          const pathsFile = path.join(dir, `paths-${store}-${tier}.json`);
          writeFileSync(pathsFile, JSON.stringify((await collectBodies(child.url, ids)).map(([p, , etag]) => [p, etag])));
          const [measured] = await measure(child, pathsFile, load, 1);
          rows.push({ store, tier, measured: measured! });
        } finally {
          await child.stop();
        }
      }
    }
  } finally {
    await redis.stop();
  }
  return rows;
}

/** Both parts; the markdown of REPLICAS.md. */
export async function benchReplicas(dir: string, quick: boolean): Promise<string> {
  const sim = await startGenesysSim({ heartbeatIntervalMs: 30_000, rateLimitPerMinute: 0 });
  const fakes = await Promise.all([1, 2, 3].map(async () => startOpenAiFake({ delayMs: MODEL_MS })));
  let rates: Array<{ label: string; rate: number }>;
  let gets: RetrievalRow[];
  try {
    rates = await throughput(sim, fakes, dir);
    gets = await retrievalByStore(sim, dir, quick);
  } finally {
    for (const fake of fakes) await fake.close();
    await sim.close();
  }
  const base = rates[0]?.rate ?? 1;
  const baseGets = gets[0]?.measured.reqPerSec ?? 1;
  return [
    '# Replicas on Redis',
    '',
    `Written by \`npm run bench -- --only replicas\` (test/bench/replicas.ts) on ${new Date().toISOString()} (Node ${process.version}, ` +
      `${cpus().length} cores, load average at start ${loadavg()[0]!.toFixed(2)}, loopback${quick ? ', --quick' : ''}).`,
    '',
    `Summaries per second: ${BATCH} conversations end at once, the model answers after ${MODEL_MS} ms, ` +
      `${MODEL_SLOTS} model slots per replica and the default worker (${2 * MODEL_SLOTS} conversations in progress); every replica is a child process with its own model fake.`,
    '',
    '| setup | summaries/s | vs baseline |',
    '|---|---|---|',
    ...rates.map((r) => `| ${r.label} | ${r.rate.toFixed(1)} | ${(r.rate / base).toFixed(2)}× |`),
    '',
    'Retrieval per replica: GET /api/summary/{id} of one service child, 50 connections from a load client in its own ' +
      `process for ${quick ? 3 : 5} s after a warm-up, rotating over ${quick ? 500 : '2,000'} stored summaries.`,
    '',
    '| store | memory tier | req/s | vs SQLite, tier warm | server CPU µs per request | p50 ms | p99 ms | answers |',
    '|---|---|---|---|---|---|---|---|',
    ...gets.map(({ store, tier, measured: m }) =>
      `| ${store} | ${tier} | ${m.reqPerSec.toFixed(0)} | ${(m.reqPerSec / baseGets).toFixed(2)}× | ${m.cpuUsPerRequest.toFixed(0)} | ${m.p50} | ${m.p99} | ` +
        `${Object.entries(m.statusCodes).map(([code, n]) => `${code}×${n}`).join('; ')} |`,
    ),
    '',
  ].join('\n');
}
