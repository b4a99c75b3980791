// Topics, non-personal entities and the wrap-up code pick of the extractive summarizer.
import type { Entity, WrapupCode } from '../../domain.js';
import type { Line } from './extractive-lines.js';
import type { Reference } from './extractive-analysis.js';
import { findPii } from '../redact/index.js';
import { words } from '../text-utils.js';

type TopicRule = [RegExp, string, string];

/** [cue, English label, Spanish label]; counted over the conversation's sentences. */
const TOPICS: TopicRule[] = [
  [/\b(?:refund\w*|reembols\w*|devoluci[oó]n)\b/gi, 'refund', 'reembolso'],
  [/\b(?:bill(?:ing|ed)?|charged?|charges|invoice|payment|fee|factura|cobr\w+|cargo|comisi[oó]n)\b/gi, 'billing', 'facturación'],
  [/\b(?:cancel\w*|baja)\b/gi, 'cancellation', 'cancelación'],
  [/\b(?:deliver\w*|shipping|shipped|ships|parcel|courier|tracking|env[ií]o|entrega)\b/gi, 'delivery', 'entrega'],
  [/\baddress\b|\bdirecci[oó]n\b/gi, 'address change', 'cambio de dirección'],
  [/\b(?:replacement card|lost (?:my )?(?:credit |debit )?card|stolen card|card (?:is )?(?:now )?locked)\b/gi, 'card replacement', 'reposición de tarjeta'],
  [/\b(?:internet|router|wi-?fi|broadband|modem|firmware|noise margin|sync)\b/gi, 'internet connection', 'conexión a internet'],
  [/\b(?:outage|aver[ií]a)\b/gi, 'outage', 'avería'],
  [/\b(?:appointment|cita)\b/gi, 'appointment', 'cita'],
  [/\b(?:book(?:ing|ed)?|reserv\w*|rsvp)\b/gi, 'booking', 'reserva'],
  [/\b(?:membership|subscription|suscripci[oó]n)\b/gi, 'membership', 'suscripción'],
  [/\b(?:damaged|cracked|broken|defective)\b/gi, 'damaged item', 'producto dañado'],
  [/\b(?:policy|premium|insurance|declarations)\b/gi, 'insurance policy', 'póliza'],
  [/\b(?:flight|fly|airline)\b/gi, 'flight', 'vuelo'],
  [/\b(?:opening hours|store hours|close on|open on)\b|\bstore is open\b/gi, 'store hours', 'horario'],
  [/\b(?:party|venue)\b/gi, 'party', 'fiesta'],
  [/\b(?:ride|taxi|uber)\b/gi, 'ride', 'trayecto'],
  [/\b(?:hotel|room)\b/gi, 'hotel', 'hotel'],
  [/\b(?:bank|balance|transfer)\b/gi, 'banking', 'banca'],
  [/\b(?:weather|forecast|rain)\b/gi, 'weather', 'tiempo'],
  [/\b(?:doctor|clinic)\b/gi, 'doctor', 'médico'],
  [/\b(?:apartment|viewing)\b/gi, 'apartment', 'apartamento'],
  [/\bmeeting\b/gi, 'meeting', 'reunión'],
  [/\b(?:restaurant|table)\b/gi, 'restaurant', 'restaurante'],
];

const FALLBACK_STOP = new Set(['about', 'there', 'their', 'would', 'could', 'thank', 'thanks', 'please', 'great', 'right', 'which', 'where', 'should', 'today', 'other', 'thing', 'really', 'sorry', 'since', 'going', 'again', 'those', 'these', 'after', 'before', 'still', 'hello']);

/** Up to 4 topic labels, most mentioned first; the most frequent long words when no known topic appears. */
export function topicsOf(lines: readonly Line[], spanish: boolean): string[] {
  const text = lines.filter((l) => !(l.speaker === 'agent' && l.text.endsWith('?'))).map((l) => l.text.replace(/\[[A-Z_]+\]/g, ' ')).join(' ');
  const counted = TOPICS.map(([re, en, es]) => ({ label: spanish ? es : en, n: text.match(re)?.length ?? 0 })).filter((t) => t.n > 0);
  const topics = counted.sort((a, b) => b.n - a.n).slice(0, 4).map((t) => t.label);
  if (topics.length > 0) return topics;
  const freq = new Map<string, number>();
  for (const w of words(text)) if (w.length >= 5 && !FALLBACK_STOP.has(w)) freq.set(w, (freq.get(w) ?? 0) + 1);
  return [...freq.entries()].filter(([, n]) => n >= 2).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, 2).map(([w]) => w);
}

const PRODUCT = /\bmy\s+((?:new\s+|old\s+)?(?:blender|router|modem|laptop|phone|tablet|printer|headphones|camera|watch|tv|television|fridge|washer|dryer|(?:running\s+)?shoes|jacket|mattress|sofa|bike|console))\b/gi;
const PLAN = /\b((?:[A-Z][\w+]*\s+){1,2})(plan|subscription|tier|package|bundle)\b/g;
const FLIGHT = /\bflight\s+([A-Z]{2}\s?\d{2,4})\b/g;

/** Products, plans and reference ids named in the conversation; anything personal or redacted is left out. */
export function entitiesOf(lines: readonly Line[], refs: readonly Reference[]): Entity[] {
  const text = lines.map((l) => l.text).join(' ');
  const found: Entity[] = [
    ...[...text.matchAll(PRODUCT)].map((m): Entity => ({ type: 'product', value: m[1]!.toLowerCase() })),
    ...[...text.matchAll(PLAN)].map((m): Entity => ({ type: 'plan', value: `${m[1]!}${m[2]!}` })),
    ...[...text.matchAll(FLIGHT)].map((m): Entity => ({ type: 'other', value: `flight ${m[1]!}` })),
    ...refs.map((r): Entity => ({ type: 'order_reference', value: r.id })),
  ];
  const seen = new Set<string>();
  return found
    .filter((e) => !e.value.includes('[') && findPii(e.value).length === 0)
    .filter((e) => !seen.has(e.value.toLowerCase()) && (seen.add(e.value.toLowerCase()), true))
    .slice(0, 8);
}

const stem = (w: string): string => w.replace(/(?:ing|ed|es|s)$/, '').slice(0, 6);
const GENERIC_CODE_WORDS = new Set(['and', 'the', 'for', 'with', 'other', 'general', 'misc', 'call', 'to', 'of', 'by']);
const codeWords = (part: string): string[] => words(part).flatMap((w) => w.split('-')).filter((w) => w.length >= 3 && !GENERIC_CODE_WORDS.has(w)).map(stem);

/**
 * The wrap-up code whose name is clearly supported by the summary's evidence (intent, outcome, topics, status words):
 * every word of its last part ("Refund issued" in "Billing - Refund issued") must appear; category words add weight,
 * also through `categoryEvidence` (words a topic implies, such as "billing" for refunds).
 * Null when none matches; the most specific match wins, ties go to list order.
 */
export function pickWrapupCode(codes: readonly WrapupCode[], evidence: string, categoryEvidence = ''): WrapupCode | null {
  const toBag = (text: string): Set<string> => new Set(words(text).flatMap((w) => w.split('-')).map(stem));
  const bag = toBag(evidence);
  const categoryBag = toBag(`${evidence} ${categoryEvidence}`);
  let best: { code: WrapupCode; score: number } | null = null;
  for (const code of codes) {
    const parts = code.name.split(/\s+[-–—:/|>]\s+|:\s*/).filter((p) => p.trim());
    const last = codeWords(parts.at(-1) ?? '');
    if (last.length === 0 || !last.every((w) => bag.has(w))) continue;
    const category = parts.slice(0, -1).flatMap(codeWords);
    const score = last.length + category.filter((w) => categoryBag.has(w)).length;
    if (!best || score > best.score) best = { code, score };
  }
  return best?.code ?? null;
}
