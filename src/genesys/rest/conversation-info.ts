// Maps GET /api/v2/conversations/{id} to the pipeline's ConversationInfo, and participant purposes to speakers.
import type { ConversationInfo, MediaType, Speaker } from '../../domain.js';
import type { ConversationBody } from './rest-schemas.js';

/** Media arrays in the order that decides a conversation's media type (a callback that became a call is voice). */
const MEDIA_KEYS: Array<{ key: 'calls' | 'messages' | 'emails' | 'chats' | 'callbacks'; mediaType: MediaType }> = [
  { key: 'calls', mediaType: 'voice' },
  { key: 'messages', mediaType: 'message' },
  { key: 'emails', mediaType: 'email' },
  { key: 'chats', mediaType: 'chat' },
  { key: 'callbacks', mediaType: 'callback' },
];

/** Builds ConversationInfo: media type, queues, and every media session id with its participant's purpose. */
export function toConversationInfo(body: ConversationBody): ConversationInfo {
  const communications: ConversationInfo['communications'] = [];
  const queueIds = new Set<string>();
  for (const p of body.participants) {
    if (p.queueId) queueIds.add(p.queueId);
    const routed = p.conversationRoutingData?.queue?.id;
    if (routed) queueIds.add(routed);
    for (const { key, mediaType } of MEDIA_KEYS) {
      for (const m of p[key] ?? []) {
        if (m.id) communications.push({ id: m.id, mediaType, participantPurpose: p.purpose ?? 'unknown' });
      }
    }
  }
  const mediaType = MEDIA_KEYS.find(({ key }) => body.participants.some((p) => (p[key]?.length ?? 0) > 0))?.mediaType ?? 'unknown';
  return {
    conversationId: body.id,
    startTime: body.startTime,
    endTime: body.endTime ?? null,
    mediaType,
    queueIds: [...queueIds],
    participantCount: body.participants.length,
    communications,
    customerAddresses: customerAddressesOf(body),
  };
}

/** The customer participants' normalized addresses (`mailto:Jane@X.com` → `jane@x.com`). */
export function customerAddressesOf(body: ConversationBody): string[] {
  const customers = body.participants.filter((p) => CUSTOMER_PURPOSES.has((p.purpose ?? '').toLowerCase()) && p.address);
  return [...new Set(customers.map((p) => normalizeAddress(p.address ?? '')))];
}

/** Normalizes an address (`mailto:Jane@X.com` → `jane@x.com`). */
export const normalizeAddress = (a: string): string => a.replace(/^mailto:/i, '').trim().toLowerCase();

/** Participant purposes of the customer side. */
export const CUSTOMER_PURPOSES = new Set(['customer', 'external']);

/**
 * Maps a participant purpose (conversation API) or STA `participantPurpose` to a speaker:
 * internal/agent/user → agent, external/customer → customer, ivr/acd → ivr, bot/workflow flows → bot, else system.
 */
export function speakerForPurpose(purpose: string | undefined): Speaker {
  const p = (purpose ?? '').toLowerCase();
  if (p === 'internal' || p === 'agent' || p === 'user') return 'agent';
  if (CUSTOMER_PURPOSES.has(p)) return 'customer';
  if (p === 'ivr' || p === 'acd') return 'ivr';
  if (p === 'bot' || p === 'botflow' || p === 'workflow' || p === 'virtualagent' || p === 'digitalbot') return 'bot';
  return 'system';
}
