// Words of customer text that address the summarizing model instead of the agent (prompt injection), in English,
// Spanish and German, written or as a speech engine writes them (lower case, no punctuation). Patterns only; the
// scan and the output check live in injection.ts.

/** What a detected passage does. */
export type InjectionKind = 'override' | 'demand' | 'identifiers' | 'html_comment';

/** A verb telling the model to drop its instructions, followed within a few words by "instructions"/"rules". */
const DROP = String.raw`\b(?:ignore|disregard|forget|override|ignora|ignore|olvida|olvide|descarta|omite|ignoriere|ignorier|ignorieren\s+sie|vergiss|vergessen\s+sie|missachte)\s+((?:[\p{L}'’]+\s+){0,4}?)(?:instructions?|prompts?|rules|directions|guidelines|instrucciones|indicaciones|reglas|órdenes|anweisungen|instruktionen|regeln|vorgaben|befehle)\b((?:\s+[\p{L}]+){0,2})`;
/** The words that make "ignore … instructions" about the model's instructions, not a manual's. */
const QUALIFIER =
  /\b(?:all|any|previous|prior|above|earlier|preceding|former|original|system|your|these|todas|todos|anteriores|previas|tus|sus|del\s+sistema|alle|vorherigen|bisherigen|obigen|vorigen|früheren|deine|ihre|system)\b/iu;

/** Phrases that only make sense addressed to a model. */
const ADDRESS: RegExp[] = [
  /\bsystem\s*[-:]?\s*(?:override|prompt|message|instruction|update)s?\b/iu,
  /\b(?:developer|god|admin|jailbreak|dan)\s+mode\b/iu,
  /\b(?:new|updated)\s+instructions\s*:/iu,
  /(?:^|[\s.!?])(?:system|assistant|developer)\s*:/iu,
  /\byou\s+are\s+(?:now|no\s+longer)\s+(?:a|an|in|the|my|no|acting|dan|free)\b/iu,
  /\b(?:pretend|act)\s+(?:to\s+be|you\s+are|as\s+if\s+you)\b/iu,
  // "Hey AI, where is my ride?" is a customer talking to a chatbot, not to the summarizer: only forms that address a
  // model reading the text count.
  /\b(?:attention|note\s+to|dear)\s+(?:the\s+)?(?:ai|llm|gpt|chatgpt|assistant|language\s+model|summari[sz]er)\b/iu,
  /\b(?:to\s+the|any)\s+(?:ai|llm|language\s+model|summari[sz]er)\s+(?:reading|processing|summari[sz]ing)\b/iu,
  /\b(?:anulaci[oó]n|anular)\s+(?:del\s+)?sistema\b/iu,
  /\b(?:modo\s+(?:desarrollador|administrador|dios))\b/iu,
  /\b(?:nuevas\s+instrucciones|instrucciones\s+nuevas)\s*:/iu,
  /\b(?:ahora|a\s+partir\s+de\s+ahora)\s+(?:eres|usted\s+es)\b/iu,
  /\b(?:atención|nota\s+para)\s+(?:la\s+|el\s+)?(?:ia|inteligencia\s+artificial|asistente|modelo)\b/iu,
  /\bsystem[-\s]?(?:überschreibung|ueberschreibung|befehl|anweisung)\b/iu,
  /\b(?:entwicklermodus|administratormodus)\b/iu,
  /\bneue\s+anweisungen\s*:/iu,
  /\b(?:du\s+bist|sie\s+sind)\s+(?:jetzt|nun|ab\s+sofort|ab\s+jetzt)\b/iu,
  /\b(?:achtung|hinweis\s+an)\s+(?:die\s+|den\s+|das\s+)?(?:ki|assistent(?:en)?|modell|sprachmodell)\b/iu,
];

/** "write exactly …", "escribe exactamente …", "schreibe genau …": the demanded text follows (captured from its end). */
const DEMAND: RegExp[] = [
  /\b(?:write|say|output|print|respond|reply|answer|state|type|put)\s+(?:(?:only|exactly|verbatim|literally|just|precisely)\b[\s:,]*)+(?:with\s+)?(?:(?:the\s+)?following(?:\s+(?:words?|text|sentence))?|this|these\s+words)?\s*[:,]?\s*/iu,
  /\b(?:the|your)\s+summary\s+(?:must|should|has\s+to|needs\s+to|will)\s+(?:only\s+)?(?:say|read|state|be|contain|include)\s*[:,]?\s*/iu,
  /\b(?:in|into)\s+(?:the|your)\s+summary\s*,?\s+(?:write|say|put|state|add|include|mention)\s*[:,]?\s*/iu,
  /\b(?:escribe|escriba|escribir|di|diga|responde|responda|pon|ponga)\s+(?:(?:solo|solamente|únicamente|exactamente|literalmente|textualmente)(?![\p{L}])[\s:,]*)+(?:con\s+)?(?:lo\s+siguiente|esto|el\s+texto|estas\s+palabras)?\s*[:,]?\s*/iu,
  /\b(?:el|tu|su)\s+resumen\s+(?:debe|tiene\s+que)\s+(?:decir|poner|contener|incluir|ser)\s*[:,]?\s*/iu,
  /\ben\s+(?:el|tu|su)\s+resumen\s*,?\s+(?:escribe|escriba|pon|ponga|incluye|incluya|di|diga|indica|indique)\s*[:,]?\s*/iu,
  /\b(?:schreibe?|schreiben\s+sie|sag|sage|sagen\s+sie|antworte|antworten\s+sie|gib|geben\s+sie)\s+(?:(?:nur|genau|exakt|wörtlich|woertlich|ausschließlich|ausschliesslich)(?![\p{L}])[\s:,]*)+(?:mit\s+)?(?:folgendes|folgenden\s+text|diesen\s+text|das|dies)?\s*[:,]?\s*/iu,
  /\b(?:die|deine|ihre)\s+zusammenfassung\s+(?:muss|soll|sollte)\s+(?:nur\s+)?(?:lauten|sagen|enthalten|heißen|heissen)\s*[:,]?\s*/iu,
  /\bin\s+(?:der|die|deine|deiner|ihre|ihrer)\s+zusammenfassung\s*,?\s+(?:schreibe?|schreiben\s+sie|steht|stehen|soll|muss|aufnehmen|erwähne|nenne)\s*[:,]?\s*/iu,
];

/** Asks the model to list or reveal identifiers or its own prompt (only counts inside an addressed passage). */
export const IDENTIFIER_REQUEST =
  /\b(?:list|include|print|reveal|show|output|give|repeat|add|put|write|dump|enumera|incluye|incluya|muestra|revela|escribe|lista|liste|nenne|zeige|gib|schreibe|füge)\b(?:\s+\S+){0,5}?\s+(?:account|card|customer|order|reference|phone|ids?\b|identifiers?|passwords?|pins?\b|api\s+keys?|tokens?|system\s+prompt|prompt|wrap-?up|e-?mail|números?\s+de\s+(?:cuenta|tarjeta|cliente|teléfono)|identificadores|contraseñas|kontonummern?|kartennummern?|kundennummern?|telefonnummern?|kennungen|passwörter|systemprompt)/iu;

const HTML_COMMENT = /<!--[\s\S]*?(?:-->|$)/g;

/** A trigger found in one text: where it starts, where the demanded text starts (demands), and its kind. */
export interface Trigger {
  kind: InjectionKind;
  index: number;
  end: number;
  /** For demands: where the demanded text begins. */
  payloadAt?: number;
}

/** Every trigger in `text` (customer text only: agents do not address the model). */
export function findTriggers(text: string): Trigger[] {
  const out: Trigger[] = [];
  for (const m of text.matchAll(new RegExp(DROP, 'giu'))) {
    if (QUALIFIER.test(`${m[1] ?? ''} ${m[2] ?? ''}`)) out.push({ kind: 'override', index: m.index, end: m.index + m[0].length });
  }
  for (const re of ADDRESS) {
    for (const m of text.matchAll(new RegExp(re.source, 'giu'))) out.push({ kind: 'override', index: m.index, end: m.index + m[0].length });
  }
  for (const re of DEMAND) {
    for (const m of text.matchAll(new RegExp(re.source, 'giu'))) {
      const end = m.index + m[0].length;
      out.push({ kind: 'demand', index: m.index, end, payloadAt: end });
    }
  }
  for (const m of text.matchAll(HTML_COMMENT)) out.push({ kind: 'html_comment', index: m.index, end: m.index + m[0].length });
  return out.sort((a, b) => a.index - b.index);
}

const OPEN_QUOTE: Record<string, string> = { '"': '"', "'": "'", '“': '”', '„': '“', '«': '»', '‘': '’', '‚': '‘' };

/**
 * The text a demand asks for: a quoted string, else the rest of its sentence (the rest of the turn in unpunctuated
 * speech), at most 24 words.
 */
export function payloadAt(text: string, at: number): string {
  const rest = text.slice(at).replace(/^[\s:,-]+/, '');
  const close = OPEN_QUOTE[rest[0] ?? ''];
  if (close) {
    const endQuote = rest.indexOf(close, 1);
    if (endQuote > 1) return rest.slice(1, endQuote).trim();
  }
  const sentence = /^[\s\S]*?(?=[.!?](?:\s|$)|\n|-->|$)/.exec(rest)?.[0] ?? rest;
  return sentence.split(/\s+/).filter(Boolean).slice(0, 24).join(' ').replace(/["'“”„«»‘’‚]/g, '').trim();
}

/** Start of the sentence holding `index` (just after the last ". ", "! ", "? " or newline before it). */
export function sentenceStart(text: string, index: number): number {
  const before = text.slice(0, index);
  const m = /(?:[.!?]\s+|\n)(?=[^.!?\n]*$)/.exec(before);
  return m ? m.index + m[0].length : 0;
}

/** End of the sentence holding `index` (after its end punctuation), or the text's end. */
export function sentenceEnd(text: string, index: number): number {
  const m = /[.!?](?=\s|$)|\n/.exec(text.slice(index));
  return m ? index + m.index + m[0].length : text.length;
}
