// Test support for the simulator's own tests: a real SDK client pointed at a running sim through setGateway.
import platformClient from 'purecloud-platform-client-v2';
import type { GenesysSim } from '../../src/sim/sim-types.js';

/** A fresh ApiClient (never the singleton) whose gateway is the simulator (HOME is a temp dir: test/setup-home.ts). */
export function sdkClientFor(sim: GenesysSim): InstanceType<typeof platformClient.ApiClientClass> {
  const client = new platformClient.ApiClientClass();
  client.config.live_reload_config = false;
  const url = new URL(sim.url);
  client.setGateway({ host: url.hostname, protocol: 'http', port: Number(url.port) });
  return client;
}
