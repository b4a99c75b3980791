// Production entry point: load config from the environment, start wrapup, stop gracefully on SIGTERM/SIGINT.
import { loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { isAppError } from './errors.js';
import { startWrapup, type Wrapup } from './app.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    process.stderr.write(`${isAppError(err) ? err.message : String(err)}\n`);
    process.exit(2);
  }
  const logger = createLogger({ level: config.logLevel });
  let wrapup: Wrapup | undefined;
  let stopping = false;

  const stop = (instance: Wrapup): void => {
    instance
      .stop(config.shutdownDeadlineMs)
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        logger.error({ err: (err as Error).message }, 'shutdown failed');
        process.exit(1);
      });
  };
  // Installed before start. During start-up (login retries and discovery can outlast Docker's 10 s) a signal exits
  // at once: every accepted task is already persisted and resumes on the next start. After start-up it stops
  // gracefully within the deadline; a second signal exits at once.
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping || !wrapup) {
      logger.warn({ signal, startingUp: !wrapup }, stopping ? 'second signal: exiting now' : 'signal during start-up: exiting now');
      process.exit(130);
    }
    stopping = true;
    logger.info({ signal, deadlineMs: config.shutdownDeadlineMs }, 'signal received: stopping');
    stop(wrapup);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);

  wrapup = await startWrapup(config, logger).catch((err: unknown) => {
    logger.fatal({ code: isAppError(err) ? err.code : 'INTERNAL', err: (err as Error).message }, 'wrapup could not start');
    process.exit(1);
  });
}

void main();
