// A small stopword-based language detector (en, es, fr, de, pt, nl, it) for transcripts whose source does not say.

/** Frequent function words that are distinctive enough per language (shared ones like "a" are left out). */
const STOPWORDS: Record<string, readonly string[]> = {
  en: ['the', 'and', 'is', 'you', 'that', 'it', 'to', 'of', 'my', 'have', 'with', 'this', 'for', 'what', 'can', 'thank', 'please', 'your', 'was', 'would'],
  es: ['el', 'la', 'los', 'las', 'que', 'y', 'es', 'por', 'para', 'con', 'una', 'pero', 'gracias', 'mi', 'su', 'está', 'puedo', 'usted', 'quiero', 'pedido'],
  fr: ['le', 'les', 'et', 'est', 'je', 'vous', 'pour', 'avec', 'une', 'pas', 'mais', 'merci', 'mon', 'votre', 'ce', 'qui', 'sur', 'dans', 'bonjour', 'commande'],
  de: ['der', 'die', 'das', 'und', 'ist', 'ich', 'sie', 'nicht', 'mit', 'ein', 'eine', 'für', 'auf', 'danke', 'mein', 'ihr', 'bitte', 'haben', 'auch', 'bestellung'],
  pt: ['o', 'os', 'as', 'que', 'e', 'não', 'para', 'com', 'uma', 'um', 'mas', 'obrigado', 'obrigada', 'meu', 'minha', 'você', 'está', 'pedido', 'posso', 'quero'],
  nl: ['de', 'het', 'een', 'en', 'is', 'ik', 'niet', 'met', 'voor', 'maar', 'dank', 'mijn', 'uw', 'wij', 'dat', 'kan', 'bestelling', 'graag', 'jullie', 'wel'],
  it: ['il', 'lo', 'gli', 'che', 'e', 'è', 'non', 'per', 'con', 'una', 'ma', 'grazie', 'mio', 'suo', 'sono', 'posso', 'ordine', 'vorrei', 'della', 'questo'],
};

const LOOKUP = new Map<string, string[]>();
for (const [lang, list] of Object.entries(STOPWORDS)) {
  for (const w of list) LOOKUP.set(w, [...(LOOKUP.get(w) ?? []), lang]);
}

/**
 * Guesses the language of `text` by counting stopwords (a word shared by several languages counts for each).
 * @returns the primary BCP-47 subtag (`en`, `es`, …), or `fallback` when fewer than `minHits` stopwords were seen
 * @param fallback @default 'en'
 * @param minHits @default 3
 */
export function detectLanguage(text: string, fallback = 'en', minHits = 3): string {
  const scores = new Map<string, number>();
  let hits = 0;
  for (const word of text.toLowerCase().match(/\p{L}+/gu) ?? []) {
    const langs = LOOKUP.get(word);
    if (!langs) continue;
    hits += 1;
    for (const lang of langs) scores.set(lang, (scores.get(lang) ?? 0) + 1 / langs.length);
  }
  if (hits < minHits) return fallback;
  const ranked = [...scores.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return ranked[0]?.[0] ?? fallback;
}

/** The primary subtag of a BCP-47 tag, lower-cased: `es-MX` → `es`. */
export const primaryLanguage = (tag: string): string => (tag.split(/[-_]/)[0] ?? tag).toLowerCase();
