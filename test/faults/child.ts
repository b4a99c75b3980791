// A wrapup CHILD process (`node --import tsx src/main.ts`) for kill -9 and SIGTERM tests, plus reading its store.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { fileURLToPath } from 'node:url';
import type { SummaryRecord, TaskRecord, TaskStatus } from '../../src/domain.js';
import { silentLogger } from '../../src/logger.js';
import { startGenesysSim, type GenesysSim } from '../../src/sim/genesys-sim.js';
import { startOpenAiFake, type OpenAiFake } from '../../src/sim/openai-fake.js';
import { createKeyvBackend } from '../../src/store/keyv-backend.js';
import { createSummaryStore } from '../../src/store/summary-store.js';
import { createEmbeddedTaskQueue } from '../../src/store/task-queue.js';
import { TEST_API_KEY, waitFor } from '../helpers.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
/** tsx compiles on start: slow on a loaded 2-core machine. */
export const CHILD_START_TIMEOUT_MS = 60_000;

export interface WrapupChild {
  readonly process: ChildProcess;
  /** The HTTP base URL, from the "wrapup is listening" log line. */
  readonly url: Promise<string>;
  /** Exit code (null when killed by a signal) once the process is gone. */
  readonly exited: Promise<number | null>;
  /** Every stdout/stderr line so far (for failure messages). */
  readonly output: string[];
  get(path: string): Promise<Response>;
  post(path: string, body: unknown): Promise<Response>;
  /** Sends a signal unless the process is already gone. */
  signal(signal: NodeJS.Signals): void;
}

export interface ChildEnv {
  sim: GenesysSim;
  fake: OpenAiFake;
  home: string;
  storeUrl: string;
  extra?: Record<string, string>;
}

/** Spawns wrapup on loopback with the sim, the fake and the given store; logs at info as JSON lines. */
export function spawnWrapup(opts: ChildEnv): WrapupChild {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: opts.home,
    GENESYS_CLIENT_ID: opts.sim.clientId,
    GENESYS_CLIENT_SECRET: opts.sim.clientSecret,
    GENESYS_GATEWAY_URL: opts.sim.url,
    TRANSCRIPT_URL_ALLOW: opts.sim.url,
    OPENAI_API_KEY: 'sk-test',
    OPENAI_BASE_URL: opts.fake.url,
    OPENAI_MODEL: 'fake-model',
    API_KEYS: TEST_API_KEY,
    PORT: '0',
    HOST: '127.0.0.1',
    STORE_URL: opts.storeUrl,
    LOG_LEVEL: 'info',
    ...opts.extra,
  };
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  let resolveUrl: (url: string) => void = () => undefined;
  const url = new Promise<string>((resolve) => (resolveUrl = resolve));
  const onData = (chunk: Buffer): void => {
    for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
      output.push(line);
      try {
        const parsed = JSON.parse(line) as { msg?: string; url?: string };
        if (parsed.msg === 'wrapup is listening' && parsed.url) resolveUrl(parsed.url);
      } catch {
        // not a log line
      }
    }
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const headers = { authorization: `Bearer ${TEST_API_KEY}`, 'content-type': 'application/json' };
  return {
    process: child,
    url: Promise.race([
      url,
      exited.then((code) => Promise.reject(new Error(`wrapup exited (${code}) before listening:\n${output.join('\n')}`))),
    ]),
    exited,
    output,
    get: async (path) => fetch(`${await url}${path}`, { headers }),
    post: async (path, body) => fetch(`${await url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) }),
    signal(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
  };
}

/** Waits for the child to listen, with its output in the error if it does not. */
export async function listening(child: WrapupChild): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`wrapup did not listen:\n${child.output.join('\n')}`)), CHILD_START_TIMEOUT_MS);
  });
  try {
    return await Promise.race([child.url, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Waits until start-up is complete ('wrapup started': intake and worker run); a signal before it exits at once (130). */
export async function started(child: WrapupChild): Promise<void> {
  await listening(child);
  await waitFor(async () => child.output.some((l) => l.includes('"msg":"wrapup started"')), CHILD_START_TIMEOUT_MS);
}

/** Kills (SIGKILL) and awaits every child still running. */
export async function killAll(children: WrapupChild[]): Promise<void> {
  for (const child of children.splice(0)) {
    child.signal('SIGKILL');
    await child.exited;
  }
}

/** What the store holds for one conversation, read after every child has exited. */
export interface StoredState {
  summary: SummaryRecord | undefined;
  task: TaskRecord | undefined;
  counts: Record<TaskStatus, number>;
}

/**
 * Opens the SQLite store the children used (only while no child runs: the embedded queue is single-process).
 * The task is looked up by `taskId`, else by the stored summary's task_id.
 */
export async function readStore(storeUrl: string, conversationId: string, taskId?: string): Promise<StoredState> {
  const backend = await createKeyvBackend(storeUrl);
  try {
    const logger = silentLogger();
    const summaries = createSummaryStore({ keyv: backend.keyv('summaries'), defaultMaxLength: 500, logger });
    const queue = createEmbeddedTaskQueue({ keyv: backend.keyv('tasks'), logger });
    try {
      const summary = await summaries.get(conversationId);
      const id = taskId ?? summary?.task_id;
      const task = id === undefined ? undefined : await queue.get(id);
      return { summary, task, counts: await queue.counts() };
    } finally {
      queue.close();
    }
  } finally {
    await backend.close();
  }
}

/** Waits until the fake has received `n` chat-completion requests. */
export async function llmCalls(fake: OpenAiFake, n: number, timeoutMs = 30_000): Promise<void> {
  await waitFor(async () => fake.callCount >= n, timeoutMs);
}

/** A simulator, an OpenAI fake and a temp dir shared by a file's child-process tests, with every child killed after each test. */
export interface ChildRig {
  readonly sim: GenesysSim;
  readonly fake: OpenAiFake;
  readonly dir: string;
  /** A `sqlite://` URL for a store file in the rig's dir. */
  storeUrl(file: string): string;
  /** Spawns a wrapup child on `storeUrl`, killed after the test. */
  spawn(storeUrl: string, extra?: Record<string, string>): WrapupChild;
}

/** Registers the beforeAll/afterEach/afterAll hooks of a child-process test file and returns its rig. */
export function useChildRig(prefix: string): ChildRig {
  let sim: GenesysSim | undefined;
  let fake: OpenAiFake | undefined;
  let dir: string | undefined;
  const children: WrapupChild[] = [];
  const need = <T>(value: T | undefined, name: string): T => {
    if (value === undefined) throw new Error(`child rig: ${name} is used before beforeAll ran`);
    return value;
  };
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), `wrapup-${prefix}-`));
    sim = await startGenesysSim({ heartbeatIntervalMs: 500 });
    fake = await startOpenAiFake();
  });
  afterEach(async () => killAll(children));
  afterAll(async () => {
    await killAll(children);
    await fake?.close();
    await sim?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  return {
    get sim() {
      return need(sim, 'sim');
    },
    get fake() {
      return need(fake, 'fake');
    },
    get dir() {
      return need(dir, 'dir');
    },
    storeUrl: (file) => `sqlite://${path.join(need(dir, 'dir'), file)}`,
    spawn(storeUrl, extra) {
      const child = spawnWrapup({ sim: need(sim, 'sim'), fake: need(fake, 'fake'), home: need(dir, 'dir'), storeUrl, ...(extra ? { extra } : {}) });
      children.push(child);
      return child;
    },
  };
}
