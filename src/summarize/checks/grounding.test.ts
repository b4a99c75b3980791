import { describe, expect, it } from 'vitest';
import type { Turn } from '../../domain.js';
import { groundedness, isKeyTurn, keyTurnCoverage } from './grounding.js';
import { numberWordsToDigits } from './number-words.js';

const TRANSCRIPT = `[00:00:01] customer: Hi, I was charged 142 dollars and 50 cents twice for my Pixel 8 on the 2nd of June. Order RF-55810.
[00:00:10] agent: I will refund it within three to five business days, by Friday. Your Premium Plus plan keeps 15 percent off.
[00:00:20] agent: Callback at 3 pm on 03/04, ticket 77 123 456. Card [CARD] on file.`;

describe('numberWordsToDigits', () => {
  it('turns number words into digits without merging separate numbers', () => {
    expect(numberWordsToDigits('three to five days')).toBe('3 to 5 days');
    expect(numberWordsToDigits('a hundred and forty-two dollars')).toBe('142 dollars');
    expect(numberWordsToDigits('twenty-first of June')).toBe('21st of June');
    expect(numberWordsToDigits('two and three')).toBe('2 and 3');
    expect(numberWordsToDigits('the old one, second time', { loneOne: false, loneOrdinals: false })).toBe('the old one, second time');
  });
});

describe('groundedness', () => {
  it('accepts facts restated in other forms', () => {
    const out = groundedness(
      [
        'Customer was double-charged $142.50 for a Pixel 8 on June 2nd (order rf55810).',
        'Refund of 142.50 dollars in 3-5 business days by Friday; Premium Plus plan keeps 15% off; callback 15:00 on 4/3; ticket 77123456; [CARD].',
      ],
      TRANSCRIPT,
    );
    expect(out.ungrounded).toEqual([]);
    expect(out.checked).toBeGreaterThanOrEqual(10);
    expect(out.score).toBe(1);
  });

  it('lists every invented number, amount, date, time, weekday, id and product', () => {
    const out = groundedness(['Refunded $199.99 for the Galaxy S23 on June 3, order RF-55811, within 7 days, 20% off, Monday at 4pm.'], TRANSCRIPT);
    expect(out.ungrounded.sort()).toEqual(['$199.99', '20%', '4pm', '7', 'Galaxy S23', 'June 3', 'Monday', 'RF-55811'].sort());
    expect(out.score).toBe(0);
  });

  it('scores the grounded share, and 1 when there is nothing to check', () => {
    const half = groundedness(['Refund of $142.50, plus $20 credit.'], TRANSCRIPT);
    expect(half).toMatchObject({ checked: 2, ungrounded: ['$20'], score: 0.5 });
    expect(groundedness(['The agent resolved the issue. The customer was happy.'], TRANSCRIPT)).toEqual({ score: 1, checked: 0, ungrounded: [] });
  });

  it('ignores placeholders and pronoun "one"', () => {
    expect(groundedness(['The customer gave [PHONE] and wants the old one back.'], 'agent: hi').checked).toBe(0);
  });
});

describe('keyTurnCoverage', () => {
  const t = (speaker: Turn['speaker'], text: string): Turn => ({ speaker, text, at: '' });
  const turns = [
    t('agent', 'Hello, how are you today?'),
    t('customer', 'I was charged twice for my Pixel 8'),
    t('agent', 'I will refund the double charge within three to five business days'),
    t('customer', 'Also I need to change my delivery address'),
  ];

  it('finds requests and commitments, not greetings', () => {
    expect(turns.map(isKeyTurn)).toEqual([false, true, true, true]);
  });

  it('is the share of key turns whose content the summary mentions', () => {
    expect(keyTurnCoverage('The customer was charged twice for a Pixel 8; the agent will refund it within 3 to 5 days.', turns)).toBeCloseTo(2 / 3);
    expect(keyTurnCoverage('Charged twice for a Pixel 8, refunded within 3-5 business days; delivery address changed.', turns)).toBe(1);
    expect(keyTurnCoverage('The customer called.', turns)).toBe(0);
    expect(keyTurnCoverage('anything', [t('agent', 'Hello there')])).toBe(1);
  });
});
