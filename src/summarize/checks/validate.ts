// Output validation (schema v2): schema, lengths, one paragraph, allowed wrap-up code, and no PII in any string field
// or entity. Messages name fields, never quote values (they go to logs and back to the model).
import type { SummaryFields, WrapupCode } from '../../domain.js';
import { FIELD_LIMITS } from './output-limits.js';
import { parseSummaryContent, type FormRepair } from './output-schema.js';
import { findOutputPii, redactText } from '../redact/index.js';
import type { InjectionGuard } from './injection.js';
import { injectionIssues, type InjectionFinding } from './injection-output.js';

export type ValidationCode = 'SCHEMA_INVALID' | 'TOO_LONG' | 'PII_IN_OUTPUT' | 'INJECTION_IN_OUTPUT';

/**
 * The figures of one failed check, safe to store and log: field names, lengths and limits, schema paths, PII types —
 * never the text.
 */
export interface IssueDetails {
  check: 'length' | 'schema' | 'pii' | 'injection';
  field?: string;
  length?: number;
  limit?: number;
  paths?: string[];
  types?: string[];
  /** What carried out an injected instruction (payload, passage, identifier, listing). */
  findings?: InjectionFinding[];
}

/** One problem with a model answer, safe to log and to send back to the model. */
export interface ValidationIssue {
  code: ValidationCode;
  message: string;
  details: IssueDetails;
}

export interface ValidateOptions {
  maxLength: number;
  /** The wrap-up codes offered; `wrapup_code_id` must be one of their ids or null. @default [] */
  allowedWrapupCodes?: readonly WrapupCode[] | undefined;
  /** PII allow patterns (config/pii.json): order and reference ids that look like phone or card numbers. @default [] */
  piiAllow?: readonly RegExp[] | undefined;
  /** What injected passages in the transcript asked for (checks/injection.ts); absent → no injection check. */
  injection?: InjectionGuard | undefined;
}

const BCP47 = /^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/;
const ORDER = { TOO_LONG: 0, SCHEMA_INVALID: 1, PII_IN_OUTPUT: 2, INJECTION_IN_OUTPUT: 3 } as const;

/** Every string the model wrote, with a field path for messages. */
export function stringFields(f: SummaryFields): Array<[string, string]> {
  return [
    ['headline', f.headline],
    ['summary', f.summary],
    ['intent', f.intent],
    ['resolution.text', f.resolution.text],
    ...f.follow_up_actions.flatMap((a, i): Array<[string, string]> => [
      [`follow_up_actions[${i}].action`, a.action],
      ...(a.due === null ? [] : [[`follow_up_actions[${i}].due`, a.due] as [string, string]]),
    ]),
    ...f.topics.map((t, i): [string, string] => [`topics[${i}]`, t]),
    ...f.entities.map((e, i): [string, string] => [`entities[${i}].value`, e.value]),
  ];
}

/**
 * PII in the output, by `findOutputPii`: structured values, introduced credentials and unambiguously introduced names
 * only. Company and plan names ("Acme Corp", "Premium") and bare first names are not flagged: without the conversation
 * they cannot be told from a person, and the transcript's names were redacted before the model saw it.
 */
function piiIssues(fields: SummaryFields, allow: readonly RegExp[] = []): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (const [name, text] of stringFields(fields)) {
    const types = [...new Set(findOutputPii(text, { allow }).map((s) => s.type))];
    if (types.length === 0) continue;
    const fix = name.startsWith('entities') ? 'drop this entity: entities must not be personal data' : 'remove it or use a placeholder';
    issues.push({ code: 'PII_IN_OUTPUT', message: `${name} contains personal data (${types.join(', ')}); ${fix}`, details: { check: 'pii', field: name, types } });
  }
  return issues;
}

/** Every length and count limit (see output-limits.ts); after local fitting only the summary can still be over. */
function lengthIssues(f: SummaryFields, maxLength: number): ValidationIssue[] {
  const L = FIELD_LIMITS;
  const texts: Array<[string, string, number]> = [
    ['summary', f.summary, maxLength],
    ['headline', f.headline, L.headline],
    ['intent', f.intent, L.intent],
    ['resolution.text', f.resolution.text, L.resolutionText],
    ...f.follow_up_actions.map((a, i): [string, string, number] => [`follow_up_actions[${i}].action`, a.action, L.followUpAction]),
    ...f.topics.map((x, i): [string, string, number] => [`topics[${i}]`, x, L.topic]),
    ...f.entities.map((e, i): [string, string, number] => [`entities[${i}].value`, e.value, L.entityValue]),
  ];
  const issues: ValidationIssue[] = texts
    .filter(([, text, limit]) => text.length > limit)
    .map(([field, text, limit]) => ({
      code: 'TOO_LONG' as const,
      message: `${field} is ${text.length} characters; the limit is ${limit}`,
      details: { check: 'length' as const, field, length: text.length, limit },
    }));
  const counts: Array<[string, number, number]> = [
    ['follow_up_actions', f.follow_up_actions.length, L.followUps],
    ['topics', f.topics.length, L.topics],
    ['entities', f.entities.length, L.entities],
  ];
  for (const [field, length, limit] of counts) {
    if (length > limit) issues.push({ code: 'TOO_LONG', message: `${field} has ${length} items; the limit is ${limit}`, details: { check: 'length', field, length, limit } });
  }
  return issues;
}

function shapeIssues(f: SummaryFields, allowed: readonly WrapupCode[]): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const bad = (message: string, field: string): void => void issues.push({ code: 'SCHEMA_INVALID', message, details: { check: 'schema', paths: [field] } });
  if (/[\r\n]/.test(f.summary.trim())) bad('summary must be a single paragraph without line breaks', 'summary');
  if (/[\r\n]/.test(f.headline.trim())) bad('headline must be a single line', 'headline');
  for (const [name, text] of [['headline', f.headline], ['summary', f.summary], ['intent', f.intent], ['resolution.text', f.resolution.text]] as const) {
    if (text.trim() === '') bad(`${name} must not be empty`, name);
  }
  if (f.follow_up_actions.some((a) => a.action.trim() === '')) bad('follow_up_actions must not contain empty actions', 'follow_up_actions');
  if (f.topics.some((t) => t.trim() === '')) bad('topics must not contain empty items', 'topics');
  if (!BCP47.test(f.language)) bad('language must be a BCP-47 tag such as en or es-MX', 'language');
  if (f.wrapup_code_id !== null && !allowed.some((c) => c.id === f.wrapup_code_id)) {
    bad(allowed.length === 0 ? 'wrapup_code_id must be null: no wrap-up codes are available' : 'wrapup_code_id must be one of the listed wrap-up code ids, or null', 'wrapup_code_id');
  }
  return issues;
}

/**
 * Checks parsed fields against the contract. Placeholders such as [CARD] are allowed.
 * @returns every problem found, most important first (TOO_LONG, SCHEMA_INVALID, PII_IN_OUTPUT, then INJECTION_IN_OUTPUT); empty = valid
 */
export function validateSummary(fields: SummaryFields, options: ValidateOptions): ValidationIssue[] {
  const issues = [
    ...lengthIssues(fields, options.maxLength),
    ...shapeIssues(fields, options.allowedWrapupCodes ?? []),
    ...piiIssues(fields, options.piiAllow),
    ...injectionIssues(stringFields(fields), options.injection),
  ];
  return issues.sort((a, b) => ORDER[a.code] - ORDER[b.code]);
}

/**
 * Parses a raw model answer (repairing its form locally, see parseSummaryContent) and validates it. `fields` is set
 * when it parsed, even if other checks failed; `repairs` names what the local repair changed.
 * @param language the conversation's language, used when the answer's tag is unusable @default 'en'
 */
export function validateAnswer(
  content: string | null | undefined,
  options: ValidateOptions & { language?: string },
): { fields?: SummaryFields; repairs: FormRepair[]; issues: ValidationIssue[] } {
  const parsed = parseSummaryContent(content, { codes: options.allowedWrapupCodes ?? [], language: options.language ?? 'en' });
  if (!parsed.ok) {
    return { repairs: [], issues: [{ code: 'SCHEMA_INVALID', message: parsed.message, details: { check: 'schema', ...(parsed.details.paths ? { paths: parsed.details.paths } : {}) } }] };
  }
  return { fields: parsed.fields, repairs: parsed.repairs, issues: validateSummary(parsed.fields, options) };
}

/** A rejected answer as it may be quoted back to the model in a re-ask: redacted, so nothing personal is sent again. */
export function quotableAnswer(content: string | null | undefined): string {
  return redactText(content ?? '').text;
}
