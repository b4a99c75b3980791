// Decides whether a conversation has enough content to be worth an LLM call (an IVR-only call, a silent customer, a
// caller who only greets and hangs up).
import type { Turn } from '../../domain.js';
import { contentWords, hangUpVerdict, stripNoise } from './hang-up.js';

export interface ContentCheckOptions {
  /** Substantive customer words (fillers like "hi", "ok", "thanks" and placeholders do not count). @default 5 */
  minCustomerWords?: number;
  /** Turns by the customer or the agent. @default 2 */
  minTurns?: number;
}

/** Stable reason codes for a skipped conversation. */
export type SkipReason = 'no_turns' | 'too_few_turns' | 'no_customer_speech' | 'too_few_customer_words' | 'greeting_and_hang_up';

export type ContentVerdict = { ok: true } | { ok: false; reason: SkipReason; detail: string };

const FILLER = new Set(
  `hi hello hey yes yeah yep no nope ok okay k thanks thank you bye goodbye um uh hmm mhm er ah oh sure right fine good
  great cool alright please sorry what huh hi there`.split(/\s+/),
);

/** Customer words that carry content: letters, not fillers, not [PLACEHOLDERS], not ASR noise marks. */
export function substantiveWords(text: string): string[] {
  // A redacted value ("[ACCOUNT]") was something the customer said: it counts as one word.
  return (stripNoise(text).replace(/\[[A-Z_]+\]/g, ' redacted ').toLowerCase().match(/[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu) ?? []).filter((w) => !FILLER.has(w));
}

/** A short question ("what time do you close today") is enough when the agent answered it. */
const ANSWERED_MIN_WORDS = 3;

/** The agent said something of substance (three content words, greetings aside) after the customer first spoke. */
function answered(turns: readonly Turn[]): boolean {
  const first = turns.findIndex((t) => t.speaker === 'customer');
  const reply = turns.slice(first + 1).filter((t) => t.speaker === 'agent').map((t) => t.text).join(' \n ');
  return contentWords(reply).words.length >= 3;
}

/**
 * `{ok: true}` when the conversation has at least `minTurns` customer/agent turns and the customer said at least
 * `minCustomerWords` substantive words (three when the agent answered them), and the call is more than a greeting and
 * a hang-up; otherwise a reason code and a human-readable detail (no transcript text).
 */
export function assessContent(turns: readonly Turn[], opts: ContentCheckOptions = {}): ContentVerdict {
  const minWords = opts.minCustomerWords ?? 5;
  const minTurns = opts.minTurns ?? 2;
  const spoken = turns.filter((t) => t.text.trim() !== '');
  if (spoken.length === 0) return { ok: false, reason: 'no_turns', detail: 'the transcript has no turns with text' };
  const people = spoken.filter((t) => t.speaker === 'customer' || t.speaker === 'agent');
  if (people.length < minTurns) {
    return { ok: false, reason: 'too_few_turns', detail: `${people.length} customer/agent turn(s), fewer than ${minTurns} (${spoken.length} turn(s) in all)` };
  }
  const customer = spoken.filter((t) => t.speaker === 'customer');
  if (customer.length === 0) return { ok: false, reason: 'no_customer_speech', detail: 'the customer said nothing' };
  const words = customer.reduce((n, t) => n + substantiveWords(t.text).length, 0);
  if (words < minWords && !(words >= ANSWERED_MIN_WORDS && answered(spoken))) {
    return { ok: false, reason: 'too_few_customer_words', detail: `the customer said ${words} substantive word(s), fewer than ${minWords}` };
  }
  const hangUp = hangUpVerdict(customer, spoken.filter((t) => t.speaker === 'agent'));
  return hangUp ?? { ok: true };
}
