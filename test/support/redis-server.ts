// A private redis-server child on a free loopback port for tests and benchmarks (never a system service).
// Without the binary, tests that need it are skipped locally and FAIL on CI (CI=true): .ci/run installs it.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe } from 'vitest';

/** The redis-server binary on PATH, or undefined. */
export function redisBinary(): string | undefined {
  const found = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  const bin = found.stdout.trim();
  return found.status === 0 && bin ? bin : undefined;
}

/** `describe` when redis-server exists or on CI (where its absence must fail the run), else `describe.skip`. */
export const describeWithRedis: typeof describe = redisBinary() || process.env.CI ? describe : (describe.skip as typeof describe);

/** A free TCP port on 127.0.0.1 (bound and released; good enough for a child started right after). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface RedisServer {
  readonly port: number;
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  /** Kills the server with `signal` and starts it again on the same port and data dir (AOF: nothing written is lost). */
  restart(signal?: NodeJS.Signals, downMs?: number): Promise<void>;
  /** Stops the server (SIGKILL) and removes its data dir. */
  stop(): Promise<void>;
}

export interface RedisServerOptions {
  /** Append-only file with fsync on every write, so a SIGKILL loses nothing. @default true */
  persistent?: boolean;
}

/** Starts redis-server on a free loopback port and waits until it accepts connections. Throws without the binary. */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const bin = redisBinary();
  if (!bin) throw new Error('redis-server is not installed (apt-get install redis-server); .ci/run installs it on CI');
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'wrapup-redis-'));
  const persistence = options.persistent === false ? ['--appendonly', 'no'] : ['--appendonly', 'yes', '--appendfsync', 'always'];
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', ...persistence, '--dir', dir, '--daemonize', 'no', '--maxmemory-policy', 'noeviction', '--loglevel', 'warning'];
  let child: ChildProcess | undefined;
  const launch = async (): Promise<void> => {
    const started = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child = started;
    const output: string[] = [];
    started.stdout?.on('data', (d: Buffer) => output.push(d.toString()));
    started.stderr?.on('data', (d: Buffer) => output.push(d.toString()));
    await waitReady(port, started, output);
  };
  const kill = async (signal: NodeJS.Signals): Promise<void> => {
    const running = child;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const gone = new Promise((resolve) => running.once('exit', resolve));
    running.kill(signal);
    await gone;
  };
  await launch();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    async restart(signal = 'SIGKILL', downMs = 300) {
      await kill(signal);
      await new Promise((r) => setTimeout(r, downMs));
      await launch();
    },
    async stop() {
      await kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Polls with a PING over a raw socket until the server answers +PONG (10 s at most). */
async function waitReady(port: number, child: ChildProcess, output: string[]): Promise<void> {
  const { connect } = await import('node:net');
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`redis-server exited (${child.exitCode}): ${output.join('')}`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('error', () => resolve(false));
      socket.once('data', (d) => {
        socket.destroy();
        resolve(d.toString().startsWith('+PONG'));
      });
      socket.once('connect', () => socket.write('PING\r\n'));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`redis-server did not answer on ${port}: ${output.join('')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
