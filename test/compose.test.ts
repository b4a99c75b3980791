// docs/compose.yaml (README → Deployment) stays in step with the code: Redis with AOF and noeviction, two replicas
// with their own REPLICA_ID on a redis:// STORE_URL, and only variables the configuration knows. Read as text (no
// Docker engine where the tests run, and no YAML parser among the dependencies).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';

const text = readFileSync(new URL('../docs/compose.yaml', import.meta.url), 'utf8');

describe('docs/compose.yaml', () => {
  it('runs Redis with persistence and noeviction, and two replicas on it with distinct ids', () => {
    expect(text).toMatch(/"--appendonly", "yes"/);
    expect(text).toMatch(/"--maxmemory-policy", "noeviction"/);
    const ids = [...text.matchAll(/REPLICA_ID: (\S+)/g)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(2);
    const urls = [...text.matchAll(/STORE_URL: (\S+)/g)].map((m) => m[1]);
    expect(urls).toHaveLength(2);
    expect(urls.every((u) => u === 'redis://redis:6379/0')).toBe(true);
    expect(text).not.toMatch(/SECRET|API_KEYS=|OPENAI_API_KEY=/);
  });

  it('its environment is a valid wrapup configuration (with the secrets an env file would add)', () => {
    const env = Object.fromEntries([...text.matchAll(/^ {6}([A-Z_]+): (\S+)$/gm)].map((m) => [m[1] as string, m[2] as string]));
    const config = loadConfig({ ...env, GENESYS_CLIENT_ID: 'id', GENESYS_CLIENT_SECRET: 'secret-value-1', API_KEYS: 'test-api-key-7f3c9a1e5b2d8046c1e9a7f3b5d2' });
    expect(config.store.url).toBe('redis://redis:6379/0');
    expect(config.cluster.replicaId).toMatch(/^wrapup-/);
  });
});
