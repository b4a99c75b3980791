import { describe, expect, it } from 'vitest';
import { loadConfig, parseGatewayUrl } from './config.js';
import { isAppError } from './errors.js';

const REQUIRED = { GENESYS_CLIENT_ID: 'id', GENESYS_CLIENT_SECRET: 'secret', API_KEYS: 'key-0123456789abcdef' };

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
