// The command line as an operator runs it: `wrapup …` as a child process (node + tsx on src/cli/main.ts, the
// source of the built bin) with its configuration in the environment, against the Genesys simulator and the
// OpenAI-compatible fake on loopback, HOME a temp dir. Summarize one conversation, backfill a window through a
// running wrapup and into a stopped one's store, rerun-stale, usage errors.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWrapup } from '../src/app.js';
import { silentLogger } from '../src/logger.js';
import { startGenesysSim, type GenesysSim, type SimConversation } from '../src/sim/genesys-sim.js';
import { startOpenAiFake, type OpenAiFake } from '../src/sim/openai-fake.js';
import { createEmbeddedTaskQueue, createKeyvBackend, createSummaryStore } from '../src/store/index.js';
import { testConfig, TEST_API_KEY, waitFor } from './helpers.js';
import { sampleRecord } from './support/summaries.js';

const REPO = fileURLToPath(new URL('../', import.meta.url));
/** tsx compiles on start: slow on a loaded 2-core machine. */
const CLI_TIMEOUT_MS = 90_000;

let sim: GenesysSim;
let fake: OpenAiFake;
let dir: string;
const played: SimConversation[] = [];

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'wrapup-cli-'));
  sim = await startGenesysSim({ heartbeatIntervalMs: 500 });
  fake = await startOpenAiFake();
  const scenario = sim.scenarios.find((s) => s.mediaType === 'message' && s.pii.length > 0)!;
  for (let i = 0; i < 2; i += 1) played.push(await sim.playConversation({ scenario }));
});
afterAll(async () => {
  await fake?.close();
  await sim?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `wrapup <args>` with the service's environment (sim, fake, a store in the temp dir). */
function wrapup(args: string[], extra: Record<string, string> = {}): Promise<Run> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: dir,
    GENESYS_CLIENT_ID: sim.clientId,
    GENESYS_CLIENT_SECRET: sim.clientSecret,
    GENESYS_GATEWAY_URL: sim.url,
    TRANSCRIPT_URL_ALLOW: sim.url,
    OPENAI_API_KEY: 'sk-cli-test-secret-0123',
    OPENAI_BASE_URL: fake.url,
    OPENAI_MODEL: 'fake-model',
    API_KEYS: `reader:read:cli-read-key-5e9a2c7f1b4d8063a9e2c5f7b1d4,${TEST_API_KEY}`,
    STORE_URL: `sqlite://${path.join(dir, 'cli.sqlite')}`,
    ...extra,
  };
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`wrapup ${args.join(' ')} did not finish:\n${stderr}`));
    }, CLI_TIMEOUT_MS);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const noSecrets = (run: Run): void => {
  for (const secret of [TEST_API_KEY, 'cli-read-key-5e9a2c7f1b4d8063a9e2c5f7b1d4', sim.clientSecret, 'sk-cli-test-secret-0123']) {
    expect(run.stdout + run.stderr).not.toContain(secret);
  }
};

describe('wrapup (command line)', () => {
  it('is the package bin (the built file, with a shebang) and prints --help with every command', async () => {
    const pkg = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    expect(pkg.bin).toEqual({ wrapup: 'dist/cli/main.js' });
    expect(readFileSync(path.join(REPO, 'src/cli/main.ts'), 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    const help = await wrapup(['--help']);
    expect(help.code).toBe(0);
    for (const command of ['summarize', 'backfill', 'rerun-stale']) expect(help.stdout).toContain(command);
    const usage = await wrapup(['rerun-stale', '--max-count', '5']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/required option '--max-cost-usd <x>' not specified/);
  }, CLI_TIMEOUT_MS * 2);

  it('summarize prints the summary JSON of one conversation, made with the configured model; failures name their code', async () => {
    const run = await wrapup(['summarize', played[0]!.id.toUpperCase(), '--max-length', '300']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const record = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(record).toMatchObject({ conversation_id: played[0]!.id, model: 'fake-model', max_length: 300 });
    expect(String(record.summary).length).toBeGreaterThan(20);
    noSecrets(run);

    const unknown = await wrapup(['summarize', '00000000-0000-4000-8000-00000000abcd', '--timeout', '60s']);
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toBe('');
    expect(unknown.stderr).toMatch(/^wrapup summarize: CONVERSATION_NOT_FOUND: /m);
  }, CLI_TIMEOUT_MS * 2);

  it('backfill --service-stopped queues every conversation of the window into the store, with a progress bar', async () => {
    const storeUrl = `sqlite://${path.join(dir, 'stopped.sqlite')}`;
    const run = await wrapup(['backfill', '--since', '1h', '--service-stopped'], { STORE_URL: storeUrl });
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.code).toBe(0);
    const counted = /in_window=(\d+) queued=(\d+) already_summarized=0$/.exec(run.stdout.trim());
    expect(counted?.[1]).toBe(counted?.[2]);
    const n = Number(counted?.[1]);
    expect(n).toBeGreaterThanOrEqual(played.length);
    expect(run.stderr).toContain(`backfill [${'#'.repeat(30)}] ${n}/${n}`);

    const backend = await createKeyvBackend(storeUrl);
    const queue = createEmbeddedTaskQueue({ keyv: backend.keyv('tasks'), logger: silentLogger() });
    try {
      expect((await queue.counts()).pending).toBe(n);
      const ids = new Set<string>();
      for (let task = await queue.claim(); task; task = await queue.claim()) ids.add(task.conversation_id);
      for (const c of played) expect(ids.has(c.id)).toBe(true);
    } finally {
      queue.close();
      await backend.close();
    }
  }, CLI_TIMEOUT_MS);

  it('backfill --api-url makes a running wrapup summarize what it never saw', async () => {
    const storeUrl = `sqlite://${path.join(dir, 'running.sqlite')}`;
    const running = await startWrapup(testConfig(sim, storeUrl, { OPENAI_API_KEY: 'sk-x', OPENAI_BASE_URL: fake.url }), silentLogger());
    try {
      // Ended before this wrapup's first start: no event, no checkpoint, so nothing summarizes them by itself.
      expect(await running.service.getSummary(played[1]!.id)).toBeUndefined();
      const run = await wrapup(['backfill', '--since', '1h', '--api-url', `${running.url}/`]);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/queued=\d+ already_summarized=0$/m);
      for (const c of played) await waitFor(() => running.service.getSummary(c.id), 30_000);
      noSecrets(run);
      const again = await wrapup(['backfill', '--since', '1h', '--api-url', running.url]);
      expect(again.stdout).toMatch(/ queued=0 already_summarized=\d+$/m);
    } finally {
      await running.stop(2000);
    }
  }, CLI_TIMEOUT_MS * 2);

  it('rerun-stale counts stale summaries of the store in a dry run', async () => {
    const storeUrl = `sqlite://${path.join(dir, 'stale.sqlite')}`;
    const backend = await createKeyvBackend(storeUrl);
    const summaries = createSummaryStore({ keyv: backend.keyv('summaries'), defaultMaxLength: 500, logger: silentLogger() });
    await summaries.put(sampleRecord({ conversation_id: played[0]!.id, template: { id: 'default', version: '0.0.1', hash: 'old000000000' } }));
    await backend.close();
    const run = await wrapup(['rerun-stale', '--max-count', '5', '--max-cost-usd', '1', '--dry-run'], { STORE_URL: storeUrl });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^rerun-stale \(dry run\): scanned=1 stale=1 would_queue=1 /);
  }, CLI_TIMEOUT_MS);
});
