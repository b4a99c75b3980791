// Typed application errors: a stable `code`, whether a retry may help, and the cause. Mapped to HTTP in http/problem.ts only.

/** Every error code the service can produce. Stable: clients and dashboards key on these strings. */
export type ErrorCode =
  | 'BAD_REQUEST'
  | 'INVALID_ID'
  | 'MALFORMED_JSON'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'HEADERS_TOO_LARGE'
  | 'REQUEST_TIMEOUT'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'TASK_NOT_FOUND'
  | 'CONVERSATION_NOT_FOUND'
  | 'CONVERSATION_NOT_ENDED'
  | 'TRANSCRIPT_UNAVAILABLE'
  | 'TRANSCRIPT_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA'
  | 'GENESYS_UNAVAILABLE'
  | 'GENESYS_AUTH_FAILED'
  | 'GENESYS_FORBIDDEN'
  | 'RATE_LIMITED'
  | 'TOO_MANY_REQUESTS'
  | 'SUMMARY_EXPIRED'
  | 'DELIVERY_NOT_FOUND'
  | 'TRANSCRIPT_TOO_LONG'
  | 'LLM_UNAVAILABLE'
  | 'SCHEMA_INVALID'
  | 'TOO_LONG'
  | 'PII_IN_OUTPUT'
  | 'INJECTION_IN_OUTPUT'
  | 'SUMMARY_INVALID'
  | 'STORE_UNAVAILABLE'
  | 'STORE_RECORD_INVALID'
  | 'SHUTTING_DOWN'
  | 'CONFIG_INVALID'
  | 'CONTENT_TOO_SHORT'
  | 'INTERNAL';

export interface AppErrorOptions {
  /** Whether the same operation may succeed if tried again later. @default false */
  retryable?: boolean;
  /** Milliseconds the upstream asked us to wait before retrying (Retry-After). */
  retryAfterMs?: number;
  /** HTTP status of an upstream response, when the error came from one. */
  upstreamStatus?: number;
  cause?: unknown;
  /** Extra machine-readable detail safe to show to API clients (never secrets or transcript text). */
  details?: Record<string, unknown>;
  /** Fields added to the HTTP problem+json body when this error answers a request (e.g. `invalid_params`). */
  problem?: Record<string, unknown>;
}

/** The one error type that crosses module boundaries. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly upstreamStatus: number | undefined;
  readonly details: Record<string, unknown> | undefined;
  readonly problem: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.retryAfterMs = options.retryAfterMs;
    this.upstreamStatus = options.upstreamStatus;
    this.details = options.details;
    this.problem = options.problem;
  }
}

/** True when `err` is an AppError (optionally with the given code). */
export function isAppError(err: unknown, code?: ErrorCode): err is AppError {
  return err instanceof AppError && (code === undefined || err.code === code);
}

/** Wraps anything thrown into an AppError, keeping AppErrors as they are. */
export function toAppError(err: unknown, fallback: ErrorCode = 'INTERNAL'): AppError {
  if (err instanceof AppError) return err;
  const message = err instanceof Error ? err.message : typeof err === 'string' ? err : 'unexpected error';
  return new AppError(fallback, message, { cause: err });
}

/** A run whose record another run took over (re-queued, or claimed again by another replica): its result is discarded. */
export const isSuperseded = (err: unknown): boolean => err instanceof AppError && err.details?.superseded === true;
