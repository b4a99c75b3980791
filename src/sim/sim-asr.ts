// A voice scenario as Speech & Text Analytics writes it: every turn through the ASR renderer (lower case, no
// punctuation, numbers, dates, amounts and e-mail addresses spoken), with each planted value rendered on its own so
// the conversation knows the exact spoken form it served (tests look for that form, not the written one).
import { renderAsr, speakDate, type AsrLanguage } from './asr.js';
import { createRandom } from './sim-random.js';
import type { Scenario, ScenarioPii } from './sim-types.js';

/** The renderer's language for a BCP-47 tag; undefined for languages it does not speak. */
export function asrLanguage(tag: string): AsrLanguage | undefined {
  const base = tag.toLowerCase().split('-')[0];
  return base === 'en' || base === 'es' || base === 'de' ? base : undefined;
}

/** A stable seed from a string (FNV-1a), so a scenario is spoken the same way every run. */
function seedOf(text: string): number {
  let h = 0x811c9dc5;
  for (const ch of text) h = Math.imul(h ^ (ch.codePointAt(0) ?? 0), 0x01000193) >>> 0;
  return h || 1;
}

const MONTH_NAMES = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

/** "22 November 1979", "November 22, 1979". */
function parseNamedDate(value: string): { year: number; month: number; day: number } | undefined {
  const m = /^(?:(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)|([a-z]+)\s+(\d{1,2})(?:st|nd|rd|th)?,?)\s+(\d{4})$/i.exec(value.trim());
  if (!m) return undefined;
  const month = MONTH_NAMES.indexOf((m[2] ?? m[3] ?? '').toLowerCase()) + 1;
  const day = Number(m[1] ?? m[4]);
  return month > 0 && day >= 1 && day <= 31 ? { year: Number(m[5]), month, day } : undefined;
}

/** Written dates of birth the scenarios use: 04/17/1986 (en-US), 17/04/1986 or 17.04.1986 (es, de), 1986-04-17, 22 November 1979. */
function parseDate(value: string, language: AsrLanguage): { year: number; month: number; day: number } | undefined {
  const named = parseNamedDate(value);
  if (named) return named;
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (iso) return { year: Number(iso[1]), month: Number(iso[2]), day: Number(iso[3]) };
  const m = /^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$/.exec(value);
  if (!m) return undefined;
  const [a, b] = [Number(m[1]), Number(m[2])];
  const [month, day] = language === 'en' ? [a, b] : [b, a];
  return month >= 1 && month <= 12 && day >= 1 && day <= 31 ? { year: Number(m[3]), month, day } : undefined;
}

/** Lower case, no punctuation: what the engine writes for a language the renderer does not speak. */
const plain = (text: string): string =>
  text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}'\s]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();

interface Speaker {
  text: (written: string) => string;
  value: (pii: ScenarioPii) => string;
}

function speakerFor(language: AsrLanguage | undefined, seed: number): Speaker {
  let n = 0;
  const text = (written: string): string => (language ? renderAsr(written, { language, seed: seed + (n += 1) }) : plain(written));
  const value = (pii: ScenarioPii): string => {
    const date = language && pii.type === 'dob' ? parseDate(pii.value, language) : undefined;
    return date && language ? speakDate(date, language, createRandom(seed + (n += 1))) : text(pii.value);
  };
  return { text, value };
}

/** One turn spoken, planted values rendered on their own; `spoken` collects each value's spoken form. */
function speakTurn(text: string, pii: readonly ScenarioPii[], speaker: Speaker, spoken: Map<ScenarioPii, string>): string {
  const hits = pii
    .map((p) => ({ p, at: text.indexOf(p.value) }))
    .filter((h) => h.at >= 0)
    .sort((a, b) => a.at - b.at);
  const parts: string[] = [];
  let from = 0;
  for (const { p, at } of hits) {
    if (at < from) continue;
    parts.push(speaker.text(text.slice(from, at)));
    const said = spoken.get(p) ?? speaker.value(p);
    spoken.set(p, said);
    parts.push(said);
    from = at + p.value.length;
  }
  parts.push(speaker.text(text.slice(from)));
  return parts.filter(Boolean).join(' ').replace(/\s+/g, ' ').trim();
}

/**
 * The scenario as the speech engine transcribes it: turns in ASR form and `pii` values as they were spoken (a value
 * that appears in no turn keeps its written form). Non-voice scenarios are returned unchanged.
 */
export function spokenScenario(scenario: Scenario): Scenario {
  if (scenario.mediaType !== 'voice') return scenario;
  const speaker = speakerFor(asrLanguage(scenario.language), seedOf(scenario.key));
  const spoken = new Map<ScenarioPii, string>();
  const turns = scenario.turns.map((turn) => ({ ...turn, text: speakTurn(turn.text, scenario.pii, speaker, spoken) }));
  return { ...scenario, turns: turns.filter((t) => t.text !== ''), pii: scenario.pii.map((p) => ({ ...p, value: spoken.get(p) ?? p.value })) };
}
