// Composition root shared by main.ts and the demo: builds every adapter from the config and owns start/stop order.
// Start: store → Genesys login → summarizer → HTTP (answers from the cache at once) → socket → backfill → worker
// (last: a start that fails earlier has run nothing). Stop, within ONE deadline shared by every step: intake
// (backfill, socket) → long-polls answered → HTTP → running tasks → store (always, even when a step fails).
// The parts: app/core.ts (store, Genesys, summarizer, worker, service), app/intake.ts, app/http.ts.
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import { toAppError } from './errors.js';
import { within } from './deadline.js';
import { startHttpServer } from './http/index.js';
import { startCore } from './app/core.js';
import { httpApp } from './app/http.js';
import { startIntake } from './app/intake.js';
import type { Closer, Core, Intake, Wrapup } from './app/types.js';

export type { Wrapup } from './app/types.js';

/** Builds and starts the whole service. Fails fast (and cleans up) when Genesys login or the store is unusable. */
export async function startWrapup(config: Config, logger: Logger): Promise<Wrapup> {
  const closers: Closer[] = [];
  const closeAll = async (): Promise<void> => {
    for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
  };
  try {
    const core = await startCore(config, logger, closers);
    let intake: Intake | undefined;
    const { port, host, headersTimeoutMs, requestTimeoutMs, keepAliveTimeoutMs, maxConnections } = config.http;
    const server = await startHttpServer(httpApp(config, logger, core, () => intake), {
      port,
      host,
      limits: { headersTimeoutMs, requestTimeoutMs, keepAliveTimeoutMs, maxConnections },
      logger: logger.child({ module: 'http' }),
    });
    closers.push(() => server.close(0));
    logger.info({ url: server.url }, 'wrapup is listening');
    intake = await startIntake(config, logger, core, closers);
    await startWorker(core, logger, closers);
    logger.info('wrapup started');
    const stopped = { intake, server };
    return {
      url: server.url,
      service: core.service,
      stop: (deadlineMs = 8000) => stopWrapup(core, stopped, deadlineMs, logger).finally(closeAll),
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}

/** The stop sequence; every step is bounded by what remains of the one deadline. */
async function stopWrapup(
  core: Core,
  parts: { intake: Intake; server: { close(graceMs?: number): Promise<void> } },
  deadlineMs: number,
  logger: Logger,
): Promise<void> {
  const endAt = Date.now() + deadlineMs;
  const left = (): number => Math.max(0, endAt - Date.now());
  logger.info({ deadlineMs }, 'shutting down');
  // With a lease: released here, so another replica takes the channels over at once.
  await within(left(), parts.intake.stop(left()).catch((err: unknown) => logger.warn({ err: toAppError(err).message }, 'intake stop failed')));
  // Long-polls (?wait=) answer now with the task as it is (202): clients poll again, against the next instance.
  core.service.releaseWaiters();
  core.obs.feed.close(); // dashboard event streams end now, so the server can close
  await within(left(), parts.server.close(left()));
  const unfinished = await core.worker.stop(left());
  if (unfinished > 0) logger.warn({ unfinished }, 'tasks still running at the deadline stay persisted and resume on start');
  // Deliveries in flight get what remains; unfinished ones stay persisted and are sent again on start.
  await core.deliveries.dispatcher.stop(left());
}

/** Re-queues what a previous process left running, then starts claiming: the last step of start-up. */
async function startWorker(core: Core, logger: Logger, closers: Closer[]): Promise<void> {
  const recovered = await core.queue.recover();
  if (recovered > 0) logger.info({ recovered }, 'resuming tasks left unfinished by the previous process');
  core.worker.start();
  closers.push(() => core.worker.stop(0));
  await core.deliveries.queue.recover();
  core.deliveries.dispatcher.start();
  closers.push(() => core.deliveries.dispatcher.stop(0));
}

