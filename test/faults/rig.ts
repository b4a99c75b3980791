// Fault-injection rig: simulator + OpenAI fake + in-process wrapup on SQLite, and the "0 lost, 0 duplicated" check.
import path from 'node:path';
import { expect } from 'vitest';
import type { Config } from '../../src/config.js';
import type { TaskRecord } from '../../src/domain.js';
import { startWrapup, type Wrapup } from '../../src/app.js';
import { createLogger, silentLogger, type Logger } from '../../src/logger.js';
import { startGenesysSim, type GenesysSim, type SimConversation, type SimOptions } from '../../src/sim/genesys-sim.js';
import { startOpenAiFake, type OpenAiFake } from '../../src/sim/openai-fake.js';
import { isolateHome, testConfig, waitFor } from '../helpers.js';

/** FAULT_LOG=debug npx vitest run test/faults … shows wrapup's own log lines when a test needs explaining. */
export const rigLogger = (): Logger => (process.env.FAULT_LOG ? createLogger({ level: process.env.FAULT_LOG }) : silentLogger());

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Generous: the folder must pass on a loaded 2-core machine. */
export const SUMMARY_TIMEOUT_MS = 25_000;

export interface RigOptions {
  sim?: SimOptions;
  /** Adjust the (already fast) test config before wrapup starts. */
  tweak?: (config: Config) => void;
  /** Extra environment for loadConfig (e.g. WEBHOOK_TOKEN). */
  env?: Record<string, string>;
  /** wrapup's logger. @default rigLogger() */
  logger?: Logger;
}

export interface Rig {
  sim: GenesysSim;
  fake: OpenAiFake;
  wrapup: Wrapup;
  config: Config;
  /** Every conversation ended through the rig: each must end up with exactly one summary. */
  readonly ended: string[];
  /** Ends a started conversation now (synchronous: its events are published before this returns). */
  end(conversation: SimConversation): void;
  /** Starts and ends a conversation at once (synchronous). */
  startAndEnd(opts?: Parameters<GenesysSim['startConversation']>[0]): SimConversation;
  /** Plays a conversation (start, a "during" snapshot, end) and records it. */
  play(durationMs?: number, scenario?: string): Promise<SimConversation>;
  /** The one task of a conversation (read only: never creates nor revives work). Throws when there is none. */
  task(conversationId: string): Promise<TaskRecord>;
  close(): Promise<void>;
}

/** Timings small enough for tests, large enough not to trip on a loaded machine. */
export function fastConfig(config: Config): void {
  config.genesys.heartbeatTimeoutMs = 3000;
  config.genesys.reconnect = { baseDelayMs: 50, maxDelayMs: 200 };
  config.genesys.retry = { maxAttempts: 6, baseDelayMs: 50, maxDelayMs: 300 };
  config.genesys.endConfirmRetryMs = 200;
  config.genesys.transcriptRetryBaseMs = 100;
  config.genesys.requestTimeoutMs = 5000;
  config.backfill.checkpointEveryMs = 50;
  config.backfill.settleMs = 300;
  config.worker.taskTimeoutMs = 20_000;
}

/** Starts sim, fake and wrapup (with the LLM at the fake, so calls are countable). */
export async function startRig(options: RigOptions = {}): Promise<Rig> {
  const home = isolateHome();
  const closers: Array<() => Promise<unknown> | void> = [() => home.cleanup()];
  const closeAll = async (): Promise<void> => {
    for (const close of closers.splice(0).reverse()) await Promise.resolve(close()).catch(() => undefined);
  };
  try {
    const sim = await startGenesysSim({ heartbeatIntervalMs: 150, ...options.sim });
    closers.push(() => sim.close());
    const fake = await startOpenAiFake();
    closers.push(() => fake.close());
    const config = testConfig(sim, `sqlite://${path.join(home.dir, 'wrapup.sqlite')}`, {
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: fake.url,
      OPENAI_MODEL: 'fake-model',
      ...options.env,
    });
    fastConfig(config);
    options.tweak?.(config);
    const wrapup = await startWrapup(config, options.logger ?? rigLogger());
    closers.push(() => wrapup.stop(1000));
    return rigOf(sim, fake, wrapup, config, closeAll);
  } catch (err) {
    await closeAll();
    throw err;
  }
}

function rigOf(sim: GenesysSim, fake: OpenAiFake, wrapup: Wrapup, config: Config, closeAll: () => Promise<void>): Rig {
  const ended: string[] = [];
  const end = (c: SimConversation): void => {
    sim.endConversation(c.id);
    ended.push(c.id);
  };
  return {
    sim,
    fake,
    wrapup,
    config,
    ended,
    end,
    startAndEnd(opts) {
      const c = sim.startConversation(opts);
      end(c);
      return c;
    },
    async play(durationMs = 50, scenario) {
      const c = await sim.playConversation({ durationMs, ...(scenario === undefined ? {} : { scenario }) });
      ended.push(c.id);
      return c;
    },
    async task(id) {
      const task = await wrapup.service.findTask(id);
      if (!task) throw new Error(`no task for conversation ${id}`);
      return task;
    },
    close: closeAll,
  };
}

/** Waits until the notification socket is up (the sim counts it open). */
export async function waitConnected(rig: Rig): Promise<void> {
  await waitFor(async () => rig.sim.connectedSockets() > 0, SUMMARY_TIMEOUT_MS);
}

/**
 * The fault-injection invariant: every conversation ended during the test has a stored summary (0 lost), made by
 * its one task (stable task_id), and the LLM answered exactly once per conversation (0 duplicates).
 */
export async function expectAllSummarizedOnce(rig: Rig): Promise<void> {
  expect(rig.ended.length).toBeGreaterThan(0);
  const missing = async (): Promise<string[]> => {
    const out: string[] = [];
    for (const id of rig.ended) if (!(await rig.wrapup.service.getSummary(id))) out.push(id);
    return out;
  };
  await waitFor(async () => (await missing()).length === 0, SUMMARY_TIMEOUT_MS).catch(async (err: Error) => {
    throw new Error(`${err.message}: no summary for ${(await missing()).join(', ')}`);
  });
  // Late duplicates (repeated snapshots, a second socket, backfill settle passes) would show up here.
  await sleep(Math.max(600, rig.config.backfill.settleMs * 2));
  // Answers the fake gave (an injected outage's 500s are calls, but no summary can come of them).
  const answered = rig.fake.faults.filter((f) => f !== 'fail-500').length;
  expect(answered, 'LLM answers (one per conversation)').toBe(rig.ended.length);
  for (const id of rig.ended) {
    const summary = await rig.wrapup.service.getSummary(id);
    const task = await rig.task(id);
    expect(task.status).toBe('completed');
    expect(summary?.task_id).toBe(task.task_id);
  }
}

/** Count of sim responses matching a path prefix and status. */
export function responses(sim: GenesysSim, pathPrefix: string, status?: number): number {
  return sim.stats.requests.filter((r) => r.path.startsWith(pathPrefix) && (status === undefined || r.status === status)).length;
}

/** Notification channels wrapup created (POST /api/v2/notifications/channels answered 200). */
export function channelsCreated(sim: GenesysSim): number {
  return sim.stats.requests.filter((r) => r.method === 'POST' && r.path === '/api/v2/notifications/channels' && r.status === 200).length;
}
