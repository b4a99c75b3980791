// Outbound webhook endpoints: what one is (name, URL, Standard Webhooks secret) and the fingerprint a disabled
// endpoint is remembered by. The URL and secret rules are checked with the configuration (config-webhooks.ts).
import { createHash } from 'node:crypto';

/** One receiver of outbound webhooks, as configured. */
export interface WebhookEndpoint {
  /** Unique, shown in the delivery log (the URL and secret never are). */
  name: string;
  url: string;
  /** `whsec_` + base64 of 24–64 random bytes (Standard Webhooks). */
  secret: string;
}

/** What a disabled endpoint is remembered by: its name and a hash of its URL, so a new URL starts enabled. */
export function endpointKey(endpoint: Pick<WebhookEndpoint, 'name' | 'url'>): string {
  return `${endpoint.name}@${createHash('sha256').update(endpoint.url).digest('hex').slice(0, 16)}`;
}
