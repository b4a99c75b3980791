// `npm run bench` (also `npx tsx test/bench/replicas.ts`): several replicas on one Redis. Writes test/bench/REPLICAS.md.
// 1. Summaries per second with 1, 2 and 3 replicas (child processes, BullMQ queue) at a fixed model latency: a batch
//    of conversations ends at once and the clock runs until every summary is stored; the same-run baseline is one
//    replica on SQLite (embedded queue) with the same batch, latency and worker concurrency.
// 2. GET /api/summary/{id} requests per second of one replica on Redis vs on SQLite (in-process, sequential keep-alive).
// Not part of `npm test`: no wall-clock assertions. Env: BENCH_BATCH @default 48, BENCH_MODEL_MS @default 400.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../src/config.js';
import { startWrapup } from '../../src/app.js';
import { silentLogger } from '../../src/logger.js';
import { startGenesysSim, type GenesysSim } from '../../src/sim/genesys-sim.js';
import { startOpenAiFake, type OpenAiFake } from '../../src/sim/openai-fake.js';
import { createKeyvBackend } from '../../src/store/keyv-backend.js';
import { createSummaryStore } from '../../src/store/summary-store.js';
import { TEST_API_KEY } from '../helpers.js';
import { killAll, spawnWrapup, started, type WrapupChild } from '../faults/child.js';
import { startRedisServer } from '../support/redis-server.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const BATCH = Number(process.env.BENCH_BATCH ?? 48);
const MODEL_MS = Number(process.env.BENCH_MODEL_MS ?? 400);
const CONCURRENCY = 4;
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
    spawnWrapup({ sim, fake, home, storeUrl, extra: { REPLICA_ID: `bench-${i + 1}`, WORKER_CONCURRENCY: String(CONCURRENCY) } }),
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

/** Sequential keep-alive GETs of one stored summary from an in-process replica on `storeUrl`. */
async function retrievalRate(sim: GenesysSim, storeUrl: string): Promise<number> {
  const config = loadConfig({
    GENESYS_CLIENT_ID: sim.clientId,
    GENESYS_CLIENT_SECRET: sim.clientSecret,
    GENESYS_GATEWAY_URL: sim.url,
    TRANSCRIPT_URL_ALLOW: sim.url,
    API_KEYS: TEST_API_KEY,
    PORT: '0',
    HOST: '127.0.0.1',
    STORE_URL: storeUrl,
    LOG_LEVEL: 'silent',
  });
  const wrapup = await startWrapup(config, silentLogger());
  try {
    const id = sim.startConversation({ scenario: sim.scenarios[0] }).id;
    sim.endConversation(id);
    while (!(await wrapup.service.getSummary(id))) await sleep(10);
    const url = `${wrapup.url}/api/summary/${id}`;
    const headers = { authorization: `Bearer ${TEST_API_KEY}` };
    const get = async (): Promise<void> => {
      const res = await fetch(url, { headers });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`GET answered ${res.status}`);
    };
    for (let i = 0; i < 200; i += 1) await get();
    const count = 1000;
    progress(`retrieval on ${storeUrl.split(':')[0]}`);
    const start = now();
    for (let i = 0; i < count; i += 1) await get();
    return (count / (now() - start)) * 1000;
  } finally {
    await wrapup.stop(2000);
  }
}

async function main(): Promise<void> {
  const home = mkdtempSync(path.join(tmpdir(), 'wrapup-bench-replicas-'));
  process.env.HOME = home;
  const sim = await startGenesysSim({ heartbeatIntervalMs: 30_000, rateLimitPerMinute: 0 });
  const fakes = await Promise.all([1, 2, 3].map(async () => startOpenAiFake({ delayMs: MODEL_MS })));
  try {
    const rates = await throughput(sim, fakes, home);
    const base = rates[0]?.rate ?? 1;
    const sqliteGets = await retrievalRate(sim, `sqlite://${path.join(home, 'get.sqlite')}`);
    const redis = await startRedisServer({ persistent: false });
    const redisGets = await retrievalRate(sim, redis.url).finally(() => redis.stop());
    const out = [
      '# Replicas on Redis',
      '',
      `Written by \`npm run bench\` (test/bench/replicas.ts) on ${new Date().toISOString()} (Node ${process.version}, ${cpus().length} cores, loopback; ` +
        'the machine was shared with other work, so absolute figures are rough; the ratios are same-run).',
      '',
      `Summaries per second: ${BATCH} conversations end at once, the model answers after ${MODEL_MS} ms, ` +
        `${CONCURRENCY} tasks at once per replica; every replica is a child process with its own model fake.`,
      '',
      '| setup | summaries/s | vs baseline |',
      '|---|---|---|',
      ...rates.map((r) => `| ${r.label} | ${r.rate.toFixed(1)} | ${(r.rate / base).toFixed(2)}× |`),
      '',
      'Retrieval: GET /api/summary/{id} of a stored summary, one replica in-process, 1,000 sequential keep-alive requests.',
      '',
      '| store | req/s | vs SQLite |',
      '|---|---|---|',
      `| SQLite (baseline) | ${sqliteGets.toFixed(0)} | 1.00× |`,
      `| Redis | ${redisGets.toFixed(0)} | ${(redisGets / sqliteGets).toFixed(2)}× |`,
      '',
    ].join('\n');
    writeFileSync(path.join(HERE, 'REPLICAS.md'), out);
    process.stdout.write(`${out}\n`);
  } finally {
    for (const fake of fakes) await fake.close();
    await sim.close();
    rmSync(home, { recursive: true, force: true });
  }
}

void main().catch((err: unknown) => {
  process.stderr.write(`replica bench failed: ${String(err)}\n`);
  process.exit(1);
});
