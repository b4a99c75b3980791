// Staleness: a stored summary is stale when the template the routing picks now for its queue, media type and
// language differs (id, version or content hash) from the one that wrote it.
import type { SummaryRecord } from '../../domain.js';
import type { SummaryEngine } from '../../ports.js';
import { templateChanged } from './template-routing.js';

/** What resolves the current template for a route (SummaryEngine.templateFor, or a TemplateRouter wrapped). */
export type TemplateResolver = SummaryEngine['templateFor'];

/** The route a record's template was chosen by (records from before routing: no queue, their media type and language). */
export function recordRoute(record: SummaryRecord): { queueId: string | null; mediaType: string; language?: string | undefined } {
  if (record.route) return { queueId: record.route.queue_id, mediaType: record.route.media_type, language: record.route.language };
  return { queueId: null, mediaType: record.media_type, language: record.language };
}

/** True when `resolve` now picks a different template (id, version or hash) than the one recorded. */
export function isSummaryStale(record: SummaryRecord, resolve: TemplateResolver): boolean {
  return templateChanged(record.template, resolve(recordRoute(record)));
}
