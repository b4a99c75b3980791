// Child process of the retrieval bench: autocannon against one server, rotating over the given paths, in its own
// process so the load generator never shares an event loop with the server it measures. Input: one JSON argument
// (LoadSpec); output: one JSON line (LoadResult) on stdout.
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

export interface LoadSpec {
  url: string;
  /** A JSON file: an array of [path, etag] pairs, requested in turn. */
  pathsFile: string;
  connections: number;
  durationS: number;
  headers: Record<string, string>;
  /** Sends `If-None-Match: <etag>` with every request (the 304 path). */
  conditional: boolean;
}

export interface LoadResult {
  requests: number;
  reqPerSec: number;
  p50: number;
  p99: number;
  statusCodes: Record<string, number>;
  errors: number;
  timeouts: number;
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2] ?? '{}') as LoadSpec;
  const paths = JSON.parse(readFileSync(spec.pathsFile, 'utf8')) as Array<[string, string]>;
  let next = 0;
  const result = await autocannon({
    url: spec.url,
    connections: spec.connections,
    duration: spec.durationS,
    headers: spec.headers,
    requests: [
      {
        setupRequest: (req: autocannon.Request) => {
          const [p, etag] = paths[next++ % paths.length]!;
          const headers = spec.conditional ? { ...spec.headers, 'if-none-match': etag } : spec.headers;
          return { ...req, method: 'GET' as const, path: p, headers };
        },
      },
    ],
  });
  const codes: Record<string, number> = {};
  for (const [code, stat] of Object.entries(result.statusCodeStats ?? {})) codes[code] = (stat as { count: number }).count;
  const out: LoadResult = {
    requests: result.requests.total,
    reqPerSec: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    statusCodes: codes,
    errors: result.errors,
    timeouts: result.timeouts,
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

void main().catch((err: unknown) => {
  process.stderr.write(`load client failed: ${String(err)}\n`);
  process.exit(1);
});
