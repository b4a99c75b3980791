// Outbound webhook endpoints in the configuration: from CRM_WEBHOOKS and CRM_WEBHOOKS_FILE, https only (http to
// loopback when allowed), Standard Webhooks secrets, unique names, and errors that never echo a URL or a secret.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';
import { isAppError } from './errors.js';

const REQUIRED = { GENESYS_CLIENT_ID: 'id', GENESYS_CLIENT_SECRET: 'secret', API_KEYS: 'k7Qm2xR9vLp4Tz8Wn3Bc6Hd1Jf5Gs0Ye' };
const secret = (fill: number): string => `whsec_${Buffer.alloc(32, fill).toString('base64')}`;
const dirs: string[] = [];

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function problems(env: Record<string, string>): string {
  try {
    loadConfig({ ...REQUIRED, ...env });
  } catch (err) {
    expect(isAppError(err, 'CONFIG_INVALID')).toBe(true);
    return (err as Error).message;
  }
  throw new Error('expected loadConfig to fail');
}

describe('CRM webhook endpoints in the configuration', () => {
  it('is off by default, with a retry window of at least a day', () => {
    const config = loadConfig(REQUIRED);
    expect(config.crmWebhooks.endpoints).toEqual([]);
    expect(config.crmWebhooks.retryWindowMs).toBeGreaterThanOrEqual(86_400_000);
  });

  it('reads endpoints from CRM_WEBHOOKS_FILE and CRM_WEBHOOKS together, and the tuning variables', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'wrapup-hooks-'));
    dirs.push(dir);
    const file = path.join(dir, 'webhooks.json');
    writeFileSync(file, JSON.stringify({ endpoints: [{ name: 'salesforce', url: 'https://sf.example.com/h', secret: secret(1) }] }));
    const config = loadConfig({
      ...REQUIRED,
      CRM_WEBHOOKS_FILE: file,
      CRM_WEBHOOKS: JSON.stringify([{ name: 'local', url: 'http://127.0.0.1:9999/h', secret: ` ${secret(2)}\n` }]),
      CRM_WEBHOOK_ALLOW_HTTP_LOOPBACK: 'true',
      CRM_WEBHOOK_RETRY_WINDOW_MS: '172800000',
      CRM_WEBHOOK_CONCURRENCY: '2',
    });
    expect(config.crmWebhooks.endpoints.map((e) => e.name)).toEqual(['salesforce', 'local']);
    expect(config.crmWebhooks.endpoints[1]?.secret).toBe(secret(2));
    expect(config.crmWebhooks).toMatchObject({ retryWindowMs: 172_800_000, concurrency: 2, allowHttpLoopback: true });
  });

  it('refuses http (even to loopback unless allowed), bad secrets, shared secrets and duplicate names, echoing none', () => {
    const message = problems({
      CRM_WEBHOOKS: JSON.stringify([
        { name: 'plain', url: 'http://crm.example.com/h', secret: secret(1) },
        { name: 'loop', url: 'http://127.0.0.1:8000/h', secret: secret(2) },
        { name: 'weak', url: 'https://crm.example.com/h', secret: 'hunter2-not-a-whsec' },
        { name: 'short', url: 'https://crm.example.com/h', secret: 'whsec_c2hvcnQ=' },
        { name: 'twin', url: 'https://b.example.com/h', secret: secret(1) },
        { name: 'twin', url: 'https://c.example.com/h', secret: secret(3) },
      ]),
    });
    expect(message).toContain('CRM_WEBHOOKS');
    expect(message).toMatch(/endpoint plain: url must be https/);
    expect(message).toMatch(/endpoint loop: url is http:\/\/: set CRM_WEBHOOK_ALLOW_HTTP_LOOPBACK=true/);
    expect(message).toMatch(/endpoint weak: secret must start with whsec_/);
    expect(message).toMatch(/endpoint short: secret must encode 24 to 64 bytes/);
    expect(message).toMatch(/endpoint name twin is used twice/);
    expect(message).toMatch(/must differ from/);
    for (const leaked of [secret(1), 'hunter2', 'crm.example.com']) expect(message).not.toContain(leaked);
  });

  it('reports JSON that is not a list of endpoints, and a file that cannot be read', () => {
    expect(problems({ CRM_WEBHOOKS: '{"url":' })).toMatch(/CRM_WEBHOOKS is not JSON/);
    expect(problems({ CRM_WEBHOOKS: '{"url":"https://x.example.com"}' })).toMatch(/CRM_WEBHOOKS must be a JSON array/);
    expect(problems({ CRM_WEBHOOKS_FILE: '/nonexistent/webhooks.json' })).toMatch(/CRM_WEBHOOKS_FILE cannot be read: ENOENT/);
  });
});
