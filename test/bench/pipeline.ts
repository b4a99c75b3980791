// The pipeline benchmark: conversations ending in a burst on the simulator's notification socket, summarized by the
// compiled service in a child process (its CPU time measured alone) through the OpenAI fake; the simulator and the
// fake run in this process. Also a slow (1 s) model at concurrency N against the ideal ceil(conversations/N) s, and
// the Genesys REST calls and token requests each summary costs, by media type.
import path from 'node:path';
import { startGenesysSim, type GenesysSim } from '../../src/sim/genesys-sim.js';
import { startOpenAiFake, type OpenAiFake } from '../../src/sim/openai-fake.js';
import { startServerChild, type ServerChild } from './load/children.js';
import { simEnv, wrapupEnv } from './retrieval.js';

export interface PipelineOptions {
  dir: string;
  /** Conversations of the 0-ms burst. */
  burst: number;
  /** Model slots of the slow-model runs. */
  concurrency: number;
  /** Services started per slow-model setting (each: one cold burst, three warm). */
  slowRounds: number;
  /** Conversations of the slow-model run. */
  slowConversations: number;
  /** Conversations per media type for the call counts. */
  perMedia: number;
  profileDir?: string | undefined;
}

export interface BurstResult {
  conversations: number;
  seconds: number;
  perSecond: number;
  cpuMsPerSummary: number;
  modelCalls: number;
  /** The first and the last model request of the burst, in ms after its first conversation ended. */
  firstRequestMs: number;
  lastRequestMs: number;
}

export interface SlowResult {
  /** Model slots (OPENAI_MAX_CONCURRENCY). */
  concurrency: number;
  /** Conversations in progress at once (WORKER_CONCURRENCY). */
  workerConcurrency: number;
  idealSeconds: number;
  /** The first burst after each start. */
  cold: BurstResult[];
  /** Later bursts on the same process. */
  warm: BurstResult[];
}

export interface PipelineResult {
  fast: BurstResult;
  slow: SlowResult[];
  media: Array<{ mediaType: string; conversations: number; restCalls: number; tokenRequests: number; byPath: Record<string, number> }>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * The fake model's habit in every run: each answer overshoots its stated limits by 10–40 %, as real models do, so the
 * local repair (shortening, flagged in `adjustments`) is part of what is measured; it asks the model nothing more.
 */
const MODEL_HABIT = 'overshoot';

async function startService(o: PipelineOptions, sim: GenesysSim, fake: OpenAiFake, name: string, extra: Record<string, string>, profile = false): Promise<ServerChild> {
  const storeUrl = `sqlite://${path.join(o.dir, `${name}.sqlite`)}`;
  const env = wrapupEnv(storeUrl, { ...simEnv(sim), OPENAI_API_KEY: 'sk-bench-fake-key-0000000000000000', OPENAI_BASE_URL: fake.url, ...extra });
  const child = await startServerChild('serve-wrapup.mjs', [env], profile ? o.profileDir : undefined);
  for (let i = 0; i < 200 && sim.connectedSockets() === 0; i++) await sleep(50);
  await sleep(500); // the subscription's topics
  return child;
}

/** Ends `count` conversations at once (scenarios in turn, or only `mediaType`) and waits until each has a summary. */
async function burst(sim: GenesysSim, fake: OpenAiFake, child: ServerChild, count: number, mediaType?: string): Promise<BurstResult> {
  const scenarios = sim.scenarios.filter((s) => mediaType === undefined || s.mediaType === mediaType);
  const ids = Array.from({ length: count }, (_, i) => sim.startConversation({ scenario: scenarios[i % scenarios.length]! }).id);
  child.send({ type: 'watch', ids });
  const calls = fake.callCount;
  const cpu0 = (await child.usage()).cpuUs;
  const started = Date.now();
  for (const id of ids) sim.endConversation(id);
  let last = 0;
  for (;;) {
    const { done, lastAt } = await child.ask<{ done: number; lastAt: number }>({ type: 'progress' }, 'progress');
    last = lastAt;
    if (done >= count) break;
    if (Date.now() - started > 600_000) throw new Error(`only ${done} of ${count} summarized in 10 minutes`);
    await sleep(100);
  }
  // To the last record's created_at (made just before its write), not to the poll that saw it: the poll's 100 ms
  // step would be 2-3 % of a 4 s run. Same clock: both processes read this machine's Date.now().
  const seconds = (last - started) / 1000;
  const requested = fake.requests.slice(calls).map((r) => r.at - started);
  const cpuMs = ((await child.usage()).cpuUs - cpu0) / 1000;
  return {
    conversations: count,
    seconds,
    perSecond: count / seconds,
    cpuMsPerSummary: cpuMs / count,
    modelCalls: fake.callCount - calls,
    firstRequestMs: Math.min(...requested),
    lastRequestMs: Math.max(...requested),
  };
}

/** REST calls (by path shape) and token requests per summary, one media type at a time. */
async function callsByMedia(o: PipelineOptions, sim: GenesysSim, fake: OpenAiFake, child: ServerChild): Promise<PipelineResult['media']> {
  const out: PipelineResult['media'] = [];
  for (const mediaType of [...new Set(sim.scenarios.map((s) => s.mediaType))]) {
    const requests = sim.stats.requests.length;
    const tokens = sim.stats.tokensIssued;
    await burst(sim, fake, child, o.perMedia, mediaType);
    await sleep(300);
    const made = sim.stats.requests.slice(requests);
    const byPath: Record<string, number> = {};
    for (const r of made) {
      const shape = `${r.method} ${r.path.replace(/\?.*$/, '').replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, '{id}').replace(/[0-9a-f]{16,}/g, '{x}')}`;
      byPath[shape] = (byPath[shape] ?? 0) + 1 / o.perMedia;
    }
    const rest = made.filter((r) => !r.path.startsWith('/oauth')).length;
    out.push({ mediaType, conversations: o.perMedia, restCalls: rest / o.perMedia, tokenRequests: (sim.stats.tokensIssued - tokens) / o.perMedia, byPath });
  }
  return out;
}

/**
 * The slow model with N slots (OPENAI_MAX_CONCURRENCY), on a simulator and fake of its own (the 0-ms burst's 2,000
 * conversations do not weigh on them): the first burst after the service starts (cold: code not yet compiled by V8,
 * no pooled connections), then `warmRuns` more bursts on the same process, as a service that has been running meets
 * them. `workerConcurrency` unset: the service's default (twice the model's slots).
 */
export async function benchSlowModel(o: PipelineOptions, run: { warmRuns: number; workerConcurrency?: number; profile?: boolean }): Promise<SlowResult> {
  const sim = await startGenesysSim({ heartbeatIntervalMs: 30_000, rateLimitPerMinute: 0 });
  const fake = await startOpenAiFake({ delayMs: 1000, mode: MODEL_HABIT });
  const extra: Record<string, string> = { OPENAI_MAX_CONCURRENCY: String(o.concurrency) };
  if (run.workerConcurrency !== undefined) extra.WORKER_CONCURRENCY = String(run.workerConcurrency);
  try {
    const child = await startService(o, sim, fake, `slow-${Date.now()}`, extra, run.profile);
    try {
      const cold = await burst(sim, fake, child, o.slowConversations);
      const warm: BurstResult[] = [];
      for (let i = 0; i < run.warmRuns; i++) {
        await sleep(1000);
        warm.push(await burst(sim, fake, child, o.slowConversations));
      }
      const workerConcurrency = run.workerConcurrency ?? 2 * o.concurrency;
      return { concurrency: o.concurrency, workerConcurrency, idealSeconds: Math.ceil(o.slowConversations / o.concurrency), cold: [cold], warm };
    } finally {
      await child.stop();
    }
  } finally {
    await fake.close();
    await sim.close();
  }
}

/** The whole pipeline section; see PipelineOptions. */
export async function benchPipeline(o: PipelineOptions): Promise<PipelineResult> {
  const sim = await startGenesysSim({ heartbeatIntervalMs: 30_000, rateLimitPerMinute: 0 });
  const fake = await startOpenAiFake({ mode: MODEL_HABIT });
  let fast: BurstResult;
  let media: PipelineResult['media'];
  try {
    const child = await startService(o, sim, fake, 'fast', {}, true);
    fast = await burst(sim, fake, child, o.burst);
    media = await callsByMedia(o, sim, fake, child);
    await child.stop();
  } finally {
    await fake.close();
    await sim.close();
  }
  // The default worker (twice the model's slots) beside the worker held to the model's slots (the default before
  // 2026-12-06), alternating, so a drift of the machine's speed weighs on both alike.
  const settings = [undefined, o.concurrency];
  const slow: SlowResult[] = [];
  for (let round = 0; round < o.slowRounds; round++) {
    for (const [i, workerConcurrency] of settings.entries()) {
      const r = await benchSlowModel(o, { warmRuns: 3, ...(workerConcurrency === undefined ? {} : { workerConcurrency }) });
      const seen = slow[i];
      if (seen) {
        seen.cold.push(...r.cold);
        seen.warm.push(...r.warm);
      } else slow[i] = r;
    }
  }
  return { fast, media, slow };
}
