// The retrieval benchmark: GET /api/summary/{id} under load (autocannon, 50 connections, rotating over N stored
// summaries) against a bare node:http server serving the same bytes from a Map; every server and the load client in
// its own process, one server alive at a time.
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { silentLogger } from '../../src/logger.js';
import { createKeyvBackend, createSummaryStore } from '../../src/store/index.js';
import { startGenesysSim, type GenesysSim } from '../../src/sim/genesys-sim.js';
import { sampleRecord } from '../support/summaries.js';
import { runLoad, startServerChild, type ServerChild } from './load/children.js';
import type { LoadResult } from './load/load-client.js';

export const KEY = 'bench-api-key-8c2f5a9e1d7b4063f9c1e7a4b2d5';
const AUTH = { authorization: `Bearer ${KEY}` };

export interface RetrievalOptions {
  dir: string;
  summaries: number;
  connections: number;
  warmupS: number;
  durationS: number;
  runs: number;
  /** Also a run over this many stored summaries (more than the memory tier holds); 0 skips it. */
  largeSummaries: number;
  /** Write a CPU profile of the warm wrapup child here. */
  profileDir?: string | undefined;
}

export interface Measured extends LoadResult {
  /** RSS of the server after this run, MB. */
  rssMb: number;
  /** V8 heap in use after this run, MB (service children only): flat heap under rising RSS is the allocator, not a leak. */
  heapMb?: number | undefined;
  /** The server process's CPU time (user + system) per answered request in this run, µs: less sensitive than req/s to
   * what else the machine runs. */
  cpuUsPerRequest: number;
}

export interface RetrievalResult {
  bodyBytes: number;
  wrapup: Measured[];
  bare: Measured[];
  conditional: Measured;
  cold: Measured[];
  large: Measured[];
  idleRssMb: number;
}

const MB = 1024 * 1024;

/** Writes `count` completed summaries through the summary store at `storeUrl`; returns their conversation ids. */
export async function seedSummaries(storeUrl: string, count: number): Promise<string[]> {
  const backend = await createKeyvBackend(storeUrl);
  const store = createSummaryStore({ keyv: backend.keyv('summaries'), defaultMaxLength: 500, logger: silentLogger() });
  const ids: string[] = [];
  // Written just now, as a live service's are: the memory tier holds an answer only for what is left of its summary's
  // life (created_at + SUMMARY_TTL_SECONDS), so summaries dated months back would never be held at all.
  const seededAt = Date.now();
  for (let i = 0; i < count; i++) {
    const id = randomUUID();
    ids.push(id);
    const summary = `Case ${i}: the customer asked why the refund for order ORD-${10000 + i} had not arrived; the agent checked the payment ledger, found the refund held by a bank review, released it and confirmed it should arrive within three working days. The customer accepted and asked for a written confirmation by email.`;
    await store.put(sampleRecord({ conversation_id: id, task_id: randomUUID(), summary, created_at: new Date(seededAt - i * 1000).toISOString() }));
  }
  await backend.close();
  return ids;
}

/**
 * The Genesys settings of a service child pointed at `sim`, which runs in the bench's own process: the child then
 * holds only what production holds (without them it starts a simulator of its own, whose memory its RSS would count).
 */
export function simEnv(sim: GenesysSim): Record<string, string> {
  return { GENESYS_CLIENT_ID: sim.clientId, GENESYS_CLIENT_SECRET: sim.clientSecret, GENESYS_GATEWAY_URL: sim.url, TRANSCRIPT_URL_ALLOW: sim.url };
}

/** The environment of the service child over the store at `storeUrl`. */
export function wrapupEnv(storeUrl: string, extra: Record<string, string> = {}): string {
  return JSON.stringify({ API_KEYS: KEY, PORT: '0', HOST: '127.0.0.1', STORE_URL: storeUrl, LOG_LEVEL: 'info', SUMMARY_MAX_LENGTH: '500',
    // The per-key request limit stays on (its cost is part of every request) but far above the load generated here.
    API_REQUEST_RATE_PER_MIN: '1000000000', API_REQUEST_BURST: '1000000000', ...extra });
}

/** Each summary's bytes and ETag as wrapup serves them (this also fills its memory tier). */
export async function collectBodies(url: string, ids: string[]): Promise<Array<[string, string, string]>> {
  const out: Array<[string, string, string]> = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < ids.length) {
      const p = `/api/summary/${ids[next++]!}`;
      const res = await fetch(`${url}${p}`, { headers: AUTH });
      if (res.status !== 200) throw new Error(`seeded summary answered ${res.status}`);
      out.push([p, await res.text(), res.headers.get('etag') ?? '']);
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  return out;
}

export async function measure(server: ServerChild, pathsFile: string, o: Pick<RetrievalOptions, 'connections' | 'warmupS' | 'durationS'>, runs: number, conditional = false): Promise<Measured[]> {
  const spec = { url: server.url, pathsFile, connections: o.connections, headers: AUTH, conditional };
  await runLoad({ ...spec, durationS: o.warmupS });
  const out: Measured[] = [];
  for (let i = 0; i < runs; i++) {
    const before = await server.usage();
    const result = await runLoad({ ...spec, durationS: o.durationS });
    const after = await server.usage();
    out.push({ ...result, rssMb: after.rss / MB, heapMb: after.heapUsed === undefined ? undefined : after.heapUsed / MB, cpuUsPerRequest: (after.cpuUs - before.cpuUs) / Math.max(1, result.requests) });
  }
  return out;
}

/** The whole retrieval section; see RetrievalOptions. */
export async function benchRetrieval(o: RetrievalOptions): Promise<RetrievalResult> {
  const sim = await startGenesysSim({ heartbeatIntervalMs: 30_000, rateLimitPerMinute: 0 });
  try {
    return await retrievalAgainst(simEnv(sim), o);
  } finally {
    await sim.close();
  }
}

async function retrievalAgainst(genesys: Record<string, string>, o: RetrievalOptions): Promise<RetrievalResult> {
  const db = `sqlite://${path.join(o.dir, 'retrieval.sqlite')}`;
  const ids = await seedSummaries(db, o.summaries);
  const bodiesFile = path.join(o.dir, 'bodies.json');
  const pathsFile = path.join(o.dir, 'paths.json');

  let wrapup = await startServerChild('serve-wrapup.mjs', [wrapupEnv(db, genesys)], o.profileDir);
  const idleRssMb = (await wrapup.usage()).rss / MB;
  const bodies = await collectBodies(wrapup.url, ids);
  writeFileSync(bodiesFile, JSON.stringify(bodies));
  writeFileSync(pathsFile, JSON.stringify(bodies.map(([p, , etag]) => [p, etag])));
  const warm = await measure(wrapup, pathsFile, o, o.runs);
  const [conditional] = await measure(wrapup, pathsFile, o, 1, true);
  await wrapup.stop();

  // The cold path: the memory tier off, every read from SQLite (what a miss costs, sustained).
  wrapup = await startServerChild('serve-wrapup.mjs', [wrapupEnv(db, { ...genesys, SUMMARY_CACHE_MAX_ENTRIES: '0' })]);
  const cold = await measure(wrapup, pathsFile, o, 1);
  await wrapup.stop();

  const bare = await startServerChild('serve-bare.ts', [bodiesFile]);
  const bareRuns = await measure(bare, pathsFile, o, Math.min(o.runs, 2));
  await bare.stop();

  const large = o.largeSummaries > 0 ? await benchLarge(genesys, o) : [];
  return { bodyBytes: Buffer.byteLength(bodies[0]![1]), wrapup: warm, bare: bareRuns, conditional: conditional!, cold, large, idleRssMb };
}

/** More stored summaries than the memory tier holds: misses and evictions all along; does RSS level off? */
async function benchLarge(genesys: Record<string, string>, o: RetrievalOptions): Promise<Measured[]> {
  const db = `sqlite://${path.join(o.dir, 'large.sqlite')}`;
  const ids = await seedSummaries(db, o.largeSummaries);
  const pathsFile = path.join(o.dir, 'large-paths.json');
  writeFileSync(pathsFile, JSON.stringify(ids.map((id) => [`/api/summary/${id}`, ''])));
  const wrapup = await startServerChild('serve-wrapup.mjs', [wrapupEnv(db, genesys)]);
  try {
    return await measure(wrapup, pathsFile, o, o.runs);
  } finally {
    await wrapup.stop();
  }
}
