// Types of the labelled ASR-style PII set (test/pii/asr-set/set.json): conversations, planted values, look-alikes.

export const PLANTED_TYPES = ['name', 'account', 'dob', 'card', 'phone', 'ssn', 'address', 'email', 'passport', 'ipv4', 'iban'] as const;
export type PlantedType = (typeof PLANTED_TYPES)[number];

export const LOOKALIKE_TYPES = ['order', 'ticket', 'tracking', 'model', 'flight', 'price', 'time', 'quantity', 'date', 'version'] as const;
export type LookalikeType = (typeof LOOKALIKE_TYPES)[number];

export type Language = 'en' | 'es' | 'de';
export type Media = 'voice' | 'message' | 'email';
export type Half = 'dev' | 'heldout';

/** One labelled value: its type, how it is said or written (`form`), and the exact substring of its turn. */
export interface LabelledValue {
  kind: 'pii' | 'lookalike';
  type: PlantedType | LookalikeType;
  /** How the value is rendered: e.g. 'digits-pairs', 'date-es-long', 'name-spelled', 'email-en', 'chat-odd'. */
  form: string;
  /** The value in a canonical written form (digits, ISO date, address as written), for uniqueness checks. */
  value: string;
  turn: number;
  /** Character offsets of `text` in the turn's text (end exclusive). */
  start: number;
  end: number;
  /** Exactly `turns[turn].text.slice(start, end)`. */
  text: string;
}

export interface SetTurn {
  speaker: 'agent' | 'customer';
  text: string;
}

export interface SetConversation {
  id: string;
  half: Half;
  language: Language;
  media: Media;
  /** 'skip': only a greeting and a hang-up, to be skipped without an LLM call. */
  expect: 'summarize' | 'skip';
  /** E-mail subject (email conversations). */
  subject?: string;
  turns: SetTurn[];
  values: LabelledValue[];
}

export interface AsrSet {
  description: string;
  seed: number;
  conversations: SetConversation[];
}

/**
 * The forms the issue lists, each required in both halves: [type, form]. Written forms ('chat-…', 'email-…') are
 * required for every planted type.
 */
export const REQUIRED_FORMS: ReadonlyArray<readonly [PlantedType, string]> = [
  ['account', 'digits-oh'],
  ['account', 'digits-double'],
  ['account', 'digits-pairs'],
  ['account', 'digits-filler'],
  ['dob', 'date-en-month-first'],
  ['dob', 'date-en-the-of'],
  ['dob', 'date-es-long'],
  ['dob', 'date-de-ordinal'],
  ['name', 'name-plain'],
  ['name', 'name-spelled'],
  ['name', 'name-this-is'],
  ['name', 'name-my-name-is'],
  ['name', 'name-speaking'],
  ['name', 'name-mister'],
  ['name', 'name-miss'],
  ['name', 'name-repeated'],
  ['email', 'email-en'],
  ['email', 'email-es'],
  ['email', 'email-de'],
  ['ipv4', 'ipv4-spoken'],
  ['passport', 'passport-spelled'],
  ['address', 'address-spoken'],
  ...PLANTED_TYPES.flatMap((type) => (['chat-clean', 'chat-odd', 'email-clean', 'email-odd'] as const).map((form) => [type, form] as const)),
];
