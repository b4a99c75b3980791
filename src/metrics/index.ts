// Metrics: the prom-client adapter of the Metrics port (ports.ts), built once by the composition root.
export { createPromMetrics, type PromMetrics, type PromMetricsOptions } from './prom-metrics.js';
export type { ChannelGaugeInput, GaugeSources } from './gauges.js';
export { stageName, statusLabel, topicPattern } from './labels.js';
