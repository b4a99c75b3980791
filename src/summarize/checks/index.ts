// Checks on what the model (or the extractive summarizer) wrote: output schema, local repair, limits, validation, grounding, quality.
export { assessContent } from './content-check.js';
export { groundedness } from './grounding.js';
export { FIELD_LIMITS, fitLengths, promptTargets, type LengthAdjustment } from './output-limits.js';
export { summaryResponseFormat, type FormRepair } from './output-schema.js';
export { scoreSummary } from './quality.js';
export { quotableAnswer, stringFields, validateAnswer, validateSummary, type ValidationIssue } from './validate.js';
export { shortenAtSentence } from './output-limits.js';
export { adjustmentPenalty } from './quality.js';
export { fenceInjections, injectionRecord, scanInjections, withoutInjections, FENCE_OPEN, FENCE_CLOSE, type InjectionGuard, type InjectionRecord, type InjectionScan } from './injection.js';
