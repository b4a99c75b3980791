// Child process of the retrieval bench: the baseline, a bare node:http server answering GET <path> with the very bytes
// wrapup served for it (and its ETag), from a Map. Input: the JSON file of [path, body, etag] triples.
// IPC: sends { type: 'ready', url }; answers 'usage'; 'stop' exits.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';

const entries = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as Array<[string, string, string]>;
const bodies = new Map(entries.map(([p, body, etag]) => [p, { body: Buffer.from(body), etag }]));

const server = createServer((req, res) => {
  const hit = bodies.get(req.url ?? '');
  if (!hit) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json', etag: hit.etag });
  res.end(hit.body);
});
server.keepAliveTimeout = 5000;
server.listen(0, '127.0.0.1', () => {
  process.send?.({ type: 'ready', url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
});
process.on('message', (message: { type: string }) => {
  if (message.type === 'usage') {
    const cpu = process.cpuUsage();
    process.send?.({ type: 'usage', cpuUs: cpu.user + cpu.system, rss: process.memoryUsage.rss() });
  } else if (message.type === 'stop') {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  }
});
