// Prompt templates: loaded from config/prompts/<id>.json (data, not code), validated, hashed and rendered.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { AppError } from '../../errors.js';
import { parseConfigJson } from '../config-file.js';

/** Per-field limits a summary template may state (the engine fills them with the prompt targets of output-limits.ts). */
export const LIMIT_PLACEHOLDERS = ['headline_max', 'intent_max', 'resolution_max', 'follow_ups_max', 'action_max', 'topics_max', 'topic_max', 'entities_max'] as const;

/**
 * The placeholders a template may use; `{{transcript}}` and `{{max_length}}` are required. `{{max_length}}` is the
 * summary length the model is asked for; `{{wrapup_codes}}` renders the allowed wrap-up codes as "id = name" lines
 * (or "none").
 */
export const TEMPLATE_PLACEHOLDERS = ['max_length', 'media_type', 'language', 'turn_count', 'transcript', 'wrapup_codes', ...LIMIT_PLACEHOLDERS] as const;
type Placeholder = (typeof TEMPLATE_PLACEHOLDERS)[number];
type LimitPlaceholder = (typeof LIMIT_PLACEHOLDERS)[number];
/** Values for the placeholders (`wrapup_codes` may be left out: it then renders as "none"; limits only when the template uses them). */
export type TemplateVariables = Record<Exclude<Placeholder, 'wrapup_codes' | LimitPlaceholder>, string | number> & {
  wrapup_codes?: string;
} & Partial<Record<LimitPlaceholder, number>>;

const PLACEHOLDER = /\{\{\s*([a-z_]+)\s*\}\}/g;

const TemplateFileSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'id must be lower-case letters, digits, - or _'),
  version: z.string().min(1),
  description: z.string().min(1),
  system: z.string().min(1),
  user: z.string().min(1),
});

/** A loaded prompt template. `hash` is the first 12 hex of sha256 over the file's bytes. */
export interface PromptTemplate {
  id: string;
  version: string;
  description: string;
  hash: string;
  system: string;
  user: string;
}

function placeholdersIn(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((m) => m[1] ?? '');
}

function checkPlaceholders(file: string, system: string, user: string): string[] {
  const used = [...placeholdersIn(system), ...placeholdersIn(user)];
  const known = new Set<string>(TEMPLATE_PLACEHOLDERS);
  const problems = used.filter((p) => !known.has(p)).map((p) => `unknown placeholder {{${p}}}`);
  if (!placeholdersIn(user).includes('transcript')) problems.push('user must contain {{transcript}}');
  if (!used.includes('max_length')) problems.push('system or user must contain {{max_length}}');
  return problems.map((p) => `${file}: ${p}`);
}

/**
 * Loads `<promptsDir>/<templateId>.json`. Fails fast with AppError CONFIG_INVALID naming the file and every problem
 * (unreadable, not JSON, missing fields, id ≠ file name, unknown or missing placeholders).
 */
export async function loadTemplate(promptsDir: string, templateId: string): Promise<PromptTemplate> {
  const file = path.join(promptsDir, `${templateId}.json`);
  let raw: string;
  try {
    raw = await readFile(file, 'utf8');
  } catch (err) {
    throw new AppError('CONFIG_INVALID', `prompt template ${file} cannot be read`, { cause: err });
  }
  const t = parseConfigJson('prompt template', file, raw, TemplateFileSchema);
  const problems = checkPlaceholders(file, t.system, t.user);
  if (t.id !== templateId) problems.push(`${file}: id "${t.id}" does not match the file name "${templateId}"`);
  if (problems.length > 0) throw new AppError('CONFIG_INVALID', `invalid prompt template:\n  - ${problems.join('\n  - ')}`);
  const hash = createHash('sha256').update(raw).digest('hex').slice(0, 12);
  return { ...t, hash };
}

/** Replaces every `{{name}}` in `text` with its value (one pass, so values containing braces stay as they are). */
export function fill(text: string, vars: TemplateVariables): string {
  const all: Record<string, string | number> = { ...vars, wrapup_codes: vars.wrapup_codes ?? 'none' };
  return text.replace(PLACEHOLDER, (whole, name: string) => (name in all ? String(all[name]) : whole));
}

/** The chat messages for one transcript. */
export function renderPrompt(template: PromptTemplate, vars: TemplateVariables): { system: string; user: string } {
  return { system: fill(template.system, vars), user: fill(template.user, vars) };
}
