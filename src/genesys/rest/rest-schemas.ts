// zod schemas of the Genesys REST bodies the conversation source reads (conversation, STA transcript, messages, email).
import { z } from 'zod';

const media = z.array(z.object({ id: z.string().optional(), state: z.string().optional() })).optional();

/** GET /api/v2/conversations/{id} (Models.Conversation), only what we use. */
export const ConversationSchema = z.object({
  id: z.string(),
  startTime: z.string(),
  endTime: z.string().nullish(),
  participants: z
    .array(
      z.object({
        id: z.string().optional(),
        purpose: z.string().optional(),
        address: z.string().optional(),
        queueId: z.string().optional(),
        conversationRoutingData: z.object({ queue: z.object({ id: z.string().optional() }).nullish() }).nullish(),
        calls: media,
        callbacks: media,
        chats: media,
        emails: media,
        messages: media,
      }),
    )
    .default([]),
});
export type ConversationBody = z.infer<typeof ConversationSchema>;

/** GET …/transcripturl (Models.TranscriptUrl). */
export const TranscriptUrlSchema = z.object({ url: z.string().min(1) });

/** The pre-signed STA transcript JSON (§4.4). */
export const StaTranscriptSchema = z.object({
  conversationId: z.string().optional(),
  communicationId: z.string().optional(),
  transcripts: z
    .array(
      z.object({
        language: z.string().optional(),
        phrases: z
          .array(
            z.object({
              text: z.string().default(''),
              startTimeMs: z.number(),
              participantPurpose: z.string().optional(),
            }),
          )
          .default([]),
      }),
    )
    .default([]),
});
export type StaTranscript = z.infer<typeof StaTranscriptSchema>;

/** GET /api/v2/conversations/messages/{id} (Models.MessageConversation). */
export const MessageConversationSchema = z.object({
  participants: z
    .array(
      z.object({
        purpose: z.string().optional(),
        messages: z.array(z.object({ messageId: z.string().optional() })).default([]),
      }),
    )
    .default([]),
});

/** POST …/messages/bulk (Models.TextMessageListing). */
export const TextMessageListingSchema = z.object({
  entities: z
    .array(
      z.object({
        id: z.string(),
        timestamp: z.string().optional(),
        direction: z.string().optional(),
        textBody: z.string().nullish(),
        normalizedMessage: z.object({ text: z.string().nullish() }).nullish(),
      }),
    )
    .default([]),
});

const emailAddress = z.object({ email: z.string().optional(), name: z.string().optional() });

/** GET /api/v2/conversations/emails/{id}/messages (Models.EmailMessagePreviewListing). */
export const EmailPreviewListingSchema = z.object({
  entities: z.array(z.object({ id: z.string(), time: z.string().optional() })).default([]),
});

/** GET /api/v2/conversations/emails/{id}/messages/{messageId} (Models.EmailMessage). */
export const EmailMessageSchema = z.object({
  id: z.string().optional(),
  from: emailAddress.optional(),
  subject: z.string().optional(),
  textBody: z.string().nullish(),
  time: z.string().optional(),
});
