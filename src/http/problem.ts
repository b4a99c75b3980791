// The one error shape (RFC 9457 application/problem+json) and the one table mapping error codes to HTTP statuses.
import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ZodError } from 'zod';
import { AppError, isAppError, type ErrorCode } from '../errors.js';
import type { Logger } from '../logger.js';
import type { TaskRecord } from '../domain.js';

/**
 * Every error code's HTTP status: the only place a status is decided. Task-failure choices: content that cannot be
 * summarized (transcript missing, unsupported media, model output that fails validation) is 422; a conversation still
 * in progress is 409; upstream outages (Genesys, the LLM, their rate limits) are 502 — the request was fine, a
 * dependency was not.
 */
export const STATUS_BY_CODE: Record<ErrorCode, number> = {
  BAD_REQUEST: 400,
  INVALID_ID: 400,
  MALFORMED_JSON: 400,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  HEADERS_TOO_LARGE: 431,
  REQUEST_TIMEOUT: 408,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  TASK_NOT_FOUND: 404,
  CONVERSATION_NOT_FOUND: 404,
  SUMMARY_EXPIRED: 404,
  DELIVERY_NOT_FOUND: 404,
  TOO_MANY_REQUESTS: 429,
  TRANSCRIPT_TOO_LONG: 422,
  CONVERSATION_NOT_ENDED: 409,
  TRANSCRIPT_UNAVAILABLE: 422,
  TRANSCRIPT_TOO_LARGE: 422,
  UNSUPPORTED_MEDIA: 422,
  SCHEMA_INVALID: 422,
  TOO_LONG: 422,
  CONTENT_TOO_SHORT: 422,
  PII_IN_OUTPUT: 422,
  INJECTION_IN_OUTPUT: 422,
  SUMMARY_INVALID: 422,
  GENESYS_UNAVAILABLE: 502,
  GENESYS_AUTH_FAILED: 502,
  GENESYS_FORBIDDEN: 502,
  RATE_LIMITED: 502,
  LLM_UNAVAILABLE: 502,
  STORE_UNAVAILABLE: 503,
  SHUTTING_DOWN: 503,
  STORE_RECORD_INVALID: 500,
  CONFIG_INVALID: 500,
  INTERNAL: 500,
};

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  408: 'Request Timeout',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  431: 'Request Header Fields Too Large',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

const GENERIC_DETAIL = 'an internal error occurred';

/** True for strings that are one of our stable error codes. */
export function isErrorCode(value: string): value is ErrorCode {
  return Object.hasOwn(STATUS_BY_CODE, value);
}

/**
 * The problem for a settled task that has no summary (failed, or skipped with its reason): its own code and status,
 * except server-side failures read as 502 (upstream). It says whether the task will run again by itself: it will
 * not (a read never re-runs it); a transient failure may be revived when Genesys reports the conversation again, and
 * `POST /api/summary/submit` with `force: true` runs it again.
 */
export function taskFailureProblem(task: Pick<TaskRecord, 'task_id' | 'status' | 'attempts' | 'error'>): AppError {
  const error = task.error;
  const code: ErrorCode = error && isErrorCode(error.code) ? error.code : 'INTERNAL';
  const detail = code === 'INTERNAL' || !error ? 'summarization failed' : error.message;
  return new AppError(code, detail, {
    problem: {
      task_id: task.task_id,
      task_status: task.status,
      attempts: task.attempts,
      retryable: error?.retryable === true,
      retry_at: null,
      ...(error?.details ? { error_details: error.details } : {}),
    },
  });
}

/** The problem+json body every error answer has; its status is the code's. */
export function problemBody(code: ErrorCode, detail: string, instance?: string, extra = {}): Record<string, unknown> {
  const status = STATUS_BY_CODE[code];
  return {
    type: `https://wrapup.dev/errors/${code.toLowerCase()}`,
    title: TITLES[status] ?? 'Error',
    status,
    code,
    detail,
    ...(instance === undefined ? {} : { instance }),
    ...extra,
  };
}

/** Writes a problem+json response with the code's status. 401 answers carry `WWW-Authenticate: Bearer`. */
export function problemResponse(c: Context, code: ErrorCode, detail: string, extra = {}): Response {
  const status = STATUS_BY_CODE[code];
  const body = problemBody(code, detail, c.req.path, extra);
  const headers: Record<string, string> = { 'content-type': 'application/problem+json' };
  if (status === 401) headers['www-authenticate'] = 'Bearer realm="wrapup"';
  return new Response(JSON.stringify(body), { status, headers });
}

interface ProblemParts {
  code: ErrorCode;
  detail: string;
  extra?: Record<string, unknown>;
}

/** Hono's own exceptions (its validators and middleware), by the code that means the same. */
function fromHttpException(err: HTTPException): ProblemParts {
  if (err.status === 413) return { code: 'PAYLOAD_TOO_LARGE', detail: 'request body too large' };
  if (err.status === 415) return { code: 'UNSUPPORTED_MEDIA_TYPE', detail: 'Content-Type must be application/json' };
  if (err.status === 401) return { code: 'UNAUTHORIZED', detail: 'missing or invalid bearer token' };
  if (err.status === 400 && /malformed json/i.test(err.message)) return { code: 'MALFORMED_JSON', detail: 'request body is not valid JSON' };
  if (err.status === 404) return { code: 'NOT_FOUND', detail: err.message || 'not found' };
  if (err.status < 500) return { code: 'BAD_REQUEST', detail: err.message || 'bad request' };
  return { code: 'INTERNAL', detail: GENERIC_DETAIL };
}

/** Maps anything thrown to a problem; unknown errors become a generic 500 INTERNAL. */
export function toProblem(err: unknown): ProblemParts {
  if (isAppError(err)) {
    const hidden = STATUS_BY_CODE[err.code] === 500;
    return { code: err.code, detail: hidden ? GENERIC_DETAIL : err.message, ...(err.problem ? { extra: err.problem } : {}) };
  }
  if (err instanceof HTTPException) return fromHttpException(err);
  return { code: 'INTERNAL', detail: GENERIC_DETAIL };
}

/** The app's single onError: logs server-side failures, answers every error with a problem. */
export function createErrorHandler(logger: Logger): ErrorHandler {
  return (err, c) => {
    const problem = toProblem(err);
    if (STATUS_BY_CODE[problem.code] >= 500) logger.error({ err, code: problem.code, path: c.req.path }, 'request failed');
    else logger.debug({ code: problem.code, path: c.req.path }, 'request rejected');
    const response = problemResponse(c, problem.code, problem.detail, problem.extra);
    if (isAppError(err) && err.retryAfterMs !== undefined) {
      response.headers.set('retry-after', String(Math.ceil(err.retryAfterMs / 1000)));
    }
    return response;
  };
}

/** Unknown routes and unsupported methods. */
export const notFoundProblem: NotFoundHandler = (c) =>
  problemResponse(c, 'NOT_FOUND', `no route for ${c.req.method} ${c.req.path}`);

const ID_FIELDS = new Set(['conversation_id', 'task_id']);

/** OpenAPIHono defaultHook: zod failures become 400 INVALID_ID (only id fields wrong) or BAD_REQUEST, naming fields. */
export function validationHook(result: { success: boolean; target: string; error?: ZodError }, c: Context) {
  if (result.success || !result.error) return undefined;
  const invalidParams = result.error.issues.map((issue) => ({
    name: issue.path.map(String).join('.') || result.target,
    reason: issue.message,
  }));
  const onlyIds = invalidParams.every((p) => ID_FIELDS.has(p.name));
  const code: ErrorCode = onlyIds ? 'INVALID_ID' : 'BAD_REQUEST';
  const detail = `invalid ${result.target}: ${invalidParams.map((p) => p.name).join(', ')}`;
  return problemResponse(c, code, detail, { invalid_params: invalidParams });
}
