import { describe, expect, it } from 'vitest';
import { describeFailure, retryAfterMs, toUpstreamAppError } from './upstream-error.js';

describe('retryAfterMs', () => {
  it('reads seconds, HTTP dates, then inin-ratelimit-reset', () => {
    expect(retryAfterMs({ 'retry-after': '42' })).toBe(42_000);
    expect(retryAfterMs({ 'retry-after': new Date(10_000).toUTCString() }, 4_000)).toBe(6_000);
    expect(retryAfterMs({ 'inin-ratelimit-reset': '61' })).toBe(61_000);
    expect(retryAfterMs({ 'retry-after': 'soon', 'inin-ratelimit-reset': '2' })).toBe(2_000);
    expect(retryAfterMs({})).toBeUndefined();
  });
});

describe('describeFailure', () => {
  it('understands the SDK rejection shapes', () => {
    expect(describeFailure({ status: 404, headers: { 'X-A': '1' }, body: { code: 'not.found' }, error: {} })).toMatchObject({ status: 404, headers: { 'x-a': '1' }, code: 'not.found' });
    expect(describeFailure({ status: 403, code: 'missing.permissions', message: 'no' })).toMatchObject({ status: 403, code: 'missing.permissions' });
    expect(describeFailure({ isAxiosError: true, message: 'x', response: { status: 401, headers: {}, data: { error: 'invalid_client' } } })).toMatchObject({ status: 401 });
    // axios ≥1 copies the status onto the error itself; headers and body stay on `response`.
    expect(describeFailure({ isAxiosError: true, status: 429, message: 'x', response: { status: 429, headers: { 'Retry-After': '2' }, data: { code: 'too.many' } } })).toMatchObject({ status: 429, headers: { 'retry-after': '2' }, code: 'too.many' });
    expect(describeFailure(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }))).toMatchObject({ network: true });
    expect(describeFailure(new TypeError('bug'))).toEqual({ headers: {}, network: false, message: expect.any(String) });
    expect(describeFailure('Missing the required parameter "x"')).toEqual({ headers: {}, network: false, message: expect.any(String) });
  });

  it('never treats our own bugs as retryable', () => {
    expect(toUpstreamAppError('x', describeFailure(new TypeError('bug')))).toMatchObject({ code: 'INTERNAL', retryable: false });
    expect(toUpstreamAppError('x', describeFailure({ status: 400, body: {} }))).toMatchObject({ code: 'GENESYS_UNAVAILABLE', retryable: false, upstreamStatus: 400 });
  });
});
