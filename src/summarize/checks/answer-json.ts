// Finding the JSON object in a model's answer as real models write it: inside ``` fences, after or before prose,
// with typographic quotes as delimiters or a trailing comma. Each repair is named, never silent.

export type JsonRepair = 'json_extracted' | 'quotes_normalized' | 'trailing_commas_removed';

export type ExtractResult = { ok: true; value: unknown; repairs: JsonRepair[] } | { ok: false; message: string };

const SMART_DOUBLE = /[“”„‟″]/g;
/** A typographic double quote standing where JSON syntax needs a straight one (next to {, [, :, , or a closing). */
const SMART_DELIMITER = /(?<=[{[,:]\s*)[“”„‟]|[“”„‟](?=\s*[:,}\]])/g;

function tryParse(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/** The first balanced {...} in `text` (string-aware), or undefined. */
export function firstJsonObject(text: string): string | undefined {
  const start = text.indexOf('{');
  if (start < 0) return undefined;
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i += 1) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i += 1;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === '{') depth += 1;
    else if (ch === '}') {
      depth -= 1;
      if (depth === 0) return text.slice(start, i + 1);
    }
  }
  return undefined;
}

/** Candidate texts, most literal first: the whole answer, a fenced block, the first balanced object. */
function candidates(content: string): Array<{ text: string; extracted: boolean }> {
  const whole = content.trim().replace(/^\uFEFF/, '');
  const out = [{ text: whole, extracted: false }];
  const fenced = /```[a-zA-Z]*\s*\n?([\s\S]*?)```/.exec(whole)?.[1]?.trim();
  if (fenced) out.push({ text: fenced, extracted: true });
  for (const source of [fenced, whole]) {
    const object = source === undefined ? undefined : firstJsonObject(source.replace(SMART_DELIMITER, '"'));
    if (object) out.push({ text: object, extracted: true });
  }
  return out;
}

/** Variants of one candidate, each with the repairs it took. */
function variants(text: string): Array<{ text: string; repairs: JsonRepair[] }> {
  const out: Array<{ text: string; repairs: JsonRepair[] }> = [{ text, repairs: [] }];
  const delimiters = text.replace(SMART_DELIMITER, '"');
  if (delimiters !== text) out.push({ text: delimiters, repairs: ['quotes_normalized'] });
  const allQuotes = text.replace(SMART_DOUBLE, '"');
  if (allQuotes !== text && allQuotes !== delimiters) out.push({ text: allQuotes, repairs: ['quotes_normalized'] });
  for (const v of [...out]) {
    const noTrailing = v.text.replace(/,(\s*[}\]])/g, '$1');
    if (noTrailing !== v.text) out.push({ text: noTrailing, repairs: [...v.repairs, 'trailing_commas_removed'] });
  }
  return out;
}

/** Parses the JSON a model answered, repairing the form defects real models produce. */
export function extractJson(content: string | null | undefined): ExtractResult {
  if (!content || content.trim() === '') return { ok: false, message: 'the answer was empty' };
  for (const candidate of candidates(content)) {
    for (const variant of variants(candidate.text)) {
      const parsed = tryParse(variant.text);
      if (!parsed.ok) continue;
      const repairs: JsonRepair[] = candidate.extracted ? ['json_extracted', ...variant.repairs] : variant.repairs;
      return { ok: true, value: parsed.value, repairs: [...new Set(repairs)] };
    }
  }
  return { ok: false, message: 'the answer is not valid JSON' };
}
