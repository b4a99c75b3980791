// Public surface of the HTTP layer.
export { createHttpApp, OPENAPI_PATH } from './app.js';
export { startHttpServer, type RunningHttpServer, type StartHttpServerOptions } from './server.js';
export type { CheckResult, DeliveryLog, HttpDeps, ReadinessCheck, SummaryApi, WebhookDeps, WebhookTask } from './ports.js';
export { STATUS_BY_CODE } from './problem.js';
export { summaryFields } from './summary-routes.js';
export { createDashboardFeed, type DashboardFeed, type FailedTask, type FeedEvent, type LandedSummary } from './dashboard-feed.js';
export type { DashboardDeps, RedactedTranscript } from './dashboard-routes.js';
export type { MetricsExposition } from './metrics-route.js';
