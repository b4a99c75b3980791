// Public surface of the summarize module.
export { createSummaryEngine, type SummaryEngineOptions } from './engine.js';
export type { LlmOptions } from './llm-client.js';
export { EXTRACTIVE_MODEL } from './extractive.js';
export { findPii, redactText, redactTurns, type PiiSpan, type PiiType, type RedactionCounts } from './pii.js';
export { loadTemplate, type PromptTemplate } from './templates.js';
export { loadTemplateRouter, type RouteInput, type TemplateRouter } from './template-routing.js';
export { isSummaryStale, recordRoute, type TemplateResolver } from './staleness.js';
export { detectLanguage } from './language.js';
export { validateSummary, type ValidationIssue } from './validate.js';
export { shortenAtSentence, FIELD_LIMITS } from './output-limits.js';
export { adjustmentPenalty } from './quality.js';
