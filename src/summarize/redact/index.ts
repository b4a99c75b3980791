// Redaction: finding personal data in transcripts and in model output, and replacing it with typed placeholders.
export { NAME_STOPWORDS } from './name-stopwords.js';
export { findOutputPii, findPii, loadPiiConfig, redactText, redactTurns } from './pii.js';
export type { PiiSpan, PiiType, RedactionCounts } from './pii.js';
