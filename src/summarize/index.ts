// Public surface of the summarize module: the engine, and what the composition root and the pipeline need besides.
export { createSummaryEngine, type SummaryEngineOptions } from './engine.js';
export type { LlmOptions } from './llm/index.js';
export { costUsd, loadModelTable, type ModelTable } from './llm/index.js';
export { EXTRACTIVE_MODEL } from './extractive/index.js';
export { findPii, loadPiiConfig, redactText, redactTurns, type PiiSpan, type PiiType, type RedactionCounts } from './redact/index.js';
export { loadTemplate, loadTemplateRouter, templateRef, isSummaryStale, recordRoute, type PromptTemplate, type RouteInput, type TemplateRouter, type TemplateResolver } from './prompts/index.js';
export { detectLanguage } from './language.js';
export { adjustmentPenalty, FIELD_LIMITS, shortenAtSentence, validateSummary, type ValidationIssue } from './checks/index.js';
