// Outbound webhook endpoints: what one is (name, URL, Standard Webhooks secret), the URL rule (https; http only to
// loopback when explicitly allowed), and the fingerprint a disabled endpoint is remembered by. Pure functions.
import { createHash } from 'node:crypto';

/** One receiver of outbound webhooks, as configured. */
export interface WebhookEndpoint {
  /** Unique, shown in the delivery log (the URL and secret never are). */
  name: string;
  url: string;
  /** `whsec_` + base64 of 24–64 random bytes (Standard Webhooks). */
  secret: string;
}

/** `whsec_` then standard base64 of 24 to 64 bytes. */
export function secretProblem(secret: string): string | undefined {
  if (!secret.startsWith('whsec_')) return 'must start with whsec_';
  const body = secret.slice('whsec_'.length);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(body)) return 'must be whsec_ followed by base64';
  const bytes = Buffer.from(body, 'base64').length;
  return bytes < 24 || bytes > 64 ? `must encode 24 to 64 bytes (has ${bytes})` : undefined;
}

const LOOPBACK_HOSTS = new Set(['localhost', '[::1]', '::1']);

/** True for 127.0.0.0/8, ::1 and localhost. */
export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname.toLowerCase()) || /^127(\.\d{1,3}){3}$/.test(hostname);
}

/**
 * Why a URL may not receive webhooks, or undefined: it must be https (a summary is customer data), carry no
 * fragment, and http is accepted only to a loopback host when `allowHttpLoopback` is set (tests, a local relay).
 */
export function urlProblem(raw: string, allowHttpLoopback: boolean): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'is not a URL';
  }
  if (url.hash) return 'must not have a #fragment';
  if (url.protocol === 'https:') return undefined;
  if (url.protocol !== 'http:') return 'must be https://';
  if (!isLoopbackHost(url.hostname)) return 'must be https:// (http:// only to a loopback host, with CRM_WEBHOOK_ALLOW_HTTP_LOOPBACK=true)';
  return allowHttpLoopback ? undefined : 'is http://: set CRM_WEBHOOK_ALLOW_HTTP_LOOPBACK=true to allow it for a loopback host';
}

/** What a disabled endpoint is remembered by: its name and a hash of its URL, so a new URL starts enabled. */
export function endpointKey(endpoint: Pick<WebhookEndpoint, 'name' | 'url'>): string {
  return `${endpoint.name}@${createHash('sha256').update(endpoint.url).digest('hex').slice(0, 16)}`;
}
