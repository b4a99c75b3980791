// The LLM path: the OpenAI-compatible client, the ask–repair loop, token budgets, map-reduce for long transcripts, pricing.
export { summarizeWithLlm } from './engine-llm.js';
export { issuesError, type Timed } from './llm-ask.js';
export { createLlmClient, type LlmClient, type LlmOptions } from './llm-client.js';
export { costUsd } from './pricing.js';
export { loadModelTable, type ModelTable } from './tokens.js';
