// The benchmarks' child processes: servers forked with an IPC channel (ready, usage, progress, stop) and the load
// client spawned once per measurement. `.ts` children run through tsx; `.mjs` ones (the compiled service) on plain node.
import { fork, spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LoadResult, LoadSpec } from './load-client.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));

export interface ServerChild {
  url: string;
  pid: number;
  /** CPU time (user + system, µs), RSS and (service children) V8 heap used, bytes, of the child now. */
  usage(): Promise<{ cpuUs: number; rss: number; heapUsed?: number }>;
  /** Sends a message that has no reply. */
  send(message: object): void;
  /** Sends a message and resolves with the first reply of `replyType`. */
  ask<T>(message: object, replyType: string): Promise<T>;
  /** Asks the child to stop and waits for it to exit (a CPU profile is written then). */
  stop(): Promise<void>;
}

function nextMessage<T>(child: ChildProcess, type: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: { type?: string }): void => {
      if (message.type !== type) return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(message as T);
    };
    const onExit = (code: number | null): void => {
      child.off('message', onMessage);
      reject(new Error(`bench child exited (${code}) before '${type}'`));
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

/** Forks `script` (in this folder) with `args`; `cpuProfDir` adds `--cpu-prof` writing there. */
export async function startServerChild(script: string, args: string[], cpuProfDir?: string): Promise<ServerChild> {
  // stdout ignored: the service's log lines go nowhere, as they would to a collector, but they are still written.
  const execArgv = [...(script.endsWith('.ts') ? ['--import', 'tsx'] : []), ...(cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`] : [])];
  const child = fork(path.join(HERE, script), args, { execArgv, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const ready = await nextMessage<{ url: string }>(child, 'ready');
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ask = <T>(message: object, replyType: string): Promise<T> => {
    const reply = nextMessage<T>(child, replyType);
    child.send(message);
    return reply;
  };
  return {
    url: ready.url,
    pid: child.pid!,
    send: (message) => void child.send(message),
    usage: () => ask<{ cpuUs: number; rss: number; heapUsed?: number }>({ type: 'usage' }, 'usage'),
    ask,
    async stop() {
      child.send({ type: 'stop' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Runs the load client (autocannon) in its own process and returns what it measured. */
export function runLoad(spec: LoadSpec): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(HERE, 'load-client.ts'), JSON.stringify(spec)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`load client exited ${code}`));
      try {
        resolve(JSON.parse(out.trim().split('\n').pop() ?? '') as LoadResult);
      } catch (err) {
        reject(err as Error);
      }
    });
  });
}
