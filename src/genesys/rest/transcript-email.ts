// Email transcripts: message list → each message → turns, with quoted history stripped.
import type { Turn } from '../../domain.js';
import type { GenesysClient } from './client.js';
import { normalizeAddress } from './conversation-info.js';
import { EmailMessageSchema, EmailPreviewListingSchema } from './rest-schemas.js';
import { parseUpstream } from './upstream-error.js';

const ON_WROTE = /^\s*On\b.*\bwrote:\s*$/i;
const ORIGINAL_MESSAGE = /^\s*-{2,}\s*Original Message\s*-{2,}\s*$/i;

/** Drops quoted history: lines starting with '>' and everything from an "On … wrote:" (possibly wrapped) or "-----Original Message-----" line. */
export function stripQuotedHistory(body: string): string {
  const lines = body.replace(/\r\n?/g, '\n').split('\n');
  const kept: string[] = [];
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i] ?? '';
    const next = lines[i + 1] ?? '';
    if (ON_WROTE.test(line) || ORIGINAL_MESSAGE.test(line)) break;
    if (/^\s*On\b/i.test(line) && /\bwrote:\s*$/i.test(next) && !next.trim().startsWith('>')) break;
    if (line.trimStart().startsWith('>')) continue;
    kept.push(line);
  }
  return kept.join('\n').trim();
}


/**
 * Fetches every email of the conversation in time order. A message from one of `customerAddresses` is the
 * customer's, anything else the agent's. The first turn carries the subject.
 */
export async function fetchEmailTurns(client: GenesysClient, conversationId: string, customerAddresses: Set<string>): Promise<Turn[]> {
  const listing = parseUpstream(
    EmailPreviewListingSchema,
    await client.call('getConversationsEmailMessages', (apis) => apis.conversations.getConversationsEmailMessages(conversationId)),
    'getConversationsEmailMessages',
  );
  const messages = [];
  for (const preview of listing.entities) {
    const raw = await client.call('getConversationsEmailMessage', (apis) => apis.conversations.getConversationsEmailMessage(conversationId, preview.id));
    messages.push({ ...parseUpstream(EmailMessageSchema, raw, 'getConversationsEmailMessage'), time: preview.time });
  }
  messages.sort((a, b) => Date.parse(a.time ?? '') - Date.parse(b.time ?? ''));
  return messages.map((m, index): Turn => {
    const from = normalizeAddress(m.from?.email ?? '');
    const body = stripQuotedHistory(m.textBody ?? '');
    const text = index === 0 && m.subject ? `${m.subject}\n\n${body}` : body;
    return { speaker: customerAddresses.has(from) ? 'customer' : 'agent', text, at: m.time ?? '' };
  });
}
