// Messaging transcripts (web messaging, SMS, WhatsApp, open…): message ids per participant → bulk bodies → turns.
import type { Speaker, Turn } from '../../domain.js';
import { AppError } from '../../errors.js';
import type { GenesysApis, GenesysClient } from './client.js';
import { speakerForPurpose } from './conversation-info.js';
import { MessageConversationSchema, TextMessageListingSchema } from './rest-schemas.js';
import { parseUpstream } from './upstream-error.js';

/** Genesys accepts at most this many ids per bulk request. */
export const MAX_BULK_MESSAGE_IDS = 1000;

/**
 * POST /api/v2/conversations/messages/{id}/messages/bulk?useNormalizedMessage=true. SDK 262's wrapper drops the
 * documented `useNormalizedMessage` query parameter, so this goes through ApiClient.callApi with the same arguments.
 */
function bulkMessages(apis: GenesysApis, conversationId: string, ids: string[]): Promise<unknown> {
  if (!conversationId) throw new AppError('INVALID_ID', 'conversationId is required');
  return apis.apiClient.callApi(
    '/api/v2/conversations/messages/{conversationId}/messages/bulk',
    'POST',
    { conversationId },
    { useNormalizedMessage: true } as unknown as Record<string, object>,
    {},
    {},
    ids,
    ['PureCloud OAuth'],
    ['application/json'],
    ['application/json'],
  );
}

/** Fetches every message of a messaging conversation, speaker from the sending participant's purpose. */
export async function fetchMessagingTurns(client: GenesysClient, conversationId: string): Promise<Turn[]> {
  const conversation = parseUpstream(
    MessageConversationSchema,
    await client.call('getConversationsMessage', (apis) => apis.conversations.getConversationsMessage(conversationId)),
    'getConversationsMessage',
  );
  const speakerById = new Map<string, Speaker>();
  for (const p of conversation.participants) {
    const speaker = speakerForPurpose(p.purpose);
    for (const m of p.messages) if (m.messageId) speakerById.set(m.messageId, speaker);
  }
  const ids = [...speakerById.keys()];
  const turns: Turn[] = [];
  for (let i = 0; i < ids.length; i += MAX_BULK_MESSAGE_IDS) {
    const chunk = ids.slice(i, i + MAX_BULK_MESSAGE_IDS);
    const listing = parseUpstream(
      TextMessageListingSchema,
      await client.call('postConversationsMessageMessagesBulk', (apis) => bulkMessages(apis, conversationId, chunk)),
      'postConversationsMessageMessagesBulk',
    );
    for (const m of listing.entities) {
      const known = speakerById.get(m.id);
      const speaker: Speaker = known && known !== 'system' ? known : m.direction?.toLowerCase() === 'inbound' ? 'customer' : 'agent';
      turns.push({ speaker, text: m.normalizedMessage?.text ?? m.textBody ?? '', at: m.timestamp ?? '' });
    }
  }
  return turns;
}
