// Zod schemas of the Genesys event webhook (EventBridge events, bare notification envelopes, batches) and its hook.
import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { z as zod } from 'zod';
import { validationHook } from './problem.js';

/** Most events one request may carry (an array body). */
export const MAX_WEBHOOK_BATCH = 100;

const uuidExample = '2f7bf00a-0fc2-4d6a-9b56-92238191433e';

/** The Genesys notification envelope (docs/genesys.md §4): the same on the WebSocket, in EventBridge, in triggers. */
export const NotificationEnvelopeSchema = z
  .object({
    topicName: z.string().min(1).openapi({ example: `v2.detail.events.conversation.${uuidExample}.customer.end` }),
    version: z.string().optional().openapi({ example: '2' }),
    eventBody: z
      .record(z.string(), z.unknown())
      .openapi({ description: 'The topic\'s event (e.g. CustomerEndEvent, or a queue conversation snapshot)' }),
    metadata: z.object({ CorrelationId: z.string().optional() }).optional(),
    timestamp: z.string().optional(),
  })
  .openapi('GenesysNotification');
export type NotificationEnvelope = z.infer<typeof NotificationEnvelopeSchema>;

/** An Amazon EventBridge event from the Genesys partner source, delivered by an API destination (§7.1). */
export const EventBridgeEventSchema = z
  .object({
    version: z.string().optional().openapi({ example: '0' }),
    id: z.string().optional(),
    'detail-type': z
      .string()
      .min(1)
      .openapi({
        description: 'The topic pattern with a literal {id}',
        example: 'v2.detail.events.conversation.{id}.customer.end',
      }),
    source: z.string().optional(),
    account: z.string().optional(),
    time: z.string().optional(),
    region: z.string().optional(),
    resources: z.array(z.string()).optional(),
    detail: NotificationEnvelopeSchema,
  })
  .openapi('EventBridgeEvent');

export const WebhookEventSchema = z.union([EventBridgeEventSchema, NotificationEnvelopeSchema]);
export type WebhookEvent = z.infer<typeof WebhookEventSchema>;

export const WebhookBodySchema = z
  .union([WebhookEventSchema, z.array(WebhookEventSchema).min(1).max(MAX_WEBHOOK_BATCH)])
  .openapi('WebhookBody', { description: `One event, or an array of at most ${MAX_WEBHOOK_BATCH}` });

export const WebhookAcceptedSchema = z
  .object({
    accepted: z.number().int().openapi({ description: 'Events that started or joined a summarization task' }),
    ignored: z.number().int().openapi({ description: 'Events on topics that do not end a conversation' }),
    tasks: z.array(
      z.object({ conversation_id: z.string(), task_id: z.string(), status: z.string() }),
    ).openapi({ description: 'One entry per distinct conversation, each durably recorded before this answer' }),
    not_found: z.array(z.string()).optional().openapi({
      description: 'Conversations Genesys recently answered 404 for: acknowledged, no task started (absent when none)',
    }),
  })
  .openapi('WebhookAccepted');

/** The envelope inside either event form. */
export function envelopeOf(event: WebhookEvent): NotificationEnvelope {
  return 'detail' in event ? event.detail : event;
}

type Issue = zod.core.$ZodIssue;

/** Issues at the top level of the object at `depth` (a missing or mistyped key there means "wrong form"). */
const shallow = (issues: Issue[], depth: number): number => issues.filter((i) => i.path.length <= depth + 1).length;

/**
 * Picks the union branch the input most likely meant: not a plain type mismatch, fewest failing top-level keys,
 * then fewest issues; equally good branches are reported together. Paths in branches are relative to the union.
 */
function pickBranch(issue: Extract<Issue, { code: 'invalid_union' }>, prefix: PropertyKey[]): Issue[] {
  const at = [...prefix, ...issue.path];
  const branches = issue.errors
    .map((branch) => flattenIssues(branch, at))
    .filter((branch) => !branch.every((i) => i.code === 'invalid_type' && i.path.length === at.length));
  if (branches.length === 0) {
    // Still a plain type mismatch, so an enclosing union treats it as one.
    const message = 'expected an event object or an array of events';
    return [{ code: 'invalid_type', expected: 'object', path: at, message } as Issue];
  }
  const rank = (b: Issue[]) => shallow(b, at.length) * 1000 + b.length;
  const best = Math.min(...branches.map(rank));
  return branches.filter((b) => rank(b) === best).flat();
}

/** Replaces union failures by the issues of their most plausible branch, with absolute paths. */
export function flattenIssues(issues: readonly Issue[], prefix: PropertyKey[] = []): Issue[] {
  return issues.flatMap((issue): Issue[] =>
    issue.code === 'invalid_union' && issue.errors.length > 0
      ? pickBranch(issue, prefix)
      : [{ ...issue, path: [...prefix, ...issue.path] } as Issue],
  );
}

/** The app's validation hook, after flattening unions so the problem names the offending fields. */
export function webhookValidationHook(result: { success: boolean; target: string; error?: zod.ZodError }, c: Context) {
  if (result.success || !result.error) return undefined;
  return validationHook({ ...result, error: new zod.ZodError(flattenIssues(result.error.issues)) }, c);
}
