// Bounded scanning: whitespace runs collapsed with offsets kept, and long texts read in overlapping windows.
import { describe, expect, it } from 'vitest';
import type { Turn } from '../../domain.js';
import { findPii, redactText, redactTurns } from './pii.js';
import { WINDOW, collapseSpace, scanWindows, windows } from './pii-scan.js';

const turn = (speaker: Turn['speaker'], text: string): Turn => ({ speaker, text, at: '2024-05-01T10:00:00Z' });

describe('collapseSpace', () => {
  it('collapses runs and maps spans back over the original, runs included', () => {
    const text = 'call  me:\t\n\n Jane   Doe';
    const c = collapseSpace(text);
    expect(c.text).toBe('call me:\nJane Doe');
    const at = c.text.indexOf('Jane Doe');
    const back = c.restore({ type: 'name', start: at, end: at + 'Jane Doe'.length });
    expect(text.slice(back.start, back.end)).toBe('Jane   Doe');
  });
});

describe('scanWindows', () => {
  it('keeps every window at or under WINDOW characters and finds a value at any offset exactly once', () => {
    const text = 'x '.repeat(9000);
    expect(windows(text).every((w) => w.end - w.start <= WINDOW)).toBe(true);
    for (const at of [0, 3590, 3700, 3800, 7000, 17990]) {
      const withValue = `${text.slice(0, at)}4111 1111 1111 1111${text.slice(at + 19)}`;
      const spans = scanWindows(withValue, (w) => [...w.matchAll(/4111 1111 1111 1111/g)].map((m) => ({ type: 'card' as const, start: m.index, end: m.index + 19 })));
      expect(spans, `value at ${at}`).toEqual([{ type: 'card', start: at, end: at + 19 }]);
    }
  });
});

describe('long inputs', () => {
  it('redacts a card in the middle of a 100,000-character turn, and a PIN after a 40,000-space run', () => {
    const text = `${'the parcel was late again '.repeat(1923)}card 4111 1111 1111 1111 thanks ${'and more words here '.repeat(2500)}`;
    expect(text.length).toBeGreaterThan(100_000);
    const out = redactTurns([turn('agent', 'How can I help?'), turn('customer', text)]).turns[1]?.text ?? '';
    expect(out).toContain('card [CARD] thanks');
    expect(out).not.toContain('4111');
    expect(out.length).toBe(text.length - '4111 1111 1111 1111'.length + '[CARD]'.length);
    const spaced = `pin 1234${' '.repeat(40_000)}or my name is Jane Doe`;
    expect(redactText(spaced).text).toBe(`pin [PIN]${' '.repeat(40_000)}or my name is [NAME]`);
  });

  it('does not throw on a 40,000-character token given as a security answer', () => {
    const token = 'A-'.repeat(20_000);
    const out = redactTurns([turn('agent', 'Can you answer the security question?'), turn('customer', token), turn('customer', token)]);
    expect(out.turns).toHaveLength(3);
    expect(findPii('a'.repeat(50_000))).toEqual([]);
  });
});
