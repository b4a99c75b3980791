import { describe, expect, it } from 'vitest';
import { loadConfig, parseGatewayUrl } from './config.js';
import { isAppError } from './errors.js';

const API_KEY = 'k7Qm2xR9vLp4Tz8Wn3Bc6Hd1Jf5Gs0Ye';
const OTHER_KEY = 'Zr8Tn2Wq5Lm9Xv3Kp7Hb1Jc6Fd4Gs0Ya';
const REQUIRED = { GENESYS_CLIENT_ID: 'id', GENESYS_CLIENT_SECRET: 'secret', API_KEYS: API_KEY };

function problems(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (err) {
    expect(isAppError(err, 'CONFIG_INVALID')).toBe(true);
    return (err as Error).message;
  }
  throw new Error('expected loadConfig to fail');
}

describe('loadConfig', () => {
  it('names every missing variable at once and points to the demo', () => {
    const message = problems({});
    for (const name of ['GENESYS_CLIENT_ID', 'GENESYS_CLIENT_SECRET', 'API_KEYS']) expect(message).toContain(name);
    expect(message).toContain('npm run demo');
  });

  it('names invalid values by their environment variable, without echoing secrets', () => {
    const message = problems({
      ...REQUIRED,
      PORT: 'eighty',
      STORE_URL: 'postgres://db',
      SUMMARY_MAX_LENGTH: '10',
      GENESYS_QUEUE_IDS: 'not-a-uuid',
      OPENAI_BASE_URL: 'nope',
      SHUTDOWN_DEADLINE_MS: '-1',
      API_KEYS: 'short',
    });
    for (const name of ['PORT', 'STORE_URL', 'SUMMARY_MAX_LENGTH', 'GENESYS_QUEUE_IDS', 'OPENAI_BASE_URL', 'SHUTDOWN_DEADLINE_MS', 'API_KEYS']) {
      expect(message).toContain(name);
    }
    expect(message).not.toContain('secret');
  });

  it('applies defaults and overrides from the environment', () => {
    const config = loadConfig({ ...REQUIRED, PORT: '9000', SUMMARY_MAX_LENGTH: '300', GENESYS_QUEUE_IDS: '6b1f9a4e-2d3c-4e5f-8a9b-0c1d2e3f4a5b, 7c2a0b5f-3e4d-4f60-9b0c-1d2e3f4a5b6c' });
    expect(config.http.port).toBe(9000);
    expect(config.summary.maxLength).toBe(300);
    expect(config.genesys.region).toBe('mypurecloud.com');
    expect(config.genesys.queueIds).toHaveLength(2);
    expect(config.store.url).toBe('sqlite://./data/wrapup.sqlite');
    expect(config.openai.apiKey).toBeUndefined();
    expect(config.shutdownDeadlineMs).toBe(8000);
    expect(config.webhookToken).toBeUndefined();
    expect(config.http).toMatchObject({ headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, keepAliveTimeoutMs: 5000, maxConnections: 1000 });
  });

  it('runs twice as many summaries at once as the model has slots unless WORKER_CONCURRENCY says otherwise', () => {
    expect(loadConfig(REQUIRED).worker.concurrency).toBe(8);
    expect(loadConfig({ ...REQUIRED, OPENAI_MAX_CONCURRENCY: '16' }).worker.concurrency).toBe(32);
    expect(loadConfig({ ...REQUIRED, OPENAI_MAX_CONCURRENCY: '16', WORKER_CONCURRENCY: '3' }).worker.concurrency).toBe(3);
    expect(problems({ ...REQUIRED, OPENAI_MAX_CONCURRENCY: 'many' })).toContain('OPENAI_MAX_CONCURRENCY');
  });

  it('reads the replica settings; QUEUE=bullmq needs a redis:// store', () => {
    const defaults = loadConfig(REQUIRED);
    expect(defaults.cluster).toEqual({ leaseTtlMs: 5000, queueLockMs: 30000 });
    const config = loadConfig({ ...REQUIRED, STORE_URL: 'redis://redis:6379/2', REPLICA_ID: ' wrapup-a ', QUEUE: 'BullMQ', CHANNEL_LEASE_TTL_MS: '3000', QUEUE_LOCK_MS: '10000' });
    expect(config.cluster).toEqual({ replicaId: 'wrapup-a', queue: 'bullmq', leaseTtlMs: 3000, queueLockMs: 10000 });
    expect(() => loadConfig({ ...REQUIRED, QUEUE: 'bullmq' })).toThrow(/QUEUE \(cluster\.queue\): bullmq needs STORE_URL=redis/);
    expect(() => loadConfig({ ...REQUIRED, QUEUE: 'kafka' })).toThrow(/QUEUE \(cluster\.queue\)/);
    expect(() => loadConfig({ ...REQUIRED, CHANNEL_LEASE_TTL_MS: '10' })).toThrow(/CHANNEL_LEASE_TTL_MS/);
  });

  it('reads the HTTP limits from the environment and refuses a headers timeout above the request timeout', () => {
    const config = loadConfig({ ...REQUIRED, HTTP_HEADERS_TIMEOUT_MS: '2000', HTTP_REQUEST_TIMEOUT_MS: '4000', HTTP_KEEPALIVE_TIMEOUT_MS: '65000', HTTP_MAX_CONNECTIONS: '50' });
    expect(config.http).toMatchObject({ headersTimeoutMs: 2000, requestTimeoutMs: 4000, keepAliveTimeoutMs: 65_000, maxConnections: 50 });
    expect(problems({ ...REQUIRED, HTTP_HEADERS_TIMEOUT_MS: '5000', HTTP_REQUEST_TIMEOUT_MS: '4000' })).toContain('HTTP_HEADERS_TIMEOUT_MS must not exceed HTTP_REQUEST_TIMEOUT_MS');
    expect(problems({ ...REQUIRED, HTTP_MAX_CONNECTIONS: '0' })).toContain('HTTP_MAX_CONNECTIONS');
  });
});

describe('loadConfig: secrets', () => {
  /** The message of a rejected configuration, after checking it names `variable` and never shows `secret`. */
  function rejected(env: Record<string, string>, variable: string, secret: string): string {
    const message = problems({ ...REQUIRED, ...env });
    expect(message).toContain(variable);
    expect(message).not.toContain(secret.trim());
    expect(message).not.toContain(secret.trim().slice(0, 8));
    return message;
  }

  it('trims a trailing newline (a secrets file) and surrounding spaces from every secret', () => {
    const config = loadConfig({
      GENESYS_CLIENT_ID: ' id\n',
      GENESYS_CLIENT_SECRET: 'secret\n',
      API_KEYS: `${API_KEY}\n, ${OTHER_KEY} `,
      WEBHOOK_TOKEN: `  wH7kP2qZ9xT4mN8rV3bL6cJ1dF5gS0yAe\r\n`,
      OPENAI_API_KEY: '\tsk-test-1\n',
    });
    expect(config.genesys.clientId).toBe('id');
    expect(config.genesys.clientSecret).toBe('secret');
    expect(config.http.apiKeys.map((k) => k.secret)).toEqual([API_KEY, OTHER_KEY]);
    expect(config.http.apiKeys.every((k) => k.scopes.join('+') === 'read+submit' && /^key-[0-9a-f]{8}$/.test(k.name))).toBe(true);
    expect(config.webhookToken).toBe('wH7kP2qZ9xT4mN8rV3bL6cJ1dF5gS0yAe');
    expect(config.openai.apiKey).toBe('sk-test-1');
  });

  it('rejects whitespace inside a secret, naming the variable', () => {
    expect(rejected({ API_KEYS: 'k7Qm2xR9vLp4Tz8W n3Bc6Hd1Jf5Gs0Ye' }, 'API_KEYS', 'k7Qm2xR9vLp4Tz8W')).toMatch(/API_KEYS contains whitespace/);
    expect(rejected({ WEBHOOK_TOKEN: 'wH7kP2qZ9xT4mN8r\tV3bL6cJ1dF5gS0yAe' }, 'WEBHOOK_TOKEN', 'wH7kP2qZ9xT4mN8r')).toMatch(/WEBHOOK_TOKEN contains whitespace/);
    expect(rejected({ GENESYS_CLIENT_SECRET: 'my secret' }, 'GENESYS_CLIENT_SECRET', 'my secret')).toMatch(/GENESYS_CLIENT_SECRET contains whitespace/);
    expect(rejected({ OPENAI_API_KEY: 'sk-abc def' }, 'OPENAI_API_KEY', 'sk-abc def')).toMatch(/OPENAI_API_KEY contains whitespace/);
  });

  it('requires API keys and the webhook token to be at least 32 characters', () => {
    const short = 'k7Qm2xR9vLp4Tz8Wn3Bc6Hd1Jf5Gs0Y'; // 31
    expect(rejected({ API_KEYS: short }, 'API_KEYS', short)).toMatch(/API_KEYS is too weak: it is 31 characters long; it must have at least 32 characters/);
    expect(rejected({ WEBHOOK_TOKEN: short }, 'WEBHOOK_TOKEN', short)).toMatch(/WEBHOOK_TOKEN is too weak: it is 31 characters long/);
  });

  it('requires variety: 10 different characters, no repeated block, not mostly a sequence', () => {
    const one = 'a'.repeat(40);
    expect(rejected({ API_KEYS: one }, 'API_KEYS', one)).toMatch(/has only 1 different characters/);
    const nine = 'abcdefgh1'.repeat(4);
    expect(rejected({ WEBHOOK_TOKEN: nine }, 'WEBHOOK_TOKEN', nine)).toMatch(/has only 9 different characters/);
    const block = '0123456789'.repeat(4);
    expect(rejected({ API_KEYS: `${API_KEY},${block}` }, 'API_KEYS entry 2', block)).toMatch(/API_KEYS entry 2 is too weak: it is a repeated block/);
    const sequence = 'abcdefghijklmnopqrstuvwxyz012345';
    expect(rejected({ API_KEYS: sequence }, 'API_KEYS', sequence)).toMatch(/mostly a sequence/);
    const stairs = 'aabbccddeeffgghhiijjkkllmmnnoopp';
    expect(rejected({ WEBHOOK_TOKEN: stairs }, 'WEBHOOK_TOKEN', stairs)).toMatch(/mostly a sequence/);
    // Random hex (openssl rand -hex 32) and base64 pass.
    expect(() => loadConfig({ ...REQUIRED, API_KEYS: '3f9c1e7a5b2d8046c1e9a7f3b5d2c8e04a6b1f3d9e7c5a2b8d0f4e6a1c3b5d7f' })).not.toThrow();
    expect(() => loadConfig({ ...REQUIRED, WEBHOOK_TOKEN: 'q2Xr9T+vB0nL5kWp8sZ1cH4yF7jD3mGa6eUo/iN1Rw=' })).not.toThrow();
  });

  it('requires every secret to differ from the others', () => {
    expect(rejected({ WEBHOOK_TOKEN: API_KEY }, 'WEBHOOK_TOKEN', API_KEY)).toMatch(/WEBHOOK_TOKEN must differ from API_KEYS/);
    expect(rejected({ API_KEYS: `${API_KEY},${OTHER_KEY},${API_KEY}` }, 'API_KEYS entry 3', API_KEY)).toMatch(/API_KEYS entry 3 must differ from API_KEYS entry 1/);
    const shared = 'Xk3mP9qL2vR8tN5wB7cJ4hF1dG6sZ0yAe';
    expect(rejected({ GENESYS_CLIENT_SECRET: shared, OPENAI_API_KEY: shared }, 'OPENAI_API_KEY', shared)).toMatch(/OPENAI_API_KEY must differ from GENESYS_CLIENT_SECRET/);
    expect(rejected({ GENESYS_CLIENT_SECRET: API_KEY }, 'GENESYS_CLIENT_SECRET', API_KEY)).toMatch(/GENESYS_CLIENT_SECRET must differ from API_KEYS/);
  });

  it('reads the transcript download settings: origins normalized, patterns lower-cased, defaults 30 s and 8 MiB', () => {
    const defaults = loadConfig(REQUIRED).genesys.transcriptDownload;
    expect(defaults).toEqual({ allow: [], timeoutMs: 30_000, maxBytes: 8 * 1024 * 1024, maxRedirects: 3 });
    const config = loadConfig({
      ...REQUIRED,
      TRANSCRIPT_URL_ALLOW: 'http://127.0.0.1:9000/, *.Transcripts.Example.com, https://proxy.example.com:8443',
      TRANSCRIPT_DOWNLOAD_TIMEOUT_MS: '5000',
      TRANSCRIPT_MAX_BYTES: '1048576',
    }).genesys.transcriptDownload;
    expect(config).toMatchObject({ allow: ['http://127.0.0.1:9000', '*.transcripts.example.com', 'https://proxy.example.com:8443'], timeoutMs: 5000, maxBytes: 1048576 });
  });

  it('refuses allow-list entries that are not origins or DNS host patterns', () => {
    for (const bad of ['127.0.0.1', 'ftp://files.example.com', 'https://x.example.com/path', 'https://u:p@x.example.com', 'evil*.example.com', 'localhost']) {
      expect(problems({ ...REQUIRED, TRANSCRIPT_URL_ALLOW: bad })).toContain('TRANSCRIPT_URL_ALLOW');
    }
    const message = problems({ ...REQUIRED, TRANSCRIPT_MAX_BYTES: '0', TRANSCRIPT_DOWNLOAD_TIMEOUT_MS: 'soon' });
    expect(message).toContain('TRANSCRIPT_MAX_BYTES');
    expect(message).toContain('TRANSCRIPT_DOWNLOAD_TIMEOUT_MS');
  });
});

describe('parseGatewayUrl', () => {
  it('maps a URL onto the SDK setGateway options', () => {
    expect(parseGatewayUrl('http://127.0.0.1:9000')).toEqual({ host: '127.0.0.1', protocol: 'http', port: 9000, pathParamsLogin: '', pathParamsApi: '' });
    expect(parseGatewayUrl('https://proxy.example.com/genesys/')).toMatchObject({ port: 443, pathParamsApi: 'genesys' });
    expect(() => parseGatewayUrl('ftp://x')).toThrow(/http/);
  });
});
