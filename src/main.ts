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
  // Installed before start: a signal during start-up stops as soon as start-up is done; a second one exits at once.
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(130);
    }
    stopping = true;
    logger.info({ signal, deadlineMs: config.shutdownDeadlineMs }, 'signal received: stopping');
    if (wrapup) stop(wrapup);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);

  wrapup = await startWrapup(config, logger).catch((err: unknown) => {
    logger.fatal({ code: isAppError(err) ? err.code : 'INTERNAL', err: (err as Error).message }, 'wrapup could not start');
    process.exit(1);
  });
  if (stopping) stop(wrapup);
}

void main();
