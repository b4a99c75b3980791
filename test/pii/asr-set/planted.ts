// A planted value of each type, said (voice, in the form the rotation asks for) or written (chat, e-mail).
import { spell } from '../../../src/sim/asr.js';
import type { SimRandom } from '../../../src/sim/sim-random.js';
import type { Slot } from './compose.js';
import { DATE_FORMS, DIGIT_FORMS, sayAddress, sayDate, sayDigits, sayEmail, sayIpv4, sayMixed, written, type DigitForm } from './render.js';
import type { Language, Media, PlantedType } from './set-types.js';
import * as v from './values.js';

export interface PlantContext {
  language: Language;
  media: Media;
  rng: SimRandom;
  pools: v.Pools;
  who: { first: string; last: string; female: boolean };
  /** Next index of a rotation (per half, language and key), so every form recurs in each half. */
  rotate: (key: string, n: number) => number;
  /** Whether the next written value of a type comes with odd spacing or a typo (chat, e-mail); alternates per type. */
  odd: (type: PlantedType) => boolean;
}

const writtenForm = (ctx: PlantContext, odd: boolean): string => `${ctx.media === 'message' ? 'chat' : 'email'}-${odd ? 'odd' : 'clean'}`;

/** Digit forms of a language: double/triple is an English habit. */
function digitForm(ctx: PlantContext, type: string): DigitForm {
  const forms = ctx.language === 'en' ? DIGIT_FORMS : DIGIT_FORMS.filter((f) => f !== 'digits-double');
  return forms[ctx.rotate(`digits-${type}`, forms.length)] ?? 'digits-oh';
}

const GROUPS: Record<'phone' | 'ssn', Record<Language, ReadonlyArray<readonly number[]>>> = {
  phone: { en: [[3, 3, 4]], es: [[3, 3, 3], [3, 2, 2, 2]], de: [[4, 3, 4], [4, 7]] },
  ssn: { en: [[3, 2, 4]], es: [[2, 4, 4, 2]], de: [[2, 6]] },
};

function canonical(type: Exclude<PlantedType, 'name'>, ctx: PlantContext): { value: string; address?: v.Address } {
  const { rng, language } = ctx;
  switch (type) {
    case 'account': return { value: v.account(rng) };
    case 'card': return { value: v.card(rng) };
    case 'phone': return { value: v.phone(rng, language) };
    case 'ssn': return { value: v.ssn(rng, language) };
    case 'iban': return { value: v.iban(rng, language) };
    case 'passport': return { value: v.passport(rng, language) };
    case 'ipv4': return { value: v.ipv4(rng) };
    case 'email': return { value: v.emailOf(rng, ctx.who, language) };
    case 'dob': return { value: `${rng.int(1940, 2004)}-${String(rng.int(1, 12)).padStart(2, '0')}-${String(rng.int(1, 28)).padStart(2, '0')}` };
    case 'address': {
      const address = v.address(rng, ctx.pools, language);
      const value = language === 'en' ? `${address.number} ${address.street} ${address.suffix}` : language === 'es' ? `${address.suffix} ${address.street} ${address.number}` : `${address.street}${address.suffix} ${address.number}`;
      return { value, address };
    }
  }
}

function spoken(type: Exclude<PlantedType, 'name'>, value: string, ctx: PlantContext, address?: v.Address): { text: string; form: string } {
  const { rng, language } = ctx;
  const digitsSaid = (groups: readonly number[]): { text: string; form: string } => {
    const form = digitForm(ctx, type);
    return { text: sayDigits(value.replace(/\D/g, ''), language, rng, form, groups), form };
  };
  switch (type) {
    case 'account': return digitsSaid(v.pick(rng, [[3, 3, 4], [4, 3, 3], [4], [10]]));
    case 'card': return digitsSaid(value.length === 15 ? [4, 6, 5] : [4]);
    case 'phone': return digitsSaid(v.pick(rng, GROUPS.phone[language]));
    case 'ssn': {
      if (language !== 'de') return digitsSaid(v.pick(rng, GROUPS.ssn[language]));
      const form = digitForm(ctx, type);
      return { text: sayMixed(value, language, rng, form), form };
    }
    case 'iban': {
      const form = digitForm(ctx, type);
      return { text: sayMixed(value, language, rng, form), form };
    }
    case 'passport': {
      const form = ['passport-spelled', 'passport-alphabet'][ctx.rotate('passport', 2)] ?? 'passport-spelled';
      return { text: spell(value, language, rng, { alphabet: form === 'passport-alphabet' }), form };
    }
    case 'ipv4': return { text: sayIpv4(value, language, rng), form: 'ipv4-spoken' };
    case 'email': return { text: sayEmail(value, language, rng), form: `email-${language}` };
    case 'dob': {
      const i = ctx.rotate('dob', DATE_FORMS[language].length);
      return { text: sayDate(value, language, i), form: DATE_FORMS[language][i] ?? '' };
    }
    case 'address': return { text: sayAddress(address ?? { number: '1', street: value, suffix: '' }, language, rng), form: 'address-spoken' };
  }
}

/** A planted value of `type` (not a name) in the conversation's medium. */
export function plant(type: Exclude<PlantedType, 'name'>, ctx: PlantContext): Slot {
  const { value, address } = canonical(type, ctx);
  if (ctx.media !== 'voice') {
    const odd = ctx.odd(type);
    return { kind: 'pii', type, form: writtenForm(ctx, odd), value, text: written({ type, value, language: ctx.language, odd, address }, ctx.rng) };
  }
  return { kind: 'pii', type, value, ...spoken(type, value, ctx, address) };
}

/** The caller's name in a form: full, spelled, last name after a title, or repeated by the agent. */
export function plantName(form: string, ctx: PlantContext, which: 'full' | 'last' | 'first' = 'full'): Slot {
  const { first, last } = ctx.who;
  const value = which === 'full' ? `${first} ${last}` : which === 'last' ? last : first;
  if (ctx.media !== 'voice') {
    const odd = ctx.odd('name');
    return { kind: 'pii', type: 'name', form: writtenForm(ctx, odd), value, text: written({ type: 'name', value, language: ctx.language, odd }, ctx.rng) };
  }
  const text = form === 'name-spelled' ? `${first} ${last} ${spell(last, ctx.language, ctx.rng)}` : value;
  return { kind: 'pii', type: 'name', form, value, text };
}
