// Builds conversation JSON from a record: queue-topic snapshots (QueueConversationEventTopicConversation) and REST Conversation.
import type { ConvRecord, Leg, Phase } from './sim-timeline.js';

type Json = Record<string, unknown>;
type Role = 'customer' | 'ivr' | 'acd' | 'agent';

const PHASES: Phase[] = ['alerting', 'connected', 'customerEnded', 'agentEnded', 'wrapped'];
const atLeast = (phase: Phase, min: Phase): boolean => PHASES.indexOf(phase) >= PHASES.indexOf(min);

/** ISO-8601 with milliseconds, or undefined (so JSON.stringify drops it, like Genesys drops nulls). */
export const iso = (ms: number | null | undefined): string | undefined => (ms == null ? undefined : new Date(ms).toISOString());

/** Explicit null for every absent (undefined) field, recursively: nothing in the docs guarantees Genesys omits them. */
export function nullify<T>(value: T): T {
  return JSON.parse(JSON.stringify(value, (_key, v: unknown) => (v === undefined ? null : v))) as T;
}

/**
 * When the conversation ended as REST `endTime` / analytics `conversationEnd` report it: when the agent left, or with
 * `endTimeAfterAcw` only once the agent's wrap-up is applied (docs/genesys.md §6 leaves this open). null while active.
 */
export function conversationEndMs(record: ConvRecord, endTimeAfterAcw: boolean): number | null {
  if (endTimeAfterAcw) return record.phase === 'wrapped' ? record.wrapupEndMs : null;
  return atLeast(record.phase, 'agentEnded') ? record.agent.endMs : null;
}

/** Genesys serializes without null fields: strip undefined/null recursively. */
export function compact<T>(value: T): T {
  return JSON.parse(JSON.stringify(value, (_key, v: unknown) => (v === null ? undefined : v))) as T;
}

interface LegState {
  state: string;
  connectedMs?: number;
  endMs?: number;
  disconnectType?: string;
}

/** Media state of one leg at a phase. */
export function legState(record: ConvRecord, role: Role, phase: Phase): LegState {
  const voice = record.mediaType === 'voice';
  switch (role) {
    case 'customer':
      return atLeast(phase, 'customerEnded')
        ? { state: 'disconnected', connectedMs: record.startMs, endMs: record.customer.endMs ?? undefined, disconnectType: 'endpoint' }
        : { state: 'connected', connectedMs: record.startMs };
    case 'ivr':
      return { state: 'disconnected', connectedMs: record.ivr?.startMs, endMs: record.ivr?.endMs ?? undefined, disconnectType: 'transfer' };
    case 'acd':
      return phase === 'alerting'
        ? { state: 'connected', connectedMs: record.acd.startMs }
        : { state: 'disconnected', connectedMs: record.acd.startMs, endMs: record.acd.endMs ?? undefined, disconnectType: 'transfer' };
    case 'agent':
      if (phase === 'alerting') return { state: 'alerting' };
      if (!atLeast(phase, 'agentEnded')) return { state: 'connected', connectedMs: record.agent.startMs };
      return { state: 'disconnected', connectedMs: record.agent.startMs, endMs: record.agent.endMs ?? undefined, disconnectType: voice ? 'peer' : 'client' };
  }
}

function leg(record: ConvRecord, role: Role): Leg {
  return role === 'ivr' && record.ivr ? record.ivr : role === 'customer' ? record.customer : role === 'agent' ? record.agent : record.acd;
}

/** The roles present in a conversation, in Genesys participant order. */
export function roles(record: ConvRecord): Role[] {
  return record.ivr ? ['customer', 'ivr', 'acd', 'agent'] : ['customer', 'acd', 'agent'];
}

/** Participant purpose of a role (a messaging bot runs in an Architect workflow). */
export function purposeOf(record: ConvRecord, role: Role): string {
  if (role === 'ivr') return record.mediaType === 'voice' ? 'ivr' : 'workflow';
  return role;
}

/** Which scenario speakers belong to a role. */
export function speakersOf(role: Role): string[] {
  return role === 'ivr' ? ['ivr', 'bot'] : role === 'customer' ? ['customer'] : role === 'agent' ? ['agent'] : [];
}

function afterCallWork(record: ConvRecord, phase: Phase): Json | undefined {
  if (!atLeast(phase, 'agentEnded')) return undefined;
  const done = phase === 'wrapped';
  return { state: done ? 'complete' : 'pending', startTime: iso(record.agent.endMs), endTime: done ? iso(record.wrapupEndMs) : undefined };
}

/** The media entry (call / message / email) of one leg. */
function mediaItem(record: ConvRecord, role: Role, phase: Phase): Json {
  const s = legState(record, role, phase);
  const base: Json = {
    id: leg(record, role).commId,
    state: s.state,
    initialState: role === 'agent' ? 'alerting' : 'connected',
    direction: 'inbound',
    held: false,
    disconnectType: s.disconnectType,
    connectedTime: iso(s.connectedMs),
    disconnectedTime: iso(s.endMs),
    afterCallWorkRequired: role === 'agent' ? true : undefined,
    afterCallWork: role === 'agent' ? afterCallWork(record, phase) : undefined,
  };
  if (record.mediaType === 'voice') {
    return { ...base, recording: role === 'customer', recordingState: role === 'customer' ? 'active' : 'none', muted: false, confined: false, securePause: false, provider: 'Edge' };
  }
  if (record.mediaType === 'email') {
    const sent = record.turns.filter((t) => t.speaker === 'agent').length;
    return { ...base, subject: record.scenario.subject, messagesSent: role === 'agent' && atLeast(phase, 'connected') ? sent : 0, provider: 'PureCloud Email', autoGenerated: false, spam: false };
  }
  const speakers = speakersOf(role);
  const visible = record.turns.filter((t) => speakers.includes(t.speaker) && (phase !== 'alerting' || t.startMs < record.acd.startMs));
  return {
    ...base,
    provider: 'PureCloud Messaging',
    type: 'webmessaging',
    messages: visible.map((t) => ({ messageId: t.id, messageTime: iso(t.startMs), messageStatus: t.speaker === 'customer' ? 'received' : 'delivered', messageSegmentCount: 1 })),
  };
}

const MEDIA_KEY = { voice: 'calls', message: 'messages', email: 'emails' } as const;

/** Participant fields shared by the queue topic and REST, at a phase. */
function participantCore(record: ConvRecord, role: Role, phase: Phase, wrapup: Json | undefined): Json {
  const s = legState(record, role, phase);
  const isAgent = role === 'agent';
  return {
    id: leg(record, role).participantId,
    connectedTime: iso(s.connectedMs),
    endTime: iso(s.endMs),
    userId: isAgent ? record.agent.userId : undefined,
    name: isAgent ? record.agent.name : role === 'customer' ? record.customer.name : undefined,
    queueId: isAgent || role === 'acd' ? record.queue.id : undefined,
    purpose: purposeOf(record, role),
    address: role === 'customer' ? record.customer.address : isAgent ? record.agent.address : undefined,
    wrapupRequired: isAgent ? true : undefined,
    wrapupPrompt: isAgent ? 'mandatory' : undefined,
    wrapup: isAgent && phase === 'wrapped' ? wrapup : undefined,
    startAcwTime: isAgent && atLeast(phase, 'agentEnded') ? iso(record.agent.endMs) : undefined,
    endAcwTime: isAgent && phase === 'wrapped' ? iso(record.wrapupEndMs) : undefined,
    attributes: {},
    calls: [],
    callbacks: [],
    chats: [],
    cobrowsesessions: [],
    emails: [],
    messages: [],
    screenshares: [],
    socialExpressions: [],
    videos: [],
    [MEDIA_KEY[record.mediaType]]: [mediaItem(record, role, phase)],
  };
}

/**
 * eventBody of v2.routing.queues.{id}.conversations / v2.users.{id}.conversations at a phase; with `nullFields`, absent
 * optional fields are sent as explicit null.
 */
export function queueSnapshot(record: ConvRecord, phase: Phase, nullFields = false): Json {
  const wrapup = { code: record.wrapupCode.id, tags: [], durationSeconds: 1, endTime: iso(record.wrapupEndMs) };
  const participants = roles(record).map((role) => {
    const core = participantCore(record, role, phase, wrapup);
    return role === 'agent' ? { ...core, wrapupExpected: true } : core;
  });
  const body = {
    id: record.id,
    maxParticipants: participants.length,
    participants,
    recentTransfers: [],
    recordingState: record.mediaType === 'voice' ? 'active' : 'none',
    securePause: false,
    divisions: [{ division: { id: record.divisionId }, entities: [] }],
  };
  return nullFields ? nullify(body) : compact(body);
}

/** REST `Conversation` (GET /api/v2/conversations/{id}) in the record's current phase. */
export function restConversation(record: ConvRecord, endTimeAfterAcw = false): Json {
  const phase = record.phase;
  const wrapup = { code: record.wrapupCode.id, name: record.wrapupCode.name, tags: [], durationSeconds: 1, endTime: iso(record.wrapupEndMs), provisional: false };
  const voice = record.mediaType === 'voice';
  const participants = roles(record).map((role) => ({
    ...participantCore(record, role, phase, wrapup),
    startTime: iso(role === 'agent' ? record.agent.alertMs : leg(record, role).startMs),
    queueName: role === 'agent' || role === 'acd' ? record.queue.name : undefined,
    participantType: role === 'agent' ? 'Internal' : 'External',
    ani: voice ? record.customer.address : undefined,
    dnis: voice ? 'tel:+18005550100' : undefined,
    wrapupSkipped: role === 'agent' ? false : undefined,
    userUri: role === 'agent' ? `/api/v2/users/${record.agent.userId}` : undefined,
  }));
  return compact({
    id: record.id,
    startTime: iso(record.startMs),
    endTime: iso(conversationEndMs(record, endTimeAfterAcw)),
    participants,
    conversationIds: [record.id],
    maxParticipants: participants.length,
    recordingState: voice ? 'active' : 'none',
    divisions: [{ division: { id: record.divisionId, selfUri: `/api/v2/authorization/divisions/${record.divisionId}` }, entities: [] }],
    recentTransfers: [],
    securePause: false,
    selfUri: `/api/v2/conversations/${record.id}`,
  });
}

/** Media-specific conversation (GET /api/v2/conversations/{calls|messages|emails}/{id}): flattened participants. */
export function mediaConversation(record: ConvRecord): Json {
  const phase = record.phase;
  const participants = roles(record).map((role) => {
    const core = participantCore(record, role, phase, { code: record.wrapupCode.id, name: record.wrapupCode.name, durationSeconds: 1, endTime: iso(record.wrapupEndMs) });
    const media = (core[MEDIA_KEY[record.mediaType]] as Json[])[0] ?? {};
    return {
      id: core.id, name: core.name, address: core.address, purpose: core.purpose, startTime: iso(leg(record, role).startMs),
      connectedTime: core.connectedTime, endTime: core.endTime, state: media.state, direction: media.direction, held: false,
      disconnectType: media.disconnectType, wrapupRequired: core.wrapupRequired, wrapup: core.wrapup,
      startAcwTime: core.startAcwTime, endAcwTime: core.endAcwTime, attributes: {},
      queue: core.queueId ? { id: core.queueId, selfUri: `/api/v2/routing/queues/${record.queue.id}` } : undefined,
      user: core.userId ? { id: core.userId, selfUri: `/api/v2/users/${record.agent.userId}` } : undefined,
      ...(record.mediaType === 'message' ? { type: 'webmessaging', messages: media.messages } : {}),
      ...(record.mediaType === 'email' ? { subject: media.subject, messagesSent: media.messagesSent } : {}),
      ...(record.mediaType === 'voice' ? { muted: false, confined: false, recording: media.recording, recordingState: media.recordingState } : {}),
    };
  });
  return compact({ id: record.id, participants, recordingState: record.mediaType === 'voice' ? 'active' : 'none', securePause: false, selfUri: `/api/v2/conversations/${MEDIA_KEY[record.mediaType]}/${record.id}` });
}
