// Child process of the benchmarks: the whole service (startWrapup) as production runs it — compiled (dist/, built by
// the bench first), plain node, the pino logger at the configured level — on its own event loop, so its CPU time,
// RSS and profile (`--cpu-prof`) are its own. Input: one JSON argument, the environment for loadConfig (without
// GENESYS_GATEWAY_URL it starts a Genesys simulator of its own, idle but for its socket heartbeats).
// IPC: sends { type: 'ready', url }; answers { type: 'usage' } with CPU µs, RSS and heap used, { type: 'watch', ids } then
// { type: 'progress' } with how many of those conversations have a stored summary and the latest of their
// `created_at` (epoch ms: the moment each record was made, just before its write); { type: 'stop' } stops and exits
// (writing the CPU profile, if any).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../../dist/config.js';
import { createLogger } from '../../../dist/logger.js';
import { startWrapup } from '../../../dist/app.js';

async function main() {
  process.env.HOME = mkdtempSync(path.join(tmpdir(), 'wrapup-bench-child-'));
  const env = JSON.parse(process.argv[2] ?? '{}');
  let sim;
  if (!env.GENESYS_GATEWAY_URL) {
    // Loaded only then: a child pointed at the bench's simulator holds none of its code.
    const { startGenesysSim } = await import('../../../dist/sim/genesys-sim.js');
    sim = await startGenesysSim({ heartbeatIntervalMs: 30_000, rateLimitPerMinute: 0 });
    Object.assign(env, { GENESYS_CLIENT_ID: sim.clientId, GENESYS_CLIENT_SECRET: sim.clientSecret, GENESYS_GATEWAY_URL: sim.url, TRANSCRIPT_URL_ALLOW: sim.url });
  }
  const config = loadConfig(env);
  const wrapup = await startWrapup(config, createLogger({ level: config.logLevel }));
  let watched = [];
  let done = 0;
  let lastAt = 0;
  const send = (message) => void process.send?.(message);
  process.on('message', (message) => {
    void (async () => {
      if (message.type === 'usage') {
        const cpu = process.cpuUsage();
        const { rss, heapUsed } = process.memoryUsage();
        send({ type: 'usage', cpuUs: cpu.user + cpu.system, rss, heapUsed });
      } else if (message.type === 'watch') {
        watched = message.ids;
        done = 0;
        lastAt = 0;
      } else if (message.type === 'progress') {
        // Tasks finish roughly in order: advance past the stored prefix, so a poll costs a few reads.
        for (let s; done < watched.length && (s = await wrapup.service.getSummary(watched[done])); done += 1) {
          lastAt = Math.max(lastAt, Date.parse(s.created_at));
        }
        send({ type: 'progress', done, lastAt });
      } else if (message.type === 'stop') {
        await wrapup.stop(5000);
        await sim?.close();
        process.exit(0);
      }
    })();
  });
  send({ type: 'ready', url: wrapup.url });
}

main().catch((err) => {
  process.stderr.write(`bench child failed: ${String(err?.stack ?? err)}\n`);
  process.exit(1);
});
