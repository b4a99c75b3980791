// Test helpers: an isolated HOME for the Genesys SDK, a config pointed at the simulator and fake, polling.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig, type Config } from '../src/config.js';
import type { GenesysSim } from '../src/sim/genesys-sim.js';
import type { OpenAiFake } from '../src/sim/openai-fake.js';
import type { Wrapup } from '../src/app.js';

export const TEST_API_KEY = 'test-api-key-7f3c9a1e5b2d8046c1e9a7f3b5d2';

/** A temp dir that becomes HOME (the SDK reads and watches $HOME/.genesyscloudjavascript/config). */
export function isolateHome(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'wrapup-test-'));
  const previous = process.env.HOME;
  process.env.HOME = dir;
  return {
    dir,
    cleanup: () => {
      process.env.HOME = previous;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A config for wrapup against the simulator (and the OpenAI fake when its URL is given). */
export function testConfig(sim: GenesysSim, storeUrl: string, extra: Record<string, string> = {}): Config {
  return loadConfig({
    GENESYS_CLIENT_ID: sim.clientId,
    GENESYS_CLIENT_SECRET: sim.clientSecret,
    GENESYS_GATEWAY_URL: sim.url,
    // The simulator serves transcripts from its own loopback origin; only an explicit origin may be http.
    TRANSCRIPT_URL_ALLOW: sim.url,
    API_KEYS: TEST_API_KEY,
    PORT: '0',
    HOST: '127.0.0.1',
    STORE_URL: storeUrl,
    LOG_LEVEL: 'silent',
    ...extra,
  });
}

/** Polls `fn` until it returns a truthy value or `timeoutMs` passes. */
export async function waitFor<T>(fn: () => Promise<T | undefined | false>, timeoutMs = 15_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Ends what an end-to-end test started, each part if it got that far: wrapup, then the fake and the simulator, then HOME. */
export async function endAll(parts: { wrapup?: Wrapup | undefined; fake?: OpenAiFake | undefined; sim?: GenesysSim | undefined; home?: { cleanup: () => void } | undefined }): Promise<void> {
  await parts.wrapup?.stop(1000);
  await parts.fake?.close();
  await parts.sim?.close();
  parts.home?.cleanup();
}
