// Template routing: config/prompts/routing.json picks a prompt template per queue, media type and language
// (first matching rule wins; language matches by primary subtag). Every referenced template is loaded up front.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { TemplateRef } from '../../domain.js';
import { AppError } from '../../errors.js';
import { parseConfigJson } from '../config-file.js';
import { primaryLanguage } from '../language.js';
import { loadTemplate, type PromptTemplate } from './templates.js';

/** File name of the routing table inside the prompts folder. */
export const ROUTING_FILE = 'routing.json';

const RuleSchema = z
  .object({
    queueId: z.string().min(1).optional(),
    mediaType: z.string().min(1).optional(),
    language: z.string().min(2).optional(),
    template: z.string().min(1),
  })
  .strict();

const RoutingFileSchema = z
  .object({ $comment: z.string().optional(), rules: z.array(RuleSchema).default([]), default: z.string().min(1).optional() })
  .strict();
export type RoutingRule = z.infer<typeof RuleSchema>;

/** What a template is chosen by. */
export interface RouteInput {
  queueId?: string | null | undefined;
  mediaType: string;
  /** BCP-47; compared by primary subtag. */
  language?: string | undefined;
}

export interface TemplateRouter {
  /** The template used when no rule matches. */
  readonly defaultTemplate: PromptTemplate;
  readonly rules: readonly RoutingRule[];
  resolve(route: RouteInput): PromptTemplate;
}

/** True when every condition the rule states holds for `route`. */
export function ruleMatches(rule: RoutingRule, route: RouteInput): boolean {
  if (rule.queueId !== undefined && rule.queueId !== route.queueId) return false;
  if (rule.mediaType !== undefined && rule.mediaType !== route.mediaType) return false;
  if (rule.language !== undefined) {
    if (!route.language || primaryLanguage(rule.language) !== primaryLanguage(route.language)) return false;
  }
  return true;
}

async function readRouting(promptsDir: string): Promise<z.infer<typeof RoutingFileSchema>> {
  const file = path.join(promptsDir, ROUTING_FILE);
  let raw: string;
  try {
    raw = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { rules: [] };
    throw new AppError('CONFIG_INVALID', `template routing ${file} cannot be read`, { cause: err });
  }
  return parseConfigJson('template routing', file, raw, RoutingFileSchema);
}

/**
 * Loads `<promptsDir>/routing.json` (absent → no rules) and every template it names. Fails fast with AppError
 * CONFIG_INVALID on a bad file or template.
 * @param defaultTemplateId the fallback template; @default routing.json's `default`, else 'default'
 */
export async function loadTemplateRouter(promptsDir: string, defaultTemplateId?: string): Promise<TemplateRouter> {
  const routing = await readRouting(promptsDir);
  const defaultId = defaultTemplateId ?? routing.default ?? 'default';
  const ids = [...new Set([defaultId, ...routing.rules.map((r) => r.template)])];
  const loaded = new Map<string, PromptTemplate>();
  for (const id of ids) loaded.set(id, await loadTemplate(promptsDir, id));
  const defaultTemplate = loaded.get(defaultId)!;
  return {
    defaultTemplate,
    rules: routing.rules,
    resolve(route: RouteInput): PromptTemplate {
      const rule = routing.rules.find((r) => ruleMatches(r, route));
      return (rule && loaded.get(rule.template)) ?? defaultTemplate;
    },
  };
}

/** id, version and hash of a template. */
export const templateRef = (t: PromptTemplate): TemplateRef => ({ id: t.id, version: t.version, hash: t.hash });

/** True when two template references differ in id, version or content hash. */
export const templateChanged = (a: TemplateRef, b: TemplateRef): boolean => a.id !== b.id || a.version !== b.version || a.hash !== b.hash;
