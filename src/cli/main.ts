#!/usr/bin/env node
// `wrapup`, the command line (npx wrapup … / the package's bin): summarize one conversation, backfill a window,
// re-run stale summaries. Same configuration as the service (the environment, config/default.json); results on
// stdout, progress and logs on stderr; exit 0 on success, 1 on failure, 2 on bad usage or configuration.
import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import { loadConfig, type Config } from '../config.js';
import { isAppError, toAppError } from '../errors.js';
import { createLogger, type Logger } from '../logger.js';
import { formatBackfillReport, parseDuration, runBackfill } from './backfill.js';
import { createProgress } from './progress.js';
import { formatReport, runFromConfig } from './rerun-stale.js';
import { summarizeOne } from './summarize.js';

const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** Logs go to stderr at warn (LOG_LEVEL=debug or info for more); stdout carries only results. */
function cliLogger(): Logger {
  const level = process.env.LOG_LEVEL === 'debug' || process.env.LOG_LEVEL === 'info' ? process.env.LOG_LEVEL : 'warn';
  return createLogger({ level, destination: process.stderr });
}

const int = (label: string) => (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${label} must be a non-negative integer`);
  return n;
};
const nonNegative = (value: string): number => {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('must be a non-negative number');
  return n;
};
const duration = (value: string): number => {
  try {
    return parseDuration(value);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
};
const baseUrl = (value: string): string => value.replace(/\/+$/, '');

/** Writes to stdout and waits until it is flushed (the process exits right after). */
const print = (text: string): Promise<void> => new Promise((resolve) => process.stdout.write(`${text}\n`, () => resolve()));

/** Loads the configuration and runs `fn`; every failure becomes one stderr line and an exit code. */
async function run(name: string, fn: (config: Config, logger: Logger) => Promise<string>): Promise<void> {
  let code = 0;
  try {
    const config = loadConfig(process.env);
    await print(await fn(config, cliLogger()));
  } catch (err) {
    const e = toAppError(err);
    code = isAppError(err, 'CONFIG_INVALID') || isAppError(err, 'BAD_REQUEST') ? 2 : 1;
    process.stderr.write(`wrapup ${name}: ${e.code}: ${e.message}\n`);
  }
  // The Genesys SDK and pino may hold handles open: the command is done.
  process.exit(code);
}

/** The embedded task queue is single-process: write the store only when no wrapup runs on it. */
function requireTarget(opts: { apiUrl?: string; serviceStopped?: boolean; dryRun?: boolean }, command: Command): void {
  if (!opts.apiUrl && !opts.serviceStopped && !opts.dryRun) {
    command.error('error: pass --api-url of the running wrapup, or --service-stopped if none runs on this store', { exitCode: 2 });
  }
}

export function buildProgram(): Command {
  const program = new Command('wrapup')
    .description('After-call summaries for Genesys Cloud conversations: operator commands (configuration from the environment, as the service)')
    .version(VERSION)
    .showHelpAfterError()
    .exitOverride((err) => process.exit(err.exitCode === 1 ? 2 : err.exitCode));

  program
    .command('summarize')
    .description("summarize one conversation now, in this process, and print the summary record as JSON (never writes the service's store)")
    .argument('<conversationId>', 'Genesys conversation id (UUID)')
    .option('--max-length <n>', 'summary length in characters (default SUMMARY_MAX_LENGTH)', int('--max-length'))
    .option('--timeout <duration>', 'give up after this long (e.g. 90s, 5m)', duration, 120_000)
    .action((conversationId: string, opts: { maxLength?: number; timeout: number }) =>
      run('summarize', async (config, logger) => {
        const record = await summarizeOne(config, { conversationId, maxLength: opts.maxLength, timeoutMs: opts.timeout }, logger);
        return JSON.stringify(record, null, 2);
      }),
    );

  program
    .command('backfill')
    .description('summarize conversations that ended in the last --since and have none yet (progress bar on stderr)')
    .requiredOption('--since <duration>', 'how far back (e.g. 2h, 30m, 1d)', duration)
    .option('--api-url <url>', 'submit through this running wrapup (safe while it runs)', baseUrl)
    .option('--service-stopped', 'queue straight into the store (only when no wrapup runs on it; the next start processes them)')
    .option('--dry-run', 'only count the conversations in the window')
    .action((opts: { since: number; apiUrl?: string; serviceStopped?: boolean; dryRun?: boolean }, command: Command) => {
      requireTarget(opts, command);
      return run('backfill', async (config, logger) => {
        const args = { sinceMs: opts.since, apiUrl: opts.apiUrl, dryRun: opts.dryRun === true };
        const report = await runBackfill(config, args, logger, createProgress('backfill', process.stderr));
        return formatBackfillReport(report, args.dryRun);
      });
    });

  program
    .command('rerun-stale')
    .description('re-queue summaries whose prompt template changed, under a count and an estimated-cost cap')
    .requiredOption('--max-count <n>', 'queue at most this many', int('--max-count'))
    .requiredOption('--max-cost-usd <x>', 'stop before the estimated cost passes this', nonNegative)
    .option('--api-url <url>', 'queue through this running wrapup (safe while it runs)', baseUrl)
    .option('--service-stopped', 'queue straight into the store (only when no wrapup runs on it)')
    .option('--dry-run', 'count and estimate, queue nothing')
    .action((opts: { maxCount: number; maxCostUsd: number; apiUrl?: string; serviceStopped?: boolean; dryRun?: boolean }, command: Command) => {
      requireTarget(opts, command);
      return run('rerun-stale', async (config, logger) => {
        const args = { maxCount: opts.maxCount, maxCostUsd: opts.maxCostUsd, dryRun: opts.dryRun === true, apiUrl: opts.apiUrl };
        return formatReport(await runFromConfig(config, args, logger), args.dryRun);
      });
    });
  return program;
}

await buildProgram().parseAsync(process.argv);
