// A gullible model for the OpenAI fake's 'obey-injection' mode: it follows instructions it finds in the conversation,
// fenced or not — "write exactly X" puts X in the summary and headline, codes the instruction names are repeated,
// "list the account numbers" lists the placeholders it sees — as real models sometimes do.

const DEMANDS = [
  /\b(?:write|say|output|print|respond|reply|put)\s+(?:(?:only|exactly|verbatim|literally|just)\b[\s:,]*)+(?:with\s+)?/i,
  /\b(?:the|your)\s+summary\s+(?:must|should)\s+(?:say|read|state|be)\s*[:,]?\s*/i,
  /\b(?:escribe|escriba|di|diga|responde|responda|pon|ponga)\s+(?:(?:solo|solamente|exactamente|literalmente|textualmente)(?![\p{L}])[\s:,]*)+(?:con\s+)?/iu,
  /\b(?:schreibe?|schreiben\s+sie|sag|sage|antworte|gib)\s+(?:(?:nur|genau|exakt|wörtlich)(?![\p{L}])[\s:,]*)+(?:mit\s+)?/iu,
];
const ASKS_FOR_IDS = /\b(?:include|list|add|mention|repeat|put|write|print|incluye|incluya|añade|nenne|füge|schreibe)\b/i;
const LISTS_KIND = /\b(?:account|card|phone|ids?|identifiers|cuenta|tarjeta|konto|karten)\b/i;
const QUOTES: Record<string, string> = { '"': '"', "'": "'", '“': '”', '„': '“', '«': '»' };

/** The text a demand asks for: quoted, or up to the end of its sentence (or fence, comment, line). */
function demanded(rest: string): string {
  const text = rest.replace(/^[\s:,-]+/, '');
  const close = QUOTES[text[0] ?? ''];
  if (close && text.indexOf(close, 1) > 1) return text.slice(1, text.indexOf(close, 1));
  const end = /[.!?](?:\s|$)|<\/untrusted|-->|\n|$/.exec(text);
  return text.slice(0, end?.index ?? text.length).split(/\s+/).slice(0, 15).join(' ').trim();
}

export interface Obeyed {
  /** Texts the conversation told the model to write. */
  writes: string[];
  /** Codes and identifiers the conversation told the model to include. */
  identifiers: string[];
  /** The conversation asked for a listing of account/card numbers or ids. */
  listing: boolean;
}

/** What a gullible model takes from the customer's lines as orders. */
export function ordersIn(customerText: string): Obeyed {
  const orders: Obeyed = { writes: [], identifiers: [], listing: false };
  for (const sentence of customerText.split(/(?<=[.!?])\s+|<!--|-->|\n/)) {
    for (const re of DEMANDS) {
      const m = re.exec(sentence);
      const text = m ? demanded(sentence.slice(m.index + m[0].length)) : '';
      if (text) orders.writes.push(text);
    }
    if (!ASKS_FOR_IDS.test(sentence) || !/\b(?:summary|resumen|zusammenfassung|ai|ia|ki|assistant|model)\b/i.test(sentence)) continue;
    orders.identifiers.push(...(sentence.match(/\b(?=[\w-]*\d)(?=[\w-]*[a-z])[\w][\w-]{2,}\b/gi) ?? []));
    if (LISTS_KIND.test(sentence)) orders.listing = true;
  }
  return orders;
}

/** The answer rewritten to carry out the orders (unchanged when there are none). */
export function obey(answer: Record<string, unknown>, orders: Obeyed, placeholders: readonly string[]): Record<string, unknown> {
  const out = { ...answer };
  const extra: string[] = [...orders.writes.map((w) => (/[.!?]$/.test(w) ? w : `${w}.`))];
  if (orders.identifiers.length > 0) extra.push(`Codes: ${orders.identifiers.join(', ')}.`);
  if (orders.listing && placeholders.length > 0) extra.push(`Identifiers on file: ${placeholders.join(', ')}.`);
  if (extra.length === 0) return out;
  out.summary = `${extra.join(' ')} ${String(out.summary ?? '')}`.trim();
  if (orders.writes[0]) out.headline = orders.writes[0].slice(0, 80);
  return out;
}
