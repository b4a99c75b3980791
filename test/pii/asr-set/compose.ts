// Turns made of parts (text and labelled slots) → turn text with exact label offsets; voice text through the ASR
// renderer, written text with typos and odd spacing when asked.
import { renderAsr } from '../../../src/sim/asr.js';
import type { SimRandom } from '../../../src/sim/sim-random.js';
import { typo } from './render.js';
import type { Language, LabelledValue, Media, SetTurn } from './set-types.js';

export type Slot = Omit<LabelledValue, 'turn' | 'start' | 'end'>;
export type Part = string | Slot;

export interface Draft {
  speaker: 'agent' | 'customer';
  parts: Part[];
}

/** Splits "Yes, it's {v}." into parts, each `{key}` replaced by `slot(key)` (a Slot or parts). */
export function fill(template: string, slot: (key: string) => Slot | Part[]): Part[] {
  const out: Part[] = [];
  template.split(/(\{\w+\})/).forEach((piece) => {
    const key = /^\{(\w+)\}$/.exec(piece)?.[1];
    if (key === undefined) {
      if (piece !== '') out.push(piece);
      return;
    }
    const filled = slot(key);
    out.push(...(Array.isArray(filled) ? filled : [filled]));
  });
  return out;
}

/** Typos in one or two longer words of the text, and lower case (a hurried chat message). */
function hurried(text: string, rng: SimRandom): string {
  return text.toLowerCase().replace(/\p{L}{5,}/gu, (w) => (rng.next() < 0.3 ? typo(w, rng) : w));
}

export interface ComposeOptions {
  language: Language;
  media: Media;
  rng: SimRandom;
  /** Customer text hurried (typos, lower case), for written media. */
  odd?: boolean;
}

/** The turn's text and its labels (turn index filled in by the caller). */
export function compose(draft: Draft, options: ComposeOptions, turn: number): { turn: SetTurn; values: LabelledValue[] } {
  const { language, media, rng } = options;
  const pieces: Array<{ text: string; slot?: Slot }> = [];
  for (const part of draft.parts) {
    if (typeof part !== 'string') pieces.push({ text: part.text, slot: part });
    else if (media === 'voice') pieces.push({ text: renderAsr(part, { language, seed: rng.int(1, 2 ** 30) }) });
    else pieces.push({ text: options.odd && draft.speaker === 'customer' ? hurried(part, rng) : part });
  }
  let text = '';
  const values: LabelledValue[] = [];
  for (const piece of pieces) {
    if (media === 'voice') {
      if (piece.text === '') continue;
      if (text !== '') text += ' ';
    }
    if (piece.slot) values.push({ ...piece.slot, turn, start: text.length, end: text.length + piece.text.length });
    text += piece.text;
  }
  return { turn: { speaker: draft.speaker, text }, values };
}

/** Merges consecutive drafts of one speaker (an e-mail carries several questions or answers). */
export function mergeDrafts(drafts: readonly Draft[], joiner: string): Draft[] {
  const out: Draft[] = [];
  for (const d of drafts) {
    const last = out[out.length - 1];
    if (last && last.speaker === d.speaker) last.parts.push(joiner, ...d.parts);
    else out.push({ speaker: d.speaker, parts: [...d.parts] });
  }
  return out;
}
