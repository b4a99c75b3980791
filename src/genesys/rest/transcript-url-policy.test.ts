import { describe, expect, it } from 'vitest';
import { checkTranscriptUrl, regionAllowList } from './transcript-url-policy.js';

// The example Genesys publishes for the Transcript URL query (developer.genesys.cloud, speechtextanalytics/transcript_url), shortened.
const DOCUMENTED =
  'https://dev-us-east-1-transcript.s3.amazonaws.com/transcriptsCache/b657c46c/f2b45a1d/c6f09067-transcripts?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=600&X-Amz-Signature=abc';

const verdict = (url: string, allow: readonly string[]) => {
  const v = checkTranscriptUrl(url, allow);
  return v.ok ? 'ok' : v.refusal;
};

describe('regionAllowList', () => {
  it('derives the S3 endpoints of the AWS region and the Genesys domain from GENESYS_REGION', () => {
    const ie = regionAllowList('mypurecloud.ie');
    expect(ie).toEqual(
      expect.arrayContaining(['*.s3.amazonaws.com', '*.s3.eu-west-1.amazonaws.com', '*.s3-eu-west-1.amazonaws.com', 's3.eu-west-1.amazonaws.com', '*.mypurecloud.ie']),
    );
    expect(regionAllowList('eu_west_1')).toEqual(ie);
    expect(regionAllowList('usw2.pure.cloud')).toContain('*.s3.us-west-2.amazonaws.com');
    // A domain the SDK does not know: the global S3 endpoint and that domain only.
    expect(regionAllowList('genesys.example.com')).toEqual(['s3.amazonaws.com', '*.s3.amazonaws.com', '*.genesys.example.com']);
  });

  it('admits the documented URL shape and S3 of the region, nothing of another region', () => {
    const us = regionAllowList('mypurecloud.com');
    expect(verdict(DOCUMENTED, us)).toBe('ok');
    expect(verdict('https://prod-us-east-1-transcript.s3.us-east-1.amazonaws.com/k?X-Amz-Signature=1', us)).toBe('ok');
    expect(verdict('https://api-downloads.mypurecloud.com/transcripts/k', us)).toBe('ok');
    expect(verdict('https://bucket.s3.eu-west-1.amazonaws.com/k', us)).toBe('host_not_allowed');
    expect(verdict('https://mypurecloud.com.evil.example/k', us)).toBe('host_not_allowed');
    expect(verdict('https://evil-s3.amazonaws.com/k', us)).toBe('host_not_allowed');
  });
});

describe('checkTranscriptUrl', () => {
  const allow = ['*.s3.amazonaws.com', 'http://127.0.0.1:9000'];

  it('refuses other schemes, http to patterns, IP literals, ports and userinfo', () => {
    expect(verdict('http://b.s3.amazonaws.com/k', allow)).toBe('scheme_not_allowed');
    expect(verdict('data:application/json,{}', allow)).toBe('scheme_not_allowed');
    expect(verdict('file:///etc/passwd', allow)).toBe('scheme_not_allowed');
    expect(verdict('https://169.254.169.254/latest/meta-data', allow)).toBe('ip_literal');
    expect(verdict('https://[::1]/k', allow)).toBe('ip_literal');
    expect(verdict('https://0x7f.1/k', allow)).toBe('ip_literal');
    expect(verdict('https://b.s3.amazonaws.com:8443/k', allow)).toBe('port_not_allowed');
    expect(verdict('https://user:pw@b.s3.amazonaws.com/k', allow)).toBe('credentials_in_url');
    expect(verdict('http://user@127.0.0.1:9000/k', allow)).toBe('credentials_in_url');
    expect(verdict('not a url', allow)).toBe('url_invalid');
  });

  it('admits an explicitly listed origin exactly (scheme, host and port), and patterns only for subdomains', () => {
    expect(verdict('http://127.0.0.1:9000/sta/t.json?sig=1', allow)).toBe('ok');
    expect(verdict('http://127.0.0.1:9001/sta/t.json', allow)).toBe('scheme_not_allowed');
    expect(verdict('https://127.0.0.1:9000/sta/t.json', allow)).toBe('ip_literal');
    expect(verdict('https://B.S3.AMAZONAWS.COM/k', allow)).toBe('ok');
    expect(verdict('https://s3.amazonaws.com/k', allow)).toBe('host_not_allowed');
  });
});
