// Reads the summarizer's JSON configuration files (templates, routing, model table, PII allow list) with one rule:
// unreadable, not JSON or not matching its schema → AppError CONFIG_INVALID naming the file and every problem.
import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { AppError } from '../errors.js';

/** Parses `raw` (the content of `file`) as JSON and validates it; `what` names the file's role in messages. */
export function parseConfigJson<T>(what: string, file: string, raw: string, schema: z.ZodType<T>): T {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (err) {
    throw new AppError('CONFIG_INVALID', `${what} ${file} is not valid JSON`, { cause: err });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${file}: ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new AppError('CONFIG_INVALID', `invalid ${what}:\n  - ${issues.join('\n  - ')}`);
  }
  return parsed.data;
}

/** Runs the read of `file`; a failing read is CONFIG_INVALID naming the file. */
export function readConfigText(what: string, file: string | URL, raw: () => string): string {
  try {
    return raw();
  } catch (err) {
    throw new AppError('CONFIG_INVALID', `${what} ${String(file)} cannot be read`, { cause: err });
  }
}

/** Reads and validates a JSON config file synchronously (start-up only). */
export function loadConfigJsonSync<T>(what: string, file: string | URL, schema: z.ZodType<T>): T {
  return parseConfigJson(what, String(file), readConfigText(what, file, () => readFileSync(file, 'utf8')), schema);
}
