// Genesys REST side: the SDK client (auth, retries, 429), conversations, transcripts, analytics backfill queries, wrap-up codes.
export { queryEndedConversations, type EndedConversation, type EndedQuery } from './analytics.js';
export { createGenesysClient, type GenesysClient } from './client.js';
export { discoverQueueIds } from './queues.js';
export { createConversationSource } from './source.js';
export { regionAllowList } from './transcript-url-policy.js';
export { parseUpstream } from './upstream-error.js';
export { createWrapupCodeCache } from './wrapup-codes.js';
