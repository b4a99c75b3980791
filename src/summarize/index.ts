// Public surface of the summarize module.
export { createSummaryEngine, type SummaryEngineOptions } from './engine.js';
export type { LlmOptions } from './llm/llm-client.js';
export { EXTRACTIVE_MODEL } from './extractive/extractive.js';
export { findPii, redactText, redactTurns, type PiiSpan, type PiiType, type RedactionCounts } from './redact/pii.js';
export { loadTemplate, type PromptTemplate } from './prompts/templates.js';
export { loadTemplateRouter, type RouteInput, type TemplateRouter } from './prompts/template-routing.js';
export { isSummaryStale, recordRoute, type TemplateResolver } from './prompts/staleness.js';
export { detectLanguage } from './language.js';
export { validateSummary, type ValidationIssue } from './checks/validate.js';
export { shortenAtSentence, FIELD_LIMITS } from './checks/output-limits.js';
export { adjustmentPenalty } from './checks/quality.js';
