// Test support for the simulator's own tests: a real SDK client pointed at a running sim through setGateway.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import platformClient from 'purecloud-platform-client-v2';
import type { GenesysSim } from './sim-types.js';

/** A fresh ApiClient (never the singleton) whose gateway is the simulator; HOME points at a temp dir first. */
export function sdkClientFor(sim: GenesysSim): InstanceType<typeof platformClient.ApiClientClass> {
  process.env.HOME = mkdtempSync(join(tmpdir(), 'wrapup-sim-home-'));
  const client = new platformClient.ApiClientClass();
  client.config.live_reload_config = false;
  const url = new URL(sim.url);
  client.setGateway({ host: url.hostname, protocol: 'http', port: Number(url.port) });
  return client;
}
