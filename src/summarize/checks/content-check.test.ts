import { describe, expect, it } from 'vitest';
import type { Turn } from '../../domain.js';
import { assessContent } from './content-check.js';

const t = (speaker: Turn['speaker'], text: string): Turn => ({ speaker, text, at: '2024-05-01T10:00:00Z' });

describe('assessContent', () => {
  it('accepts a real exchange', () => {
    expect(assessContent([t('agent', 'How can I help?'), t('customer', 'I was charged twice for my order last week')])).toEqual({ ok: true });
  });

  it('skips empty, IVR-only, silent and filler-only conversations with a reason code', () => {
    expect(assessContent([])).toMatchObject({ ok: false, reason: 'no_turns' });
    expect(assessContent([t('ivr', 'Press 1 for billing'), t('ivr', 'Goodbye')])).toMatchObject({ ok: false, reason: 'too_few_turns' });
    expect(assessContent([t('agent', 'Hello?'), t('agent', 'Anyone there?')])).toMatchObject({ ok: false, reason: 'no_customer_speech' });
    expect(assessContent([t('agent', 'Hello, how can I help?'), t('customer', 'Hi. Um, ok, thanks, bye [NAME]')])).toMatchObject({
      ok: false,
      reason: 'too_few_customer_words',
    });
  });

  it('honours the thresholds', () => {
    const turns = [t('agent', 'Hello'), t('customer', 'refund please now')];
    expect(assessContent(turns).ok).toBe(false);
    expect(assessContent(turns, { minCustomerWords: 2 })).toEqual({ ok: true });
    expect(assessContent([t('customer', 'I need a refund for my broken phone')], { minTurns: 1 })).toEqual({ ok: true });
  });
});

describe('a greeting and a hang-up', () => {
  const hello = t('agent', 'Thank you for calling Northwind, this is Priya, how can I help you today?');
  const skipped = (turns: Turn[]) => assessContent(turns);

  it.each([
    ['English, ASR', [hello, t('customer', "hi it's about the order oh hang on sorry i'll call back"), t('agent', 'sure no problem bye')]],
    ['English, written', [hello, t('customer', 'Hi, yes, quick question about my bill. Oh, sorry, hold on. I will call you back later.'), t('agent', 'Of course, goodbye.')]],
    ['English, cannot hear', [hello, t('customer', 'hello hello can you hear me [silence]'), t('agent', 'hello are you there'), t('customer', 'hello hello … i will call back')]],
    ['Spanish', [t('agent', 'Gracias por llamar, ¿en qué puedo ayudarle?'), t('customer', 'hola buenas llamaba por lo del pedido ay perdón un momento le llamo luego'), t('agent', 'de acuerdo adiós')]],
    ['German', [t('agent', 'Guten Tag, Sie sprechen mit Jonas, wie kann ich helfen?'), t('customer', 'hallo es geht um die bestellung oh moment entschuldigung ich rufe später zurück'), t('agent', 'kein problem tschüss')]],
    ['German, "ich melde mich"', [t('agent', 'Guten Tag, wie kann ich helfen?'), t('customer', 'hallo wegen der rechnung oh entschuldigung ich melde mich später')], ],
  ] as const)('is skipped with its own reason (%s)', (_name, turns) => {
    expect(skipped([...turns])).toMatchObject({ ok: false, reason: 'greeting_and_hang_up' });
  });

  it.each([
    ['a short real call', [hello, t('customer', 'hi what time do you close today'), t('agent', 'we close at eight tonight'), t('customer', 'great thanks bye')]],
    [
      'a short call that ends with "I will call back"',
      [hello, t('customer', "hi i can't log in to my account since this morning"), t('agent', 'I have reset your password, check your email for the link'), t('customer', "got it thanks i'll call back if it doesn't work")],
    ],
    ['a Spanish question answered', [t('agent', 'Buenos días'), t('customer', 'hola quería saber si mi pedido ya salió, espere un momento'), t('agent', 'sí, salió ayer y llega el viernes')]],
  ] as const)('keeps %s', (_name, turns) => {
    expect(skipped([...turns])).toEqual({ ok: true });
  });
});
