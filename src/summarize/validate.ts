// Output validation: schema, length, one paragraph, non-empty fields and no PII in any field. Messages never quote values.
import type { SummaryFields } from '../domain.js';
import { parseSummaryContent } from './output-schema.js';
import { findPii } from './pii.js';

export type ValidationCode = 'SCHEMA_INVALID' | 'TOO_LONG' | 'PII_IN_OUTPUT';

/** One problem with a model answer, safe to log and to send back to the model. */
export interface ValidationIssue {
  code: ValidationCode;
  message: string;
}

const TEXT_FIELDS = ['summary', 'intent', 'resolution'] as const;

function piiIssues(fields: SummaryFields): ValidationIssue[] {
  const texts: Array<[string, string]> = [
    ...TEXT_FIELDS.map((k): [string, string] => [k, fields[k]]),
    ...fields.follow_up_actions.map((a, i): [string, string] => [`follow_up_actions[${i}]`, a]),
  ];
  const issues: ValidationIssue[] = [];
  for (const [name, text] of texts) {
    const types = [...new Set(findPii(text).map((s) => s.type))];
    if (types.length > 0) {
      issues.push({ code: 'PII_IN_OUTPUT', message: `${name} contains personal data (${types.join(', ')}); remove it or use a placeholder` });
    }
  }
  return issues;
}

/**
 * Checks parsed fields against the contract. Placeholders such as [CARD] are allowed.
 * @returns every problem found, most important first (TOO_LONG, then SCHEMA_INVALID, then PII_IN_OUTPUT); empty = valid
 */
export function validateSummary(fields: SummaryFields, options: { maxLength: number }): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  if (fields.summary.length > options.maxLength) {
    issues.push({ code: 'TOO_LONG', message: `summary is ${fields.summary.length} characters; the limit is ${options.maxLength}` });
  }
  if (/[\r\n]/.test(fields.summary.trim())) {
    issues.push({ code: 'SCHEMA_INVALID', message: 'summary must be a single paragraph without line breaks' });
  }
  for (const key of TEXT_FIELDS) {
    if (fields[key].trim() === '') issues.push({ code: 'SCHEMA_INVALID', message: `${key} must not be empty` });
  }
  if (fields.follow_up_actions.some((a) => a.trim() === '')) {
    issues.push({ code: 'SCHEMA_INVALID', message: 'follow_up_actions must not contain empty items' });
  }
  return [...issues, ...piiIssues(fields)];
}

/** Parses a raw model answer and validates it. `fields` is set when it parsed, even if other checks failed. */
export function validateAnswer(
  content: string | null | undefined,
  options: { maxLength: number },
): { fields?: SummaryFields; issues: ValidationIssue[] } {
  const parsed = parseSummaryContent(content);
  if (!parsed.ok) return { issues: [{ code: 'SCHEMA_INVALID', message: parsed.message }] };
  return { fields: parsed.fields, issues: validateSummary(parsed.fields, options) };
}
