// A whole wrapup over loopback for the observability, dashboard and end-to-end injection tests and the dashboard
// screenshot: the Genesys simulator (real SDK + ws), the OpenAI-compatible fake, a SQLite store in a temp HOME, and
// helpers to end conversations and read server-sent events through fetch (as the page does).
import path from 'node:path';
import { startGenesysSim, type GenesysSim, type SimConversation } from '../../src/sim/genesys-sim.js';
import { startOpenAiFake, type OpenAiFake, type OpenAiFakeOptions } from '../../src/sim/openai-fake.js';
import { startWrapup, type Wrapup } from '../../src/app.js';
import { silentLogger } from '../../src/logger.js';
import { isolateHome, testConfig, TEST_API_KEY, waitFor } from '../helpers.js';

export interface ObservedRun {
  sim: GenesysSim;
  fake: OpenAiFake;
  wrapup: Wrapup;
  /** GET with the test API key. */
  get(p: string, key?: string): Promise<Response>;
  /** Ends one conversation of `media` (a scenario with planted PII) on the first queue. */
  endConversation(media: 'voice' | 'message' | 'email'): Promise<SimConversation>;
  /** Stops everything this run started (idempotent). */
  stop(): Promise<void>;
}

/**
 * Starts the simulator, the fake (with `fakeOptions`, e.g. a mode) and wrapup (API key TEST_API_KEY, watching the
 * first two queues) and waits until the socket is connected.
 */
export async function startObservedRun(fakeOptions: OpenAiFakeOptions = {}): Promise<ObservedRun> {
  const home = isolateHome();
  const sim = await startGenesysSim({ heartbeatIntervalMs: 500 });
  const fake = await startOpenAiFake(fakeOptions);
  let wrapup: Wrapup | undefined;
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await wrapup?.stop(2000);
    await fake.close();
    await sim.close();
    home.cleanup();
  };
  try {
    const config = testConfig(sim, `sqlite://${path.join(home.dir, 'wrapup.sqlite')}`, {
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: fake.url,
      OPENAI_MODEL: 'fake-model',
      GENESYS_QUEUE_IDS: sim.queues.slice(0, 2).map((q) => q.id).join(','),
    });
    wrapup = await startWrapup(config, silentLogger());
    await waitFor(async () => sim.connectedSockets() > 0);
  } catch (err) {
    await stop();
    throw err;
  }
  const running = wrapup;
  return {
    sim,
    fake,
    wrapup: running,
    get: (p, key = TEST_API_KEY) => fetch(`${running.url}${p}`, { headers: { authorization: `Bearer ${key}` } }),
    endConversation: async (media) => {
      const scenario = sim.scenarios.find((s) => s.mediaType === media && s.pii.length > 0);
      if (!scenario) throw new Error(`no ${media} scenario with PII`);
      return sim.playConversation({ scenario, queueId: sim.queues[0]!.id });
    },
    stop,
  };
}

export interface SseEvent {
  event: string;
  data: string;
}

/** Reads a text/event-stream body, calling `onEvent` per event until it returns true or the stream ends. */
export async function readSse(res: Response, onEvent: (e: SseEvent) => boolean | void): Promise<'matched' | 'ended'> {
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return 'ended';
      buffer += value.replace(/\r\n?/g, '\n');
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const lines = block.split('\n');
        const event = lines.find((l) => l.startsWith('event:'))?.slice(6).trim() ?? 'message';
        const data = lines.filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trimStart()).join('\n');
        if (data && onEvent({ event, data }) === true) return 'matched';
      }
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

export { TEST_API_KEY, waitFor };
