// Conversation lifecycle: creates records, moves them through phases and publishes queue snapshots and detail events.
import { spokenScenario } from './sim-asr.js';
import { conversationEndMs, queueSnapshot } from './sim-conversations.js';
import type { SimRandom } from './sim-random.js';
import type { SimContext } from './sim-routes.js';
import { buildRecord, scriptedDurationMs, stampEnd, type ConvRecord, type Leg, type Phase } from './sim-timeline.js';
import type { Scenario, SimConversation, StartConversationOptions } from './sim-types.js';

export interface LifecycleDeps {
  sim: SimContext;
  scenarios: readonly Scenario[];
  divisionId: string;
  publish: (topic: string, body: unknown) => void;
  /** Time between the agent leaving and the wrap-up being applied. @default 0 (at once) */
  wrapupDelayMs?: number;
}

const AGENT_NAMES = ['Priya Raman', 'Daniel Okafor', 'Sam Whitaker', 'Olivia Brennan', 'Kenji Watanabe', 'Grace Liu'];

function createAgents(rng: SimRandom): Array<{ userId: string; name: string }> {
  return AGENT_NAMES.map((name) => ({ userId: rng.uuid(), name }));
}

/** Public view of a record; `endTime` as GET /api/v2/conversations/{id} reports it. */
export function viewOf(record: ConvRecord, endTimeAfterAcw = false): SimConversation {
  const endMs = conversationEndMs(record, endTimeAfterAcw);
  return {
    id: record.id,
    queueId: record.queue.id,
    mediaType: record.mediaType,
    scenario: record.scenario,
    startTime: new Date(record.startMs).toISOString(),
    endTime: endMs !== null ? new Date(endMs).toISOString() : null,
  };
}

/** Creates the lifecycle controller. */
export function createLifecycle(deps: LifecycleDeps) {
  const { sim } = deps;
  const agents = createAgents(sim.rng);
  const timers = new Set<NodeJS.Timeout>();
  let next = 0;

  function resolveScenario(choice: Scenario | string | undefined): Scenario {
    if (typeof choice === 'object') return choice;
    if (typeof choice === 'string') {
      const found = deps.scenarios.find((s) => s.key === choice);
      if (!found) throw new Error(`Unknown scenario key: ${choice}`);
      return found;
    }
    const scenario = deps.scenarios[next++ % deps.scenarios.length];
    if (!scenario) throw new Error('The scenario library is empty');
    return scenario;
  }

  function snapshot(record: ConvRecord, phase: Phase, times = 1): void {
    record.phase = phase;
    const body = queueSnapshot(record, phase, sim.nullFields);
    for (let i = 0; i < times; i++) {
      deps.publish(`v2.routing.queues.${record.queue.id}.conversations`, body);
      deps.publish(`v2.users.${record.agent.userId}.conversations`, body);
    }
  }

  function detail(record: ConvRecord, event: string, leg: Leg, eventTimeMs: number, extra: Record<string, unknown> = {}): void {
    const voice = record.mediaType === 'voice';
    const body = {
      eventTime: eventTimeMs,
      conversationId: record.id,
      participantId: leg.participantId,
      sessionId: leg.commId,
      mediaType: record.mediaType.toUpperCase(),
      provider: voice ? 'Edge' : record.mediaType === 'email' ? 'PureCloud Email' : 'PureCloud Messaging',
      direction: 'INBOUND',
      ...(voice ? { ani: record.customer.address, dnis: 'tel:+18005550100' } : {}),
      ...(record.mediaType === 'message' ? { messageType: 'WEBMESSAGING' } : {}),
      ...(record.mediaType === 'email' ? { subject: record.scenario.subject, addressFrom: record.customer.address, addressTo: 'support@example.com' } : {}),
      divisionId: record.divisionId,
      ...extra,
    };
    deps.publish(`v2.detail.events.conversation.${record.id}.${event}`, body);
  }

  function start(opts: StartConversationOptions = {}): SimConversation {
    const chosen = resolveScenario(opts.scenario);
    const scenario = (opts.asr ?? sim.asrVoice) ? spokenScenario(chosen) : chosen;
    const queue = opts.queueId ? sim.queues.find((q) => q.id === opts.queueId) : sim.queues[0];
    if (!queue) throw new Error(`Unknown queue: ${opts.queueId ?? '(none configured)'}`);
    const startMs = opts.startTime ? opts.startTime.getTime() : sim.now() - scriptedDurationMs(scenario, sim.rng) - 2500;
    const agent = agents[sim.rng.int(0, agents.length - 1)] ?? { userId: sim.rng.uuid(), name: 'Agent' };
    const record = buildRecord({ scenario, queue, startMs, explicitStart: opts.startTime !== undefined, divisionId: deps.divisionId, agent, rng: sim.rng });
    sim.records.set(record.id, record);
    detail(record, 'customer.start', record.customer, record.startMs);
    snapshot(record, 'alerting');
    detail(record, 'acd.end', record.acd, record.acd.endMs ?? record.agent.startMs, { queueId: queue.id, acdOutcome: 'ANSWERED', answeredUserId: agent.userId });
    snapshot(record, 'connected');
    detail(record, 'user.start', record.agent, record.agent.startMs, { userId: agent.userId, queueId: queue.id });
    return viewOf(record, sim.endTimeAfterAcw);
  }

  function get(id: string): ConvRecord {
    const record = sim.records.get(id);
    if (!record) throw new Error(`Unknown conversation: ${id}`);
    return record;
  }

  /** Re-publishes the connected snapshot (real Genesys repeats snapshots while a conversation is active). */
  function during(id: string): void {
    const record = get(id);
    if (record.phase === 'connected') snapshot(record, 'connected');
  }

  function end(id: string): void {
    const record = get(id);
    if (record.phase !== 'alerting' && record.phase !== 'connected') return;
    stampEnd(record, sim.now());
    const interacting = (record.customer.endMs ?? 0) - record.agent.startMs;
    snapshot(record, 'customerEnded');
    detail(record, 'customer.end', record.customer, record.customer.endMs ?? 0, { disconnectType: 'ENDPOINT', interactingDurationMs: interacting });
    snapshot(record, 'agentEnded', 2);
    const agentExtra = { userId: record.agent.userId, queueId: record.queue.id };
    detail(record, 'user.end', record.agent, record.agent.endMs ?? 0, {
      ...agentExtra, disconnectType: record.mediaType === 'voice' ? 'PEER' : 'CLIENT', interactingDurationMs: interacting,
      heldDurationMs: 0, alertingDurationMs: record.agent.startMs - record.agent.alertMs, contactingDurationMs: 0, dialingDurationMs: 0, callbackDurationMs: 0,
    });
    const delayMs = deps.wrapupDelayMs ?? 0;
    if (delayMs <= 0) return wrap(record);
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (!record.explicitStart) record.wrapupEndMs = Math.max(record.wrapupEndMs ?? 0, sim.now());
      wrap(record);
    }, delayMs);
    timers.add(timer);
  }

  /** The agent applies the wrap-up: ACW ends. */
  function wrap(record: ConvRecord): void {
    const agentExtra = { userId: record.agent.userId, queueId: record.queue.id };
    snapshot(record, 'wrapped', 2);
    const wrapupDurationMs = (record.wrapupEndMs ?? 0) - (record.agent.endMs ?? 0);
    detail(record, 'acw', record.agent, record.wrapupEndMs ?? 0, { ...agentExtra, wrapupCode: record.wrapupCode.id, wrapupDurationMs });
    detail(record, 'wrapup', record.agent, record.wrapupEndMs ?? 0, { queueId: record.queue.id, wrapupCode: record.wrapupCode.id, wrapupDurationMs });
  }

  return {
    start,
    during,
    end,
    view: (id: string): SimConversation | undefined => (sim.records.has(id) ? viewOf(get(id), sim.endTimeAfterAcw) : undefined),
    /** Clears pending wrap-up timers. */
    close(): void {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}
