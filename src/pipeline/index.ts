// The pipeline: the summary service every intake shares, the worker, the one use case (process a conversation), admission, backfill.
export { createAdmission } from './admission.js';
export { createBackfill, streamHealthyUntil, type Backfill, type BackfillState } from './backfill.js';
export { fillWindow, type WindowFill } from './backfill-pass.js';
export { createConversationProcessor } from './process-conversation.js';
export { createSnapshotIntake } from './snapshot-intake.js';
export { createSummaryService, type SummaryService } from './summary-service.js';
export { createWorker, type Worker } from './worker.js';
export { createTokenBuckets, type TokenBuckets } from './token-buckets.js';
