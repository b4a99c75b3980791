// API keys as configured: `API_KEYS` entries (`secret`, `name:secret` or `name:scopes:secret`) and an optional
// `API_KEYS_FILE` (JSON), parsed and checked here. The file is re-read when it changes, so keys rotate without a
// restart. Problems name the variable, the entry and the key's name, never a secret.
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { z } from 'zod';
import { secretProblems, type NamedSecret } from './config-secrets.js';
import type { Logger } from './logger.js';

/** What a key may do: `read` (GET routes; join running work) and `submit` (requests that start work). */
export type ApiScope = 'read' | 'submit';
export const API_SCOPES: readonly ApiScope[] = ['read', 'submit'];

export interface ApiKey {
  /** Shown in logs and used as the key's rate-limit bucket; several secrets may share a name (rotation). */
  name: string;
  scopes: ApiScope[];
  secret: string;
  /** Where it was configured: file keys are replaced when the file changes. */
  from: 'env' | 'file';
}

export interface LoadedApiKeys {
  keys: ApiKey[];
  /** The secrets, named for error messages (`API_KEYS entry 2`, `API_KEYS_FILE key "crm-a"`). */
  secrets: NamedSecret[];
  problems: string[];
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const NAME_RULE = 'a key name is 1–64 letters, digits, ".", "_" or "-", starting with a letter or digit';

/** The name a bare secret gets: `key-` and 8 hex digits of a one-way hash, stable across restarts and reorders. */
export function defaultKeyName(secret: string): string {
  return `key-${createHash('sha256').update('wrapup-key-name:').update(secret, 'utf8').digest('hex').slice(0, 8)}`;
}

/** `read`, `submit`, `read+submit` (or `*`): the scopes, or undefined when a word is unknown. */
export function parseScopes(value: string): ApiScope[] | undefined {
  if (value === '*' || value === 'all') return [...API_SCOPES];
  const words = value.split('+').map((w) => w.trim());
  if (words.some((w) => !API_SCOPES.includes(w as ApiScope))) return undefined;
  return API_SCOPES.filter((s) => words.includes(s));
}

/** One `API_KEYS` entry: `secret` (full scope), `name:secret` (full scope) or `name:scopes:secret`. */
function parseEntry(entry: string, label: string): { key?: ApiKey; problem?: string } {
  const parts = entry.split(':').map((p) => p.trim());
  if (parts.length > 3) return { problem: `${label} has more than three ":"-separated parts (name:scopes:secret)` };
  const secret = parts[parts.length - 1] ?? '';
  const name = parts.length > 1 ? (parts[0] ?? '') : defaultKeyName(secret);
  if (!NAME.test(name)) return { problem: `${label} has an invalid name: ${NAME_RULE}` };
  const scopes = parts.length === 3 ? parseScopes(parts[1] ?? '') : [...API_SCOPES];
  if (!scopes || scopes.length === 0) return { problem: `${label} (${name}) has invalid scopes: use read, submit or read+submit` };
  if (secret === '') return { problem: `${label} (${name}) has no secret` };
  return { key: { name, scopes, secret, from: 'env' } };
}

/** Parses `API_KEYS` (comma list; each entry trimmed). */
export function parseApiKeysEnv(value: string | undefined): LoadedApiKeys {
  const entries = (value ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const out: LoadedApiKeys = { keys: [], secrets: [], problems: [] };
  entries.forEach((entry, i) => {
    const label = entries.length > 1 ? `API_KEYS entry ${i + 1}` : 'API_KEYS';
    const { key, problem } = parseEntry(entry, label);
    if (problem) out.problems.push(problem);
    if (!key) return;
    out.keys.push(key);
    out.secrets.push({ name: key.name === defaultKeyName(key.secret) ? label : `${label} (${key.name})`, value: key.secret, bearer: true });
  });
  return out;
}

const FileKeySchema = z.object({
  name: z.string().regex(NAME, NAME_RULE),
  scopes: z.array(z.enum(['read', 'submit'])).min(1).default(['read', 'submit']),
  secret: z.string().trim().min(1),
});
const FileSchema = z.union([z.array(FileKeySchema), z.object({ keys: z.array(FileKeySchema) })]);

/**
 * Reads `API_KEYS_FILE`: `[{"name": "crm-a", "scopes": ["read"], "secret": "…"}, …]` or `{"keys": [ … ]}`; scopes
 * default to both. A parse error is reported by position only: the file holds secrets.
 */
export function readApiKeysFile(file: string): LoadedApiKeys {
  const out: LoadedApiKeys = { keys: [], secrets: [], problems: [] };
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    out.problems.push(code ? `API_KEYS_FILE cannot be read (${code})` : 'API_KEYS_FILE is not valid JSON');
    return out;
  }
  const parsed = FileSchema.safeParse(json);
  if (!parsed.success) {
    const where = parsed.error.issues.map((i) => `${i.path.filter((p) => p !== 'secret').join('.') || '(root)'}: ${i.code}`);
    out.problems.push(`API_KEYS_FILE must be a list of {name, scopes, secret}: ${[...new Set(where)].join('; ')}`);
    return out;
  }
  const list = Array.isArray(parsed.data) ? parsed.data : parsed.data.keys;
  for (const k of list) {
    out.keys.push({ name: k.name, scopes: API_SCOPES.filter((s) => k.scopes.includes(s)), secret: k.secret, from: 'file' });
    out.secrets.push({ name: `API_KEYS_FILE key "${k.name}"`, value: k.secret, bearer: true });
  }
  return out;
}

/** `API_KEYS` and `API_KEYS_FILE` together (the secret rules are checked by the caller, with every other secret). */
export function loadApiKeys(env: Record<string, string | undefined>): LoadedApiKeys {
  const fromEnv = parseApiKeysEnv(env.API_KEYS);
  const file = env.API_KEYS_FILE?.trim();
  if (!file) return fromEnv;
  const fromFile = readApiKeysFile(file);
  return {
    keys: [...fromEnv.keys, ...fromFile.keys],
    secrets: [...fromEnv.secrets, ...fromFile.secrets],
    problems: [...fromEnv.problems, ...fromFile.problems],
  };
}

export interface ApiKeyRingOptions {
  /** Every key loaded at start (env and file). */
  keys: ApiKey[];
  /** API_KEYS_FILE, re-read when its modification time or size changes. */
  file?: string | undefined;
  /** The other configured secrets (webhook token, Genesys and OpenAI secrets): a new key must differ from them. */
  otherSecrets: NamedSecret[];
  logger: Logger;
  /** How often, at most, the file is looked at (on a request). @default 5000 */
  checkEveryMs?: number;
  /** @default Date.now */
  now?: () => number;
}

/**
 * The keys in force: the env keys plus the file's current ones. The file is looked at (one `stat`) at most every
 * `checkEveryMs`, on a request; no timer runs. A changed file that breaks a rule is refused and the keys in force
 * stay (a warning names the rule): a typo in a rotation never locks every client out.
 */
export function createApiKeyRing(options: ApiKeyRingOptions): () => ApiKey[] {
  const { file, logger } = options;
  const now = options.now ?? Date.now;
  const checkEveryMs = options.checkEveryMs ?? 5000;
  const envKeys = options.keys.filter((k) => k.from === 'env');
  const envSecrets = parseApiKeysEnvSecrets(envKeys);
  let keys = options.keys;
  let checkedAt = now();
  let seen = file ? fileStamp(file) : '';
  logger.info({ keys: keys.map((k) => ({ name: k.name, scopes: k.scopes, from: k.from })) }, 'API keys in force');

  function reload(path: string): void {
    const loaded = readApiKeysFile(path);
    const next = [...envKeys, ...loaded.keys];
    const problems = [...loaded.problems, ...secretProblems([...options.otherSecrets, ...envSecrets, ...loaded.secrets])];
    if (next.length === 0) problems.push('no API key would be left');
    if (problems.length > 0) {
      logger.warn({ problems }, 'API_KEYS_FILE changed but is refused: the keys in force stay');
      return;
    }
    keys = next;
    logger.info({ keys: next.map((k) => ({ name: k.name, scopes: k.scopes })) }, 'API keys reloaded from API_KEYS_FILE');
  }

  return () => {
    if (!file || now() - checkedAt < checkEveryMs) return keys;
    checkedAt = now();
    const stamp = fileStamp(file);
    if (stamp !== seen) {
      seen = stamp;
      reload(file);
    }
    return keys;
  };
}

const parseApiKeysEnvSecrets = (keys: ApiKey[]): NamedSecret[] =>
  keys.map((k, i) => ({ name: `API_KEYS entry ${i + 1}`, value: k.secret, bearer: true }));

/** Modification time, size and inode: a rewrite, an atomic rename and a Kubernetes secret update all change it. */
function fileStamp(file: string): string {
  try {
    const s = statSync(file);
    return `${s.mtimeMs}:${s.size}:${s.ino}`;
  } catch {
    return 'missing';
  }
}
