// Public surface of the HTTP layer.
export { createHttpApp, OPENAPI_PATH } from './app.js';
export { startHttpServer, type RunningHttpServer, type StartHttpServerOptions } from './server.js';
export type { HttpDeps, ReadinessCheck, SummaryApi } from './ports.js';
export { STATUS_BY_CODE } from './problem.js';
