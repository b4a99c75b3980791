// Reads whatever the purecloud SDK rejected with (extended response, ErrorBody, AxiosError, string) and maps it to AppError.
import type { z } from 'zod';
import { AppError } from '../../errors.js';

/** What we learned about one failed upstream request. */
export interface UpstreamFailure {
  /** HTTP status, when a response arrived. */
  status?: number;
  /** Lower-cased response headers (empty when there was no response). */
  headers: Record<string, string>;
  /** True when no response arrived (connect refused, reset, timeout). */
  network: boolean;
  /** Genesys ErrorBody `code` (e.g. `not.found`), safe to log. */
  code?: string;
  message: string;
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ECONNABORTED', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'ERR_NETWORK', 'ERR_SOCKET_CONNECTION_TIMEOUT']);

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

function lowerHeaders(raw: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isRecord(raw)) return out;
  const source = typeof raw.toJSON === 'function' ? (raw.toJSON as () => unknown)() : raw;
  if (!isRecord(source)) return out;
  for (const [k, v] of Object.entries(source)) {
    if (v !== undefined && v !== null) out[k.toLowerCase()] = Array.isArray(v) ? String(v[0]) : String(v);
  }
  return out;
}

function bodyCode(body: unknown): string | undefined {
  return isRecord(body) && typeof body.code === 'string' ? body.code : undefined;
}

/** Normalizes an SDK rejection. Strings (SDK "Missing the required parameter" throws) come back as status-less, non-network. */
export function describeFailure(err: unknown): UpstreamFailure {
  if (typeof err === 'string') return { headers: {}, network: false, message: err };
  if (!isRecord(err)) return { headers: {}, network: false, message: 'unknown upstream failure' };
  const response = isRecord(err.response) ? err.response : undefined;
  if (typeof err.status === 'number') {
    // Extended response ({status, headers, body, error}), a plain ErrorBody ({status, code, message}), or an
    // AxiosError (axios ≥1 copies the status onto the error; headers and body stay on `response`).
    const body = 'body' in err ? err.body : response && 'data' in response ? response.data : err;
    const code = bodyCode(body);
    const headers = { ...lowerHeaders(response?.headers), ...lowerHeaders(err.headers) };
    return { status: err.status, headers, network: false, ...(code ? { code } : {}), message: `HTTP ${err.status}` };
  }
  if (response && typeof response.status === 'number') {
    const code = bodyCode(response.data);
    return { status: response.status, headers: lowerHeaders(response.headers), network: false, ...(code ? { code } : {}), message: `HTTP ${response.status}` };
  }
  const errCode = typeof err.code === 'string' ? err.code : undefined;
  const message = typeof err.message === 'string' ? err.message : 'network failure';
  const network = err.isAxiosError === true || (errCode !== undefined && NETWORK_CODES.has(errCode));
  return { headers: {}, network, ...(errCode ? { code: errCode } : {}), message };
}

/** Milliseconds the server asked us to wait: Retry-After (seconds or HTTP date), else inin-ratelimit-reset seconds. */
export function retryAfterMs(headers: Record<string, string>, now: number = Date.now()): number | undefined {
  const retryAfter = headers['retry-after'];
  if (retryAfter !== undefined && retryAfter.trim() !== '') {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
    const date = Date.parse(retryAfter);
    if (Number.isFinite(date)) return Math.max(0, date - now);
  }
  const reset = Number(headers['inin-ratelimit-reset']);
  if (headers['inin-ratelimit-reset'] !== undefined && Number.isFinite(reset) && reset >= 0) return Math.round(reset * 1000);
  return undefined;
}

/** True for failures a later attempt may fix: network, 408, 429, 5xx. */
export function isTransient(f: UpstreamFailure): boolean {
  if (f.network) return true;
  return f.status === 408 || f.status === 429 || (f.status !== undefined && f.status >= 500);
}

/** Maps a final (not retried further) failure of REST call `label` to an AppError. Never includes response bodies. */
export function toUpstreamAppError(label: string, f: UpstreamFailure): AppError {
  const details = { label, ...(f.code ? { upstreamCode: f.code } : {}) };
  const base = { upstreamStatus: f.status, details };
  if (f.status === 401) return new AppError('GENESYS_AUTH_FAILED', `Genesys rejected our token (${label})`, base);
  if (f.status === 403) return new AppError('GENESYS_FORBIDDEN', `Genesys denied ${label}: missing permission`, base);
  if (f.status === 404) return new AppError('NOT_FOUND', `Genesys returned 404 for ${label}`, base);
  if (f.status === 429) {
    const wait = retryAfterMs(f.headers);
    return new AppError('RATE_LIMITED', `Genesys rate limit persisted for ${label}`, { ...base, retryable: true, ...(wait !== undefined ? { retryAfterMs: wait } : {}) });
  }
  if (isTransient(f)) {
    const what = f.network ? `network failure (${f.code ?? 'no response'})` : `HTTP ${f.status}`;
    return new AppError('GENESYS_UNAVAILABLE', `Genesys unavailable for ${label}: ${what}`, { ...base, retryable: true });
  }
  if (f.status === undefined) return new AppError('INTERNAL', `Genesys SDK call ${label} failed: ${f.message}`, { details });
  return new AppError('GENESYS_UNAVAILABLE', `Genesys rejected ${label} with HTTP ${f.status}`, base);
}

/** Parses a Genesys response body; a shape we don't understand is a non-retryable GENESYS_UNAVAILABLE naming the fields. */
export function parseUpstream<S extends z.ZodType>(schema: S, raw: unknown, label: string): z.infer<S> {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const fields = result.error.issues.slice(0, 5).map((i) => i.path.join('.') || '(root)');
  throw new AppError('GENESYS_UNAVAILABLE', `Unexpected Genesys response for ${label} (fields: ${fields.join(', ')})`, { details: { label } });
}
