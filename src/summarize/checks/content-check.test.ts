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
