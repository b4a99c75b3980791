// Analytics conversation details: the per-conversation record and the details query (interval, filters, paging).
import { compact, conversationEndMs, iso, legState, purposeOf, roles } from './sim-conversations.js';
import type { ConvRecord } from './sim-timeline.js';

type Json = Record<string, unknown>;

/** A 400 raised while validating a query; the route maps it to ErrorBody `bad.request`. */
export class QueryError extends Error {}

function segmentsFor(record: ConvRecord, role: ReturnType<typeof roles>[number]): Json[] {
  const s = legState(record, role, record.phase);
  const q = record.queue.id;
  if (role === 'customer') return [{ segmentStart: iso(record.startMs), segmentEnd: iso(s.endMs), segmentType: 'interact', disconnectType: s.endMs ? 'endpoint' : undefined }];
  if (role === 'ivr') return [{ segmentStart: iso(record.ivr?.startMs), segmentEnd: iso(record.ivr?.endMs), segmentType: 'ivr', disconnectType: 'transfer' }];
  if (role === 'acd') {
    const ended = record.phase !== 'alerting';
    return [{ segmentStart: iso(record.acd.startMs), segmentEnd: ended ? iso(record.acd.endMs) : undefined, segmentType: 'interact', queueId: q, disconnectType: ended ? 'transfer' : undefined }];
  }
  const alerting = record.phase === 'alerting';
  const segments: Json[] = [{ segmentStart: iso(record.agent.alertMs), segmentEnd: alerting ? undefined : iso(record.agent.startMs), segmentType: 'alert', queueId: q }];
  if (alerting) return segments;
  segments.push({ segmentStart: iso(record.agent.startMs), segmentEnd: iso(s.endMs), segmentType: 'interact', queueId: q, disconnectType: s.disconnectType });
  if (s.endMs) {
    const wrapped = record.phase === 'wrapped';
    segments.push({ segmentStart: iso(s.endMs), segmentEnd: wrapped ? iso(record.wrapupEndMs) : undefined, segmentType: 'wrapup', queueId: q, wrapUpCode: wrapped ? record.wrapupCode.id : undefined });
  }
  return segments;
}

function sessionFor(record: ConvRecord, role: ReturnType<typeof roles>[number]): Json {
  const leg = role === 'customer' ? record.customer : role === 'agent' ? record.agent : role === 'acd' ? record.acd : record.ivr;
  const voice = record.mediaType === 'voice';
  return {
    sessionId: leg?.commId,
    mediaType: record.mediaType,
    direction: 'inbound',
    ani: voice ? record.customer.address : undefined,
    dnis: voice ? 'tel:+18005550100' : undefined,
    messageType: record.mediaType === 'message' ? 'webmessaging' : undefined,
    provider: voice ? 'Edge' : record.mediaType === 'email' ? 'PureCloud Email' : 'PureCloud Messaging',
    addressFrom: record.mediaType === 'email' ? record.customer.address : undefined,
    recording: voice && role === 'customer' ? true : undefined,
    segments: segmentsFor(record, role),
  };
}

/** AnalyticsConversationWithoutAttributes of a record (`endTimeAfterAcw`: conversationEnd waits for the wrap-up). */
export function analyticsConversation(record: ConvRecord, endTimeAfterAcw = false): Json {
  return compact({
    conversationId: record.id,
    conversationStart: iso(record.startMs),
    conversationEnd: iso(conversationEndMs(record, endTimeAfterAcw)),
    originatingDirection: 'inbound',
    divisionIds: [record.divisionId],
    participants: roles(record).map((role) => ({
      participantId: (role === 'customer' ? record.customer : role === 'agent' ? record.agent : role === 'acd' ? record.acd : record.ivr)?.participantId,
      participantName: role === 'agent' ? record.agent.name : role === 'acd' ? record.queue.name : undefined,
      purpose: purposeOf(record, role),
      userId: role === 'agent' ? record.agent.userId : undefined,
      sessions: [sessionFor(record, role)],
    })),
  });
}

interface Predicate { dimension?: unknown; operator?: unknown; value?: unknown; type?: unknown }
interface Filter { type?: unknown; predicates?: unknown; clauses?: unknown }

const CONVERSATION_DIMENSIONS = ['conversationEnd', 'conversationStart', 'conversationId', 'originatingDirection', 'divisionId'];
const SEGMENT_DIMENSIONS = ['mediaType', 'queueId', 'userId', 'purpose', 'direction', 'wrapUpCode', 'segmentType', 'disconnectType', 'sessionId', 'messageType', 'participantId', 'conversationId', 'provider'];

function matchPredicate(p: Predicate, lookup: (dimension: string) => unknown, allowed: string[]): boolean {
  if (typeof p.dimension !== 'string' || !allowed.includes(p.dimension)) throw new QueryError(`Invalid dimension: ${String(p.dimension)}`);
  const actual = lookup(p.dimension);
  const operator = p.operator ?? 'matches';
  if (operator === 'exists') return actual !== undefined;
  if (operator === 'notExists') return actual === undefined;
  if (operator !== 'matches') throw new QueryError(`Invalid operator: ${String(operator)}`);
  return actual !== undefined && String(actual) === String(p.value);
}

function matchFilter(f: Filter, lookup: (dimension: string) => unknown, allowed: string[]): boolean {
  if (f.type !== 'and' && f.type !== 'or') throw new QueryError('Filter type must be "and" or "or"');
  const results: boolean[] = [];
  if (Array.isArray(f.predicates)) results.push(...(f.predicates as Predicate[]).map((p) => matchPredicate(p, lookup, allowed)));
  if (Array.isArray(f.clauses)) results.push(...(f.clauses as Filter[]).map((c) => matchFilter(c, lookup, allowed)));
  if (results.length === 0) throw new QueryError('Filter requires predicates or clauses');
  return f.type === 'and' ? results.every(Boolean) : results.some(Boolean);
}

function segmentLookups(conversation: Json): Array<(d: string) => unknown> {
  const out: Array<(d: string) => unknown> = [];
  for (const participant of conversation.participants as Json[]) {
    for (const session of participant.sessions as Json[]) {
      for (const segment of session.segments as Json[]) {
        out.push((d) => segment[d] ?? session[d] ?? participant[d] ?? (d === 'conversationId' ? conversation.conversationId : undefined));
      }
    }
  }
  return out;
}

const DAY = 86_400_000;

/** Parses `start/end` and returns the UTC days it touches as [firstDayStart, lastDayEndExclusive). */
export function parseInterval(interval: unknown): [number, number] {
  if (typeof interval !== 'string') throw new QueryError('interval is required');
  const [a, b] = interval.split('/');
  const start = Date.parse(a ?? '');
  const end = Date.parse(b ?? '');
  if (Number.isNaN(start) || Number.isNaN(end) || end <= start) throw new QueryError(`Invalid interval: ${interval}`);
  return [Math.floor(start / DAY) * DAY, Math.floor((end - 1) / DAY) * DAY + DAY];
}

/** Runs a ConversationQuery over the records; throws QueryError for invalid queries. */
export function runDetailsQuery(records: ConvRecord[], body: Json, endTimeAfterAcw = false): Json {
  const [dayStart, dayEnd] = parseInterval(body.interval);
  const paging = (body.paging ?? {}) as { pageSize?: unknown; pageNumber?: unknown };
  const pageSize = paging.pageSize ?? 25;
  const pageNumber = paging.pageNumber ?? 1;
  if (typeof pageSize !== 'number' || !Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100) throw new QueryError('paging.pageSize must be between 1 and 100');
  if (typeof pageNumber !== 'number' || !Number.isInteger(pageNumber) || pageNumber < 1) throw new QueryError('paging.pageNumber must be >= 1');
  const order = body.order ?? 'asc';
  if (order !== 'asc' && order !== 'desc') throw new QueryError('order must be asc or desc');
  const convFilters = (body.conversationFilters ?? []) as Filter[];
  const segFilters = (body.segmentFilters ?? []) as Filter[];
  if (!Array.isArray(convFilters) || !Array.isArray(segFilters)) throw new QueryError('filters must be arrays');
  const matched = records
    .filter((r) => r.startMs >= dayStart && r.startMs < dayEnd)
    .map((r) => analyticsConversation(r, endTimeAfterAcw))
    .filter((c) => convFilters.every((f) => matchFilter(f, (d) => (d === 'divisionId' ? (c.divisionIds as string[])[0] : c[d]), CONVERSATION_DIMENSIONS)))
    .filter((c) => segFilters.length === 0 || segmentLookups(c).some((lookup) => segFilters.every((f) => matchFilter(f, lookup, SEGMENT_DIMENSIONS))));
  const key = body.orderBy === 'segmentEnd' ? 'conversationEnd' : 'conversationStart';
  matched.sort((x, y) => String(x[key] ?? x.conversationStart).localeCompare(String(y[key] ?? y.conversationStart)) * (order === 'asc' ? 1 : -1));
  const page = matched.slice((pageNumber - 1) * pageSize, pageNumber * pageSize);
  return page.length > 0 ? { conversations: page, totalHits: matched.length } : { totalHits: matched.length };
}
