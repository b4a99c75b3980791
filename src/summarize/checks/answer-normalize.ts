// Local repair of a parsed model answer before any re-ask: enum casing and synonyms, extra keys, "N/A" in optional
// fields, numbers written as strings, wrap-up code names for ids, multi-line paragraphs, missing lists. Every change is
// named in `adjustments`; what cannot be repaired without inventing content (a missing summary or intent) is left for
// the schema check to report.
import type { WrapupCode } from '../../domain.js';

export type FormAdjustment =
  | 'extra_keys_dropped'
  | 'enums_normalized'
  | 'empty_values_cleared'
  | 'numbers_coerced'
  | 'lists_defaulted'
  | 'confidence_defaulted'
  | 'language_normalized'
  | 'wrapup_code_mapped'
  | 'wrapup_code_dropped'
  | 'line_breaks_joined'
  | 'headline_derived'
  | 'personal_entities_dropped';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Values models write for "nothing here". */
const EMPTY = /^(?:n\/?a|none|null|nil|nothing|not applicable|not available|unknown|-+|—|–|no|ninguno|ninguna|keine|keiner)?\.?$/i;
export const isEmptyValue = (v: unknown): boolean => v === null || v === undefined || (typeof v === 'string' && EMPTY.test(v.trim()));

const key = (s: string): string => s.trim().toLowerCase().replace(/[\s-]+/g, '_');

const STATUS_SYNONYMS: Record<string, string> = {
  resolved: 'resolved', solved: 'resolved', fixed: 'resolved', closed: 'resolved', complete: 'resolved', completed: 'resolved', done: 'resolved', resuelto: 'resolved', gelöst: 'resolved',
  unresolved: 'unresolved', not_resolved: 'unresolved', open: 'unresolved', failed: 'unresolved', no_resuelto: 'unresolved', ungelöst: 'unresolved',
  escalated: 'escalated', escalation: 'escalated', transferred: 'escalated', handed_off: 'escalated', escalado: 'escalated', eskaliert: 'escalated',
  follow_up_needed: 'follow_up_needed', follow_up: 'follow_up_needed', followup_needed: 'follow_up_needed', follow_up_required: 'follow_up_needed',
  needs_follow_up: 'follow_up_needed', pending: 'follow_up_needed', in_progress: 'follow_up_needed', awaiting: 'follow_up_needed', pendiente: 'follow_up_needed',
};
const SENTIMENT_SYNONYMS: Record<string, string> = {
  positive: 'positive', happy: 'positive', satisfied: 'positive', pleased: 'positive', grateful: 'positive', positivo: 'positive', positiv: 'positive',
  neutral: 'neutral', calm: 'neutral', ok: 'neutral', okay: 'neutral', indifferent: 'neutral', neutro: 'neutral',
  negative: 'negative', upset: 'negative', angry: 'negative', frustrated: 'negative', annoyed: 'negative', dissatisfied: 'negative', unhappy: 'negative', negativo: 'negative', negativ: 'negative',
  mixed: 'mixed', ambivalent: 'mixed', mixto: 'mixed', gemischt: 'mixed',
};
const OWNER_SYNONYMS: Record<string, string> = {
  agent: 'agent', representative: 'agent', rep: 'agent', advisor: 'agent', adviser: 'agent', us: 'agent', we: 'agent', agente: 'agent',
  customer: 'customer', caller: 'customer', client: 'customer', user: 'customer', cliente: 'customer', kunde: 'customer',
  team: 'team', department: 'team', back_office: 'team', backoffice: 'team', support: 'team', support_team: 'team', supervisor: 'team', company: 'team', equipo: 'team',
};
const ENTITY_SYNONYMS: Record<string, string> = {
  product: 'product', device: 'product', item: 'product', service: 'product',
  plan: 'plan', subscription: 'plan', tariff: 'plan', package: 'plan',
  order_reference: 'order_reference', order: 'order_reference', order_number: 'order_reference', order_id: 'order_reference', reference: 'order_reference', ticket: 'order_reference',
  other: 'other',
};
const LANGUAGE_NAMES: Record<string, string> = {
  english: 'en', spanish: 'es', español: 'es', espanol: 'es', german: 'de', deutsch: 'de', french: 'fr', français: 'fr', francais: 'fr',
  portuguese: 'pt', português: 'pt', italian: 'it', italiano: 'it', dutch: 'nl',
};
const BCP47 = /^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/;

/** Top-level keys of the answer, and the keys models use for them instead. */
const FIELD_ALIASES: Record<string, string> = {
  follow_ups: 'follow_up_actions', followups: 'follow_up_actions', followup_actions: 'follow_up_actions', next_steps: 'follow_up_actions',
  wrapup_code: 'wrapup_code_id', wrap_up_code_id: 'wrapup_code_id', wrap_up_code: 'wrapup_code_id', wrapupcode: 'wrapup_code_id',
  title: 'headline', topic: 'topics', tags: 'topics',
};
const TOP_KEYS = ['headline', 'summary', 'intent', 'resolution', 'follow_up_actions', 'sentiment', 'topics', 'entities', 'language', 'wrapup_code_id', 'confidence'];
const CONFIDENCE_KEYS = ['summary', 'intent', 'resolution', 'wrapup_code'] as const;

export interface NormalizeContext {
  codes: readonly WrapupCode[];
  /** The conversation's language, used when the answer's tag is missing or unusable. */
  language: string;
}

class Tracker {
  readonly made = new Set<FormAdjustment>();
  note(a: FormAdjustment): void {
    this.made.add(a);
  }
}

function pick(obj: Obj, keys: readonly string[], t: Tracker): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(obj)) {
    if (keys.includes(k)) out[k] = v;
    else t.note('extra_keys_dropped');
  }
  return out;
}

function enumValue(v: unknown, synonyms: Record<string, string>, t: Tracker): unknown {
  if (typeof v !== 'string') return v;
  const mapped = synonyms[key(v)];
  if (mapped === undefined) return v;
  if (mapped !== v) t.note('enums_normalized');
  return mapped;
}

function oneLine(v: unknown, t: Tracker): unknown {
  if (typeof v !== 'string') return v;
  const joined = v.trim().replace(/\s*[\r\n]+\s*/g, ' ');
  if (joined !== v.trim()) t.note('line_breaks_joined');
  return joined;
}

/** A list: "N/A"/missing → [], a single string → [it], empty items dropped. */
function list(v: unknown, t: Tracker): unknown[] | unknown {
  if (v === undefined) {
    t.note('lists_defaulted');
    return [];
  }
  if (isEmptyValue(v)) {
    t.note('empty_values_cleared');
    return [];
  }
  if (typeof v === 'string') return [v];
  if (!Array.isArray(v)) return v;
  const kept = v.filter((item) => !isEmptyValue(item) && !(isObj(item) && isEmptyValue(item.action ?? item.value ?? '')));
  if (kept.length !== v.length) t.note('empty_values_cleared');
  return kept;
}

function followUp(v: unknown, t: Tracker): unknown {
  if (typeof v === 'string') return { action: v, owner: 'agent', due: null };
  if (!isObj(v)) return v;
  const out = pick(v, ['action', 'owner', 'due'], t);
  out.action = oneLine(out.action, t);
  out.owner = enumValue(out.owner ?? 'agent', OWNER_SYNONYMS, t);
  if (isEmptyValue(out.due)) {
    if (out.due !== null) t.note('empty_values_cleared');
    out.due = null;
  }
  return out;
}

/** Entity types that say the value is personal data: such entities are dropped, never kept under another type. */
const PERSONAL_ENTITY = /^(?:person|people|name|customer|agent|contact|email|e_mail|phone|phone_number|address|account|account_number|card|ssn|date_of_birth|dob)$/;

function entities(v: unknown, t: Tracker): unknown {
  const items = list(v, t);
  if (!Array.isArray(items)) return items;
  const kept = items.filter((e) => !(isObj(e) && typeof e.type === 'string' && PERSONAL_ENTITY.test(key(e.type))));
  if (kept.length !== items.length) t.note('personal_entities_dropped');
  return kept.map((e) => entity(e, t));
}

function entity(v: unknown, t: Tracker): unknown {
  if (!isObj(v)) return v;
  const out = pick(v, ['type', 'value'], t);
  const type = enumValue(out.type, ENTITY_SYNONYMS, t);
  out.type = typeof type === 'string' && !['product', 'plan', 'order_reference', 'other'].includes(type) ? (t.note('enums_normalized'), 'other') : type;
  return out;
}

function probability(v: unknown, t: Tracker): unknown {
  let n = v;
  if (typeof v === 'string') {
    const m = /^\s*(\d+(?:\.\d+)?)\s*(%?)\s*$/.exec(v);
    if (!m) return v;
    n = Number(m[1]) / (m[2] ? 100 : 1);
    t.note('numbers_coerced');
  }
  // A percentage written as a whole number ("85"); anything else over 1 is left for the schema check to reject.
  if (typeof n === 'number' && n > 1 && n <= 100 && Number.isInteger(n)) {
    t.note('numbers_coerced');
    return n / 100;
  }
  return n;
}

function confidence(v: unknown, t: Tracker): unknown {
  if (v === undefined || isEmptyValue(v)) {
    t.note('confidence_defaulted');
    return Object.fromEntries(CONFIDENCE_KEYS.map((k) => [k, 0.5]));
  }
  if (!isObj(v)) return v;
  const out = pick(v, CONFIDENCE_KEYS, t);
  for (const k of CONFIDENCE_KEYS) {
    if (out[k] === undefined) {
      t.note('confidence_defaulted');
      out[k] = 0.5;
    } else out[k] = probability(out[k], t);
  }
  return out;
}

function wrapupCode(v: unknown, ctx: NormalizeContext, t: Tracker): unknown {
  if (isEmptyValue(v)) return null;
  const text = isObj(v) ? (v.id ?? v.name) : v;
  if (typeof text !== 'string') return v;
  if (ctx.codes.some((c) => c.id === text)) return text;
  const byName = ctx.codes.find((c) => c.name.trim().toLowerCase() === text.trim().toLowerCase() || c.id.toLowerCase() === text.trim().toLowerCase());
  if (byName) {
    t.note('wrapup_code_mapped');
    return byName.id;
  }
  // A code the queue does not have is not worth a re-ask: the summary is kept without one.
  t.note('wrapup_code_dropped');
  return null;
}

function language(v: unknown, ctx: NormalizeContext, t: Tracker): string {
  if (typeof v === 'string' && BCP47.test(v.trim())) return v.trim();
  const named = typeof v === 'string' ? LANGUAGE_NAMES[v.trim().toLowerCase()] : undefined;
  t.note('language_normalized');
  return named ?? ctx.language;
}

function resolution(v: unknown, t: Tracker): unknown {
  if (!isObj(v)) return v;
  const out = pick(v, ['status', 'text'], t);
  out.status = enumValue(out.status, STATUS_SYNONYMS, t);
  out.text = oneLine(out.text, t);
  return out;
}

function sentiment(v: unknown, t: Tracker): unknown {
  if (!isObj(v)) return v;
  const out = pick(v, ['start', 'end'], t);
  out.start = enumValue(out.start, SENTIMENT_SYNONYMS, t);
  out.end = enumValue(out.end, SENTIMENT_SYNONYMS, t);
  return out;
}

/** Renames alias keys (when the real key is absent) and drops unknown ones. */
function topLevel(raw: Obj, t: Tracker): Obj {
  const renamed: Obj = {};
  for (const [k, v] of Object.entries(raw)) {
    const target = TOP_KEYS.includes(k) ? k : (FIELD_ALIASES[key(k)] ?? k);
    if (target !== k && !(target in raw)) {
      t.note('extra_keys_dropped');
      renamed[target] = v;
    } else renamed[k] = v;
  }
  return pick(renamed, TOP_KEYS, t);
}

/** The first sentence of the summary as a headline, when the model left it out. */
function derivedHeadline(summary: unknown): string | undefined {
  if (typeof summary !== 'string' || summary.trim() === '') return undefined;
  return summary.trim().split(/(?<=[.!?])\s/)[0];
}

/**
 * Repairs the form of a parsed answer (see the module header). Returns the candidate object for the strict schema
 * check and the adjustments made; content is never invented beyond neutral defaults (empty lists, 0.5 confidence).
 */
export function normalizeAnswer(raw: unknown, ctx: NormalizeContext): { value: unknown; adjustments: FormAdjustment[] } {
  const t = new Tracker();
  if (!isObj(raw)) return { value: raw, adjustments: [] };
  const out = topLevel(raw, t);
  out.summary = oneLine(out.summary, t);
  if (isEmptyValue(out.headline)) {
    const headline = derivedHeadline(out.summary);
    if (headline) {
      out.headline = headline;
      t.note('headline_derived');
    }
  }
  out.headline = oneLine(out.headline, t);
  out.intent = oneLine(out.intent, t);
  out.resolution = resolution(out.resolution, t);
  const followUps = list(out.follow_up_actions, t);
  out.follow_up_actions = Array.isArray(followUps) ? followUps.map((f) => followUp(f, t)) : followUps;
  out.sentiment = sentiment(out.sentiment, t);
  const topics = list(out.topics, t);
  out.topics = Array.isArray(topics) ? topics.map((x) => oneLine(x, t)) : topics;
  out.entities = entities(out.entities, t);
  out.language = language(out.language, ctx, t);
  out.wrapup_code_id = wrapupCode(out.wrapup_code_id, ctx, t);
  out.confidence = confidence(out.confidence, t);
  return { value: out, adjustments: [...t.made] };
}
