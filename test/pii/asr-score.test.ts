// The ASR evaluation's own correctness on hand cases: aligning redacted text, what counts as caught for spoken
// values, what counts as kept, leak checks, and the per-half tallies and target check.
import { describe, expect, it } from 'vitest';
import { evaluateHalf, judge, missedTargets, ourRedactor, type HalfResult, type Redactor } from './asr-eval.js';
import { caught, contentPositions, kept, leakedInto, maskFromSpans, survivingMask } from './asr-score.js';
import type { AsrSet, LabelledValue, SetConversation } from './asr-set/set-types.js';

/** Replaces the given spans with placeholders, as redactTurns does. */
function redact(text: string, spans: Array<[number, number]>): string {
  let out = '';
  let at = 0;
  for (const [s, e] of spans) {
    out += `${text.slice(at, s)}[X]`;
    at = e;
  }
  return out + text.slice(at);
}

const survivors = (mask: boolean[] | undefined): string => (mask ?? []).map((b) => (b ? '1' : '0')).join('');

describe('survivingMask', () => {
  it('marks exactly the replaced characters as removed', () => {
    const text = 'my card is four one one one please';
    const mask = survivingMask(text, redact(text, [[11, 27]]));
    expect(survivors(mask)).toBe(`${'1'.repeat(11)}${'0'.repeat(16)}${'1'.repeat(7)}`);
  });

  it('handles placeholders at the start, the end and several in a row of text', () => {
    const text = 'dolores quintero at four two';
    expect(survivors(survivingMask(text, redact(text, [[0, 16], [20, 28]])))).toBe(`${'0'.repeat(16)}1111${'0'.repeat(8)}`);
    expect(survivingMask(text, text)?.every(Boolean)).toBe(true);
  });

  it('finds a valid alignment when a kept piece also occurs inside a removed span', () => {
    const text = 'one two one two three one';
    const red = redact(text, [[4, 11], [20, 21]]);
    const mask = survivingMask(text, red);
    expect(mask).toBeDefined();
    // Rebuilding the redacted text from the mask gives it back.
    let rebuilt = '';
    mask!.forEach((keep, i) => (rebuilt += keep ? text[i] : i > 0 && !mask![i - 1] ? '' : '[X]'));
    expect(rebuilt).toBe(red);
  });

  it('rebuilds random redactions of repetitive spoken text', () => {
    const words = 'one two oh one two double four one'.split(' ');
    for (let seed = 1; seed < 200; seed += 1) {
      const text = Array.from({ length: 12 }, (_, i) => words[(seed * 7 + i * (seed % 5 + 1)) % words.length]).join(' ');
      const a = (seed * 13) % 30;
      const spans: Array<[number, number]> = [[a, a + 5 + (seed % 7)], [a + 20, a + 24 + (seed % 4)]].map(([s, e]) => [Math.min(s!, text.length - 1), Math.min(e!, text.length)] as [number, number]);
      const red = redact(text, spans);
      const mask = survivingMask(text, red);
      expect(mask, `${text} / ${red}`).toBeDefined();
      let rebuilt = '';
      mask!.forEach((keep, i) => (rebuilt += keep ? text[i] : i > 0 && !mask![i - 1] ? '' : '[X]'));
      expect(rebuilt).toBe(red);
    }
  });

  it('refuses text that is not a placeholder rewrite of the original', () => {
    expect(survivingMask('hello world', 'goodbye [X]')).toBeUndefined();
    expect(survivingMask('hello world', 'hello world!')).toBeUndefined();
    expect(survivingMask('ab', 'a[X]b')).toBeUndefined();
  });
});

describe('caught and kept', () => {
  const turn = 'my account is six two uh oh eight and my email is d dot quintero at mailbox dot com';
  const value = (text: string): [number, number] => [turn.indexOf(text), turn.indexOf(text) + text.length];
  const account = value('six two uh oh eight');
  const email = value('d dot quintero at mailbox dot com');

  it('counts a spoken value caught when only fillers or spoken punctuation of it survive', () => {
    const onlyDigits = maskFromSpans(turn.length, [[turn.indexOf('six'), turn.indexOf(' uh')], [turn.indexOf('oh eight'), account[1]]].map(([start, end]) => ({ start: start!, end: end! })));
    expect(caught(turn, ...account, onlyDigits)).toBe(true);
    const wordsOnly = maskFromSpans(turn.length, ['d', 'quintero', 'mailbox', 'com'].map((w) => {
      const start = email[0] + (new RegExp(`\\b${w}\\b`).exec(turn.slice(email[0]))?.index ?? -1);
      return { start, end: start + w.length };
    }));
    expect(caught(turn, ...email, wordsOnly)).toBe(true);
  });

  it('counts it missed when one content word survives', () => {
    const allButEight = maskFromSpans(turn.length, [{ start: account[0], end: turn.indexOf(' eight') }]);
    expect(caught(turn, ...account, allButEight)).toBe(false);
    expect(caught(turn, ...email, maskFromSpans(turn.length, [{ start: email[0], end: turn.indexOf(' com') }]))).toBe(false);
  });

  it('takes no content from structure words and all from the rest', () => {
    const positions = contentPositions(turn, ...email).map((i) => turn[i]).join('');
    expect(positions).toBe('dquinteromailboxcom');
  });

  it('counts a look-alike kept only when all of it survives', () => {
    const text = 'order four five one two arrived';
    const all = maskFromSpans(text.length, []);
    expect(kept(text, 6, 22, all)).toBe(true);
    expect(kept(text, 6, 22, maskFromSpans(text.length, [{ start: 17, end: 22 }]))).toBe(false);
  });
});

describe('leakedInto', () => {
  it('finds a name, a mail part or a run of three digit words; not one number word or a TLD', () => {
    expect(leakedInto('The customer Harriet called.', 'harriet pemberton')).toBe(true);
    expect(leakedInto('write to quillmail', 'h dot pemberton at quillmail dot com')).toBe(true);
    expect(leakedInto('account six two oh was checked', 'six two oh eight four')).toBe(true);
    expect(leakedInto('two boxes were sent', 'six two oh eight four')).toBe(false);
    expect(leakedInto('see example dot com', 'h dot pemberton at larkmail dot com')).toBe(false);
    expect(leakedInto('on june the twenty third', 'june twenty third nineteen seventy nine')).toBe(false);
    expect(leakedInto('born june twenty third', 'june twenty third nineteen seventy nine')).toBe(true);
  });
});

describe('evaluateHalf and judge', () => {
  const v = (kind: LabelledValue['kind'], type: LabelledValue['type'], text: string, turnText: string): LabelledValue => {
    const start = turnText.indexOf(text);
    return { kind, type, form: 'test', value: text, turn: 0, start, end: start + text.length, text };
  };
  const text = 'this is judith okafor my card is 4111 1111 1111 1111 about order ORD-55120';
  const conversation: SetConversation = {
    id: 't-1', half: 'heldout', language: 'en', media: 'message', expect: 'summarize',
    turns: [{ speaker: 'customer', text }],
    values: [v('pii', 'name', 'judith okafor', text), v('pii', 'card', '4111 1111 1111 1111', text), v('lookalike', 'order', 'ORD-55120', text)],
  };
  const set: AsrSet = { description: '', seed: 1, conversations: [conversation, { ...conversation, id: 't-2', half: 'dev' }] };
  const removeAll: Redactor = { name: 'all', survivors: (c) => c.turns.map((t) => maskFromSpans(t.text.length, [{ start: 0, end: t.text.length }])) };
  const removeNothing: Redactor = { name: 'none', survivors: (c) => c.turns.map((t) => maskFromSpans(t.text.length, [])) };

  it('tallies recall and look-alikes kept for one half only', () => {
    const all = evaluateHalf(set, 'heldout', removeAll);
    expect(all.planted.find((r) => r.type === 'card')).toEqual({ type: 'card', n: 1, ok: 1, share: 1 });
    expect(all.lookalikesKept).toMatchObject({ n: 1, ok: 0, share: 0 });
    const none = evaluateHalf(set, 'heldout', removeNothing);
    expect(none.planted.find((r) => r.type === 'name')).toEqual({ type: 'name', n: 1, ok: 0, share: 0 });
    expect(none.lookalikesKept).toMatchObject({ n: 1, ok: 1, share: 1 });
    expect(none.planted.find((r) => r.type === 'ipv4')?.n).toBe(0);
  });

  it('judges our redactor through redactTurns: the written card caught, the order id kept', () => {
    const verdicts = judge(conversation, ourRedactor().survivors(conversation));
    expect(verdicts[1]).toBe(true);
    expect(verdicts[2]).toBe(true);
  });

  it('lists the targets a result misses', () => {
    const row = (type: string, share: number) => ({ type, n: 10, ok: share * 10, share });
    const result: HalfResult = { half: 'heldout', planted: [row('card', 1), row('name', 0.9)], lookalikes: [], lookalikesKept: row('all', 0.96) };
    expect(missedTargets(result)).toEqual(['name recall 0.900 < 0.95']);
    expect(missedTargets({ ...result, planted: [row('card', 0.98)], lookalikesKept: row('all', 0.9) })).toEqual(['card recall 0.980 < 0.99', 'look-alikes kept 0.900 < 0.95']);
  });
});
