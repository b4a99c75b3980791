// `npm run demo`: a simulated Genesys Cloud org on loopback, wrapup pointed at it through the real SDK, and a
// conversation ending every few seconds. Offline extractive summaries unless OPENAI_API_KEY is set.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../config.js';
import { createLogger } from '../logger.js';
import { isAppError } from '../errors.js';
import { startWrapup } from '../app.js';
import { startGenesysSim } from './genesys-sim.js';

const DEMO_API_KEY = 'demo-api-key-3b9e7c1a5f2d8046e9c1a7f3b5d2';
const EVERY_MS = Number(process.env.DEMO_INTERVAL_MS ?? 4000);

async function main(): Promise<void> {
  // The Genesys SDK reads and watches $HOME/.genesyscloudjavascript/config; the demo must not pick up a real one.
  process.env.HOME = mkdtempSync(path.join(tmpdir(), 'wrapup-demo-home-'));
  const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'info' });
  const sim = await startGenesysSim({ heartbeatIntervalMs: 30_000, logger: logger.child({ module: 'genesys-sim' }) });
  const config = loadConfig({
    ...process.env,
    GENESYS_CLIENT_ID: sim.clientId,
    GENESYS_CLIENT_SECRET: sim.clientSecret,
    GENESYS_GATEWAY_URL: sim.url,
    // The simulator serves transcripts over http from its loopback origin: allow exactly that origin.
    TRANSCRIPT_URL_ALLOW: sim.url,
    API_KEYS: process.env.API_KEYS ?? DEMO_API_KEY,
    HOST: process.env.HOST ?? '127.0.0.1',
    STORE_URL: process.env.STORE_URL ?? 'sqlite://./data/demo.sqlite',
  });
  const wrapup = await startWrapup(config, logger);
  printBanner(wrapup.url, config.http.apiKeys[0]?.secret ?? DEMO_API_KEY);

  let index = 0;
  const timer = setInterval(() => {
    const scenario = sim.scenarios[index++ % sim.scenarios.length]!;
    void sim.playConversation({ scenario, durationMs: 500 }).then((c) => watch(c.id, scenario.key, scenario.mediaType));
  }, EVERY_MS);

  async function watch(conversationId: string, key: string, media: string): Promise<void> {
    logger.info({ conversationId, scenario: key, media }, 'demo: conversation ended in the simulator');
    for (let i = 0; i < 120; i++) {
      const summary = await wrapup.service.getSummary(conversationId);
      if (summary) {
        // The demo prints the summary itself so a person can read it; production logs never carry summary text.
        const s = summary;
        process.stdout.write(
          `\n── ${media} ${conversationId} (${key}) quality ${s.quality_score.toFixed(2)}, ${s.latency_ms} ms, model ${s.model}\n` +
            `   ${s.headline}\n   ${s.summary}\n` +
            `   resolution: ${s.resolution.status} — ${s.resolution.text}\n` +
            `   follow-ups: ${s.follow_up_actions.map((f) => `${f.action} (${f.owner})`).join('; ') || 'none'}\n` +
            `   sentiment: ${s.sentiment.start} → ${s.sentiment.end} | wrap-up code: ${s.wrapup_code?.name ?? 'none'} | redacted: ${JSON.stringify(s.redactions)}\n\n`,
        );
        return;
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  let stopping = false;
  const stop = (): void => {
    if (stopping) process.exit(130);
    stopping = true;
    clearInterval(timer);
    void wrapup
      .stop(5000)
      .then(() => sim.close())
      .then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

function printBanner(url: string, key: string): void {
  process.stdout.write(
    `\nwrapup demo: simulated Genesys Cloud org, API at ${url}\n` +
      `Read a summary (conversation ids appear below as they land):\n` +
      `  curl -s -H "Authorization: Bearer ${key}" ${url}/api/summary/<conversation_id>\n` +
      `  curl -s ${url}/readyz                                  # public: ok and a state per check\n` +
      `  curl -s -H "Authorization: Bearer ${key}" ${url}/api/status   # channels, queues, backfill\n` +
      `Ctrl-C stops.\n\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`demo failed: ${isAppError(err) ? `${err.code}: ${err.message}` : String(err)}\n`);
  process.exit(1);
});
