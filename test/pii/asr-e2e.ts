// End to end on the ASR set: each conversation played through the Genesys simulator into wrapup (real sockets, the
// OpenAI fake, a SQLite store), one at a time so every LLM request belongs to it; then which planted values reached
// the fake's requests, which are in the summary served over HTTP, and whether hang-up calls were skipped unasked.
import path from 'node:path';
import { startWrapup, type Wrapup } from '../../src/app.js';
import { isTaskSettled, type TaskRecord } from '../../src/domain.js';
import { silentLogger } from '../../src/logger.js';
import { startGenesysSim, type GenesysSim, type Scenario } from '../../src/sim/genesys-sim.js';
import { startOpenAiFake, type OpenAiFake } from '../../src/sim/openai-fake.js';
import { isolateHome, testConfig, TEST_API_KEY, waitFor } from '../helpers.js';
import { caught, kept, leakedInto, survivingMask } from './asr-score.js';
import type { Half, SetConversation } from './asr-set/set-types.js';

const LOCALE = { en: 'en-US', es: 'es-ES', de: 'de-DE' } as const;

/** The conversation as a simulator scenario; voice turns are already ASR text, which the simulator serves verbatim. */
export function toScenario(c: SetConversation): Scenario {
  return { key: c.id, mediaType: c.media, language: LOCALE[c.language], ...(c.subject ? { subject: c.subject } : {}), turns: c.turns, pii: [] };
}

export interface ConversationOutcome {
  id: string;
  half: Half;
  expect: SetConversation['expect'];
  status: string;
  /** Chat-completions requests made for it. */
  llmCalls: number;
  /** Per value (same order as `values`): planted value present in a request / look-alike intact in every request. */
  inRequest: boolean[];
  /** Per value: planted value present in the served summary. */
  inSummary: boolean[];
  /** Turns whose request line could not be aligned with the turn (checked with leakedInto instead). */
  unaligned: number;
}

/** "[00:01:02] customer: text" lines of a request's transcript block, text only. */
function requestLines(body: unknown): string[] | undefined {
  const messages = (body as { messages?: Array<{ content?: unknown }> })?.messages ?? [];
  const text = messages.map((m) => (typeof m.content === 'string' ? m.content : '')).join('\n');
  const block = /<transcript>\n([\s\S]*?)\n<\/transcript>/.exec(text)?.[1];
  return block?.split('\n').map((line) => /^\[[\d:]+\]\s+\w+:\s?(.*)$/.exec(line)?.[1] ?? line);
}

/** Whitespace collapsed as the prompt does, with each original offset's place in the collapsed text. */
function collapse(text: string): { text: string; at: number[] } {
  const at: number[] = [];
  let out = '';
  const lead = text.length - text.trimStart().length;
  for (let i = 0; i < text.length; i += 1) {
    at.push(out.length);
    if (i < lead) continue;
    const ch = text[i] ?? '';
    if (/\s/.test(ch)) {
      if (!/\s$/.test(out)) out += ' ';
    } else out += ch;
  }
  at.push(out.length);
  return { text: out.trimEnd(), at };
}

/** Judges one request: per value, planted present (not caught) / look-alike intact; counts turns judged by leakedInto. */
function judgeRequest(c: SetConversation, lines: string[]): { present: boolean[]; unaligned: number } {
  let unaligned = 0;
  const masks = c.turns.map((turn, i) => {
    const flat = collapse(turn.text);
    // The service puts an e-mail's subject before its first message.
    const line = i === 0 && c.subject && lines[0]?.startsWith(`${c.subject} `) ? lines[0].slice(c.subject.length + 1) : lines[i] ?? '';
    const mask = lines.length === c.turns.length ? survivingMask(flat.text, line) : undefined;
    if (!mask) unaligned += 1;
    return { flat, mask };
  });
  const present = c.values.map((v) => {
    const { flat, mask } = masks[v.turn] ?? { flat: collapse(''), mask: undefined };
    const [s, e] = [flat.at[v.start] ?? 0, flat.at[v.end] ?? 0];
    if (!mask) return leakedInto(lines.join('\n'), v.text);
    return v.kind === 'pii' ? !caught(flat.text, s, e, mask) : kept(flat.text, s, e, mask);
  });
  return { present, unaligned };
}

export interface EndToEnd {
  run(conversation: SetConversation): Promise<ConversationOutcome>;
  close(): Promise<void>;
}

/** Starts the simulator, the OpenAI fake and wrapup on loopback (HOME isolated unless `ownHome` is false). */
export async function startEndToEnd(options: { ownHome?: boolean } = {}): Promise<EndToEnd> {
  const home = options.ownHome === false ? undefined : isolateHome();
  const dir = home?.dir ?? process.env.HOME ?? '.';
  // No request budget: a whole half in under a minute would hit the simulated 300 requests per minute.
  const sim: GenesysSim = await startGenesysSim({ heartbeatIntervalMs: 500, rateLimitPerMinute: 0 });
  const fake: OpenAiFake = await startOpenAiFake();
  const config = testConfig(sim, `sqlite://${path.join(dir, `asr-e2e-${process.pid}-${Date.now()}.sqlite`)}`, {
    OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: fake.url, OPENAI_MODEL: 'fake-model', GENESYS_QUEUE_IDS: sim.queues[0]!.id,
  });
  const wrapup: Wrapup = await startWrapup(config, silentLogger());
  await waitFor(async () => sim.connectedSockets() > 0);

  async function run(c: SetConversation): Promise<ConversationOutcome> {
    const before = fake.requests.length;
    const played = await sim.playConversation({ scenario: toScenario(c), queueId: sim.queues[0]!.id, durationMs: 10 });
    let last: TaskRecord | undefined;
    const task = await waitFor(async () => {
      last = await wrapup.service.findTask(played.id);
      return last && isTaskSettled(last) ? last : undefined;
    }, 20_000, 20).catch((err: unknown) => {
      throw new Error(`${c.id}: task not settled (${last ? `${last.status}, attempts ${last.attempts}, ${last.error?.code ?? 'no error'}` : 'no task'})`, { cause: err });
    });
    const bodies = fake.requests.slice(before).map((r) => r.body);
    const res = await fetch(`${wrapup.url}/api/summary/${played.id}`, { headers: { authorization: `Bearer ${TEST_API_KEY}` } });
    const served = res.status === 200 ? JSON.stringify(await res.json()) : '';
    const judged = bodies.map(requestLines).filter((l): l is string[] => l !== undefined).map((lines) => judgeRequest(c, lines));
    return {
      id: c.id,
      half: c.half,
      expect: c.expect,
      status: task.status,
      llmCalls: bodies.length,
      inRequest: c.values.map((v, i) => (v.kind === 'pii' ? judged.some((j) => j.present[i]) : judged.every((j) => j.present[i]))),
      inSummary: c.values.map((v) => v.kind === 'pii' && served !== '' && leakedInto(served, v.text)),
      unaligned: judged.reduce((n, j) => n + j.unaligned, 0),
    };
  }

  return {
    run,
    async close() {
      await wrapup.stop(1000);
      await fake.close();
      await sim.close();
      home?.cleanup();
    },
  };
}

export interface EndToEndRow {
  type: string;
  n: number;
  /** Planted values found in some LLM request. */
  inRequests: number;
  /** Planted values found in the served summary. */
  inSummaries: number;
}

/** Per planted type: how many values reached the LLM's requests and the served summaries. */
export function endToEndRows(set: readonly SetConversation[], outcomes: readonly ConversationOutcome[], types: readonly string[]): EndToEndRow[] {
  const byId = new Map(outcomes.map((o) => [o.id, o]));
  return types.map((type) => {
    const row = { type, n: 0, inRequests: 0, inSummaries: 0 };
    for (const c of set) {
      const o = byId.get(c.id);
      if (!o) continue;
      c.values.forEach((v, i) => {
        if (v.kind !== 'pii' || v.type !== type) return;
        row.n += 1;
        if (o.inRequest[i]) row.inRequests += 1;
        if (o.inSummary[i]) row.inSummaries += 1;
      });
    }
    return row;
  });
}

/** Look-alikes left intact in every request, over all of `set`'s look-alikes that reached an LLM conversation. */
export function endToEndLookalikesKept(set: readonly SetConversation[], outcomes: readonly ConversationOutcome[]): { n: number; kept: number } {
  const byId = new Map(outcomes.map((o) => [o.id, o]));
  let n = 0;
  let keptCount = 0;
  for (const c of set) {
    const o = byId.get(c.id);
    if (!o || o.llmCalls === 0) continue;
    c.values.forEach((v, i) => {
      if (v.kind !== 'lookalike') return;
      n += 1;
      if (o.inRequest[i]) keptCount += 1;
    });
  }
  return { n, kept: keptCount };
}
