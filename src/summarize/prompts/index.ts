// Prompt templates as data: loading, routing by queue/media/language, staleness of stored summaries.
export { isSummaryStale } from './staleness.js';
export { loadTemplateRouter, templateRef } from './template-routing.js';
export { loadTemplate, renderPrompt, type PromptTemplate } from './templates.js';
export { recordRoute, type TemplateResolver } from './staleness.js';
export type { RouteInput, TemplateRouter } from './template-routing.js';
