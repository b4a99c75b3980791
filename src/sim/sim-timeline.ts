// Turns a scenario into a simulated conversation record: participant/communication ids and a consistent timeline.
import type { SimRandom } from './sim-random.js';
import type { Scenario, SimQueue } from './sim-types.js';

export type Phase = 'alerting' | 'connected' | 'customerEnded' | 'agentEnded' | 'wrapped';

/** A scenario turn placed on the timeline; `id` is the message/email id for digital media. */
export interface TimedTurn {
  speaker: 'agent' | 'customer' | 'ivr' | 'bot';
  text: string;
  startMs: number;
  durationMs: number;
  id: string;
}

export interface Leg {
  participantId: string;
  commId: string;
  startMs: number;
  endMs: number | null;
}

/** Everything the simulator knows about one conversation. */
export interface ConvRecord {
  id: string;
  queue: SimQueue;
  mediaType: Scenario['mediaType'];
  scenario: Scenario;
  divisionId: string;
  phase: Phase;
  startMs: number;
  explicitStart: boolean;
  customer: Leg & { address: string; name: string };
  /** IVR (voice) or bot workflow (messaging) leg before the queue, when the scenario has one. */
  ivr: Leg | null;
  acd: Leg;
  agent: Leg & { userId: string; name: string; alertMs: number; address: string };
  turns: TimedTurn[];
  scriptEndMs: number;
  customerEndMs: number | null;
  wrapupEndMs: number | null;
  /** Wall-clock ms when the conversation ended (transcript availability is measured from it). */
  endedWallMs: number | null;
  wrapupCode: { id: string; name: string };
}

const hex32 = (rng: SimRandom): string => rng.uuid().replace(/-/g, '');

function turnDuration(mediaType: Scenario['mediaType'], text: string): number {
  if (mediaType !== 'voice') return 0;
  return Math.max(1500, text.split(/\s+/).length * 380);
}

function turnGap(mediaType: Scenario['mediaType'], rng: SimRandom): number {
  if (mediaType === 'voice') return rng.int(400, 1800);
  if (mediaType === 'message') return rng.int(6_000, 30_000);
  return rng.int(10 * 60_000, 45 * 60_000);
}

/** Places the turns on a timeline starting at startMs; returns turns plus the ivr/acd/agent boundaries. */
function placeTurns(scenario: Scenario, startMs: number, rng: SimRandom) {
  const firstAgent = scenario.turns.findIndex((turn) => turn.speaker === 'agent');
  const preAgent = firstAgent < 0 ? scenario.turns.length : firstAgent;
  const hasIvr = scenario.turns.slice(0, preAgent).some((t) => t.speaker === 'ivr' || t.speaker === 'bot');
  const turns: TimedTurn[] = [];
  let t = startMs + (scenario.mediaType === 'voice' ? 500 : 0);
  let lastEnd = startMs;
  const place = (index: number): void => {
    const turn = scenario.turns[index];
    if (!turn) return;
    const durationMs = turnDuration(scenario.mediaType, turn.text);
    turns.push({ speaker: turn.speaker, text: turn.text, startMs: t, durationMs, id: hex32(rng) });
    lastEnd = t + durationMs;
    t = lastEnd + turnGap(scenario.mediaType, rng);
  };
  for (let i = 0; i < preAgent; i++) place(i);
  const acdStart = Math.max(lastEnd + 300, startMs + 200);
  const acdEnd = acdStart + (scenario.mediaType === 'email' ? rng.int(60_000, 300_000) : rng.int(3_000, 9_000));
  t = acdEnd + 600;
  for (let i = preAgent; i < scenario.turns.length; i++) place(i);
  return { turns, hasIvr, acdStart, acdEnd, scriptEndMs: Math.max(lastEnd + 1000, acdEnd + 1000) };
}

/** Scripted duration of a scenario (start to last turn), used to default the start time into the past. */
export function scriptedDurationMs(scenario: Scenario, rng: SimRandom): number {
  return placeTurns(scenario, 0, rng).scriptEndMs;
}

export interface BuildRecordInput {
  scenario: Scenario;
  queue: SimQueue;
  startMs: number;
  explicitStart: boolean;
  divisionId: string;
  agent: { userId: string; name: string };
  rng: SimRandom;
}

/** Builds a new conversation record in the `alerting` phase. */
export function buildRecord(input: BuildRecordInput): ConvRecord {
  const { scenario, queue, startMs, rng } = input;
  const placed = placeTurns(scenario, startMs, rng);
  const leg = (start: number, end: number | null): Leg => ({ participantId: rng.uuid(), commId: rng.uuid(), startMs: start, endMs: end });
  const customerAddress = scenario.mediaType === 'voice' ? `tel:+1555${rng.int(1000000, 9999999)}` : scenario.mediaType === 'email' ? 'customer@example.com' : rng.uuid();
  const wrapupCode = queue.wrapupCodes[rng.int(0, Math.max(0, queue.wrapupCodes.length - 1))] ?? { id: rng.uuid(), name: 'Resolved' };
  return {
    id: rng.uuid(),
    queue,
    mediaType: scenario.mediaType,
    scenario,
    divisionId: input.divisionId,
    phase: 'alerting',
    startMs,
    explicitStart: input.explicitStart,
    customer: { ...leg(startMs, null), address: customerAddress, name: 'Customer' },
    ivr: placed.hasIvr ? leg(startMs, placed.acdStart) : null,
    acd: leg(placed.acdStart, placed.acdEnd),
    agent: { ...leg(placed.acdEnd, null), ...input.agent, alertMs: Math.max(placed.acdStart, placed.acdEnd - rng.int(2000, 5000)), address: 'sip:agent@localhost' },
    turns: placed.turns,
    scriptEndMs: placed.scriptEndMs,
    customerEndMs: null,
    wrapupEndMs: null,
    endedWallMs: null,
    wrapupCode,
  };
}

/** Moves a record through customer hang-up, agent disconnect and wrap-up timestamps (phase set by caller). */
export function stampEnd(record: ConvRecord, nowMs: number): void {
  const scripted = record.scriptEndMs + 500;
  const customerEnd = record.explicitStart ? scripted : Math.max(scripted, nowMs - 1500);
  record.customerEndMs = customerEnd;
  record.customer.endMs = customerEnd;
  record.agent.endMs = customerEnd + 500;
  record.wrapupEndMs = customerEnd + 1000;
  record.endedWallMs = nowMs;
}
