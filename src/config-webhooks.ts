// Outbound webhook endpoints in the configuration: read from CRM_WEBHOOKS (inline JSON) and/or CRM_WEBHOOKS_FILE (a
// JSON file), and the rules config.ts checks them by (https, Standard Webhooks secrets). Never echoes a URL or secret.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Env } from './config-env.js';

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

/**
 * The endpoint entries of CRM_WEBHOOKS and CRM_WEBHOOKS_FILE, each a JSON array of `{name, url, secret}` or an
 * object `{"endpoints": [...]}`, file entries first. Unreadable sources are reported in `problems`.
 */
export function readWebhookEndpoints(env: Env, problems: string[], cwd: string = process.cwd()): unknown[] {
  const out: unknown[] = [];
  const file = env.CRM_WEBHOOKS_FILE?.trim();
  if (file) {
    let text: string | undefined;
    try {
      text = readFileSync(path.resolve(cwd, file), 'utf8');
    } catch (err) {
      problems.push(`CRM_WEBHOOKS_FILE cannot be read: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
    }
    if (text !== undefined) out.push(...entries(text, 'CRM_WEBHOOKS_FILE', problems));
  }
  const inline = env.CRM_WEBHOOKS?.trim();
  if (inline) out.push(...entries(inline, 'CRM_WEBHOOKS', problems));
  return out;
}

function entries(text: string, name: string, problems: string[]): unknown[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    problems.push(`${name} is not JSON: expected [{"name","url","secret"}, …] or {"endpoints": […]}`);
    return [];
  }
  const list = Array.isArray(parsed) ? parsed : (parsed as { endpoints?: unknown } | null)?.endpoints;
  if (!Array.isArray(list)) {
    problems.push(`${name} must be a JSON array of endpoints or {"endpoints": […]}`);
    return [];
  }
  return list;
}
