// Habits of real models, for the OpenAI fake's profiles: limits stated in a prompt or schema are overshot by 10–40 %
// (`maxLength` keywords ignored), JSON comes wrapped in fences and prose with other casing, synonyms and "N/A", and an
// answer stops at the output-token cap. The fake reads limits the way a model does — from the words of the prompt and
// the schema's descriptions — never from our code's constants.

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Limits one request states, per field path (`headline`, `follow_up_actions.action`, …): characters and item counts. */
export interface StatedLimits {
  chars: Map<string, number>;
  items: Map<string, number>;
}

const AT_MOST = /(?:at most|no more than|up to|como máximo|höchstens|maximal)\s+(\d+)\s+([\p{L}-]+)/giu;
const CHAR_UNITS = /^(?:characters?|chars?|caracteres|zeichen)$/i;

function record(limits: StatedLimits, path: string, text: string): void {
  for (const m of text.matchAll(AT_MOST)) {
    const n = Number(m[1]);
    if (CHAR_UNITS.test(m[2] ?? '')) {
      if (!limits.chars.has(path)) limits.chars.set(path, n);
    } else if (!limits.items.has(path)) limits.items.set(path, n);
  }
  // "of at most N characters" after a count ("at most 5 topics of at most 28 characters") belongs to the items.
  const perItem = /(?:labels?|temas?|actions?|acciones)[^.]*?(?:at most|como máximo)\s+(\d+)\s+(?:characters|caracteres)/i.exec(text);
  if (perItem) limits.chars.set(`${path}.item`, Number(perItem[1]));
}

function fromSchema(schema: unknown, path: string, limits: StatedLimits): void {
  if (!isObj(schema)) return;
  if (typeof schema.description === 'string' && path) record(limits, path, schema.description);
  if (isObj(schema.properties)) {
    for (const [k, v] of Object.entries(schema.properties)) fromSchema(v, path ? `${path}.${k}` : k, limits);
  }
  if (isObj(schema.items)) fromSchema(schema.items, path, limits);
}

/**
 * The limits a request states: each `- "field": …` rule line of the messages, and the response schema's
 * descriptions (nested as `parent.child`). The first statement of a limit wins.
 */
export function statedLimits(messages: Array<{ content?: unknown }>, schema: unknown): StatedLimits {
  const limits: StatedLimits = { chars: new Map(), items: new Map() };
  const text = messages.map((m) => (typeof m.content === 'string' ? m.content : '')).join('\n');
  for (const line of text.split('\n')) {
    for (const m of line.matchAll(/"([a-z_]+)"\s*:\s*([^"]*)/g)) record(limits, m[1] ?? '', m[2] ?? '');
  }
  fromSchema(schema, '', limits);
  return limits;
}

/** The overshoot factor of the n-th answer: 1.1–1.4, varying call by call, reproducibly. */
export function overshootFactor(n: number, range: readonly [number, number] = [1.1, 1.4]): number {
  const frac = (Math.sin(n * 12.9898) * 43758.5453) % 1;
  return range[0] + Math.abs(frac) * (range[1] - range[0]);
}

const FILLER = [
  'The agent listened to the details and confirmed what the customer described.',
  'The agent explained the available options and the next steps clearly.',
  'The customer agreed with the proposed approach before the call ended.',
  'The agent checked the account history and noted the outcome in the record.',
];

/**
 * `text` grown with plain sentences (no numbers, no names), whole words only, to at least `length` characters where
 * a word boundary allows it without passing `max` (default: `length`).
 */
export function grow(text: string, length: number, max = length): string {
  const words = [text.trim(), ...Array.from({ length: 40 }, (_, i) => FILLER[i % FILLER.length])].join(' ').split(/\s+/).filter(Boolean);
  let out = '';
  for (const word of words) {
    const next = out ? `${out} ${word}` : word;
    if (next.length > max) break;
    out = next;
    if (out.length >= length) break;
  }
  return out;
}

/** Every limited string of `answer` written past its stated limit by `factor`, every limited list one or more items over. */
export function overshoot(answer: Obj, limits: StatedLimits, factor: number, range: readonly [number, number] = [1.1, 1.4]): Obj {
  const out: Obj = { ...answer };
  const over = (text: string, limit: number): string => grow(text, Math.max(Math.ceil(limit * factor), Math.floor(limit * range[0]) + 1), Math.floor(limit * range[1]));
  for (const [path, limit] of limits.chars) {
    if (path.endsWith('.item')) continue;
    const [head, child] = path.split('.');
    const value = head === undefined ? undefined : out[head];
    if (child === undefined && typeof value === 'string') out[head!] = over(value, limit);
    else if (child !== undefined && isObj(value) && typeof value[child] === 'string') out[head!] = { ...value, [child]: over(value[child] as string, limit) };
    else if (child !== undefined && Array.isArray(value)) {
      out[head!] = value.map((item) => (isObj(item) && typeof item[child] === 'string' ? { ...item, [child]: over(item[child] as string, limit) } : item));
    }
  }
  for (const [path, limit] of limits.items) {
    const list = out[path];
    if (!Array.isArray(list) || list.length === 0) continue;
    const wanted = Math.max(limit + 1, Math.ceil(limit * factor));
    const itemLimit = limits.chars.get(`${path}.item`);
    const items = Array.from({ length: wanted }, (_, i) => {
      const base = list[i % list.length];
      if (typeof base !== 'string') return base;
      const text = `${base} ${i + 1 > list.length ? 'follow-up' : ''}`.trim();
      return itemLimit ? over(text, itemLimit) : text;
    });
    out[path] = items;
  }
  return out;
}

const STATUS_SAYINGS: Record<string, string> = { resolved: 'Resolved', unresolved: 'Not resolved', escalated: 'Escalated', follow_up_needed: 'follow-up needed' };
const capital = (s: string): string => (s ? s[0]!.toUpperCase() + s.slice(1) : s);

/** The answer as a chatty model writes it: capitalized enums and synonyms, "N/A", numbers as strings, an extra key, curly quotes. */
export function chattyObject(answer: Obj): Obj {
  const out: Obj = { ...answer, notes: 'Summary generated from the conversation transcript.' };
  if (isObj(out.resolution)) {
    const status = String(out.resolution.status);
    out.resolution = { ...out.resolution, status: STATUS_SAYINGS[status] ?? capital(status) };
  }
  if (isObj(out.sentiment)) out.sentiment = { start: capital(String(out.sentiment.start)), end: capital(String(out.sentiment.end)) };
  if (Array.isArray(out.follow_up_actions)) {
    out.follow_up_actions = out.follow_up_actions.map((f) => (isObj(f) ? { ...f, owner: capital(String(f.owner)), due: f.due ?? 'N/A' } : f));
  }
  if (out.wrapup_code_id === null) out.wrapup_code_id = 'N/A';
  if (isObj(out.confidence)) out.confidence = Object.fromEntries(Object.entries(out.confidence).map(([k, v]) => [k, String(v)]));
  if (typeof out.summary === 'string') out.summary = out.summary.replace(/^The customer/, 'The “customer”');
  return out;
}

/** The answer's text as a chatty model sends it: prose, a ```json fence, more prose. */
export function chattyText(json: string): string {
  return `Sure! Here is the structured summary you asked for:\n\n\`\`\`json\n${JSON.stringify(JSON.parse(json), null, 2)}\n\`\`\`\n\nLet me know if you would like any changes.`;
}

/** The output-token cap a request sets (`max_tokens` or `max_completion_tokens`), if any. */
export function outputCap(body: Obj): number | undefined {
  const cap = body.max_completion_tokens ?? body.max_tokens;
  return typeof cap === 'number' && cap > 0 ? cap : undefined;
}

/** Rough token count of an answer (~4 characters a token). */
export const answerTokens = (text: string): number => Math.ceil(text.length / 4);

/** `text` stopped at `tokens` (as a model stops at its output cap): cut mid-stream, so JSON is left unfinished. */
export function stopAt(text: string, tokens: number): string {
  return text.slice(0, Math.max(1, tokens * 4));
}
