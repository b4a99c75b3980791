// The Dockerfile and .dockerignore pass the linter and the image policy, and every rule fails on a broken copy.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { checkDockerfile, healthcheckArgv, lintDockerfile, NODE_LTS_EOL } from './dockerfile-policy.js';

const read = (file: string): string => readFileSync(new URL(`../${file}`, import.meta.url), 'utf8');
const dockerfile = read('Dockerfile');
const dockerignore = read('.dockerignore');
const nativeEngines = (JSON.parse(read('node_modules/better-sqlite3/package.json')) as { engines: { node: string } }).engines.node;

/** Replaces one exact piece of text, and fails loudly if the piece is not there (so a mutation can never be a no-op). */
function swap(source: string, from: string | RegExp, to: string): string {
  const next = source.replace(from, to);
  if (next === source) throw new Error(`mutation did not apply: ${String(from)}`);
  return next;
}

/** Runs a command like the container would (node = this node), with PORT set; resolves its exit code. */
function exitCode(argv: string[], port: number): Promise<number | null> {
  const [command, ...args] = argv;
  const bin = command === 'node' ? process.execPath : (command as string);
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { env: { ...process.env, PORT: String(port) }, stdio: 'ignore' });
    child.on('error', reject);
    child.on('exit', (code) => resolve(code));
  });
}

const check = (df = dockerfile, ignore = dockerignore, now?: Date): string[] => checkDockerfile({ dockerfile: df, dockerignore: ignore, nativeEngines, now });

describe('Dockerfile policy', () => {
  it('the committed Dockerfile and .dockerignore pass the linter and every rule', () => {
    expect(check()).toEqual([]);
  });

  it('the linter (dockerfile-utils) reports real mistakes with their line', () => {
    const broken = swap(dockerfile, '--interval=30s', '--interval=30x');
    expect(lintDockerfile(broken)).toEqual([expect.stringMatching(/^lint: line \d+: .*duration/)]);
    expect(lintDockerfile(`${dockerfile}\nEXPOZE 8080\n`)).toEqual([expect.stringMatching(/^lint: line \d+: Unknown instruction: EXPOZE/)]);
    expect(lintDockerfile(swap(dockerfile, 'WORKDIR /app\nCOPY --from', 'WORKDIR app\nCOPY --from'))).toEqual([
      expect.stringMatching(/WORKDIR paths should be absolute/),
    ]);
  });

  const runtimeFrom = 'FROM node:26-trixie-slim AS runtime';
  const mutations: [rule: string, what: string, broken: () => string][] = [
    ['multi-stage', 'one stage only', () => dockerfile.slice(dockerfile.indexOf('# Runtime stage'))],
    ['pinned-base', 'an untagged base', () => swap(dockerfile, 'FROM node:26-trixie-slim AS build', 'FROM node AS build')],
    ['pinned-base', 'the latest tag', () => swap(dockerfile, 'FROM node:26-trixie-slim AS build', 'FROM node:latest AS build')],
    ['pinned-base', 'a base chosen by build argument', () => `ARG BASE=node:26-trixie-slim\n${swap(dockerfile, runtimeFrom, 'FROM ${BASE} AS runtime')}`],
    ['runtime-base', 'the floating lts tag', () => swap(dockerfile, runtimeFrom, 'FROM node:lts-slim AS runtime')],
    ['runtime-base', 'a full (non-slim) image', () => swap(dockerfile, runtimeFrom, 'FROM node:26-trixie AS runtime')],
    ['runtime-base', 'an odd, non-LTS major', () => swap(dockerfile, runtimeFrom, 'FROM node:25-trixie-slim AS runtime')],
    ['runtime-base', 'an end-of-life LTS (Node 20)', () => swap(dockerfile, runtimeFrom, 'FROM node:20-bookworm-slim AS runtime')],
    ['same-base', 'addon built on another Node than it runs on', () => swap(dockerfile, 'FROM node:26-trixie-slim AS build', 'FROM node:24-trixie-slim AS build')],
    ['npm-ci', 'npm install instead of npm ci', () => swap(dockerfile, 'RUN npm ci --no-audit', 'RUN npm install --no-audit')],
    ['npm-ci', 'npm ci without the lockfile', () => swap(dockerfile, 'COPY package.json package-lock.json ./', 'COPY package.json ./')],
    ['dev-deps', 'dev dependencies not pruned', () => swap(dockerfile, ' && npm prune --omit=dev --no-audit --no-fund \\\n', ' \\\n')],
    ['dev-deps', 'a second npm ci after the prune', () => swap(dockerfile, 'better-sqlite3/src\n', 'better-sqlite3/src\nRUN npm ci\n')],
    ['node-env', 'NODE_ENV not production', () => swap(dockerfile, 'NODE_ENV=production', 'NODE_ENV=development')],
    ['user', 'no USER', () => swap(dockerfile, 'USER node\n', '')],
    ['user', 'USER root', () => swap(dockerfile, 'USER node\n', 'USER root\n')],
    ['user', 'USER 0:0', () => swap(dockerfile, 'USER node\n', 'USER 0:0\n')],
    ['user', 'USER after CMD', () => `${swap(dockerfile, 'USER node\n', '')}USER node\n`],
    ['cmd', 'shell-form CMD', () => swap(dockerfile, 'CMD ["node", "dist/main.js"]', 'CMD node dist/main.js')],
    ['cmd', 'CMD running something else', () => swap(dockerfile, 'CMD ["node", "dist/main.js"]', 'CMD ["npm", "start"]')],
    ['cmd', 'an ENTRYPOINT', () => swap(dockerfile, 'CMD ["node", "dist/main.js"]', 'ENTRYPOINT ["sh", "-c"]\nCMD ["node", "dist/main.js"]')],
    ['stopsignal', 'no STOPSIGNAL', () => swap(dockerfile, 'STOPSIGNAL SIGTERM\n', '')],
    ['healthcheck', 'no HEALTHCHECK', () => swap(dockerfile, /HEALTHCHECK [^\n]*\\\n[^\n]*\n/, '')],
    ['healthcheck', 'HEALTHCHECK NONE', () => swap(dockerfile, /HEALTHCHECK [^\n]*\\\n[^\n]*\n/, 'HEALTHCHECK NONE\n')],
    ['healthcheck', 'probe of another path', () => swap(dockerfile, "'/healthz'", "'/'")],
    ['healthcheck', 'probe ignoring PORT', () => swap(dockerfile, "(process.env.PORT||8080)", '8080')],
    ['expose', 'the default port not exposed', () => swap(dockerfile, 'EXPOSE 8080', 'EXPOSE 3000')],
    ['store-dir', 'a relative store path', () => swap(dockerfile, 'STORE_URL=sqlite:///app/data/wrapup.sqlite', 'STORE_URL=sqlite://data/wrapup.sqlite')],
    ['store-dir', 'the store not a volume', () => swap(dockerfile, 'VOLUME ["/app/data"]\n', '')],
    ['store-dir', 'the store readable by others', () => swap(dockerfile, 'chmod 0700 /app/data', 'chmod 0755 /app/data')],
    ['store-dir', 'the store owned by root', () => swap(dockerfile, 'chown node:node /app/data && ', '')],
    ['labels', 'no OCI title', () => swap(dockerfile, 'org.opencontainers.image.title="wrapup" \\\n', '')],
    ['secrets', 'a secret baked into ENV', () => swap(dockerfile, 'HOST=0.0.0.0 \\', 'HOST=0.0.0.0 \\\n    OPENAI_API_KEY=sk-test \\')],
    ['secrets', 'a secret build argument', () => swap(dockerfile, 'ARG REVISION=unknown', 'ARG REVISION=unknown\nARG GENESYS_CLIENT_SECRET')],
  ];

  it.each(mutations)('rule %s fails on %s', (rule, _what, broken) => {
    expect(check(broken())).toContainEqual(expect.stringMatching(new RegExp(`^${rule}: `)));
  });

  it('an empty ENV named like a secret is allowed (documents the variable without a value), a filled one is not', () => {
    const documented = swap(dockerfile, 'HOST=0.0.0.0 \\', 'HOST=0.0.0.0 \\\n    OPENAI_API_KEY= \\');
    expect(check(documented)).toEqual([]);
  });

  it.each(['node_modules', '.git', 'data', 'test', '*.sqlite', '.env'])('rule dockerignore fails when %s is not excluded', (pattern) => {
    const lines = dockerignore.split('\n');
    expect(lines).toContain(pattern);
    const without = lines.filter((l) => l.replace(/^\*\*\//, '') !== pattern).join('\n');
    expect(check(dockerfile, without)).toEqual([`dockerignore: ${pattern} must be excluded from the build context`]);
    expect(check(dockerfile, `${dockerignore}\n!${pattern}\n`)).toEqual([`dockerignore: ${pattern} must be excluded from the build context`]);
    expect(check(dockerfile, `${without}\n/${pattern}/\n`)).toEqual([]);
  });

  it('rule runtime-base fails once the LTS line reaches end of life, and when the native addon does not support it', () => {
    const eol = NODE_LTS_EOL[26] as string;
    expect(check(dockerfile, dockerignore, new Date(Date.parse(eol) - 86_400_000))).toEqual([]);
    expect(check(dockerfile, dockerignore, new Date(eol))).toEqual([`runtime-base: Node 26 reached end of life on ${eol}`]);
    const problems = checkDockerfile({ dockerfile, dockerignore, nativeEngines: '20.x || 22.x || 24.x' });
    expect(problems).toEqual(['runtime-base: better-sqlite3 supports 20.x || 22.x || 24.x, not Node 26']);
  });

  it('the HEALTHCHECK command passes while /healthz answers 200 on $PORT, and fails on 503 and when nothing listens', async () => {
    const argv = healthcheckArgv(dockerfile);
    expect(argv?.[0]).toBe('node');
    let status = 200;
    const server = createServer((req, res) => {
      res.statusCode = req.url === '/healthz' ? status : 404;
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      expect(await exitCode(argv as string[], port)).toBe(0);
      status = 503;
      expect(await exitCode(argv as string[], port)).toBe(1);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    expect(await exitCode(argv as string[], port)).toBe(1);
  });

  it('the image runs on a Node line the installed better-sqlite3 declares', () => {
    const major = /FROM node:(\d+)-\S+ AS runtime/.exec(dockerfile)?.[1];
    expect(nativeEngines.split('||').map((r) => r.trim())).toContain(`${major}.x`);
  });

  it('the image version label defaults to package.json version', () => {
    const { version } = JSON.parse(read('package.json')) as { version: string };
    expect(dockerfile).toContain(`ARG VERSION=${version}\n`);
  });
});
