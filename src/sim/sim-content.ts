// Conversation content: STA transcript JSON (voice), MessageData (messaging), email previews and bodies.
import { compact, iso } from './sim-conversations.js';
import type { ConvRecord, TimedTurn } from './sim-timeline.js';

type Json = Record<string, unknown>;

const STA_PURPOSE: Record<TimedTurn['speaker'], string> = { agent: 'internal', customer: 'external', ivr: 'ivr', bot: 'ivr' };

function words(turn: TimedTurn): Json[] {
  const list = turn.text.split(/\s+/).filter(Boolean);
  const each = Math.floor(turn.durationMs / Math.max(1, list.length));
  return list.map((word, i) => ({ word, confidence: 0.92, startTimeMs: turn.startMs + i * each, duration: { milliseconds: each } }));
}

/** The transcript document served at the pre-signed URL (shape of the official STA sample). */
export function transcriptJson(record: ConvRecord, communicationId: string, organizationId: string): Json {
  const phrases = record.turns.map((turn, phraseIndex) => ({
    text: turn.text,
    stability: 1,
    confidence: 0.92,
    startTimeMs: turn.startMs,
    duration: { milliseconds: turn.durationMs },
    words: words(turn),
    alternatives: [],
    participantPurpose: STA_PURPOSE[turn.speaker],
    phraseIndex,
  }));
  const recordingStart = record.startMs + 300;
  const durationMs = (record.customer.endMs ?? record.scriptEndMs) - recordingStart;
  const participants: Json[] = [
    { participantPurpose: 'customer', initialDirection: 'inbound', queueId: record.queue.id, divisionId: record.divisionId, ani: record.customer.address, dnis: 'tel:+18005550100', startTimeMs: record.startMs, endTimeMs: record.customer.endMs },
  ];
  if (record.ivr) participants.push({ participantPurpose: 'ivr', flowId: record.ivr.participantId, startTimeMs: record.ivr.startMs, endTimeMs: record.ivr.endMs });
  participants.push(
    { participantPurpose: 'acd', queueId: record.queue.id, startTimeMs: record.acd.startMs, endTimeMs: record.acd.endMs },
    { participantPurpose: 'agent', userId: record.agent.userId, startTimeMs: record.agent.startMs, endTimeMs: record.agent.endMs },
  );
  return compact({
    organizationId,
    conversationId: record.id,
    communicationId,
    transcripts: [{ transcriptId: `${communicationId}-t1`, language: record.scenario.language, programId: '', startTime: recordingStart, duration: { milliseconds: durationMs }, phrases, analytics: { sentiment: [], topics: [], acoustic: [] } }],
    participants,
    uri: `/transcript/v1/organizations/${organizationId}/conversations/${record.id}/communications/${communicationId}`,
    startTime: recordingStart,
    duration: { milliseconds: durationMs },
    mediaType: 'call',
    conversationStartTime: record.startMs,
  });
}

/** MessageData of one messaging turn; `normalized` adds normalizedMessage (useNormalizedMessage=true). */
export function messageData(record: ConvRecord, turn: TimedTurn, normalized: boolean): Json {
  const inbound = turn.speaker === 'customer';
  const business = record.queue.id;
  return compact({
    id: turn.id,
    timestamp: iso(turn.startMs),
    fromAddress: inbound ? record.customer.address : business,
    toAddress: inbound ? business : record.customer.address,
    direction: inbound ? 'inbound' : 'outbound',
    messengerType: 'webmessaging',
    textBody: turn.text,
    status: inbound ? 'received' : 'sent',
    normalizedMessage: normalized
      ? { id: turn.id, type: 'Text', text: turn.text, direction: inbound ? 'Inbound' : 'Outbound', originatingEntity: inbound ? undefined : turn.speaker === 'agent' ? 'Human' : 'Bot' }
      : undefined,
    conversationId: record.id,
    selfUri: `/api/v2/conversations/messages/${record.id}/messages/${turn.id}`,
  });
}

const CUSTOMER_MAIL = { email: 'customer@example.com', name: 'Customer' };
const SUPPORT_MAIL = { email: 'support@example.com', name: 'Customer Support' };

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function emailHeader(record: ConvRecord, turn: TimedTurn, index: number): Json {
  const inbound = turn.speaker === 'customer';
  const subject = record.scenario.subject ?? 'Your enquiry';
  return {
    id: turn.id,
    to: [inbound ? SUPPORT_MAIL : CUSTOMER_MAIL],
    cc: [],
    bcc: [],
    from: inbound ? CUSTOMER_MAIL : SUPPORT_MAIL,
    subject: index === 0 ? subject : `Re: ${subject}`,
    attachments: [],
    time: iso(turn.startMs),
    historyIncluded: false,
    state: 'Sent',
    selfUri: `/api/v2/conversations/emails/${record.id}/messages/${turn.id}`,
  };
}

/** EmailMessagePreviewListing of an email conversation. */
export function emailPreviews(record: ConvRecord): Json {
  const entities = record.turns.map((turn, i) => compact({ ...emailHeader(record, turn, i), textBodyPreview: turn.text.slice(0, 100) }));
  return { entities, pageSize: entities.length, pageNumber: 1, total: entities.length, pageCount: 1, selfUri: `/api/v2/conversations/emails/${record.id}/messages` };
}

/** Full EmailMessage, or undefined for an unknown message id. */
export function emailMessage(record: ConvRecord, messageId: string): Json | undefined {
  const index = record.turns.findIndex((turn) => turn.id === messageId);
  const turn = record.turns[index];
  if (!turn) return undefined;
  const html = turn.text.split('\n\n').map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`).join('');
  return compact({ ...emailHeader(record, turn, index), textBody: turn.text, htmlBody: `<html><body>${html}</body></html>`, emailSizeBytes: Buffer.byteLength(turn.text) });
}
