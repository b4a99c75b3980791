// `npm run bench`: throughput and latency figures, each as a ratio against a baseline measured in the same run on the
// same machine, written to test/bench/RESULTS.md. Loopback only. Not part of `npm test` (no wall-clock assertions).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/logger.js';
import { startWrapup, type Wrapup } from '../../src/app.js';
import { startGenesysSim, type GenesysSim } from '../../src/sim/genesys-sim.js';
import { redactText } from '../../src/summarize/redact/pii.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const KEY = 'bench-api-key-8c2f5a9e1d7b4063f9c1e7a4b2d5';
const now = (): number => performance.now();

/** The tutorial's regexes, as written there: the baseline our redactor is compared with. */
const TUTORIAL_PII = [
  /\b\d{3}[-.]?\d{3}[-.]?\d{4}\b/g,
  /\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Z|a-z]{2,}\b/g,
  /\b\d{3}-\d{2}-\d{4}\b/g,
  /\b(?:\d[ -]*?){13,16}\b/g,
];

interface Row {
  name: string;
  ours: string;
  baseline: string;
  ratio: number;
  note: string;
}

async function requestsPerSecond(url: string, headers: Record<string, string>, count: number): Promise<number> {
  for (let i = 0; i < 50; i++) await (await fetch(url, { headers })).arrayBuffer(); // warm-up
  const start = now();
  for (let i = 0; i < count; i++) {
    const res = await fetch(url, { headers });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`bench request answered ${res.status}`);
  }
  return (count / (now() - start)) * 1000;
}

async function staticServer(body: string): Promise<{ url: string; server: Server }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server };
}

async function benchHttp(wrapup: Wrapup, conversationId: string): Promise<Row> {
  const url = `${wrapup.url}/api/summary/${conversationId}`;
  const headers = { authorization: `Bearer ${KEY}` };
  const body = await (await fetch(url, { headers })).text();
  const baseline = await staticServer(body);
  const count = 2000;
  const base = await requestsPerSecond(baseline.url, {}, count);
  const ours = await requestsPerSecond(url, headers, count);
  baseline.server.close();
  return {
    name: 'GET /api/summary/{id} from the cache',
    ours: `${ours.toFixed(0)} req/s`,
    baseline: `${base.toFixed(0)} req/s (node:http returning the same bytes)`,
    ratio: ours / base,
    note: 'auth + store read + zod parse + JSON, sequential keep-alive requests',
  };
}

async function benchPipeline(sim: GenesysSim, wrapup: Wrapup, count: number): Promise<{ row: Row; lastId: string }> {
  const latencies: number[] = [];
  let lastId = '';
  for (let i = 0; i < count; i++) {
    const scenario = sim.scenarios[i % sim.scenarios.length]!;
    const conversation = sim.startConversation({ scenario });
    const ended = now();
    sim.endConversation(conversation.id);
    while (!(await wrapup.service.getSummary(conversation.id))) await new Promise((r) => setTimeout(r, 2));
    latencies.push(now() - ended);
    lastId = conversation.id;
  }
  // Baseline: the same Genesys reads done directly (token + conversation + content), no summarization.
  const base: number[] = [];
  const token = await fetch(`${sim.url}/oauth/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${sim.clientId}:${sim.clientSecret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials',
  }).then((r) => r.json() as Promise<{ access_token: string }>);
  for (let i = 0; i < count; i++) {
    const id = sim.startConversation({ scenario: sim.scenarios[i % sim.scenarios.length]! }).id;
    sim.endConversation(id);
    const start = now();
    await fetch(`${sim.url}/api/v2/conversations/${id}`, { headers: { authorization: `Bearer ${token.access_token}` } }).then((r) => r.arrayBuffer());
    base.push(now() - start);
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  return {
    lastId,
    row: {
      name: 'conversation end → summary stored (median)',
      ours: `${median(latencies).toFixed(1)} ms`,
      baseline: `${median(base).toFixed(1)} ms (one GET /api/v2/conversations/{id})`,
      ratio: median(latencies) / median(base),
      note: `${count} conversations over the notification socket, extractive summarizer, SQLite store`,
    },
  };
}

function benchRedaction(): Row {
  const corpus = path.resolve(HERE, '../../../shared/data/abcd/conversations.jsonl');
  let turns: string[];
  try {
    turns = readFileSync(corpus, 'utf8').trim().split('\n').flatMap((l) => (JSON.parse(l) as { turns: Array<{ text: string }> }).turns.map((t) => t.text));
  } catch {
    turns = Array.from({ length: 5000 }, (_, i) => `my card is 4111 1111 1111 1111 and order ORD-${i} email a${i}@example.com`);
  }
  const time = (fn: (t: string) => unknown): number => {
    for (const t of turns.slice(0, 500)) fn(t);
    const start = now();
    for (const t of turns) fn(t);
    return ((now() - start) / turns.length) * 1000;
  };
  const base = time((t) => TUTORIAL_PII.reduce((s, re) => s.replace(re, '[X]'), t));
  const ours = time((t) => redactText(t));
  return {
    name: 'PII redaction per 1,000 turns',
    ours: `${ours.toFixed(1)} ms`,
    baseline: `${base.toFixed(1)} ms (the tutorial's four regexes)`,
    ratio: ours / base,
    note: `${turns.length} turns of the ABCD/STAR corpus; ours adds Luhn, IBAN, names, addresses, DOB`,
  };
}

async function main(): Promise<void> {
  const home = mkdtempSync(path.join(tmpdir(), 'wrapup-bench-'));
  process.env.HOME = home;
  const sim = await startGenesysSim({ heartbeatIntervalMs: 30_000, rateLimitPerMinute: 0 });
  const config = loadConfig({
    GENESYS_CLIENT_ID: sim.clientId,
    GENESYS_CLIENT_SECRET: sim.clientSecret,
    GENESYS_GATEWAY_URL: sim.url,
    TRANSCRIPT_URL_ALLOW: sim.url,
    API_KEYS: KEY,
    PORT: '0',
    HOST: '127.0.0.1',
    STORE_URL: `sqlite://${path.join(home, 'bench.sqlite')}`,
    LOG_LEVEL: 'silent',
  });
  const wrapup = await startWrapup(config, silentLogger());
  try {
    const rows: Row[] = [];
    const pipeline = await benchPipeline(sim, wrapup, 40);
    rows.push(pipeline.row, await benchHttp(wrapup, pipeline.lastId), benchRedaction());
    const table = [
      '| measure | wrapup | baseline (same run) | ratio | notes |',
      '|---|---|---|---|---|',
      ...rows.map((r) => `| ${r.name} | ${r.ours} | ${r.baseline} | ${r.ratio.toFixed(2)}× | ${r.note} |`),
    ].join('\n');
    const out = `# Benchmarks\n\nWritten by \`npm run bench\` on ${new Date().toISOString()} (Node ${process.version}, loopback).\nRatios compare with a baseline measured in the same run; absolute numbers depend on the machine.\n\n${table}\n`;
    writeFileSync(path.join(HERE, 'RESULTS.md'), out);
    process.stdout.write(`${out}\n`);
  } finally {
    await wrapup.stop(2000);
    await sim.close();
  }
}

void main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${String(err)}\n`);
  process.exit(1);
});
