// The offline extractive summarizer: a wrap-up note from the redacted transcript's own sentences.
export { EXTRACTIVE_MODEL, extractiveSummarize } from './extractive.js';
