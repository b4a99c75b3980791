// Wraps raw store calls so a broken backend surfaces as one typed, retryable error.
import { AppError, isAppError } from '../errors.js';

/** Runs a store operation; anything it throws becomes AppError STORE_UNAVAILABLE (retryable). */
export async function storeCall<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (cause) {
    if (isAppError(cause)) throw cause;
    throw new AppError('STORE_UNAVAILABLE', `store ${what} failed`, { cause, retryable: true });
  }
}

/** The zod issue paths of a failed parse, dotted (`template.hash`), for logs: never the values. */
export function issuePaths(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey> }>): string[] {
  return issues.map((issue) => issue.path.map(String).join('.') || '(root)');
}
