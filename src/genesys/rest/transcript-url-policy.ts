// Which transcript download URLs may be fetched: https to the S3/Genesys hosts of the region, plus configured origins.
import { isIP } from 'node:net';
import platformClient from 'purecloud-platform-client-v2';

/** Why a URL was refused (logged and put in the error's details; never the URL itself: it carries a signature). */
export type UrlRefusal = 'url_invalid' | 'credentials_in_url' | 'scheme_not_allowed' | 'ip_literal' | 'port_not_allowed' | 'host_not_allowed';

export type UrlVerdict = { ok: true; url: URL } | { ok: false; refusal: UrlRefusal; scheme: string; host: string };

/**
 * The hosts a region's pre-signed transcript URL may point at (https only, default port).
 *
 * Evidence: Genesys' "Transcript URL" page (https://developer.genesys.cloud/api/rest/v2/speechtextanalytics/transcript_url)
 * shows `https://dev-us-east-1-transcript.s3.amazonaws.com/transcriptsCache/…?X-Amz-…&X-Amz-Expires=600`: a
 * virtual-hosted S3 bucket on the global endpoint, its name carrying the AWS region; the SDK docs call it "the
 * pre-signed S3 URL" (SpeechTextAnalyticsApi.md). Production bucket names are not published, so this is a
 * defensible default, not a confirmed list: any bucket on S3's global endpoint and on the endpoints of the region's
 * AWS region (regional and legacy dash form; S3 answers 307 to those right after a bucket is created), path-style
 * hosts included, and the region's own Genesys domain (`*.mypurecloud.ie`). TRANSCRIPT_URL_ALLOW adds to it.
 * The AWS region is the SDK's region key (`eu_west_1` ↔ `mypurecloud.ie`); for a domain the SDK does not know,
 * only the global S3 endpoint and that domain are allowed.
 * @param region GENESYS_REGION: a region key (`eu_west_1`) or an environment domain (`mypurecloud.ie`)
 * @param regionHosts region key → environment domain @default the SDK's PureCloudRegionHosts
 */
export function regionAllowList(region: string, regionHosts: Record<string, string> = platformClient.PureCloudRegionHosts): string[] {
  const key = Object.hasOwn(regionHosts, region) ? region : Object.keys(regionHosts).find((k) => regionHosts[k] === region);
  const domain = (key ? regionHosts[key] : undefined) ?? region;
  const aws = key?.replace(/_/g, '-');
  const s3 = ['s3.amazonaws.com', '*.s3.amazonaws.com'];
  if (aws) s3.push(`s3.${aws}.amazonaws.com`, `*.s3.${aws}.amazonaws.com`, `s3-${aws}.amazonaws.com`, `*.s3-${aws}.amazonaws.com`);
  return [...s3, `*.${domain.toLowerCase()}`];
}

/** `*.example.com` matches any subdomain of example.com (not example.com itself); anything else matches exactly. */
function hostMatches(host: string, pattern: string): boolean {
  if (!pattern.startsWith('*.')) return host === pattern;
  const suffix = pattern.slice(1);
  return host.length > suffix.length && host.endsWith(suffix);
}

/**
 * Checks a transcript URL against the allow-list. Entries containing `://` are origins and match exactly (the only
 * way to allow http, a port or an IP literal, e.g. the simulator's `http://127.0.0.1:9000`); the others are host
 * patterns that match https URLs on the default port whose host is a DNS name. URLs with userinfo never pass.
 * @param allow normalized entries (config.ts lower-cases patterns and reduces origins to `URL.origin`)
 */
export function checkTranscriptUrl(raw: string | URL, allow: readonly string[]): UrlVerdict {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, refusal: 'url_invalid', scheme: '', host: '' };
  }
  const scheme = url.protocol.replace(/:$/, '');
  const host = url.hostname.toLowerCase();
  const refuse = (refusal: UrlRefusal): UrlVerdict => ({ ok: false, refusal, scheme, host });
  if (url.username || url.password) return refuse('credentials_in_url');
  if ((scheme === 'http' || scheme === 'https') && allow.includes(url.origin)) return { ok: true, url };
  if (scheme !== 'https') return refuse('scheme_not_allowed');
  if (isIP(host.replace(/^\[|\]$/g, '')) !== 0) return refuse('ip_literal');
  if (url.port !== '') return refuse('port_not_allowed');
  return allow.some((entry) => !entry.includes('://') && hostMatches(host, entry)) ? { ok: true, url } : refuse('host_not_allowed');
}
