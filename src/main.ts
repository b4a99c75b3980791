// Production entry point: load config from the environment, start wrapup, stop gracefully on SIGTERM/SIGINT.
import { loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { isAppError } from './errors.js';
import { startWrapup } from './app.js';

const SHUTDOWN_DEADLINE_MS = 20_000;

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    process.stderr.write(`${isAppError(err) ? err.message : String(err)}\n`);
    process.exit(2);
  }
  const logger = createLogger({ level: config.logLevel });
  const wrapup = await startWrapup(config, logger).catch((err: unknown) => {
    logger.fatal({ code: isAppError(err) ? err.code : 'INTERNAL', err: (err as Error).message }, 'wrapup could not start');
    process.exit(1);
  });

  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(130);
    }
    stopping = true;
    logger.info({ signal }, 'signal received: stopping');
    wrapup
      .stop(SHUTDOWN_DEADLINE_MS)
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        logger.error({ err: (err as Error).message }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

void main();
