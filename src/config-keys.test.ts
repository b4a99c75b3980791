// Named, scoped API keys: the API_KEYS forms, API_KEYS_FILE, the rules (never echoing a secret), and the key ring's
// reload of a changed file (refusing a bad one, keeping the keys in force).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { loadConfig } from './config.js';
import { createApiKeyRing, defaultKeyName, parseApiKeysEnv, parseScopes } from './config-keys.js';
import { createLogger } from './logger.js';
import { bareKeyName } from './http/auth.js';

const A = 'k7Qm2xR9vLp4Tz8Wn3Bc6Hd1Jf5Gs0Ye';
const B = 'Zr8Tn2Wq5Lm9Xv3Kp7Hb1Jc6Fd4Gs0Ya';
const C = 'Pq3Lz8Vn1Xt6Rb9Hm2Kw5Jd7Fs4Gc0Ye';
const BASE = { GENESYS_CLIENT_ID: 'id', GENESYS_CLIENT_SECRET: 'genesys-secret' };

function rejection(env: Record<string, string>): string {
  try {
    loadConfig({ ...BASE, ...env });
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected loadConfig to throw');
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'wrapup-keys-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('API_KEYS', () => {
  it('reads bare secrets (full scope, named by hash), name:secret and name:scopes:secret', () => {
    const config = loadConfig({ ...BASE, API_KEYS: `${A}, crm-a:read:${B} ,ops:${C}` });
    expect(config.http.apiKeys).toEqual([
      { name: defaultKeyName(A), scopes: ['read', 'submit'], secret: A, from: 'env' },
      { name: 'crm-a', scopes: ['read'], secret: B, from: 'env' },
      { name: 'ops', scopes: ['read', 'submit'], secret: C, from: 'env' },
    ]);
    expect(defaultKeyName(A)).toMatch(/^key-[0-9a-f]{8}$/);
    expect(defaultKeyName(A)).not.toBe(defaultKeyName(B));
    // The HTTP layer names a bare secret it is handed the same way.
    expect(bareKeyName(A)).toBe(defaultKeyName(A));
  });

  it('parses scope words and refuses unknown ones', () => {
    expect(parseScopes('read+submit')).toEqual(['read', 'submit']);
    expect(parseScopes('submit+read')).toEqual(['read', 'submit']);
    expect(parseScopes('submit')).toEqual(['submit']);
    expect(parseScopes('*')).toEqual(['read', 'submit']);
    expect(parseScopes('write')).toBeUndefined();
  });

  it('names the entry and the rule, never the secret, for a bad name, scope, weak or repeated secret', () => {
    const badScope = rejection({ API_KEYS: `crm-a:write:${A}` });
    expect(badScope).toMatch(/API_KEYS \(crm-a\) has invalid scopes/);
    expect(rejection({ API_KEYS: `crm a:read:${A}` })).toMatch(/API_KEYS has an invalid name/);
    expect(rejection({ API_KEYS: `a:b:c:${A}` })).toMatch(/more than three/);
    const weak = rejection({ API_KEYS: `${A},crm-b:read:short-secret` });
    expect(weak).toMatch(/API_KEYS entry 2 \(crm-b\) is too weak/);
    const twice = rejection({ API_KEYS: `crm-a:read:${A},crm-b:submit:${A}` });
    expect(twice).toMatch(/API_KEYS entry 2 \(crm-b\) must differ from API_KEYS entry 1 \(crm-a\)/);
    for (const message of [badScope, weak, twice]) expect(message).not.toContain(A.slice(0, 10));
    expect(rejection({ API_KEYS: '' })).toMatch(/API_KEYS \(or API_KEYS_FILE\) is required/);
  });

  it('lets several secrets share a name: rotation keeps the key’s name and budget', () => {
    expect(parseApiKeysEnv(`crm-a:read:${A},crm-a:read:${B}`).keys.map((k) => k.name)).toEqual(['crm-a', 'crm-a']);
  });
});

describe('API_KEYS_FILE', () => {
  it('adds named keys from a JSON file (scopes default to both) beside API_KEYS', () => {
    const file = path.join(dir, 'keys.json');
    writeFileSync(file, JSON.stringify({ keys: [{ name: 'crm-b', scopes: ['submit'], secret: `${B}\n` }, { name: 'ops', secret: C }] }));
    const config = loadConfig({ ...BASE, API_KEYS: A, API_KEYS_FILE: file });
    expect(config.http.apiKeys.map((k) => [k.name, k.scopes.join('+'), k.from])).toEqual([
      [defaultKeyName(A), 'read+submit', 'env'],
      ['crm-b', 'submit', 'file'],
      ['ops', 'read+submit', 'file'],
    ]);
    expect(config.http.apiKeys[1]?.secret).toBe(B);
    expect(loadConfig({ ...BASE, API_KEYS_FILE: file }).http.apiKeys).toHaveLength(2);
  });

  it('reports a broken or missing file without quoting it', () => {
    const file = path.join(dir, 'keys.json');
    writeFileSync(file, `[{"name":"crm-b","secret":"${B}"`);
    const broken = rejection({ API_KEYS_FILE: file });
    expect(broken).toMatch(/API_KEYS_FILE is not valid JSON/);
    expect(broken).not.toContain(B.slice(0, 10));
    expect(rejection({ API_KEYS_FILE: path.join(dir, 'none.json') })).toMatch(/API_KEYS_FILE cannot be read \(ENOENT\)/);
    writeFileSync(file, JSON.stringify([{ name: 'crm b', secret: B }]));
    expect(rejection({ API_KEYS_FILE: file })).toMatch(/API_KEYS_FILE must be a list of \{name, scopes, secret\}: 0\.name/);
    writeFileSync(file, JSON.stringify([{ name: 'crm-b', secret: 'genesys-secret' }]));
    expect(rejection({ API_KEYS_FILE: file })).toMatch(/API_KEYS_FILE key "crm-b" is too weak/);
  });
});

describe('createApiKeyRing', () => {
  function ring(file: string, at: { now: number }) {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk: Buffer, _e, done) => (lines.push(chunk.toString()), done()) });
    const keys = loadConfig({ ...BASE, API_KEYS: A, API_KEYS_FILE: file }).http.apiKeys;
    const current = createApiKeyRing({
      keys,
      file,
      otherSecrets: [{ name: 'WEBHOOK_TOKEN', value: C, bearer: true }],
      logger: createLogger({ level: 'info', destination: sink }),
      checkEveryMs: 1000,
      now: () => at.now,
    });
    return { current, lines };
  }

  it('picks up a rotated file after checkEveryMs, keeps API_KEYS, refuses a bad file and never logs a secret', () => {
    const file = path.join(dir, 'keys.json');
    writeFileSync(file, JSON.stringify([{ name: 'crm-b', secret: B }]));
    const at = { now: 0 };
    const { current, lines } = ring(file, at);
    const first = current();
    expect(first.map((k) => k.name)).toEqual([defaultKeyName(A), 'crm-b']);

    const D = 'Wm4Xc9Bv2Nq7Lk1Hj6Gf3Ds8Ap5Zt0Ry';
    writeFileSync(file, JSON.stringify([{ name: 'crm-b', secret: B }, { name: 'crm-b', secret: D }]));
    expect(current()).toBe(first); // not looked at before checkEveryMs
    at.now = 1000;
    expect(current().map((k) => k.secret)).toEqual([A, B, D]);

    // A file that reuses another secret is refused: the keys in force stay.
    writeFileSync(file, JSON.stringify([{ name: 'crm-b', secret: C }]));
    at.now = 2000;
    expect(current().map((k) => k.secret)).toEqual([A, B, D]);
    const log = lines.join("");
    expect(log).toMatch(/API_KEYS_FILE changed but is refused/);
    expect(log).toContain('API_KEYS_FILE key \\"crm-b\\" must differ from WEBHOOK_TOKEN');
    expect(log).toMatch(/"name":"crm-b"/);
    for (const secret of [A, B, C, D]) expect(log).not.toContain(secret);

    writeFileSync(file, JSON.stringify([{ name: 'crm-c', scopes: ['read'], secret: D }]));
    at.now = 3000;
    expect(current().map((k) => [k.name, k.scopes.join('+')])).toEqual([
      [defaultKeyName(A), 'read+submit'],
      ['crm-c', 'read'],
    ]);
  });
});
